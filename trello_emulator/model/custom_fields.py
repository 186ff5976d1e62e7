"""Generators of custom field definitions (per board) and their values on cards.

Trello sends every custom field value as a string inside ``value`` (``{"number": "1"}``,
``{"checked": "true"}``, ``{"date": "2024-…Z"}``, ``{"text": …}``); a dropdown
(``list``-type) item names the chosen option in ``idValue`` and has no ``value``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import DAY, END_S, pick, ri
from .ids import hex_string, iso_ms
from .vocabulary import COMMENTS, CUSTOM_FIELD_NAMES, CUSTOM_FIELD_TYPES

if TYPE_CHECKING:
    import random

    from .state import WorkspaceState

DROPDOWN_OPTIONS = [("High 🔥", "red"), ("Medium", "yellow"), ("Low", "none"), ("Niedrig", "green")]


def generate_custom_fields(
    ws: WorkspaceState, rng: random.Random, board_id: str, bstart: int, *, big: bool
) -> None:
    """A board's custom field definitions: all five types on the big board, 0-5 elsewhere."""
    idx = ws.index[board_id]
    n_fields = 5 if big else pick(rng, [0, 2, 3, 5])
    types = CUSTOM_FIELD_TYPES[:n_fields] if big else rng.sample(CUSTOM_FIELD_TYPES, n_fields)
    for j, field_type in enumerate(types):
        field_id = ws.ids.new(bstart + 600 + j)
        definition: dict[str, Any] = {
            "id": field_id,
            "idModel": board_id,
            "modelType": "board",
            "fieldGroup": hex_string(rng, 64),
            "display": {"cardFront": j % 2 == 0},
            "name": CUSTOM_FIELD_NAMES[field_type],
            "pos": 16384 * (j + 1),
            "type": field_type,
            "isSuggestedField": False,
        }
        if field_type == "list":
            definition["options"] = [
                {
                    "id": ws.ids.new(bstart + 600 + j),
                    "idCustomField": field_id,
                    "value": {"text": text},
                    "color": color,
                    "pos": 16384 * (k + 1),
                }
                for k, (text, color) in enumerate(DROPDOWN_OPTIONS)
            ]
        ws.custom_fields[field_id] = definition
        idx.custom_fields.append(field_id)


def generate_custom_field_items(
    ws: WorkspaceState, rng: random.Random, card_id: str, field_ids: list[str], sec: int
) -> None:
    """Values of about half the board's fields on a card created at ``sec``."""
    items = []
    for field_id in field_ids:
        if rng.random() < 0.5:
            continue
        definition = ws.custom_fields[field_id]
        item: dict[str, Any] = {"id": ws.ids.new(min(END_S - DAY, sec + ri(rng, 0, 5 * DAY)))}
        field_type = definition["type"]
        if field_type == "text":
            item["value"] = {"text": pick(rng, COMMENTS)}
        elif field_type == "number":
            item["value"] = {"number": str(pick(rng, [1, 2, 3, 5, 8, 13, 0.5]))}
        elif field_type == "date":
            item["value"] = {"date": iso_ms((sec + ri(rng, 0, 90 * DAY)) * 1000)}
        elif field_type == "checkbox":
            item["value"] = {"checked": "true"}
        else:
            item["idValue"] = pick(rng, definition["options"])["id"]
        item.update({"idCustomField": field_id, "idModel": card_id, "modelType": "card"})
        items.append(item)
    if items:
        ws.card_custom_field_items[card_id] = items
