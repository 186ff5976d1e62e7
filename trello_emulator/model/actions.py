"""Actions: the one action builder, a board's action plan and the ``data`` of each type.

A board's history is planned as :class:`ActionSlot` objects (second, millisecond, type, the
card or list it concerns, who did it) before any id is minted, so that ids can be minted in
date order: within a second, a board's actions sort by id as they sort by date. The plan
holds the board's creation, its lists and members, ``createCard`` for a quarter of the
cards, a weighted mix of card activity, and (on the big board with ``bulk``) a run of ~800
card moves inside one second. ``deleteCard`` slots carry a ghost card: a card that existed
once and is known only from that action.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .cards import CardPlan, gap_second
from .common import DAY, END_S, pick, ri
from .ids import id_second, iso_ms, short_link
from .members import member_ref
from .vocabulary import COMMENTS

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from .state import WorkspaceState

ACTION_WEIGHTS = [
    ("updateCard", 26),
    ("commentCard", 16),
    ("addMemberToCard", 6),
    ("removeMemberFromCard", 2),
    ("addChecklistToCard", 4),
    ("updateCheckItemStateOnCard", 6),
    ("addAttachmentToCard", 4),
    ("deleteCard", 2),
    ("updateList", 1),
    ("updateCustomFieldItem", 3),
    ("updateBoard", 1),
]
"""How often each type of activity happens after a board's creation (Included types only)."""
EXCLUDED_ACTION_TYPES = frozenset(
    {
        "createLabel",
        "updateLabel",
        "deleteLabel",
        "addLabelToCard",
        "removeLabelFromCard",
        "createCheckItem",
        "updateCheckItem",
        "deleteCheckItem",
        "createChecklist",
        "copyChecklist",
        "deleteComment",
        "updateComment",
        "voteOnCard",
        "removeMemberFromBoard",
    }
)
"""Types Trello sends to webhooks only: they never appear in ``/boards/{id}/actions``."""
BOARD_ACTIVITY_IGNORES = frozenset({"updateBoard"})
"""Types that leave the board's ``dateLastActivity`` alone (a rename, a prefs change)."""
BOARD_LEVEL_TYPES = ("createList", "updateList", "updateBoard", "createBoard")
"""Types that concern the board or a list rather than a card."""
MOVE_IN_RUN = "updateCard:move"
NO_SUBJECT = -1
"""The subject of an action on the board itself."""
ANY_CARD = -2
"""The subject of a planned card action: a card picked among those created by then."""
"""The slot type of the bulk run: an ``updateCard`` moving a card between lists."""

COMMENT_LIMITS = {
    "reactions": {
        "perAction": {"status": "ok", "disableAt": 900, "warnAt": 720},
        "uniquePerAction": {"status": "ok", "disableAt": 17, "warnAt": 14},
    }
}
_NO_LIMITS: dict[str, Any] = {}


def build_action(  # noqa: PLR0913
    ws: WorkspaceState,
    *,
    action_id: str,
    action_type: str,
    data: dict[str, Any],
    date_ms: int,
    creator: str,
) -> dict[str, Any]:
    """An action record with every field ``/boards/{id}/actions`` returns, in Trello's order."""
    return {
        "id": action_id,
        "idMemberCreator": creator,
        "data": data,
        "appCreator": None,
        "type": action_type,
        "date": iso_ms(date_ms),
        "limits": COMMENT_LIMITS if action_type == "commentCard" else _NO_LIMITS,
        "memberCreator": ws.member_creators[creator],
    }


@dataclass(slots=True)
class ActionSlot:
    """One planned action: when, what, on which list/member/card index, by whom."""

    sec: int
    ms: int
    type: str
    subject: int
    """Index of the list (createList), member (addMemberToBoard) or card it concerns;
    ``NO_SUBJECT`` for none, ``ANY_CARD`` until :func:`plan_actions` picks the card."""
    creator: str
    ghost: dict[str, Any] | None = None
    """The deleted card of a ``deleteCard`` slot."""


