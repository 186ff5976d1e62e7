"""Power-Up data (``pluginData``): what Power-Ups store on boards and cards.

Why it is shaped this way: a real card fetched with ``pluginData=true`` and published in a
public repository (a 2021 agile Power-Up's ``{"prioritize":"3","type":"task","estimate":
"13"}``) carries entries ``{id, idPlugin, scope, idModel, value, access, dateLastUpdated}``
in that order, ``value`` a JSON *string* written by the Power-Up, the entry's id minted
before its ``dateLastUpdated`` and that before the card's ``dateLastActivity``. No recorded
card page holds a ``pluginData`` key (``tests/cassettes/modern_cards_2022.json`` and the
other card pages there): Trello adds it on request only (``pluginData=true``,
``card_pluginData=true``), and ``pluginData`` is not among the spec's ``CardFields``.
A ``private`` entry is a member's own: the generated ones are the token's member's.

Generated from ``ws.side_rng``/``ws.side_ids`` (see ``organization_level.py``): a "Story
Points" Power-Up (shared) is on the first board and on about 60 % of the others that were
ever touched, with a board entry (its settings) and ``{"points":N}`` on about a third of
their cards; a "Private Notes" Power-Up keeps a private note on a few of those cards.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .common import DAY, pick, ri
from .ids import epoch_s, id_second, iso_ms, parse_iso_ms

if TYPE_CHECKING:
    import random

    from .ids import ObjectIdFactory
    from .state import WorkspaceState

STORY_POINTS = "Story Points"
PRIVATE_NOTES = "Private Notes"
POINTS = (1, 2, 3, 5, 8, 13)
NOTES = ("Ask Dana first", "Blocked on the vendor 📞", "Revisit après la démo", "")


def plugin_value(value: Any) -> str:
    """A Power-Up's value as Trello stores it: compact JSON text."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def plugin_entry(  # noqa: PLR0913
    *,
    entry_id: str,
    plugin_id: str,
    scope: str,
    model_id: str,
    value: str,
    access: str,
    updated_ms: int,
) -> dict[str, Any]:
    """One ``pluginData`` entry, keys in Trello's order."""
    return {
        "id": entry_id,
        "idPlugin": plugin_id,
        "scope": scope,
        "idModel": model_id,
        "value": value,
        "access": access,
        "dateLastUpdated": iso_ms(updated_ms),
    }


def generate_plugin_data(ws: WorkspaceState) -> None:
    """Power-Up data of boards and cards (see the module docstring)."""
    rng, ids = ws.side_rng, ws.side_ids
    for name in (STORY_POINTS, PRIVATE_NOTES):
        ws.power_ups[name] = ids.new(epoch_s(2019, 6, 1) + ri(rng, 0, 300 * DAY))
    for i, (bid, board) in enumerate(ws.boards.items()):
        last = board["dateLastActivity"]
        if last is None or (i and rng.random() >= 0.6):  # untouched boards: no Power-Up
            continue
        created = id_second(bid)
        settings = plugin_value({"unit": "points", "sprint": ri(rng, 1, 40)})
        ws.plugin_data[bid] = [
            dated_entry(
                ids,
                rng,
                ws.power_ups[STORY_POINTS],
                "board",
                bid,
                settings,
                created,
                parse_iso_ms(last),
            )
        ]
        for card in ws.index[bid].cards:
            card_entries(ws, rng, card)


def card_entries(ws: WorkspaceState, rng: random.Random, card: dict[str, Any]) -> None:
    """A card's shared story points (a third of the cards) and private note (a few)."""
    ids = ws.side_ids
    created = id_second(card["id"])
    last = parse_iso_ms(card["dateLastActivity"]) if card["dateLastActivity"] else created * 1000
    entries = []
    if rng.random() < 0.35:
        points = plugin_value({"points": pick(rng, POINTS)})
        entries.append(
            dated_entry(
                ids, rng, ws.power_ups[STORY_POINTS], "card", card["id"], points, created, last
            )
        )
        if rng.random() < 0.12:
            note = plugin_value({"note": pick(rng, NOTES)})
            entries.append(
                dated_entry(
                    ids,
                    rng,
                    ws.power_ups[PRIVATE_NOTES],
                    "card",
                    card["id"],
                    note,
                    created,
                    last,
                    access="private",
                )
            )
    if entries:
        ws.plugin_data[card["id"]] = entries


def dated_entry(  # noqa: PLR0913, PLR0917
    ids: ObjectIdFactory,
    rng: random.Random,
    plugin_id: str,
    scope: str,
    model_id: str,
    value: str,
    first_s: int,
    last_ms: int,
    access: str = "shared",
) -> dict[str, Any]:
    """An entry written between ``first_s`` and ``last_ms`` (its model's last activity)."""
    sec = ri(rng, first_s, max(first_s, last_ms // 1000))
    updated = ri(rng, sec * 1000, max(sec * 1000, last_ms))
    return plugin_entry(
        entry_id=ids.new(sec),
        plugin_id=plugin_id,
        scope=scope,
        model_id=model_id,
        value=value,
        access=access,
        updated_ms=updated,
    )
