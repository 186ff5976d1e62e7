"""Routes of a workspace (organization): the workspace, its members, memberships and boards.

A workspace is named by id or name. ``/organizations/{id}`` is also the nested call
(``?members=all&member_fields=…&memberships=all``), as the board's is; its own feed is
served with the board feeds (:mod:`trello_emulator.routes.actions`). The filters:

* members (``/members?filter=``, nested ``members=``): ``all`` (everyone with a membership,
  the deactivated and the unconfirmed too), ``normal`` (all but the deactivated),
  ``admins`` and ``owners`` (the admins who are not deactivated: a workspace has no other
  owners), ``none``. No recording shows which one ``/members`` takes by default: the
  emulator takes ``normal``, the reading that leaves people out, so a client that wants
  everyone must say ``filter=all``;
* memberships: ``all`` or a comma list of ``active`` (not deactivated), ``admin``,
  ``deactivated``, ``me`` (the token's member) and ``normal``, each keeping its own.

Members come with ``{id, fullName, username}`` unless ``fields``/``member_fields`` say
otherwise, as a board's do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trello_emulator.model.members import MEMBER_DEFAULT_FIELDS

from .actions import action_types, feed_page
from .members import board_filter
from .params import ApiError, dumps, parse_fields, project, truthy

if TYPE_CHECKING:
    from collections.abc import Callable

    from werkzeug.wrappers import Request

    from .api import TrelloApi

MEMBER_FILTERS = ("all", "normal", "admins", "owners", "none")
MEMBERSHIP_FILTERS = ("active", "admin", "deactivated", "me", "normal")


def members_kept(memberships: list[dict[str, Any]], filt: str, name: str = "filter") -> list[str]:
    """Ids of the members a members filter keeps, in membership order."""
    if filt not in MEMBER_FILTERS:
        raise ApiError(400, f"invalid value for {name}")
    if filt == "none":
        return []
    if filt == "all":
        return [m["idMember"] for m in memberships]
    admins = filt in ("admins", "owners")
    return [
        m["idMember"]
        for m in memberships
        if not m["deactivated"] and (m["memberType"] == "admin" or not admins)
    ]


def memberships_kept(
    api: TrelloApi, memberships: list[dict[str, Any]], filt: str, name: str = "filter"
) -> list[dict[str, Any]]:
    """The memberships a memberships filter (``all`` or a comma list) keeps, in order."""
    if filt == "all":
        return memberships
    wanted = {f.strip() for f in filt.split(",") if f.strip()}
    if not wanted or wanted - set(MEMBERSHIP_FILTERS):
        raise ApiError(400, f"invalid value for {name}")
    tests: dict[str, Callable[[dict[str, Any]], bool]] = {
        "active": lambda m: not m["deactivated"],
        "admin": lambda m: m["memberType"] == "admin",
        "deactivated": lambda m: m["deactivated"],
        "me": lambda m: m["idMember"] == api.ws.me_id,
        "normal": lambda m: m["memberType"] == "normal",
    }
    return [m for m in memberships if any(tests[w](m) for w in wanted)]


def get_organization(api: TrelloApi, req: Request, oid: str) -> bytes:
    """``/organizations/{id}``: every field unless ``fields``, and the nested parts asked.

    ``members``/``member_fields``, ``memberships`` (``memberships_member=true`` nests each
    member, ``memberships_member_fields``) and ``actions`` (``actions_limit``...).
    """
    ws = api.ws
    org_id = api.org_id(oid)
    a = req.args
    out = dict(project(ws.organizations[org_id], parse_fields(a.get("fields"), None)))
    memberships = ws.organization_memberships(org_id)
    members = a.get("members", "none")
    if members != "none":
        fields = parse_fields(a.get("member_fields"), MEMBER_DEFAULT_FIELDS)
        kept = members_kept(memberships, members, "members")
        out["members"] = [ws.member_view(m, fields) for m in kept]
    filt = a.get("memberships", "none")
    if filt != "none":
        recs = memberships_kept(api, memberships, filt, "memberships")
        if truthy(a.get("memberships_member")):
            fields = parse_fields(a.get("memberships_member_fields"), MEMBER_DEFAULT_FIELDS)
            recs = [{**m, "member": ws.member_view(m["idMember"], fields)} for m in recs]
        out["memberships"] = recs
    if a.get("actions", "none") != "none":
        feed = ws.organization_actions_index(org_id, action_types(a["actions"]))
        out["actions"] = feed_page(
            api, feed, a, "actions_limit", a.get("actions_fields"), prefix="actions_"
        )
    return dumps(out)


def get_organization_members(api: TrelloApi, req: Request, oid: str) -> bytes:
    """``/organizations/{id}/members``: ``filter`` (``normal`` by default), ``fields``."""
    ws = api.ws
    org_id = api.org_id(oid)
    fields = parse_fields(req.args.get("fields"), MEMBER_DEFAULT_FIELDS)
    kept = members_kept(ws.organization_memberships(org_id), req.args.get("filter", "normal"))
    return dumps([ws.member_view(m, fields) for m in kept])


def get_organization_memberships(api: TrelloApi, req: Request, oid: str) -> bytes:
    """``/organizations/{id}/memberships``: ``filter``; ``member=true`` nests each member."""
    ws = api.ws
    org_id = api.org_id(oid)
    recs = memberships_kept(api, ws.organization_memberships(org_id), req.args.get("filter", "all"))
    if truthy(req.args.get("member")):
        recs = [{**m, "member": ws.member_view(m["idMember"])} for m in recs]
    return dumps(recs)


def get_organization_boards(api: TrelloApi, req: Request, oid: str) -> bytes:
    """``/organizations/{id}/boards``: the visible ones (every field by default)."""
    ws = api.ws
    org_id = api.org_id(oid)
    boards = [b for b in ws.organizations[org_id]["idBoards"] if ws.is_visible(b)]
    boards = board_filter(api, boards, req.args.get("filter", "all"))
    fields = parse_fields(req.args.get("fields"), None)
    return dumps([project(ws.boards[b], fields) for b in boards])
