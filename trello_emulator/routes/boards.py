"""Routes of a board and what hangs off it: lists, labels, members, checklists and more.

``/boards/{id}`` is also the nested board call that fetches several of them at once
(``?lists=all&labels=all&customFields=true&memberships=all...``), as the tap does;
``pluginData=true`` adds the board's own Power-Up data (``scope: board``), and
``card_pluginData=true`` each nested card's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trello_emulator.model.boards import BOARD_DEFAULT_FIELDS
from trello_emulator.model.members import MEMBER_DEFAULT_FIELDS

from .actions import actions_page
from .cards import card_views, nested_cards
from .params import ApiError, dumps, parse_fields, parse_limit, project, truthy

if TYPE_CHECKING:
    from typing import Any

    from werkzeug.wrappers import Request

    from .api import TrelloApi


def get_board(api: TrelloApi, req: Request, bid: str) -> bytes:
    """``/boards/{id}``: the board (default fields unless ``fields``) and nested objects."""
    bid = api.board_id(bid)
    ws = api.ws
    a = req.args
    out = dict(project(ws.boards[bid], parse_fields(a.get("fields"), BOARD_DEFAULT_FIELDS)))
    if a.get("actions", "none") != "none":
        types = None if a["actions"] == "all" else tuple(a["actions"].split(","))
        out["actions"] = actions_page(
            api, bid, types, a, "actions_limit", a.get("actions_fields"), prefix="actions_"
        )
    cards = a.get("cards", "none")
    if cards != "none":
        every = nested_cards(api, bid, cards, a)
        out["cards"] = card_views(api, every, a, prefix="card_", fields_key="card_fields")
    lists = a.get("lists", "none")
    if lists != "none":
        if lists not in ("all", "open", "closed"):
            raise ApiError(400, "invalid value for lists")
        lf = parse_fields(a.get("list_fields"), None)
        out["lists"] = [project(x, lf) for x in ws.board_lists(bid, lists)]
    if a.get("labels", "none") != "none":
        limit = parse_limit(a.get("labels_limit"), 50, "labels_limit")
        lf = parse_fields(a.get("label_fields"), None)
        out["labels"] = [project(x, lf) for x in ws.board_labels(bid)[:limit]]
    if a.get("members", "none") != "none":
        mf = parse_fields(a.get("member_fields"), MEMBER_DEFAULT_FIELDS)
        out["members"] = ws.board_members(bid, mf)
    ms = a.get("memberships", "none")
    if ms != "none":
        out["memberships"] = memberships_filtered(ws.board_memberships(bid), ms)
    out.update(board_extras(api, bid, a))
    return dumps(out)


def board_extras(api: TrelloApi, bid: str, a: Any) -> dict[str, Any]:
    """The board's checklists, custom fields and Power-Up data, when asked."""
    ws = api.ws
    out: dict[str, Any] = {}
    if a.get("checklists", "none") != "none":
        out["checklists"] = ws.board_checklists(bid)
    if truthy(a.get("customFields")):
        out["customFields"] = ws.board_custom_fields(bid)
    if truthy(a.get("pluginData")):
        out["pluginData"] = ws.model_plugin_data(bid)
    return out


def memberships_filtered(recs: list[dict[str, Any]], filt: str) -> list[dict[str, Any]]:
    """Memberships kept by a memberships filter (all, active, admin, none)."""
    if filt == "active":
        return [m for m in recs if not m["deactivated"]]
    if filt == "admin":
        return [m for m in recs if m["memberType"] == "admin"]
    if filt == "none":
        return []
    return recs


def get_board_lists(api: TrelloApi, req: Request, bid: str) -> bytes:
    """``/boards/{id}/lists``: open lists unless ``filter``; ``cards`` nests their cards."""
    bid = api.board_id(bid)
    filt = req.args.get("filter", "open")
    if filt not in ("all", "open", "closed", "none"):
        raise ApiError(400, "invalid value for filter")
    lists = [] if filt == "none" else api.ws.board_lists(bid, filt)
    fields = parse_fields(req.args.get("fields"), None)
    out = []
    for lst in lists:
        v = project(lst, fields)
        cards = req.args.get("cards", "none")
        if cards != "none":
            v = {
                **v,
                "cards": card_views(
                    api,
                    list(api.ws.list_cards(lst["id"], "all" if cards == "all" else "open")),
                    req.args,
                    "card_",
                    "card_fields",
                ),
            }
        out.append(v)
    return dumps(out)


def get_board_labels(api: TrelloApi, req: Request, bid: str) -> bytes:
    """``/boards/{id}/labels``: 50 unless ``limit`` (up to 1000)."""
    bid = api.board_id(bid)
    limit = parse_limit(req.args.get("limit"), 50)
    fields = parse_fields(req.args.get("fields"), None)
    return dumps([project(x, fields) for x in api.ws.board_labels(bid)[:limit]])


def get_board_members(api: TrelloApi, req: Request, bid: str) -> bytes:
    """``/boards/{id}/members``: {id, fullName, username} unless ``fields``."""
    bid = api.board_id(bid)
    fields = parse_fields(req.args.get("fields"), MEMBER_DEFAULT_FIELDS)
    return dumps(api.ws.board_members(bid, fields))


def get_board_memberships(api: TrelloApi, req: Request, bid: str) -> bytes:
    """``/boards/{id}/memberships``; ``member=true`` nests each member."""
    bid = api.board_id(bid)
    recs = memberships_filtered(api.ws.board_memberships(bid), req.args.get("filter", "all"))
    if truthy(req.args.get("member")):
        recs = [{**m, "member": api.ws.member_view(m["idMember"])} for m in recs]
    return dumps(recs)


def get_board_checklists(api: TrelloApi, req: Request, bid: str) -> bytes:
    """``/boards/{id}/checklists`` with their check items (``checkItems=none``: without)."""
    bid = api.board_id(bid)
    cls = api.ws.board_checklists(bid)
    if req.args.get("checkItems", "all") == "none":
        cls = [{k: v for k, v in c.items() if k != "checkItems"} for c in cls]
    fields = parse_fields(req.args.get("fields"), None)
    if fields is not None:
        keep = set(fields) | {"id", "checkItems"}
        cls = [{k: v for k, v in c.items() if k in keep} for c in cls]
    return dumps(cls)


def get_board_custom_fields(api: TrelloApi, req: Request, bid: str) -> bytes:  # noqa: ARG001
    """``/boards/{id}/customFields``: the definitions."""
    return dumps(api.ws.board_custom_fields(api.board_id(bid)))


def get_list(api: TrelloApi, req: Request, lid: str) -> bytes:
    """``/lists/{id}``."""
    lst = api.on_visible_board(api.ws.lists, lid)
    return dumps(project(lst, parse_fields(req.args.get("fields"), None)))


def get_board_plugin_data(api: TrelloApi, req: Request, bid: str) -> bytes:  # noqa: ARG001
    """``/boards/{id}/pluginData``: the board's own Power-Up data (``scope: board``)."""
    return dumps(api.ws.model_plugin_data(api.board_id(bid)))
