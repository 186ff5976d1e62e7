# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""What a Meltano run left in PostgreSQL, checked against what the tap emits.

The expected rows come from an in-process run of the tap (tests/helpers.run_tap) keyed by
each stream's key, for every stream the catalog has, so a new stream is checked without a
change here: row counts, `timestamp` columns for date-times (target-postgres stores naive
UTC), nested objects and arrays as JSON.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devtools.postgres import PostgresServer
    from tests.helpers import SyncResult


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
def table_columns(pg: PostgresServer, schema: str) -> dict[str, dict[str, str]]:
    columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in pg.psql(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = '{schema}'"
    ):
        columns.setdefault(table, {})[column] = data_type
    return columns


def row_count(
    pg: PostgresServer, schema: str, table: str, columns: dict[str, dict[str, str]]
) -> int:
    if table not in columns:  # a stream with no rows never made its table
        return 0
    return int(pg.scalar(f'SELECT count(*) FROM {schema}."{table}"'))


def key_sql(keys: list[str]) -> str:
    return " || '|' || ".join(f'"{k}"::text' for k in keys)


def keys_batched_after(
    pg: PostgresServer, schema: str, table: str, keys: list[str], moment: str
) -> set[str]:
    rows = pg.psql(
        f'SELECT {key_sql(keys)} FROM {schema}."{table}" '
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
    schema: str,
    catalog: dict[str, Any],
    expected: dict[str, dict[str, dict]],
) -> dict[str, dict[str, str]]:
    """Every stream's table: its row count, timestamp columns and nested values."""
    columns = table_columns(pg, schema)
    keys = stream_keys(catalog)
    counts = {s: row_count(pg, schema, s, columns) for s in keys}
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
        rows = pg.psql(f'SELECT {key_sql(keys[stream])}, {selected} FROM {schema}."{stream}"')
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
