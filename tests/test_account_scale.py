"""Account scale: output linear in boards, a re-sync costs what changed.

The many-boards workspace: 120 small boards (a few lists, ~25 cards, ~60 actions each),
one of them closed. Counts and request budgets are exact; timings live in the benchmark.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tap_trello.streams import STREAM_TYPES
from tests.helpers import parse_messages, run_cli, run_tap, tap_config
from trello_emulator import EmulatorServer, FaultConfig, Workspace

#: The many-boards workspace: 120 boards of 3 lists, 25 cards, 60 actions; one in ten
#: closed, one in ten untouched (``dateLastActivity`` null).
MANY = {"seed": 61, "boards": 120}
TINY = {"seed": 62, "boards": 150, "cards": 300, "actions": 300, "bulk": False}
#: Streams below the boards: none of their rows may come back for an unchanged board.
BOARD_STREAMS = {
    "lists", "labels", "members", "board_memberships", "custom_fields", "cards",
    "checklists", "check_items", "card_custom_field_items", "attachments", "actions",
    "deleted_cards",
}  # fmt: skip


#: No rate limit: these tests count requests, the benchmark times them.
UNLIMITED = {"token_limit": 10**9, "key_limit": 10**9}


def even(data: dict) -> dict:
    """The data spread evenly over the boards: no big board."""
    return {**data, "big_share": 1 / data["boards"]}


@pytest.fixture
def many():
    """A private many-boards workspace, its server and a config, none rate limited."""
    workspace = Workspace.many_boards(**MANY)
    with EmulatorServer(workspace, **UNLIMITED) as server:
        yield workspace, server, tap_config(workspace, server, max_requests_per_10s=10**6)


@pytest.fixture(scope="module")
def many_first_sync():
    workspace = Workspace.many_boards(**MANY)
    with EmulatorServer(workspace, **UNLIMITED) as server:
        config = tap_config(workspace, server, max_requests_per_10s=10**6)
        yield workspace, server, config, run_tap(config)


def test_many_boards_first_sync_reads_each_board_once(many_first_sync) -> None:
    workspace, server, _config, first = many_first_sync
    boards = workspace.visible_board_ids()
    assert len(boards) >= 120
    assert any(board["closed"] for board in first.records["boards"])
    assert any(board["dateLastActivity"] is None for board in first.records["boards"])
    assert len(first.records["boards"]) == len(boards)
    assert len(first.records["actions"]) == sum(len(workspace.board_actions(b)) for b in boards)
    assert len(first.records["cards"]) == sum(len(workspace.board_cards(b)) for b in boards)
    # One nested call per board brings everything (its cards and actions too).
    assert len(server.log) == 2 + len(boards)
    nested = [e for e in server.log if e.path.startswith("/1/boards/")]
    assert sorted(e.path.split("/")[3] for e in nested) == sorted(boards)


def test_resync_with_nothing_changed_reads_only_the_lists(many_first_sync) -> None:
    _workspace, server, config, first = many_first_sync
    server.clear_log()
    again = run_tap(config, state=first.state)
    assert len(server.log) <= 3
    assert sorted(e.path for e in server.log) == [
        "/1/members/me/boards",
        "/1/members/me/organizations",
    ]
    assert set(again.records) == {"boards", "organizations"}
    assert again.state["bookmarks"]["actions"] == first.state["bookmarks"]["actions"]


def test_resync_after_k_boards_changed_costs_what_changed(many) -> None:
    workspace, server, config = many
    first = run_tap(config)
    # Boards with cards: card actions move a board's activity date (docs/replication.md).
    changed = [b for b in workspace.visible_board_ids(False) if workspace.board_cards(b)][10:15]
    new_actions = [a for b in changed for a in workspace.add_actions(b, 4)]
    touched = {a["data"]["card"]["id"] for a in new_actions if "card" in a["data"]}
    server.clear_log()
    again = run_tap(config, state=first.state)
    k = len(changed)
    assert len(server.log) <= 3 + 4 * k
    boards_read = {e.path.split("/")[3] for e in server.log if e.path.startswith("/1/boards/")}
    assert boards_read == set(changed)
    assert Counter(again.ids("actions")) == Counter(a["id"] for a in new_actions)
    assert set(again.ids("cards")) == touched
    assert len(again.ids("cards")) == len(touched)
    # An unchanged board sends none of its rows again.
    for stream in BOARD_STREAMS - {"members"}:
        assert {row["board_id"] for row in again.records.get(stream, [])} <= set(changed)


@pytest.mark.slow
def test_rescan_after_hours_bounds_what_a_skip_can_miss(many) -> None:
    workspace, server, config = many
    first = run_tap(config)
    quiet = workspace.visible_board_ids(include_closed=False)[3]
    # Pretend the last full scans were 25 hours ago: past the default of 24.
    state = json.loads(json.dumps(first.state))
    for mark in state["bookmarks"]["boards"]["board_scans"]["boards"].values():
        mark["scanned_at"] = "2000-01-01T00:00:00.000Z"
    server.clear_log()
    again = run_tap(config, state=state)
    assert len(again.records["lists"]) == len(first.records["lists"])
    assert quiet in {row["board_id"] for row in again.records["lists"]}
    assert again.records.get("actions", []) == []


@pytest.mark.slow
def test_an_interrupted_run_resumes_with_every_row(many) -> None:
    _workspace, server, config = many
    complete = run_tap(config)
    boards = [b["id"] for b in complete.records["boards"]]
    # Halfway through the boards Trello starts failing: the run stops there.
    halfway = boards[len(boards) // 2]
    server.faults = FaultConfig(rate=1.0, paths=rf"/boards/{halfway}$", kinds=("5xx",))
    interrupted = run_cli({**config, "max_retries": 0})
    assert interrupted.returncode == 1
    cut = parse_messages(interrupted.stdout)
    assert cut.states, "the interrupted run wrote no state"
    done = set(cut.state["bookmarks"]["boards"]["board_scans"]["boards"])
    assert 0 < len(done) < len(boards)
    assert halfway not in done
    server.faults = None
    resumed = run_tap(config, state=cut.state)
    # The resume reads only the boards the interrupted run had not finished...
    for stream in BOARD_STREAMS - {"members"}:
        assert not {row["board_id"] for row in resumed.records.get(stream, [])} & done
    # ...and the two runs together hold every row.
    for stream, rows in complete.records.items():
        union = {row["id"] for row in rows} - {row["id"] for row in cut.records.get(stream, [])}
        assert union <= set(resumed.ids(stream)), stream


def test_output_is_linear_in_boards(make_emulator) -> None:
    _workspace, _server, config = make_emulator(UNLIMITED, **even(TINY))
    run = run_cli({**config, "max_requests_per_10s": 10**6})
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    kinds = Counter(json.loads(line)["type"] for line in lines)
    size = Counter()
    for line in lines:
        size[json.loads(line)["type"]] += len(line) + 1
    final_state = len(next(line for line in reversed(lines) if '"STATE"' in line)) + 1
    # One SCHEMA per stream per run, not one per stream per board.
    assert kinds["SCHEMA"] == sum(1 for kind in STREAM_TYPES if kind.selected_by_default)
    assert size["STATE"] <= 2 * size["RECORD"] + 5 * final_state
    # No state for full-table board streams; a small mark per board for the skip.
    state = parse_messages(run.stdout).state
    assert "partitions" not in state["bookmarks"].get("lists", {})
    assert len(state["bookmarks"]["boards"]["board_scans"]["boards"]) == TINY["boards"]


def test_named_boards_are_skipped_too(many) -> None:
    workspace, server, config = many
    named = [b for b in workspace.visible_board_ids(False) if workspace.board_cards(b)][:3]
    config = {**config, "board_ids": named}
    first = run_tap(config)
    assert {row["board_id"] for row in first.records["cards"]} == set(named)
    server.clear_log()
    again = run_tap(config, state=first.state)
    # The board call that lists a named board is made (it is the board's row) and asks
    # for the activity date; nothing below an unchanged board is.
    board_calls = [e for e in server.log if e.path.startswith("/1/boards/")]
    assert sorted(e.path for e in board_calls) == sorted(f"/1/boards/{b}" for b in named)
    assert all(
        "dateLastActivity" in e.query["fields"] or e.query["fields"] == "all" for e in board_calls
    )
    assert set(again.records) == {"boards", "organizations"}
    workspace.add_actions(named[1], 3)
    server.clear_log()
    third = run_tap(config, state=again.state)
    assert {row["board_id"] for row in third.records["actions"]} == {named[1]}
    assert len(third.records["actions"]) == 3
