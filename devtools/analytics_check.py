"""The dbt marts compared with the analytics oracle, row by row and column by column.

What both the analytics tests and the benchmark's ``--check`` run: each mart read back
from PostgreSQL with psql, each figure from :mod:`devtools.analytics_oracle`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from devtools.analytics_oracle import (
    expected_board_daily_activity,
    expected_board_weekly_flow,
    expected_card_cycle_times,
    expected_card_due_dates,
    expected_cards,
    expected_custom_field_history,
    expected_list_daily_cards,
    expected_lists,
    expected_plugin_data,
    expected_stays,
    expected_workspace_people,
)

if TYPE_CHECKING:
    from devtools.postgres import PostgresServer
    from trello_emulator import Workspace


DATABASE = "analytics"
MARTS = "tap_trello_analytics"  # where the marts of the loader's default schema land
LOADER_SCHEMA = "trello"  # what the first test's loader writes (TARGET_POSTGRES_DEFAULT_...)
NULL = "<null>"

# Each mart's key and its other columns, with how to print them alike in SQL and Python.
CARD_COLUMNS = {
    "board_id": "text",
    "board_name": "text",
    "list_id": "text",
    "list_name": "text",
    "card_name": "text",
    "is_archived": "text",
    "created_at": "ts",
    "last_activity_at": "ts",
    "due_at": "ts",
    "is_due_complete": "text",
    "label_names": "text",
    "member_usernames": "text",
    "checklist_items_total": "text",
    "checklist_items_complete": "text",
    "comment_count": "text",
    "current_list_entered_at": "ts",
    "power_up_data": "json",
}
STAY_COLUMNS = {
    "card_id": "text",
    "board_id": "text",
    "list_id": "text",
    "list_name": "text",
    "entered_at": "ts",
    "left_at": "ts",
    "seconds_in_list": "text",
}
DAILY_COLUMNS = {"board_id": "text", "list_name": "text", "cards": "text"}
ACTIVITY_COLUMNS = {
    "member_username": "text",
    "action_count": "text",
    "created_count": "text",
    "moved_count": "text",
    "commented_count": "text",
    "completed_count": "text",
}


LIST_COLUMNS = {
    "board_id": "text",
    "list_name": "text",
    "stage": "text",
    "is_archived": "text",
    "position": "float",
}
CYCLE_COLUMNS = {
    "board_id": "text",
    "created_at": "ts",
    "first_started_at": "ts",
    "is_completed": "text",
    "completed_at": "ts",
    "lead_time_seconds": "text",
    "cycle_time_seconds": "text",
    "times_reopened": "text",
    "current_stage": "text",
    "current_stage_entered_at": "ts",
}
WEEKLY_COLUMNS = {
    "cards_started": "text",
    "cards_completed": "text",
    "wip_at_week_end": "text",
    "cycle_time_p50_days": "float",
    "cycle_time_p85_days": "float",
}
DUE_COLUMNS = {
    "board_id": "text",
    "due_at": "ts",
    "is_due_complete": "text",
    "due_completed_at": "ts",
    "is_completed_late": "text",
    "is_overdue": "text",
    "due_date_changes": "text",
}
PLUGIN_DATA_COLUMNS = {
    "plugin_id": "text",
    "scope": "text",
    "model_id": "text",
    "board_id": "text",
    "card_id": "text",
    "access": "text",
    "value": "text",
    "updated_at": "ts",
}
ORGANIZATION_MEMBER_COLUMNS = {"username": "text", "full_name": "text"}
ORGANIZATION_MEMBERSHIP_COLUMNS = {
    "member_id": "text",
    "member_type": "text",
    "is_unconfirmed": "text",
    "is_deactivated": "text",
}
CUSTOM_FIELD_COLUMNS = {
    "card_id": "text",
    "board_id": "text",
    "custom_field_id": "text",
    "custom_field_name": "text",
    "value": "text",
    "valid_from": "ts",
    "valid_until": "ts",
}


def sql_text(column: str, kind: str) -> str:
    if kind == "ts":
        return f"coalesce(to_char({column}, 'YYYY-MM-DD HH24:MI:SS.MS'), '{NULL}')"
    if kind == "float":  # compared with a tolerance (Approx)
        return f"coalesce(cast(cast({column} as double precision) as text), '{NULL}')"
    return f"coalesce(cast({column} as text), '{NULL}')"


@dataclass(frozen=True)
class Approx:
    """A float as text, equal to another within a relative 1e-9 (percentiles are computed in
    another order in SQL).
    """

    text: str

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Approx):
            return NotImplemented
        if NULL in (self.text, other.text):
            return self.text == other.text
        return math.isclose(float(self.text), float(other.text), rel_tol=1e-9, abs_tol=1e-9)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return self.text


def py_text(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    return str(value)  # text, an int, a Decimal (3 places, as numeric(18, 3)) or a date


def canonical_json(value: Any) -> str:
    """A JSON value as one text, whatever the database's spacing."""
    return NULL if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def compared(text: str, kind: str) -> str | Approx:
    if kind == "json":
        return text if text == NULL else canonical_json(json.loads(text))
    return Approx(text) if kind == "float" else text


