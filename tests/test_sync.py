"""A full sync of the default workspace: every record exactly once, complete and typed."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from tap_trello.timestamps import id_second
from tests.helpers import SyncResult, run_tap, tap_config

if TYPE_CHECKING:
    from trello_emulator import Workspace

SEVEN_STREAMS = ["boards", "lists", "labels", "members", "checklists", "cards", "actions"]
# Fields the tap adds to Trello's objects.
ADDED_FIELDS = {"board_id", "card_id"}


@pytest.fixture(scope="module")
def full_sync(workspace: Workspace, emulator) -> SyncResult:
    return run_tap(tap_config(workspace, emulator))


def expected_records(workspace: Workspace) -> dict[str, dict[str, dict[str, Any]]]:
    """What a full sync must emit, stream by stream, keyed by id."""
    expected: dict[str, dict[str, dict[str, Any]]] = {}
    boards = workspace.visible_board_ids(include_closed=True)
    expected["boards"] = {board_id: workspace.boards[board_id] for board_id in boards}
    per_board = {
        "lists": lambda b: workspace.board_lists(b, "all"),
        "labels": workspace.board_labels,
        "checklists": workspace.board_checklists,
        "members": lambda b: workspace.board_members(b, fields=None),
        "cards": lambda b: workspace.board_cards(
            b, "all", custom_field_items=True, attachments=True
        ),
        "actions": workspace.board_actions,
    }
    for stream, rows_of in per_board.items():
        expected[stream] = {row["id"]: row for board_id in boards for row in rows_of(board_id)}
    return expected


def test_data_set_exercises_paging(workspace: Workspace) -> None:
    big = workspace.big_board_id
    cards = workspace.board_cards(big, "all")
    actions = workspace.board_actions(big)
    assert len(cards) > 2500
    assert len(actions) > 3500
    cards_per_second = Counter(id_second(card["id"]) for card in cards)
    actions_per_second = Counter(id_second(action["id"]) for action in actions)
    # A run larger than a page, sharing one second, and a run of hundreds of actions.
    assert max(cards_per_second.values()) > 1000
    assert max(actions_per_second.values()) >= 500


@pytest.mark.parametrize("stream", SEVEN_STREAMS)
def test_every_record_exactly_once(
    stream: str, full_sync: SyncResult, workspace: Workspace
) -> None:
    expected = expected_records(workspace)[stream]
    emitted = Counter(full_sync.ids(stream))
    duplicates = {record_id: n for record_id, n in emitted.items() if n > 1}
    assert duplicates == {}
    assert set(emitted) == set(expected)
    assert len(full_sync.records[stream]) == len(expected)


@pytest.mark.parametrize("stream", SEVEN_STREAMS)
def test_records_are_complete_and_valid(
    stream: str, full_sync: SyncResult, workspace: Workspace
) -> None:
    expected = expected_records(workspace)[stream]
    schema = full_sync.schemas[stream]
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    for record in full_sync.records[stream]:
        errors = [error.message for error in validator.iter_errors(record)]
        assert errors == [], (stream, record["id"], errors[:3])
        # Nothing Trello sent is dropped or altered on the way out.
        trello_part = {key: value for key, value in record.items() if key not in ADDED_FIELDS}
        assert trello_part == expected[record["id"]]


def test_board_level_records_carry_board_id(full_sync: SyncResult, workspace: Workspace) -> None:
    for stream in ("lists", "labels", "checklists", "cards", "actions"):
        for record in full_sync.records[stream]:
            assert record["board_id"] in workspace.boards
    for card in full_sync.records["cards"]:
        assert card["board_id"] == card["idBoard"]
    for checklist in full_sync.records["checklists"]:
        assert checklist["card_id"] == checklist["idCard"]


def test_big_board_has_more_labels_than_trellos_default(
    full_sync: SyncResult, workspace: Workspace
) -> None:
    big_labels = [r for r in full_sync.records["labels"] if r["board_id"] == workspace.big_board_id]
    assert len(big_labels) == len(workspace.board_labels(workspace.big_board_id)) > 50


def test_state_holds_one_bookmark_per_board(full_sync: SyncResult, workspace: Workspace) -> None:
    boards = set(workspace.visible_board_ids())
    bookmarks = full_sync.state["bookmarks"]
    for stream, key in (("actions", "date"), ("cards", "dateLastActivity")):
        partitions = bookmarks[stream]["partitions"]
        assert {p["context"]["board_id"] for p in partitions} == boards
        for partition in partitions:
            board_id = partition["context"]["board_id"]
            assert partition["context"] == {"board_id": board_id}
            assert set(partition) == {"context", "replication_key", "replication_key_value"}
            assert partition["replication_key"] == key
            newest = max(
                row[key] for row in full_sync.records[stream] if row["board_id"] == board_id
            )
            assert partition["replication_key_value"] == newest
