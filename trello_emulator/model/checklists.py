"""Generator of a card's checklists and their check items.

A checklist and its items are created within a week of the card; about four in ten items
are complete and one in five has a due date. The card's badges count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .common import DAY, END_S, pick, ri
from .ids import iso_ms
from .vocabulary import CARD_OBJECTS

if TYPE_CHECKING:
    import random

    from .state import WorkspaceState


@dataclass
class CheckItemCounts:
    """What a card's ``badges`` say of its check items."""

    items: int = 0
    checked: int = 0
    earliest_due: str | None = None


def generate_checklists(  # noqa: PLR0913, PLR0917
    ws: WorkspaceState,
    rng: random.Random,
    card: dict[str, Any],
    board_id: str,
    sec: int,
    members: list[str],
) -> CheckItemCounts:
    """One or two checklists of 2-6 items on ``card`` (created at ``sec``)."""
    counts = CheckItemCounts()
    card_id = card["id"]
    for c in range(pick(rng, [1, 1, 2])):
        checklist_sec = min(END_S - DAY, sec + ri(rng, 0, 7 * DAY))
        checklist_id = ws.ids.new(checklist_sec)
        items = []
        for k in range(ri(rng, 2, 6)):
            state = "complete" if rng.random() < 0.4 else "incomplete"
            due = (
                iso_ms((checklist_sec + ri(rng, DAY, 30 * DAY)) * 1000)
                if rng.random() < 0.2
                else None
            )
            item_id = ws.ids.new(checklist_sec + k)
            items.append(
                {
                    "id": item_id,
                    "name": pick(rng, CARD_OBJECTS),
                    "nameData": None,
                    "pos": 16384 * (k + 1),
                    "state": state,
                    "due": due,
                    "dueReminder": None,
                    "idMember": pick(rng, members) if rng.random() < 0.15 else None,
                    "idChecklist": checklist_id,
                }
            )
            counts.items += 1
            counts.checked += state == "complete"
            if due and (counts.earliest_due is None or due < counts.earliest_due):
                counts.earliest_due = due
        ws.checklists[checklist_id] = {
            "id": checklist_id,
            "name": "Checklist" if c == 0 else "À faire ✅",
            "idBoard": board_id,
            "idCard": card_id,
            "pos": 16384 * (c + 1),
            "checkItems": items,
        }
        card["idChecklists"].append(checklist_id)
    return counts