def mart_rows(
    pg: PostgresServer, table: str, key: list[str], columns: dict[str, str], schema: str = MARTS
) -> dict[tuple[str, ...], tuple[str | Approx, ...]]:
    selected = [sql_text(k, "text") for k in key] + [sql_text(c, t) for c, t in columns.items()]
    rows = pg.psql(f"SELECT {', '.join(selected)} FROM {schema}.{table}", database=DATABASE)
    kinds = list(columns.values())
    return {
        tuple(row[: len(key)]): tuple(
            compared(text, kind) for text, kind in zip(row[len(key) :], kinds, strict=True)
        )
        for row in rows
    }


def expected_rows(
    expected: dict[Any, dict[str, Any]], columns: dict[str, str]
) -> dict[tuple[str, ...], tuple[str | Approx, ...]]:
    rows = {}
    for key, row in expected.items():
        parts = key if isinstance(key, tuple) else (key,)
        rows[tuple(py_text(part) for part in parts)] = tuple(
            compared(py_number(row[c]), kind)
            if kind == "float"
            else canonical_json(row[c])
            if kind == "json"
            else py_text(row[c])
            for c, kind in columns.items()
        )
    return rows


def py_number(value: float | None) -> str:
    return NULL if value is None else repr(float(value))


def assert_same(actual: dict[Any, Any], expected: dict[Any, Any], what: str) -> None:
    missing = sorted(set(expected) - set(actual))[:5]
    extra = sorted(set(actual) - set(expected))[:5]
    assert (missing, extra) == ([], []), f"{what}: missing {missing}, unexpected {extra}"
    wrong = [(key, actual[key], expected[key]) for key in expected if actual[key] != expected[key]]
    assert not wrong, f"{what}: {len(wrong)} rows differ, e.g. (key, mart, expected) {wrong[:3]}"


def assert_marts_match(
    pg: PostgresServer,
    ws: Workspace,
    schema: str = MARTS,
    stages: dict[str, str] | None = None,
) -> None:
    """Every row of the nine marts equals the independent figures; ``stages``: the
    trello_list_stages mapping of the build.
    """
    today = date.fromisoformat(
        pg.psql("SELECT cast(now() at time zone 'UTC' as date)", database=DATABASE)[0][0]
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    checks = (
        ("trello__cards", ["card_id"], CARD_COLUMNS, expected_cards(ws)),
        ("trello__card_list_periods", ["stay_id"], STAY_COLUMNS, expected_stays(ws)),
        (
            "trello__list_daily_cards",
            ["list_id", "day"],
            DAILY_COLUMNS,
            expected_list_daily_cards(ws, today),
        ),
        (
            "trello__board_daily_activity",
            ["board_id", "member_id", "day"],
            ACTIVITY_COLUMNS,
            expected_board_daily_activity(ws),
        ),
        ("trello__lists", ["list_id"], LIST_COLUMNS, expected_lists(ws, stages)),
        (
            "trello__card_cycle_times",
            ["card_id"],
            CYCLE_COLUMNS,
            expected_card_cycle_times(ws, stages),
        ),
        (
            "trello__board_weekly_flow",
            ["board_id", "week_start"],
            WEEKLY_COLUMNS,
            expected_board_weekly_flow(ws, now, stages),
        ),
        ("trello__card_due_dates", ["card_id"], DUE_COLUMNS, expected_card_due_dates(ws, now)),
        (
            "trello__custom_field_history",
            ["period_id"],
            CUSTOM_FIELD_COLUMNS,
            expected_custom_field_history(ws),
        ),
    )
    for mart, key, columns, expected in checks:
        assert_same(
            mart_rows(pg, mart, key, columns, schema), expected_rows(expected, columns), mart
        )


def assert_staging_match(
    pg: PostgresServer, ws: Workspace, schema: str, *, workspace_level: bool
) -> None:
    """The staging views of the Power-Up data and the workspace level equal the emulator's
    data; ``workspace_level``: whether the opt-in streams were loaded (else their views are
    empty).
    """
    assert_same(
        mart_rows(pg, "stg_trello__plugin_data", ["plugin_data_id"], PLUGIN_DATA_COLUMNS, schema),
        expected_rows(expected_plugin_data(ws), PLUGIN_DATA_COLUMNS),
        "stg_trello__plugin_data",
    )
    members, memberships = expected_workspace_people(ws) if workspace_level else ({}, {})
    checks = (
        ("stg_trello__organization_members", "member_id", ORGANIZATION_MEMBER_COLUMNS, members),
        (
            "stg_trello__organization_memberships",
            "membership_id",
            ORGANIZATION_MEMBERSHIP_COLUMNS,
            memberships,
        ),
    )
    for view, key, columns, expected in checks:
        actual = mart_rows(pg, view, ["organization_id", key], columns, schema)
        assert_same(actual, expected_rows(expected, columns), view)
    actions = pg.psql(
        f"SELECT organization_id, action_id FROM {schema}.stg_trello__organization_actions",
        database=DATABASE,
    )
    feeds = set()
    if workspace_level:
        with ws.lock:
            organizations = list(ws.members[ws.me_id]["idOrganizations"])
        feeds = {(org, a["id"]) for org in organizations for a in ws.organization_actions(org)}
    assert {(org, action) for org, action in actions} == feeds
    assert len(actions) == len(feeds)
