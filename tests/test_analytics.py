# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""The dbt analytics package (transform/) against the emulator's own history, in PostgreSQL.

``meltano run tap-trello target-postgres dbt-postgres:build`` in the ``prod`` environment,
configured only by the TARGET_POSTGRES_* variables, as a user runs it. The workspace's
history holds a card moved to another list, to another board, within it, and back; an
archived card, also marked done; a deleted card; a card copied, a check item made a card;
new cards, check items ticked, comments. Then the team deletes and moves more,
and the incremental run's deletion records reach the warehouse: the marts count only live
rows. Each time every row of the four marts is compared with the figures
tests/analytics_expected.py computes from the emulator's model, with no SQL.

Then the package is installed the other way, from a user's own dbt project through
packages.yml, reading the tap's tables from another schema (``trello_schema``).
"""

from __future__ import annotations

import os
import subprocess
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pytest

from tests.analytics_expected import (
    expected_board_daily_activity,
    expected_cards,
    expected_list_daily_cards,
    expected_stays,
)
from tests.conftest import tap_config
from tests.helpers import REPO_ROOT
from tests.meltano_support import PROD, meltano_env, run_meltano
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.postgres_server import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DATABASE = "analytics"
MARTS = "tap_trello_analytics"
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


def sql_text(column: str, kind: str) -> str:
    if kind == "ts":
        return f"coalesce(to_char({column}, 'YYYY-MM-DD HH24:MI:SS.MS'), '{NULL}')"
    return f"coalesce(cast({column} as text), '{NULL}')"


def py_text(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    return str(value)  # text, an int, a Decimal (3 places, as numeric(18, 3)) or a date


def mart_rows(
    pg: PostgresServer, table: str, key: list[str], columns: dict[str, str], schema: str = MARTS
) -> dict[tuple[str, ...], tuple[str, ...]]:
    selected = [sql_text(k, "text") for k in key] + [sql_text(c, t) for c, t in columns.items()]
    rows = pg.psql(f"SELECT {', '.join(selected)} FROM {schema}.{table}", database=DATABASE)
    return {tuple(row[: len(key)]): tuple(row[len(key) :]) for row in rows}


def expected_rows(
    expected: dict[Any, dict[str, Any]], columns: dict[str, str]
) -> dict[tuple[str, ...], tuple[str, ...]]:
    rows = {}
    for key, row in expected.items():
        parts = key if isinstance(key, tuple) else (key,)
        rows[tuple(py_text(part) for part in parts)] = tuple(py_text(row[c]) for c in columns)
    return rows


def assert_same(actual: dict[Any, Any], expected: dict[Any, Any], what: str) -> None:
    missing = sorted(set(expected) - set(actual))[:5]
    extra = sorted(set(actual) - set(expected))[:5]
    assert (missing, extra) == ([], []), f"{what}: missing {missing}, unexpected {extra}"
    wrong = [(key, actual[key], expected[key]) for key in expected if actual[key] != expected[key]]
    assert not wrong, f"{what}: {len(wrong)} rows differ, e.g. (key, mart, expected) {wrong[:3]}"


def assert_marts_match(pg: PostgresServer, ws: Workspace, schema: str = MARTS) -> None:
    """Every row of the four marts equals the independent figures."""
    today = date.fromisoformat(
        pg.psql("SELECT cast(now() at time zone 'UTC' as date)", database=DATABASE)[0][0]
    )
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
    )
    for mart, key, columns, expected in checks:
        assert_same(
            mart_rows(pg, mart, key, columns, schema), expected_rows(expected, columns), mart
        )


class Story:
    """The cards whose history the test follows."""

    def __init__(self, ws: Workspace) -> None:
        self.home, self.away = ws.visible_board_ids()[:2]
        cards = [c for c in ws.board_cards(self.home) if not c["closed"]]
        self.travelling, self.archived, self.deleted, self.deleted_later = (
            cards[0]["id"],
            cards[1]["id"],
            cards[2]["id"],
            cards[3]["id"],
        )
        self.moved_later = cards[4]["id"]

    def before_first_sync(self, ws: Workspace) -> None:
        home_lists = ws.index[self.home].lists
        away_lists = ws.index[self.away].lists
        card = ws.cards[self.travelling]
        ws.move_card_to_list(card["id"], next(x for x in home_lists if x != card["idList"]))
        ws.move_card(card["id"], self.away)
        ws.move_card_to_list(card["id"], away_lists[-1])
        ws.move_card(card["id"], self.home, home_lists[0])  # and back
        ws.archive_card(self.archived)
        ws.delete_card(self.deleted)
        ws.complete_due(self.archived)
        ws.copy_card(self.moved_later, home_lists[-1])
        item = ws.check_items(self.home)[0]
        ws.convert_check_item(item["id"])
        ws.add_cards(self.home, 3)
        ws.add_actions(self.home, 30)
        ws.add_actions(self.home, 8, types=["updateCheckItemStateOnCard"])

    def after_first_sync(self, ws: Workspace) -> None:
        ws.delete_card(self.deleted_later)
        ws.move_card(self.moved_later, self.away)
        ws.add_actions(self.away, 10)


@pytest.fixture(scope="module")
def analytics_db(postgres: PostgresServer) -> Iterator[PostgresServer]:
    postgres.psql(f'CREATE DATABASE "{DATABASE}"', database="postgres")
    yield postgres
    postgres.psql(f'DROP DATABASE "{DATABASE}" WITH (FORCE)', database="postgres")


def installed_env(
    pg: PostgresServer, ws: Workspace, emulator: EmulatorServer, tmp_path: Path, schema: str
) -> dict[str, str]:
    """Meltano's variables for the emulator into ``schema`` of the test database, and
    dbt-postgres installed: nothing else, as a user sets prod up."""
    env = meltano_env(
        database=tmp_path / "meltano.db",
        plugins={
            "tap-trello": tap_config(ws, emulator),
            "target-postgres": {**pg.target_config(schema), "database": DATABASE},
        },
    )
    run_meltano("install", "dbt-postgres", env=env)
    return env


def test_meltano_builds_the_marts_from_the_emulators_history(
    meltano_plugins: None, analytics_db: PostgresServer, tmp_path: Path
) -> None:
    pg = analytics_db
    ws = Workspace.generate(seed=3, boards=3, cards=150, actions=400)
    story = Story(ws)
    story.before_first_sync(ws)
    with EmulatorServer(ws) as emulator:
        env = installed_env(pg, ws, emulator, tmp_path, "tap_trello")
        pipeline = ("run", "tap-trello", "target-postgres", "dbt-postgres:build")
        built = run_meltano(*PROD, *pipeline, env=env)
        assert "Completed successfully" in built
        assert "WARN=0 ERROR=0" in built  # every schema test and consistency check passed
        assert_marts_match(pg, ws)

        stays = pg.psql(
            "SELECT board_id, left_at IS NULL FROM tap_trello_analytics.trello__card_list_periods"
            f" WHERE card_id = '{story.travelling}' ORDER BY entered_at",
            database=DATABASE,
        )
        home, away = story.home, story.away
        assert stays[-4:] == [[home, "f"], [away, "f"], [away, "f"], [home, "t"]]
        archived = pg.psql(
            "SELECT is_archived FROM tap_trello_analytics.trello__cards"
            f" WHERE card_id = '{story.archived}'",
            database=DATABASE,
        )
        assert archived == [["t"]]

        story.after_first_sync(ws)
        rebuilt = run_meltano(*PROD, *pipeline, env=env)
        assert "WARN=0 ERROR=0" in rebuilt
    deleted = pg.psql(
        f"SELECT _sdc_deleted_at IS NOT NULL FROM tap_trello.cards WHERE id = '{story.deleted_later}'",
        database=DATABASE,
    )
    assert deleted == [["t"]]  # the row stays in the raw table, marked deleted
    assert_marts_match(pg, ws)


def test_a_users_dbt_project_installs_the_package(
    meltano_plugins: None, analytics_db: PostgresServer, tmp_path: Path
) -> None:
    pg = analytics_db
    ws = Workspace.generate(seed=4, boards=2, cards=80, actions=200)
    with EmulatorServer(ws) as emulator:
        env = installed_env(pg, ws, emulator, tmp_path, "raw_trello")
        run_meltano(*PROD, "run", "tap-trello", "target-postgres", env=env)

    project = tmp_path / "my_dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: my_project\nversion: '1.0'\nconfig-version: 2\nprofile: warehouse\n"
        "vars:\n  trello_schema: raw_trello\n",
        encoding="utf-8",
    )
    (project / "packages.yml").write_text(
        f"packages:\n  - local: {REPO_ROOT / 'transform'}\n", encoding="utf-8"
    )
    (project / "profiles.yml").write_text(
        "warehouse:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n"
        f"      host: {pg.host}\n      port: {pg.port}\n      user: {pg.user}\n"
        f"      password: {pg.password}\n      dbname: {DATABASE}\n      schema: reporting\n"
        "      threads: 2\n",
        encoding="utf-8",
    )
    dbt = REPO_ROOT / ".meltano" / "utilities" / "dbt-postgres" / "venv" / "bin" / "dbt"
    dbt_env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "MELTANO_"))
    }
    for command in (["deps"], ["build"]):
        result = subprocess.run(
            [str(dbt), *command, "--profiles-dir", str(project)],
            cwd=project,
            env=dbt_env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "WARN=0 ERROR=0" in result.stdout
    assert_marts_match(pg, ws, schema="reporting_analytics")