def plan_actions(  # noqa: PLR0913
    ws: WorkspaceState,
    rng: random.Random,
    *,
    board_id: str,
    bstart: int,
    source: str | None,
    list_ids: list[str],
    members: list[str],
    cards: CardPlan,
    n_actions: int,
    bulk: bool,
) -> list[ActionSlot]:
    """``n_actions`` slots for a board; records the bulk run in ``ws.runs["actions_c"]``."""
    fixed = [
        ActionSlot(
            bstart, ri(rng, 0, 999), "copyBoard" if source else "createBoard", -1, members[0]
        )
    ]
    fixed.extend(
        ActionSlot(id_second(lid), ri(rng, 0, 999), "createList", j, members[0])
        for j, lid in enumerate(list_ids)
    )
    fixed.extend(
        ActionSlot(bstart + 30 + j, ri(rng, 0, 999), "addMemberToBoard", j, members[0])
        for j in range(1, len(members))
    )
    slots = fixed[:n_actions]
    run_c = min(800, n_actions // 4) if bulk else 0
    remaining = max(0, n_actions - len(slots) - run_c)
    plain = cards.plain_positions()
    n_create = min(int(remaining * 0.25), len(plain))
    slots.extend(
        ActionSlot(cards.secs[ci], ri(rng, 0, 999), "createCard", ci, pick(rng, members))
        for ci in rng.sample(plain, n_create)
    )
    types = [t for t, _ in ACTION_WEIGHTS]
    weights = [w for _, w in ACTION_WEIGHTS]
    slots.extend(
        ActionSlot(
            ri(rng, bstart + 3600, END_S - 1), ri(rng, 0, 999), atype, ANY_CARD, pick(rng, members)
        )
        for atype in rng.choices(types, weights, k=remaining - n_create)
    )
    if run_c:
        slot_secs = sorted(s.sec for s in slots)
        sc, newer_c = gap_second(slot_secs, min(600, len(slot_secs)))
        ws.runs["actions_c"] = {"second": sc, "size": run_c, "first_position": newer_c}
        creator = members[min(1, len(members) - 1)]
        slots.extend(
            ActionSlot(sc, ri(rng, 0, 999), MOVE_IN_RUN, ANY_CARD, creator) for _ in range(run_c)
        )
        # a few explicit identical milliseconds
        tail = slots[-run_c:]
        for j in range(0, run_c - 1, 40):
            tail[j + 1].ms = tail[j].ms
    for s in slots:  # a random card among those created by then
        if s.subject == ANY_CARD:
            count = bisect.bisect_right(cards.secs, s.sec)
            if count == 0:
                s.type = "updateBoard"
                s.subject = NO_SUBJECT
            else:
                s.subject = rng.randrange(count)
    for s in slots:
        if s.type == "deleteCard":
            s.ghost = {
                "id": ws.ids.new(ri(rng, bstart, s.sec)),
                "idShort": 0,
                "shortLink": short_link(rng, ws.used_short_links),
                "idBoard": board_id,
                "idList": pick(rng, list_ids),
            }
    return slots


def generate_actions(  # noqa: PLR0913
    ws: WorkspaceState,
    rng: random.Random,
    *,
    board_id: str,
    slots: list[ActionSlot],
    cards: list[dict[str, Any]],
    list_ids: list[str],
    members: list[str],
) -> BoardHistory:
    """The planned actions, oldest first, and what they did to the cards."""
    slots.sort(key=lambda s: (s.sec, s.ms))
    run_process = ws.ids.process()
    history = BoardHistory(
        last_activity_ms=[id_second(c["id"]) * 1000 for c in cards], comments=[0] * len(cards)
    )
    actions, action_ms = history.actions, history.action_ms
    for s in slots:
        action_id = ws.ids.new(s.sec, run_process if s.type == MOVE_IN_RUN else None)
        data, atype = action_data(
            ws, rng, board_id, s.type, s.subject, cards, list_ids, members, s.sec
        )
        if atype == "deleteCard" and s.ghost is not None:
            data = deleted_card_data(ws, board_id, s.ghost)
        date_ms = s.sec * 1000 + s.ms
        ci = s.subject
        if 0 <= ci < len(cards) and data.get("card", {}).get("id") == cards[ci]["id"]:
            history.last_activity_ms[ci] = max(history.last_activity_ms[ci], date_ms)
            if atype == "commentCard":
                history.comments[ci] += 1
        actions.append(
            build_action(
                ws,
                action_id=action_id,
                action_type=atype,
                data=data,
                date_ms=date_ms,
                creator=s.creator,
            )
        )
        action_ms.append(date_ms)
    return history


@dataclass
class BoardHistory:
    """A board's actions (oldest first) and, per card, its last activity and comments."""

    last_activity_ms: list[int]
    comments: list[int]
    actions: list[dict[str, Any]] = field(default_factory=list)
    action_ms: list[int] = field(default_factory=list)


def deleted_card_data(ws: WorkspaceState, board_id: str, card: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` of a ``deleteCard`` action: the card's id, idShort and shortLink only."""
    lst = ws.lists[card["idList"]]
    return {
        "board": ws.board_refs[board_id],
        "list": {"id": lst["id"], "name": lst["name"]},
        "card": {"id": card["id"], "idShort": card["idShort"], "shortLink": card["shortLink"]},
    }


@dataclass
class ActionContext:
    """What the ``data`` of a board's actions draws from."""

    ws: WorkspaceState
    rng: random.Random
    board_id: str
    list_ids: list[str]
    members: list[str]

    @property
    def board_ref(self) -> dict[str, Any]:
        """The board as actions embed it."""
        return self.ws.board_refs[self.board_id]


def action_data(  # noqa: PLR0913, PLR0917
    ws: WorkspaceState,
    rng: random.Random,
    board_id: str,
    atype: str,
    subject: int,
    cards: list[dict[str, Any]],
    list_ids: list[str],
    members: list[str],
    sec: int,
) -> tuple[dict[str, Any], str]:
    """The ``data`` of an action and its real type.

    A card action that cannot apply to its card (``addChecklistToCard`` on a card without
    checklist...) becomes a comment; ``subject`` indexes ``list_ids``, ``members`` or
    ``cards`` depending on the type.
    """
    ctx = ActionContext(ws, rng, board_id, list_ids, members)
    if atype in BOARD_DATA:
        return BOARD_DATA[atype](ctx, subject), atype
    if atype == "deleteCard":
        return {}, atype
    return _card_action_data(ctx, atype, cards[subject], sec)


def _board_created(ctx: ActionContext, subject: int) -> dict[str, Any]:  # noqa: ARG001
    return {"board": ctx.board_ref}


def _board_copied(ctx: ActionContext, subject: int) -> dict[str, Any]:  # noqa: ARG001
    source = ctx.ws.boards[ctx.board_id]["idBoardSource"]
    return {"board": ctx.board_ref, "boardSource": {"id": source}}


def _list_created(ctx: ActionContext, subject: int) -> dict[str, Any]:
    lst = ctx.ws.lists[ctx.list_ids[subject]]
    return {"board": ctx.board_ref, "list": {"id": lst["id"], "name": lst["name"]}}


def _member_added(ctx: ActionContext, subject: int) -> dict[str, Any]:
    mid = ctx.members[subject]
    return {
        "idMemberAdded": mid,
        "memberType": "normal",
        "board": ctx.board_ref,
        "member": member_ref(ctx.ws, mid),
    }


def _board_updated(ctx: ActionContext, subject: int) -> dict[str, Any]:  # noqa: ARG001
    desc = ctx.ws.boards[ctx.board_id]["desc"]
    return {"board": {**ctx.board_ref, "desc": desc}, "old": {"desc": ""}}


def _list_updated(ctx: ActionContext, subject: int) -> dict[str, Any]:  # noqa: ARG001
    """``updateList``: a list archived, or renamed from "Untitled list"."""
    lst = ctx.ws.lists[pick(ctx.rng, ctx.list_ids)]
    if lst["closed"]:
        return {
            "board": ctx.board_ref,
            "list": {"id": lst["id"], "name": lst["name"], "closed": True},
            "old": {"closed": False},
        }
    return {
        "board": ctx.board_ref,
        "list": {"id": lst["id"], "name": lst["name"]},
        "old": {"name": "Untitled list"},
    }


BOARD_DATA: dict[str, Callable[[ActionContext, int], dict[str, Any]]] = {
    "createBoard": _board_created,
    "copyBoard": _board_copied,
    "createList": _list_created,
    "addMemberToBoard": _member_added,
    "updateBoard": _board_updated,
    "updateList": _list_updated,
}
"""The ``data`` of the actions on the board itself, by type."""


def _card_action_data(
    ctx: ActionContext, atype: str, card: dict[str, Any], sec: int
) -> tuple[dict[str, Any], str]:
    """The ``data`` of an action on ``card`` and its real type."""
    ws, rng, bref = ctx.ws, ctx.rng, ctx.board_ref
    cref = ws.card_refs[card["id"]]
    lst = ws.lists[card["idList"]]
    lref = {"id": lst["id"], "name": lst["name"]}
    if atype == "createCard":
        return {"card": cref, "list": lref, "board": bref}, atype
    if atype in ("updateCard", MOVE_IN_RUN):
        return _card_updated(ctx, atype, card, lref, sec), "updateCard"
    if atype in ("addMemberToCard", "removeMemberFromCard"):
        mid = pick(rng, ctx.members)
        data = {
            "idMember": mid,
            "card": cref,
            "board": bref,
            "list": lref,
            "member": member_ref(ws, mid),
        }
        if atype == "removeMemberFromCard":
            data["deactivated"] = False
        return data, atype
    if atype in ("addLabelToCard", "removeLabelFromCard"):
        lab = ws.labels[pick(rng, ws.index[ctx.board_id].labels)]
        return {
            "text": lab["name"],
            "value": lab["color"],
            "card": cref,
            "board": bref,
            "label": {"id": lab["id"], "name": lab["name"], "color": lab["color"]},
        }, atype
    extra = _card_extra_data(ws, atype, card)
    if extra is not None:
        return {"card": cref, "board": bref, **extra}, atype
    return {
        "text": pick(rng, COMMENTS),
        "textData": {"emoji": {}},
        "card": cref,
        "board": bref,
        "list": lref,
    }, "commentCard"


def _card_extra_data(ws: WorkspaceState, atype: str, card: dict[str, Any]) -> dict[str, Any] | None:
    """The rest of the ``data`` of an action on a card's checklist, attachment or value.

    None when the card has none (the action becomes a comment).
    """
    if atype == "addChecklistToCard" and card["idChecklists"]:
        cl = ws.checklists[card["idChecklists"][0]]
        return {"checklist": {"id": cl["id"], "name": cl["name"]}}
    if atype == "updateCheckItemStateOnCard" and card["idChecklists"]:
        cl = ws.checklists[card["idChecklists"][0]]
        it = cl["checkItems"][0]
        return {
            "checklist": {"id": cl["id"], "name": cl["name"]},
            "checkItem": {
                "id": it["id"],
                "name": it["name"],
                "state": it["state"],
                "textData": {"emoji": {}},
            },
        }
    if atype == "addAttachmentToCard" and card["id"] in ws.card_attachments:
        att = ws.card_attachments[card["id"]][0]
        lst = ws.lists[card["idList"]]
        return {
            "list": {"id": lst["id"], "name": lst["name"]},
            "attachment": {"id": att["id"], "name": att["name"], "url": att["url"]},
        }
    if atype == "updateCustomFieldItem" and card["id"] in ws.card_custom_field_items:
        item = ws.card_custom_field_items[card["id"]][0]
        cf = ws.custom_fields[item["idCustomField"]]
        return {
            "customField": {"id": cf["id"], "name": cf["name"], "type": cf["type"]},
            "customFieldItem": item,
            "old": {"value": None},
        }
    return None


def _card_updated(
    ctx: ActionContext, atype: str, card: dict[str, Any], lref: dict[str, Any], sec: int
) -> dict[str, Any]:
    """``updateCard``: a move between lists, an archive, or a name/desc/due/pos edit."""
    cref = ctx.ws.card_refs[card["id"]]
    bref = ctx.board_ref
    variant = (
        "move"
        if atype == MOVE_IN_RUN
        else pick(ctx.rng, ["move", "closed", "name", "desc", "due", "pos", "move"])
    )
    if variant == "move":
        other = ctx.ws.lists[pick(ctx.rng, ctx.list_ids)]
        return {
            "card": {**cref, "idList": lref["id"]},
            "old": {"idList": other["id"]},
            "board": bref,
            "listBefore": {"id": other["id"], "name": other["name"]},
            "listAfter": lref,
        }
    changed: dict[str, Any]
    old: dict[str, Any]
    if variant == "closed":
        changed, old = {"closed": True}, {"closed": False}
    elif variant == "name":
        changed, old = {}, {"name": f"{card['name']} (draft)"}
    elif variant == "desc":
        changed, old = {"desc": card["desc"]}, {"desc": ""}
    elif variant == "due":
        changed, old = {"due": iso_ms((sec + 7 * DAY) * 1000)}, {"due": None}
    else:
        changed, old = {"pos": card["pos"]}, {"pos": card["pos"] * 2}
    return {"card": {**cref, **changed}, "old": old, "board": bref, "list": lref}
