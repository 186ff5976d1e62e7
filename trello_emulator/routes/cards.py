"""Routes that answer cards: a board's cards (paged), a list's cards, one card.

A board's cards come newest id first in pages of at most 1000, each page itself in no
order (shuffled deterministically, as Trello's are unsorted); ``before``/``since`` bound
them by creation second, whether given an id or a date. ``customFieldItems``,
``attachments``, ``checklists`` and ``members`` nest those objects in each card; an answer
that would nest more than ``api.max_nested_objects`` of them is refused (403), as Trello
refuses over-large answers rather than truncate them. ``pluginData=true`` (``card_pluginData``
nested) adds each card's Power-Up data; without it no card carries a ``pluginData`` key, as
in every recorded card answer (``pluginData`` is not a card field: ``fields=pluginData``
names nothing).
"""

from __future__ import annotations

import bisect
import random
from typing import TYPE_CHECKING, Any

from trello_emulator.model.ids import is_object_id, iso_ms

from .params import (
    MAX_LIMIT,
    NOT_FOUND,
    ApiError,
    dumps,
    given,
    parse_fields,
    parse_limit,
    project,
    truthy,
)

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

    from .api import TrelloApi


def cards_page(
    api: TrelloApi, bid: str, filt: str, a: Any, prefix: str = ""
) -> list[dict[str, Any]]:
    """One page of a board's cards (``filter``, ``limit``, ``before``, ``since``), unsorted.

    ``prefix`` is ``card_`` when the cards are nested in ``/boards/{id}?cards=...``.
    """
    if filt == "visible":
        filt = "open"
    if filt == "none":
        return []
    if filt not in ("all", "open", "closed"):
        raise ApiError(400, "invalid value for filter")
    limit = parse_limit(a.get(prefix + "limit") if prefix else a.get("limit"), MAX_LIMIT)
    cards, secs = api.ws.cards_index(bid, filt)
    lo, hi = 0, len(cards)
    before = a.get("before")
    since = a.get("since")
    if given(before):
        kind, val = api.parse_bound(before)
        sec_bound = val if kind == "id" else -(-val // 1000)
        hi = bisect.bisect_left(secs, sec_bound)
    if given(since):
        kind, val = api.parse_bound(since)
        lo = bisect.bisect_right(secs, val if kind == "id" else val // 1000)
    page = cards[max(lo, hi - limit) : hi] if hi > lo else []
    if len(page) > 1:
        page = list(page)
        random.Random(f"{page[0]['id']}:{page[-1]['id']}:{len(page)}").shuffle(page)
    return page


def nested_cards(api: TrelloApi, bid: str, filt: str, a: Any) -> list[dict[str, Any]]:
    """The cards of ``/boards/{id}?cards=<filter>``: unpaged, refused when too many.

    ``card_modifiedSince`` (an ISO date or an id) keeps the cards whose
    ``dateLastActivity`` is after it (to the millisecond, or at the id's second).
    """
    if filt == "visible":
        filt = "open"
    if filt not in ("all", "open", "closed"):
        raise ApiError(400, "invalid value for cards")
    cards = api.ws.cards_index(bid, filt)[0]
    since = a.get("card_modifiedSince")
    if given(since):
        kind, val = api.parse_bound(since)
        after = iso_ms(val * 1000 + 999 if kind == "id" else val)
        cards = [c for c in cards if (c["dateLastActivity"] or "") > after]
    api.refuse_many_nested_cards(len(cards))
    if api.max_nested_objects is not None:
        nested = {
            "checklists": a.get("checklists", "none"),
            "attachments": a.get("card_attachments", "false"),
            "customFieldItems": a.get("card_customFieldItems", "false"),
        }
        api.refuse_if_too_big(nested_objects(api, cards, nested))
    return list(cards)


def card_views(
    api: TrelloApi,
    cards: list[dict[str, Any]],
    a: Any,
    prefix: str = "",
    fields_key: str = "fields",
) -> list[dict[str, Any]]:
    """Cards as the request asks: projected on ``fields``, with nested objects."""
    fields = parse_fields(a.get(fields_key), None)
    cfi = truthy(a.get(prefix + "customFieldItems"))
    att_arg = a.get(prefix + "attachments", "false")
    att = att_arg.lower() not in ("false", "none", "0")
    chk = a.get(prefix + "checklists", "none") != "none"
    mem = truthy(a.get(prefix + "members"))
    plg = truthy(a.get(prefix + "pluginData"))
    if fields is None and not (cfi or att or chk or mem or plg):
        return cards
    out = []
    for c in cards:
        v = project(c, fields)
        if cfi or att or chk or mem or plg:
            v = api.ws.card_with_extras(
                v
                if fields is None
                else {**v, "idChecklists": c["idChecklists"], "idMembers": c["idMembers"]},
                custom_field_items=cfi,
                attachments=att,
                checklists=chk,
                members=mem,
                plugin_data=plg,
            )
            if fields is not None:
                for k in ("idChecklists", "idMembers"):
                    if k not in fields:
                        v.pop(k, None)
        out.append(v)
    return out


def cards_json(api: TrelloApi, cards: list[dict[str, Any]], a: Any) -> bytes:
    """Serialize cards; the common case (every field) reuses cached per-card JSON."""
    if a.get("fields") not in (None, "all"):
        return dumps(card_views(api, cards, a))
    ws = api.ws
    wanted = {
        "attachments": a.get("attachments", "false").lower() not in ("false", "none", "0"),
        "custom_field_items": truthy(a.get("customFieldItems")),
        "checklists": a.get("checklists", "none") != "none",
        "members": truthy(a.get("members")),
        "plugin_data": truthy(a.get("pluginData")),
    }
    nested = any(wanted.values())
    if api.card_json_label_version != ws.label_version:
        api.card_json.clear()
        api.card_json_label_version = ws.label_version
    cache = api.card_json
    parts = []
    for c in cards:
        hit = cache.get(c["id"])
        if hit is None or hit[0] is not c:
            hit = (c, dumps(c))
            cache[c["id"]] = hit
        body = hit[1]
        if nested:
            body = body[:-1] + b"," + dumps(card_extras(api, c, wanted))[1:]
        parts.append(body)
    return b"[" + b",".join(parts) + b"]"


def card_extras(api: TrelloApi, card: dict[str, Any], wanted: dict[str, bool]) -> dict[str, Any]:
    """Only the nested objects ``wanted`` (``card_with_extras`` flags) of a card, in order."""
    bare = {"id": card["id"], "idChecklists": card["idChecklists"], "idMembers": card["idMembers"]}
    extra = api.ws.card_with_extras(bare, **wanted)
    return {k: v for k, v in extra.items() if k not in bare}


def nested_objects(api: TrelloApi, cards: list[dict[str, Any]], a: Any) -> int:
    """How many checklists, attachments and custom field items an answer would nest."""
    ws = api.ws
    count = 0
    if a.get("checklists", "none") != "none":
        count += sum(len(c["idChecklists"]) for c in cards)
    if a.get("attachments", "false").lower() not in ("false", "none", "0"):
        count += sum(len(ws.card_attachments.get(c["id"], ())) for c in cards)
    if truthy(a.get("customFieldItems")):
        count += sum(len(ws.card_custom_field_items.get(c["id"], ())) for c in cards)
    return count


def answer_cards(api: TrelloApi, cards: list[dict[str, Any]], a: Any) -> bytes:
    """A cards answer, unless it is too big for Trello to send."""
    if api.max_nested_objects is not None:
        api.refuse_if_too_big(nested_objects(api, cards, a))
    return cards_json(api, cards, a)


def get_board_cards(api: TrelloApi, req: Request, bid: str, filt: str | None = None) -> bytes:
    """``/boards/{id}/cards`` and ``/boards/{id}/cards/{filter or card id}``."""
    bid = api.board_id(bid)
    filt = filt or req.args.get("filter", "visible")
    if is_object_id(filt):
        card = api.ws.cards.get(filt)
        if card is None or card["idBoard"] != bid:
            raise ApiError(404, NOT_FOUND)
        return dumps(card_views(api, [card], req.args)[0])
    return answer_cards(api, cards_page(api, bid, filt, req.args), req.args)


def get_list_cards(api: TrelloApi, req: Request, lid: str) -> bytes:
    """``/lists/{id}/cards``: every card of the list (``filter`` open by default), by pos."""
    lst = api.on_visible_board(api.ws.lists, lid)
    filt = req.args.get("filter", "open")
    if filt == "visible":
        filt = "open"
    if filt not in ("all", "open", "closed", "none"):
        raise ApiError(400, "invalid value for filter")
    cards = [] if filt == "none" else api.ws.list_cards(lst["id"], filt)
    return answer_cards(api, cards, req.args)


def get_card(api: TrelloApi, req: Request, cid: str) -> bytes:
    """``/cards/{id}``."""
    card = api.on_visible_board(api.ws.cards, cid)
    return dumps(card_views(api, [card], req.args)[0])


def get_card_attachments(api: TrelloApi, req: Request, cid: str) -> bytes:  # noqa: ARG001
    """``/cards/{id}/attachments`` (a request per card: the tap never calls it)."""
    return dumps(api.ws.card_attachments.get(api.on_visible_board(api.ws.cards, cid)["id"], []))


def get_card_custom_field_items(api: TrelloApi, req: Request, cid: str) -> bytes:  # noqa: ARG001
    """``/cards/{id}/customFieldItems`` (a request per card: the tap never calls it)."""
    card = api.on_visible_board(api.ws.cards, cid)
    return dumps(api.ws.card_custom_field_items.get(card["id"], []))


def get_card_plugin_data(api: TrelloApi, req: Request, cid: str) -> bytes:  # noqa: ARG001
    """``/cards/{id}/pluginData`` (a request per card: the tap never calls it)."""
    card = api.on_visible_board(api.ws.cards, cid)
    return dumps(api.ws.model_plugin_data(card["id"]))
