# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""Meltano end to end: `meltano --environment=prod run tap-trello target-postgres`.

The prod environment as a user runs it, credentials and database from variables
(TAP_TRELLO_*, TARGET_POSTGRES_*), with the tap pointed at the emulator. The throwaway
PostgreSQL server (devtools/postgres.py) is the session's; the tap (editable, from this
checkout) and MeltanoLabs target-postgres are the session's one install into `.meltano/`
(tests/meltano_shared.py). The expected rows come from the emulator's workspace (for the
first seven streams) and from an in-process run of the tap against the same data (for every
stream the catalog has: tests/meltano_checks.py), so a new stream is checked without a
change here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.helpers import discover_catalog, run_tap, tap_config
from tests.meltano_checks import (
    check_tables,
    incremental_streams,
    keyed_records,
    keys_batched_after,
    stream_keys,
    utc_naive,
)
from tests.meltano_support import PROD, meltano_env, run_meltano
from tests.mirror_target import trello_objects
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from pathlib import Path

    from devtools.postgres import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCHEMA = "tap_trello"
# The prod environment, as a user runs it, with everything from variables; a developer's
# .env (real credentials, board_ids...) stays out of it.
DATA = {"seed": 5, "boards": 4, "cards": 1200, "actions": 1800}


# -- what the emulator holds ------------------------------------------------------------
def workspace_counts(workspace: Workspace) -> dict[str, int]:
    """Rows of the first seven streams, straight from the emulator's data."""
    boards = workspace.visible_board_ids()
    return {
        "boards": len(boards),
        "lists": sum(len(workspace.board_lists(b)) for b in boards),
        "labels": sum(len(workspace.board_labels(b)) for b in boards),
        "checklists": sum(len(workspace.board_checklists(b)) for b in boards),
        "cards": sum(len(workspace.board_cards(b)) for b in boards),
        "actions": sum(len(workspace.board_actions(b)) for b in boards),
        "members": len({m["id"] for b in boards for m in workspace.board_members(b)}),
    }


def card_activity(workspace: Workspace) -> dict[str, str]:
    return {
        card["id"]: card["dateLastActivity"]
        for board in workspace.visible_board_ids()
        for card in workspace.board_cards(board)
    }


def action_ids(workspace: Workspace) -> set[str]:
    return {a["id"] for b in workspace.visible_board_ids() for a in workspace.board_actions(b)}


def test_meltano_run_into_postgres_then_incremental(
    meltano_plugins: None, postgres: PostgresServer, tmp_path: Path
) -> None:
    workspace = Workspace.generate(**DATA)
    with EmulatorServer(workspace) as emulator:
        config = tap_config(workspace, emulator)
        catalog = discover_catalog(config)
        keys = stream_keys(catalog)
        env = meltano_env(
            database=tmp_path / "meltano.db",
            plugins={
                "tap-trello": config,
                "target-postgres": postgres.target_config(SCHEMA),
            },
        )

        # First run: everything.
        first = run_tap(config)
        assert {s: len(first.records.get(s, [])) for s in workspace_counts(workspace)} == (
            workspace_counts(workspace)
        )
        run_meltano(*PROD, "run", "tap-trello", "target-postgres", env=env)
        check_tables(postgres, SCHEMA, catalog, keyed_records(first, keys))
        batched = {
            stream: postgres.scalar(f'SELECT max(_sdc_batched_at) FROM {SCHEMA}."{stream}"')
            for stream in incremental_streams(catalog) & set(first.records)
        }

        # New actions and cards, a touched card; Meltano's state brings only those.
        activity, actions = card_activity(workspace), action_ids(workspace)
        big, other = workspace.big_board_id, workspace.visible_board_ids()[1]
        workspace.add_actions(big, 40)
        workspace.add_cards(other, 6)
        workspace.touch_card(workspace.board_cards(other)[0]["id"])
        changed_cards = {
            card_id
            for card_id, last in card_activity(workspace).items()
            if activity.get(card_id) != last
        }
        new_actions = action_ids(workspace) - actions
        assert len(new_actions) >= 40 + 6 + 1
        assert len(changed_cards) >= 6 + 1

        run_meltano(*PROD, "run", "tap-trello", "target-postgres", env=env)
        second = run_tap(config)
        assert {s: len(second.records.get(s, [])) for s in workspace_counts(workspace)} == (
            workspace_counts(workspace)
        )
        check_tables(postgres, SCHEMA, catalog, keyed_records(second, keys))
        assert keys_batched_after(
            postgres, SCHEMA, "actions", keys["actions"], batched["actions"]
        ) == (new_actions)
        assert keys_batched_after(postgres, SCHEMA, "cards", keys["cards"], batched["cards"]) == (
            changed_cards
        )
        output = run_meltano(*PROD, "state", "get", "prod:tap-trello-to-target-postgres", env=env)
        state = json.loads(next(x for x in reversed(output.splitlines()) if x.startswith("{")))
        bookmarks = state["singer_state"]["bookmarks"]
        assert {p["context"]["board_id"] for p in bookmarks["actions"]["partitions"]} == set(
            workspace.visible_board_ids()
        )


