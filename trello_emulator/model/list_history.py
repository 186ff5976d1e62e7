"""A board's generated history told consistently: where each card was when each action hit it.

The action plan picks a move's lists at random, so left alone a card could "leave" a list it
was never in. :func:`make_list_history_consistent` walks each card's actions newest first
from the list the card is in now: a move (``updateCard`` with ``listBefore``/``listAfter``)
ends in the list the card was in after it and starts from the one before; every other
action that names a list (``createCard``, a comment...) names the list the card was in at
that moment. The walk draws no random numbers, so ids, dates and types stay as generated;
only ``data`` changes. The analytics models (``transform/``) rebuild these stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import WorkspaceState


def make_list_history_consistent(
    ws: WorkspaceState,
    actions: list[dict[str, Any]],
    cards: list[dict[str, Any]],
    list_ids: list[str],
) -> None:
    """Rewrite the list refs of ``actions`` (oldest first) so each card's moves chain up."""
    list_at = {card["id"]: card["idList"] for card in cards}
    for action in reversed(actions):
        data = action["data"]
        card_id = data.get("card", {}).get("id")
        if card_id is None:
            continue
        if card_id not in list_at:  # a card known only from its deleteCard
            list_at[card_id] = data.get("list", {}).get("id")
        after = list_at[card_id]
        if after is None:
            continue
        if "listAfter" in data:
            before = data["listBefore"]["id"]
            if before == after:
                before = _other_list(list_ids, after)
            data["listAfter"] = _ref(ws, after)
            data["listBefore"] = _ref(ws, before)
            data["old"] = {**data["old"], "idList": before}
            data["card"] = {**data["card"], "idList": after}
            list_at[card_id] = before
        elif "list" in data and action["type"] != "deleteCard":
            data["list"] = _ref(ws, after)


def _other_list(list_ids: list[str], list_id: str) -> str:
    """The list after ``list_id`` on its board (itself on a board of one list)."""
    return list_ids[(list_ids.index(list_id) + 1) % len(list_ids)]


def _ref(ws: WorkspaceState, list_id: str) -> dict[str, Any]:
    lst = ws.lists[list_id]
    return {"id": lst["id"], "name": lst["name"]}
