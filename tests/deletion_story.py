"""The deletion story the deletion tests tell: a data set, a team's edits, the checks.

One of each deletion Trello can make (``make_edits``), and what must hold afterwards in a
target that applies the tap's messages (tests/mirror_target.py): every live row is one of
Trello's objects, and no object of Trello's is marked deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.mirror_target import MirrorTarget, trello_objects

if TYPE_CHECKING:
    from tests.helpers import SyncResult
    from trello_emulator import Workspace

DATA = {"seed": 3, "boards": 4, "cards": 400, "actions": 600, "bulk": False}
HISTORY = {"actions", "deleted_cards"}


def card_with(ws: Workspace, board_id: str, what: str, skip: set[str]) -> dict[str, Any]:
    """A card of the board that has checklists, attachments or custom field values."""
    has = {
        "checklists": lambda c: len(c["idChecklists"]) >= 1,
        "attachments": lambda c: ws.card_attachments.get(c["id"]),
        "values": lambda c: ws.card_custom_field_items.get(c["id"]),
        "nothing": lambda c: True,
    }[what]
    card = next(c for c in ws.board_cards(board_id) if c["id"] not in skip and has(c))
    skip.add(card["id"])
    return card


def make_edits(ws: Workspace) -> dict[str, Any]:
    """One of each deletion Trello can make, on three boards; a fourth is deleted."""
    first, second, third = (b for b in ws.visible_board_ids(include_closed=False)[:3])
    used: set[str] = set()
    deleted = card_with(ws, first, "checklists", used)
    unchecked = card_with(ws, first, "checklists", used)
    valued = card_with(ws, first, "values", used)
    item_card = card_with(ws, first, "checklists", used)
    attached = card_with(ws, first, "attachments", used)
    moved_in = card_with(ws, first, "nothing", used)
    moved_out = card_with(ws, first, "nothing", used)
    edits = {
        "deleted_card": deleted["id"],
        "removed_checklist": unchecked["idChecklists"][0],
        "cleared_value": ws.card_custom_field_items[valued["id"]][0]["id"],
        "deleted_check_item": ws.checklists[item_card["idChecklists"][0]]["checkItems"][0]["id"],
        "deleted_attachment": ws.card_attachments[attached["id"]][0]["id"],
        "deleted_label": ws.board_labels(second)[0]["id"],
        "moved_in": moved_in["id"],
        "moved_out": moved_out["id"],
        "moved_list": ws.board_lists(second)[-1]["id"],
        "deleted_board": third,
        "removed_member": next(m for m in ws.index[second].members if m != ws.me_id),
        "first": first,
        "second": second,
    }
    ws.delete_card(deleted["id"])
    ws.remove_checklist(edits["removed_checklist"])
    field_id = ws.card_custom_field_items[valued["id"]][0]["idCustomField"]
    ws.clear_custom_field_item(valued["id"], field_id)
    ws.delete_check_item(edits["deleted_check_item"])
    ws.delete_attachment(edits["deleted_attachment"])
    ws.delete_label(edits["deleted_label"])
    ws.move_card(moved_in["id"], second)
    ws.move_card(moved_out["id"], ws.invisible_board_id)
    ws.move_list(edits["moved_list"], ws.invisible_board_id)
    ws.delete_board(third)
    # A member taken off every board: no longer a member of anything the token sees.
    for board_id in ws.visible_board_ids():
        if edits["removed_member"] in ws.index[board_id].members:
            ws.remove_member(board_id, edits["removed_member"])
    return edits


def activated(run: SyncResult) -> set[str]:
    return {m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"}


def assert_nothing_live_is_lost(mirror: MirrorTarget, ws: Workspace) -> None:
    """Every row of the mirror that Trello still has is live (none marked deleted)."""
    for stream, ids in trello_objects(ws).items():
        loaded = ids & set(mirror.tables.get(stream, {}))
        assert loaded <= mirror.live(stream), (stream, len(loaded - mirror.live(stream)))


def assert_mirrors(mirror: MirrorTarget, ws: Workspace, *, history_of: set[str]) -> None:
    """Live rows are Trello's objects; history streams also keep ``history_of``'s past."""
    for stream, ids in trello_objects(ws).items():
        live = mirror.live(stream)
        if stream in HISTORY:
            extra = {row_id for row_id in live - ids if mirror.tables[stream][row_id]["board_id"]}
            assert {mirror.tables[stream][i]["board_id"] for i in extra} <= history_of, stream
            assert ids <= live, stream
        else:
            assert live == ids, (stream, sorted(live - ids)[:3], sorted(ids - live)[:3])