def live_ids(pg: PostgresServer, table: str, schema: str) -> set[str]:
    rows = pg.psql(f'SELECT id FROM {schema}."{table}" WHERE _sdc_deleted_at IS NULL')
    return {row[0] for row in rows}


def test_hourly_runs_first_quiet_then_one_card_changed(
    meltano_plugins: None, postgres: PostgresServer, tmp_path: Path
) -> None:
    """Three scheduled runs in a row, as target-postgres (pinned) takes them: all exit 0.

    The second run finds nothing changed: it sends SCHEMA for the boards and workspaces
    only, and ACTIVATE_VERSION for every stream, each after that stream's SCHEMA.
    """
    schema = "hourly"
    workspace = Workspace.generate(seed=11, boards=3, cards=300, actions=500, bulk=False)
    with EmulatorServer(workspace) as emulator:
        config = tap_config(workspace, emulator)
        env = meltano_env(
            database=tmp_path / "meltano.db",
            plugins={"tap-trello": config, "target-postgres": postgres.target_config(schema)},
        )

        def run_and_check() -> None:
            run_meltano(*PROD, "run", "tap-trello", "target-postgres", env=env)
            for table, ids in trello_objects(workspace).items():
                assert live_ids(postgres, table, schema) == ids, table

        run_and_check()  # first
        emulator.clear_log()
        run_and_check()  # nothing changed
        assert emulator.count() == 2  # the boards list and the workspaces
        card = workspace.board_cards(workspace.visible_board_ids()[0])[0]
        workspace.touch_card(card["id"])
        run_and_check()  # one card changed
        changed = postgres.scalar(
            f"SELECT \"dateLastActivity\" FROM {schema}.cards WHERE id = '{card['id']}'"
        )
        assert utc_naive(str(changed)) == utc_naive(workspace.cards[card["id"]]["dateLastActivity"])


def test_an_odd_value_from_trello_loads_with_record_validation_on(
    meltano_plugins: None, postgres: PostgresServer, tmp_path: Path
) -> None:
    """target-postgres validates every record (its default): one odd value fails nothing.

    Trello answers one card with ``pos: "top"`` and ``closed: "yes"``; the tap sends them
    as null (they are no number and no boolean), and every row of every table lands.
    """
    schema = "odd_values"
    workspace = Workspace.generate(seed=13, boards=2, cards=80, actions=120, bulk=False)
    odd = workspace.board_cards(workspace.visible_board_ids()[0])[0]["id"]

    def oddly(path: str, body: object) -> object:
        cards = body.get("cards") if isinstance(body, dict) else None
        for card in cards or (body if isinstance(body, list) else []):
            if isinstance(card, dict) and card.get("id") == odd:
                card.update(pos="top", closed="yes")
        return body

    with EmulatorServer(workspace) as emulator:
        emulator.rewrite = oddly
        config = tap_config(workspace, emulator)
        target = {**postgres.target_config(schema), "validate_records": True}
        env = meltano_env(
            database=tmp_path / "meltano.db",
            plugins={"tap-trello": config, "target-postgres": target},
        )
        output = run_meltano(*PROD, "run", "tap-trello", "target-postgres", env=env)
        assert 'cards.pos: "top" is not a number' in output
        for table, ids in trello_objects(workspace).items():
            assert live_ids(postgres, table, schema) == ids, table
        row = postgres.psql(f"SELECT pos, closed FROM {schema}.cards WHERE id = '{odd}'")
        assert row == [["", ""]]  # both null
