"""Routes of members: who the token is, which boards it sees, which workspaces it is in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .params import ApiError, dumps, parse_fields, project

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
    member = api.ws.member_record(api.member_id(mid))
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
    member = api.ws.member_record(api.member_id(mid))
    fields = parse_fields(req.args.get("fields"), None)
    return dumps([project(api.ws.organizations[o], fields) for o in member["idOrganizations"]])
