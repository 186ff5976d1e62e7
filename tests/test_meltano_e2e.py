# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""Meltano end to end: `meltano run tap-trello target-postgres` against the emulator.

A throwaway PostgreSQL server (tests/postgres_server.py) and the emulator are started here
and stopped at the end; Meltano installs the tap (editable, from this checkout) and
MeltanoLabs target-postgres into `.meltano/` as meltano.yml declares them. The expected
rows come from the emulator's workspace (for the first seven streams) and from an
in-process run of the tap against the same data (for every stream the catalog has), so a
new stream is checked without a change here.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import tap_config
from tests.helpers import discover_catalog, run_tap
from tests.meltano_support import meltano_env, run_meltano
from tests.postgres_server import PostgresServer, PostgresUnavailableError
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.helpers import SyncResult

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCHEMA = "tap_trello"
DATA = {"seed": 5, "boards": 4, "cards": 1200, "actions": 1800}


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
    except PostgresUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL for the Meltano end-to-end test: {exc}")
        pytest.skip(str(exc))
    with server:
        yield server


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


# -- the catalog ------------------------------------------------------------------------
def stream_keys(catalog: dict[str, Any]) -> dict[str, list[str]]:
    return {
        entry["tap_stream_id"]: entry.get("key_properties") or [] for entry in catalog["streams"]
    }


def incremental_streams(catalog: dict[str, Any]) -> set[str]:
    return {e["tap_stream_id"] for e in catalog["streams"] if e.get("replication_key")}


def property_types(schema: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Top-level date-time properties, and nested (object or array) ones."""
    dates, nested = set(), set()
    for name, prop in schema.get("properties", {}).items():
        types = prop.get("type", [])
        types = [types] if isinstance(types, str) else types
        if prop.get("format") == "date-time" and "string" in types:
            dates.add(name)
        elif "object" in types or "array" in types:
            nested.add(name)
    return dates, nested


def keyed_records(result: SyncResult, keys: dict[str, list[str]]) -> dict[str, dict[str, dict]]:
    """The tap's records by stream and key (the last one wins, as an upsert does)."""
    by_stream: dict[str, dict[str, dict]] = {}
    for stream, rows in result.records.items():
        names = keys.get(stream) or []
        table = by_stream.setdefault(stream, {})
        for index, row in enumerate(rows):
            key = "|".join(str(row.get(k)) for k in names) if names else str(index)
            table[key] = row
    return by_stream


# -- PostgreSQL -------------------------------------------------------------------------
def table_columns(pg: PostgresServer) -> dict[str, dict[str, str]]:
    columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in pg.psql(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = '{SCHEMA}'"
    ):
        columns.setdefault(table, {})[column] = data_type
    return columns


def row_count(pg: PostgresServer, table: str, columns: dict[str, dict[str, str]]) -> int:
    if table not in columns:  # a stream with no rows never made its table
        return 0
    return int(pg.scalar(f'SELECT count(*) FROM {SCHEMA}."{table}"'))


def key_sql(keys: list[str]) -> str:
    return " || '|' || ".join(f'"{k}"::text' for k in keys)


def keys_batched_after(pg: PostgresServer, table: str, keys: list[str], moment: str) -> set[str]:
    rows = pg.psql(
        f'SELECT {key_sql(keys)} FROM {SCHEMA}."{table}" '
        f"WHERE _sdc_batched_at > '{moment}'::timestamp"
    )
    return {row[0] for row in rows}


def utc_naive(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def check_tables(
    pg: PostgresServer,
    catalog: dict[str, Any],
    expected: dict[str, dict[str, dict]],
) -> dict[str, dict[str, str]]:
    """Every stream's table: its row count, timestamp columns and nested values."""
    columns = table_columns(pg)
    keys = stream_keys(catalog)
    counts = {s: row_count(pg, s, columns) for s in keys}
    assert counts == {s: len(expected.get(s, {})) for s in keys}

    for entry in catalog["streams"]:
        stream = entry["tap_stream_id"]
        if not expected.get(stream) or not keys[stream]:
            continue
        dates, nested = property_types(entry["schema"])
        table = columns[stream]
        for name in dates & set(table):
            assert table[name].startswith("timestamp"), (stream, name, table[name])
        for name in nested & set(table):
            assert table[name] in {"jsonb", "json", "ARRAY"}, (stream, name, table[name])
        checked = sorted((dates | nested) & set(table))
        if not checked:
            continue
        selected = ", ".join(
            f'to_jsonb("{c}")::text'
            if c in nested
            else f'to_char("{c}", \'YYYY-MM-DD"T"HH24:MI:SS.US\')'
            for c in checked
        )
        rows = pg.psql(f'SELECT {key_sql(keys[stream])}, {selected} FROM {SCHEMA}."{stream}"')
        assert len(rows) == len(expected[stream])
        for key, *values in rows:
            record = expected[stream][key]
            for name, value in zip(checked, values, strict=True):
                want = record.get(name)
                if want is None:
                    assert value in {"", "null"}, (stream, key, name, value)
                elif name in nested:
                    assert json.loads(value) == want, (stream, key, name)
                else:
                    assert datetime.fromisoformat(value) == utc_naive(want), (stream, key, name)
    return columns


def test_meltano_run_into_postgres_then_incremental(
    postgres: PostgresServer, tmp_path: Path
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
        run_meltano("install", "tap-trello", "target-postgres", env=env)

        # First run: everything.
        first = run_tap(config)
        assert {s: len(first.records.get(s, [])) for s in workspace_counts(workspace)} == (
            workspace_counts(workspace)
        )
        run_meltano("--environment=sandbox", "run", "tap-trello", "target-postgres", env=env)
        check_tables(postgres, catalog, keyed_records(first, keys))
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

        run_meltano("--environment=sandbox", "run", "tap-trello", "target-postgres", env=env)
        second = run_tap(config)
        assert {s: len(second.records.get(s, [])) for s in workspace_counts(workspace)} == (
            workspace_counts(workspace)
        )
        check_tables(postgres, catalog, keyed_records(second, keys))
        assert keys_batched_after(postgres, "actions", keys["actions"], batched["actions"]) == (
            new_actions
        )
        assert keys_batched_after(postgres, "cards", keys["cards"], batched["cards"]) == (
            changed_cards
        )
        output = run_meltano(
            "--environment=sandbox",
            "state",
            "get",
            "sandbox:tap-trello-to-target-postgres",
            env=env,
        )
        state = json.loads(next(x for x in reversed(output.splitlines()) if x.startswith("{")))
        bookmarks = state["singer_state"]["bookmarks"]
        assert {p["context"]["board_id"] for p in bookmarks["actions"]["partitions"]} == set(
            workspace.visible_board_ids()
        )
