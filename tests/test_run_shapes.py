"""Every shape of run, applied to a target as strict as target-postgres.

An hourly schedule makes first runs once and quiet runs most of the time; some runs see
only one stream change, only a deletion, only the workspace level; some are filtered,
some fail. Each run's messages go to the strict in-memory target (tests/mirror_target.py:
a stream's message before its SCHEMA, or a record off its SCHEMA, fails the test), and
the live rows are compared with what the emulator holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.deletion_story import DATA, assert_mirrors, assert_nothing_live_is_lost
from tests.helpers import catalog_selecting, parse_messages, run_cli, run_tap
from tests.mirror_target import MirrorTarget, trello_objects
from trello_emulator import FaultConfig

if TYPE_CHECKING:
    from tests.helpers import SyncResult


def schema_order(run: SyncResult) -> list[str]:
    """Streams whose RECORD or ACTIVATE_VERSION came before their SCHEMA (none, always)."""
    seen: set[str] = set()
    early = []
    for message in run.messages:
        if message["type"] == "SCHEMA":
            seen.add(message["stream"])
        elif message["type"] in {"RECORD", "ACTIVATE_VERSION"} and message["stream"] not in seen:
            early.append(message["stream"])
    return early


def test_first_quiet_and_one_card_changed(make_emulator) -> None:
    workspace, server, config = make_emulator(**DATA)
    mirror = MirrorTarget()
    first = run_tap(config)
    mirror.apply(first)
    assert_mirrors(mirror, workspace, history_of=set())

    server.clear_log()
    quiet = run_tap(config, state=first.state)
    mirror.apply(quiet)  # raises if an ACTIVATE_VERSION comes before its SCHEMA
    assert schema_order(quiet) == []
    # Nothing moved: the boards list and the workspaces, nothing else; no row lost.
    assert server.count() == 2
    assert set(quiet.records) == {"boards", "organizations"}
    activated = {m["stream"] for m in quiet.messages if m["type"] == "ACTIVATE_VERSION"}
    assert activated == set(trello_objects(workspace))
    assert_mirrors(mirror, workspace, history_of=set())

    card = workspace.board_cards(workspace.visible_board_ids()[1])[0]
    workspace.touch_card(card["id"])
    changed = run_tap(config, state=quiet.state)
    mirror.apply(changed)
    assert [row["id"] for row in changed.records["cards"]] == [card["id"]]
    assert (
        mirror.tables["cards"][card["id"]]["dateLastActivity"]
        == (workspace.cards[card["id"]]["dateLastActivity"])
    )
    assert_mirrors(mirror, workspace, history_of=set())


def test_a_quiet_run_of_some_streams(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    catalog = catalog_selecting(config, {"boards", "cards", "check_items"})
    mirror = MirrorTarget()
    first = run_tap(config, catalog=catalog)
    mirror.apply(first)
    quiet = run_tap(config, catalog=catalog, state=first.state)
    mirror.apply(quiet)
    assert schema_order(quiet) == []
    assert {m["stream"] for m in quiet.messages if m["type"] == "SCHEMA"} == {
        "boards",
        "cards",
        "check_items",
    }
    expected = trello_objects(workspace)
    for stream in ("boards", "cards", "check_items"):
        assert mirror.live(stream) == expected[stream], stream


def test_a_run_with_only_a_deletion(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    mirror = MirrorTarget()
    first = run_tap(config)
    mirror.apply(first)
    board = workspace.visible_board_ids(include_closed=False)[0]
    gone = workspace.board_cards(board)[0]["id"]
    workspace.delete_card(gone)
    run = run_tap(config, state=first.state)
    mirror.apply(run)
    assert schema_order(run) == []
    assert gone not in mirror.live("cards")
    assert_nothing_live_is_lost(mirror, workspace)
    # The next whole read leaves exactly Trello's objects live.
    mirror.apply(run_tap({**config, "rescan_after_hours": 0}, state=run.state))
    assert_mirrors(mirror, workspace, history_of=set())


def test_a_run_where_only_the_workspace_level_changes(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    mirror = MirrorTarget()
    first = run_tap(config)
    mirror.apply(first)
    organization_id = next(iter(workspace.organizations))
    workspace.organizations[organization_id]["displayName"] = "Renamed workspace"
    run = run_tap(config, state=first.state)
    mirror.apply(run)
    assert schema_order(run) == []
    assert mirror.tables["organizations"][organization_id]["displayName"] == "Renamed workspace"
    assert_mirrors(mirror, workspace, history_of=set())


def test_a_quiet_filtered_run(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    shard = {**config, "board_ids": workspace.visible_board_ids()[:2]}
    mirror = MirrorTarget()
    first = run_tap(shard)
    mirror.apply(first)
    quiet = run_tap(shard, state=first.state)
    mirror.apply(quiet)
    assert schema_order(quiet) == []
    expected = trello_objects(workspace)
    assert mirror.live("boards") == set(shard["board_ids"])
    assert mirror.live("cards") == {
        card_id
        for card_id in expected["cards"]
        if workspace.cards[card_id]["idBoard"] in shard["board_ids"]
    }


def test_a_failed_run_sends_nothing_before_its_schema(make_emulator) -> None:
    workspace, server, config = make_emulator(**DATA)
    mirror = MirrorTarget()
    first = run_tap(config)
    mirror.apply(first)
    second_board = workspace.visible_board_ids()[1]
    server.faults = FaultConfig(rate=1.0, paths=rf"/boards/{second_board}$", kinds=("5xx",))
    run = run_cli({**config, "max_retries": 0, "rescan_after_hours": 0}, state=first.state)
    assert run.returncode == 1
    failed = parse_messages(run.stdout)
    mirror.apply(failed)
    assert schema_order(failed) == []
    assert_nothing_live_is_lost(mirror, workspace)
