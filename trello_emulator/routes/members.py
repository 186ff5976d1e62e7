"""Routes of members and organizations: who the token is, and which boards it sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trello_emulator.model.ids import id_second, parse_iso_ms
from trello_emulator.model.members import MEMBER_DEFAULT_FIELDS

from .params import ApiError, dumps, given, parse_fields, parse_limit, project

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

    from .api import TrelloApi


def board_filter(api: TrelloApi, boards: list[str], filt: str) -> list[str]:
    """Boards kept by a boards ``filter`` (all, open, closed, starred, pinned...)."""
    recs = api.ws.boards
    if filt in ("all", "members", "organization", "public"):
        return boards
    if filt == "open":
        return [b for b in boards if not recs[b]["closed"]]
    if filt == "closed":
        return [b for b in boards if recs[b]["closed"]]
    if filt == "starred":
        return [b for b in boards if recs[b]["starred"]]
    if filt in ("pinned", "unpinned"):
        return [b for b in boards if recs[b]["pinned"] == (filt == "pinned")]
    raise ApiError(400, "invalid value for filter")


def get_member(api: TrelloApi, req: Request, mid: str) -> bytes:
    """``/members/{id}``: every field unless ``fields``."""
    member = api.ws.members[api.member_id(mid)]
    return dumps(project(member, parse_fields(req.args.get("fields"), None)))


def get_member_boards(api: TrelloApi, req: Request, mid: str) -> bytes:
    """``/members/{id}/boards``: the boards the member is on (every field by default)."""
    member_id = api.member_id(mid)
    boards = [b for b in api.ws.boards if api.ws.is_visible(b, member_id)]
    boards = board_filter(api, boards, req.args.get("filter", "all"))
    fields = parse_fields(req.args.get("fields"), None)
    return dumps([project(api.ws.boards[b], fields) for b in boards])


def get_member_organizations(api: TrelloApi, req: Request, mid: str) -> bytes:
    """``/members/{id}/organizations``."""
    member = api.ws.members[api.member_id(mid)]
    fields = parse_fields(req.args.get("fields"), None)
    return dumps([project(api.ws.organizations[o], fields) for o in member["idOrganizations"]])


def get_organization(api: TrelloApi, req: Request, oid: str) -> bytes:
    """``/organizations/{id}``."""
    fields = parse_fields(req.args.get("fields"), None)
    return dumps(project(api.ws.organizations[api.org_id(oid)], fields))


def get_organization_members(api: TrelloApi, req: Request, oid: str) -> bytes:
    """``/organizations/{id}/members``: {id, fullName, username} by default."""
    org_id = api.org_id(oid)
    fields = parse_fields(req.args.get("fields"), MEMBER_DEFAULT_FIELDS)
    return dumps(
        [
            api.ws.member_view(m, fields)
            for m, rec in api.ws.members.items()
            if org_id in rec.get("idOrganizations", [])
        ]
    )


def get_organization_memberships(api: TrelloApi, req: Request, oid: str) -> bytes:  # noqa: ARG001
    """``/organizations/{id}/memberships``."""
    return dumps(api.ws.organizations[api.org_id(oid)].get("memberships", []))


def get_organization_actions(api: TrelloApi, req: Request, oid: str) -> bytes:
    """Actions of the workspace's visible boards, newest first (``limit``, ``since``)."""
    ws = api.ws
    org_id = api.org_id(oid)
    limit = parse_limit(req.args.get("limit"), 50)
    acts = [
        a
        for b in ws.organizations[org_id]["idBoards"]
        if ws.is_visible(b)
        for a in ws.board_actions(b)
    ]
    since = req.args.get("since")
    if given(since):
        kind, val = api.parse_bound(since)
        if kind == "id":
            acts = [a for a in acts if id_second(a["id"]) > val]
        else:
            acts = [a for a in acts if parse_iso_ms(a["date"]) > val]
    acts.sort(key=lambda a: (a["date"], a["id"]), reverse=True)
    return dumps(acts[:limit])


def get_organization_boards(api: TrelloApi, req: Request, oid: str) -> bytes:
    """``/organizations/{id}/boards``: the visible ones (every field by default)."""
    ws = api.ws
    org_id = api.org_id(oid)
    boards = [b for b in ws.organizations[org_id]["idBoards"] if ws.is_visible(b)]
    boards = board_filter(api, boards, req.args.get("filter", "all"))
    fields = parse_fields(req.args.get("fields"), None)
    return dumps([project(ws.boards[b], fields) for b in boards])
