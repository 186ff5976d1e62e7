"""The warehouse mirrors Trello: what Trello deletes stops being live, and nothing live is lost.

Each run's messages are applied to an in-memory upsert target with target-postgres 0.8's
rules (tests/mirror_target.py), and its live rows (``_sdc_deleted_at`` null) are compared,
stream by stream, with what the emulator holds after Trello-like edits (its model's
deletion edits, trello_emulator/model/edits.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.deletion_story import (
    DATA,
    activated,
    assert_mirrors,
    assert_nothing_live_is_lost,
    card_with,
    make_edits,
)
from tests.helpers import parse_messages, run_cli, run_tap
from tests.mirror_target import MirrorTarget, trello_objects
from trello_emulator import FaultConfig


@pytest.fixture
def synced(make_emulator):
    """A workspace synced once into an empty mirror, then edited as a team would."""
    workspace, server, config = make_emulator(**DATA)
    first = run_tap(config)
    mirror = MirrorTarget().apply(first)
    assert mirror.all_live() == {
        stream: ids for stream, ids in trello_objects(workspace).items() if ids
    }
    edits = make_edits(workspace)
    return workspace, server, config, first, mirror, edits


def test_announced_deletions_reach_the_next_incremental_run(synced) -> None:
    workspace, server, config, first, mirror, edits = synced
    server.clear_log()
    again = run_tap(config, state=first.state)
    mirror.apply(again)
    live = mirror.all_live()
    # What the feed announced is no longer live, with Trello's date of the deletion.
    assert edits["deleted_card"] not in live["cards"]
    assert edits["moved_out"] not in live["cards"]
    assert edits["removed_checklist"] not in live["checklists"]
    assert edits["cleared_value"] not in live["card_custom_field_items"]
    assert edits["moved_list"] not in live["lists"]
    assert edits["deleted_board"] not in live["boards"]
    deletion = next(a for a in workspace.board_actions(edits["first"]) if a["type"] == "deleteCard")
    card_row = mirror.tables["cards"][edits["deleted_card"]]
    assert card_row["_sdc_deleted_at"] == deletion["date"]
    assert card_row["board_id"] == edits["first"]
    # A card moved to a board in the run's view is live there.
    assert mirror.tables["cards"][edits["moved_in"]]["board_id"] == edits["second"]
    assert edits["moved_in"] in live["cards"]
    # The deleted card is still in deleted_cards, as before.
    assert edits["deleted_card"] in {r["id"] for r in again.records["deleted_cards"]}
    # What the feed does not announce waits for the board's next whole read ...
    assert edits["deleted_check_item"] in live["check_items"]
    assert edits["deleted_label"] in live["labels"]
    # ... and nothing that exists was marked deleted, by this run or the skipped boards.
    assert_nothing_live_is_lost(mirror, workspace)
    skipped = set(workspace.visible_board_ids()) - {edits["first"], edits["second"]}
    assert skipped
    assert not {e.path for e in server.log if any(b in e.path for b in skipped)}


@pytest.mark.parametrize("how", ["rescan_after_hours: 0", "rescan due", "full refresh"])
def test_a_run_that_reads_every_board_whole_leaves_no_ghost(synced, how) -> None:
    workspace, _server, config, first, mirror, edits = synced
    mirror.apply(run_tap(config, state=first.state))  # the hourly run after the edits
    mirror_state = json.loads(json.dumps(first.state))
    state: dict[str, Any] | None = mirror_state
    if how == "rescan_after_hours: 0":
        config = {**config, "rescan_after_hours": 0}
    elif how == "rescan due":
        # Default settings, a day later: every board's whole read is older than 24 hours.
        for mark in mirror_state["bookmarks"]["boards"]["board_scans"]["boards"].values():
            mark["scanned_at"] = "2000-01-01T00:00:00.000Z"
    else:
        state = None
    whole = run_tap(config, state=state)
    mirror.apply(whole)
    activated = {stream for stream, _ in mirror.activations}
    assert activated == set(trello_objects(workspace))
    # The deleted board's actions are history: only a read from the beginning drops them.
    history_of = set() if how == "full refresh" else {edits["deleted_board"]}
    assert_mirrors(mirror, workspace, history_of=history_of)
    for gone, stream in (
        ("deleted_check_item", "check_items"),
        ("deleted_attachment", "attachments"),
        ("deleted_label", "labels"),
        ("removed_member", "members"),
    ):
        assert edits[gone] in mirror.tables[stream]
        assert edits[gone] not in mirror.live(stream)


def test_a_failed_run_marks_nothing_deleted(synced) -> None:
    workspace, server, config, first, mirror, edits = synced
    # The second board's call fails: the first board went out whole, then the run stops.
    server.faults = FaultConfig(rate=1.0, paths=rf"/boards/{edits['second']}$", kinds=("5xx",))
    run = run_cli({**config, "max_retries": 0, "rescan_after_hours": 0}, state=first.state)
    assert run.returncode == 1
    failed = parse_messages(run.stdout)
    assert failed.records["cards"]  # part of the stream was sent
    assert not activated(failed) - {"organizations"}
    mirror.apply(failed)
    assert_nothing_live_is_lost(mirror, workspace)


def test_a_deleted_row_that_comes_back_is_live_again(synced) -> None:
    workspace, _server, config, first, mirror, edits = synced
    second = run_tap(config, state=first.state)
    mirror.apply(second)
    assert edits["moved_out"] not in mirror.live("cards")
    workspace.move_card(edits["moved_out"], edits["first"])
    mirror.apply(run_tap(config, state=second.state))
    assert edits["moved_out"] in mirror.live("cards")
    assert mirror.tables["cards"][edits["moved_out"]]["board_id"] == edits["first"]
    assert_nothing_live_is_lost(mirror, workspace)


def test_shards_into_one_schema_hold_the_exact_union(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    boards = workspace.visible_board_ids()
    shards = [{**config, "board_ids": boards[:2]}, {**config, "board_ids": boards[2:]}]
    mirror = MirrorTarget(hard_delete=True)
    states = [run_tap(shard) for shard in shards]
    for run in states:
        # A shard's tables are shared with other shards (other tokens, perhaps).
        assert activated(run) == set()
        mirror.apply(run)
    assert_mirrors(mirror, workspace, history_of=set())
    # A card moves from one shard's board to the other's; another is deleted.
    used: set[str] = set()
    mover = card_with(workspace, boards[0], "nothing", used)
    workspace.move_card(mover["id"], boards[2])
    workspace.delete_card(card_with(workspace, boards[1], "nothing", used)["id"])
    # Either order: the moved card is live once, on its new board.
    for shard, state in reversed(list(zip(shards, states, strict=True))):
        mirror.apply(run_tap(shard, state=state.state))
    assert mirror.tables["cards"][mover["id"]]["board_id"] == boards[2]
    assert_mirrors(mirror, workspace, history_of=set())


@pytest.mark.parametrize(
    "settings",
    [{"include_closed": False}, {"emit_activate_version_messages": False}],
    ids=["archived objects left out", "turned off"],
)
def test_no_activate_version_when_rows_outside_the_run_may_exist(make_emulator, settings) -> None:
    _workspace, _server, config = make_emulator(**DATA)
    run = run_tap({**config, **settings})
    assert run.records["cards"]
    turned_off = settings.get("emit_activate_version_messages") is False
    # Workspaces do not depend on include_closed: sent whole, they are still activated.
    assert activated(run) == (set() if turned_off else {"organizations"})


def test_records_carry_the_run_version_and_it_only_grows(make_emulator) -> None:
    _workspace, _server, config = make_emulator(**DATA)
    first = run_tap(config)
    versions = {m["version"] for m in first.messages if m["type"] == "RECORD"}
    assert len(versions) == 1
    # Even with a clock that went back, a later run's version is above every mark.
    state = json.loads(json.dumps(first.state))
    marks = state["bookmarks"]["boards"]["board_scans"]["boards"]
    future = max(versions) + 10**9
    for mark in marks.values():
        mark["version"] = future
    again = run_tap({**config, "rescan_after_hours": 0}, state=state)
    assert {m["version"] for m in again.messages if m["type"] == "RECORD"} == {future + 1}
