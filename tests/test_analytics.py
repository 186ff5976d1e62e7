# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""The dbt analytics package (transform/) against the emulator's own history, in PostgreSQL.

``meltano run tap-trello target-postgres dbt-postgres:build`` in the ``prod`` environment,
configured only by the TARGET_POSTGRES_* variables, as a user runs it, the loader writing to
the schema ``trello`` (TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA): dbt follows it with no other
variable, into ``trello_analytics``. The workspace's history holds a card moved to another
list, to another board, within it, and back; an archived card, also marked done; a deleted
card; a card copied, a check item made a card; new cards, check items ticked, comments. Then
the team deletes and moves more, and the incremental run's deletion records reach the
warehouse: the marts count only live rows. Each time every row of the four marts is
compared with the figures tests/analytics_expected.py computes from the emulator's model,
with no SQL.

Then another workspace, loaded with the loader's schema unset: dbt reads the loader's
default (``tap_trello``). Its raw tables then move to another schema, which the README's
override (DBT_POSTGRES_TRELLO_SCHEMA) names. Last, a user's own dbt project installs the
package as transform/README.md writes it (``git:`` + ``subdirectory:`` + the release tag),
from a local git repository holding this transform/ at that tag, reading the moved tables
(``trello_schema``): its marts, the example queries of analyses/, ``dbt source freshness``
and ``dbt docs generate``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from tests.analytics_expected import (
    expected_board_daily_activity,
    expected_cards,
    expected_list_daily_cards,
    expected_stays,
)
from tests.helpers import REPO_ROOT, tap_config
from tests.meltano_support import PROD, meltano_env, run_meltano
from tests.test_dbt_package import git, package_version, readme_package_entry
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.postgres_server import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

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
    pg: PostgresServer, ws: Workspace, emulator: EmulatorServer, tmp_path: Path, schema: str | None
) -> dict[str, str]:
    """Meltano's variables for the emulator into the test database, and dbt-postgres
    installed: nothing else, as a user sets prod up. ``schema``: the loader's
    default_target_schema (TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA), or None to leave it unset."""
    target = {**pg.target_config(schema or ""), "database": DATABASE}
    if schema is None:
        del target["default_target_schema"]
    env = meltano_env(
        database=tmp_path / "meltano.db",
        plugins={"tap-trello": tap_config(ws, emulator), "target-postgres": target},
    )
    run_meltano("install", "dbt-postgres", env=env)
    return env


def schemas(pg: PostgresServer) -> set[str]:
    rows = pg.psql("SELECT schema_name FROM information_schema.schemata", database=DATABASE)
    return {row[0] for row in rows}


def test_meltano_builds_the_marts_from_the_emulators_history(
    meltano_plugins: None, analytics_db: PostgresServer, tmp_path: Path
) -> None:
    pg = analytics_db
    marts = f"{LOADER_SCHEMA}_analytics"
    ws = Workspace.generate(seed=3, boards=3, cards=150, actions=400)
    story = Story(ws)
    story.before_first_sync(ws)
    with EmulatorServer(ws) as emulator:
        env = installed_env(pg, ws, emulator, tmp_path, LOADER_SCHEMA)
        assert env["TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA"] == LOADER_SCHEMA
        assert not [key for key in env if key.startswith("DBT_")]  # dbt follows on its own
        pipeline = ("run", "tap-trello", "target-postgres", "dbt-postgres:build")
        built = run_meltano(*PROD, *pipeline, env=env)
        assert "Completed successfully" in built
        assert "WARN=0 ERROR=0" in built  # every schema test and consistency check passed
        assert_marts_match(pg, ws, schema=marts)
        # nothing read from, or written to, the default schema
        assert not {name for name in schemas(pg) if name.startswith("tap_trello")}

        stays = pg.psql(
            f"SELECT board_id, left_at IS NULL FROM {marts}.trello__card_list_periods"
            f" WHERE card_id = '{story.travelling}' ORDER BY entered_at",
            database=DATABASE,
        )
        home, away = story.home, story.away
        assert stays[-4:] == [[home, "f"], [away, "f"], [away, "f"], [home, "t"]]
        archived = pg.psql(
            f"SELECT is_archived FROM {marts}.trello__cards WHERE card_id = '{story.archived}'",
            database=DATABASE,
        )
        assert archived == [["t"]]

        story.after_first_sync(ws)
        rebuilt = run_meltano(*PROD, *pipeline, env=env)
        assert "WARN=0 ERROR=0" in rebuilt
    deleted = pg.psql(
        f"SELECT _sdc_deleted_at IS NOT NULL FROM {LOADER_SCHEMA}.cards"
        f" WHERE id = '{story.deleted_later}'",
        database=DATABASE,
    )
    assert deleted == [["t"]]  # the row stays in the raw table, marked deleted
    assert_marts_match(pg, ws, schema=marts)


# -- the loader's default schema, the README's override, a user's own dbt project ----------
RAW = "raw_trello"  # where the second workspace's tables move, as another loader's would be


@dataclass
class Loaded:
    ws: Workspace
    env: dict[str, str]
    output: str


@pytest.fixture(scope="module")
def default_build(
    meltano_plugins: None, analytics_db: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Loaded:
    """The pipeline with the loader's schema unset: the loader writes its default."""
    ws = Workspace.generate(seed=4, boards=2, cards=80, actions=200)
    with EmulatorServer(ws) as emulator:
        env = installed_env(analytics_db, ws, emulator, tmp_path_factory.mktemp("default"), None)
        assert not [key for key in env if key.startswith(("DBT_", "TARGET_POSTGRES_DEFAULT"))]
        pipeline = ("run", "tap-trello", "target-postgres", "dbt-postgres:build")
        return Loaded(ws, env, run_meltano(*PROD, *pipeline, env=env))


@pytest.fixture(scope="module")
def moved_raw(default_build: Loaded, analytics_db: PostgresServer) -> Loaded:
    """The loaded tables moved to RAW: nothing is left in tap_trello to read by mistake."""
    analytics_db.psql(f"ALTER SCHEMA tap_trello RENAME TO {RAW}", database=DATABASE)
    return default_build


def test_unset_dbt_reads_the_loaders_default_schema(
    default_build: Loaded, analytics_db: PostgresServer
) -> None:
    assert "WARN=0 ERROR=0" in default_build.output
    assert {"tap_trello", "tap_trello_analytics", "tap_trello_staging"} <= schemas(analytics_db)
    assert_marts_match(analytics_db, default_build.ws, schema="tap_trello_analytics")


def test_the_readmes_override_names_the_raw_schema(
    moved_raw: Loaded, analytics_db: PostgresServer
) -> None:
    env = {**moved_raw.env, "DBT_POSTGRES_TRELLO_SCHEMA": RAW, "DBT_POSTGRES_SCHEMA": "override"}
    env["DBT_POSTGRES_SKIP_PRE_INVOKE"] = "true"  # dbt clean and deps ran in the first build
    built = run_meltano(*PROD, "run", "dbt-postgres:build", env=env)
    assert "WARN=0 ERROR=0" in built
    assert_marts_match(analytics_db, moved_raw.ws, schema="override_analytics")


def release_repository(folder: Path, version: str) -> Path:
    """A git repository holding this transform/ at the tag ``v<version>``, and after it a
    commit without trello__cards: installing the tag must not take the branch's head."""
    repo = folder / "tap-trello"
    ignored = shutil.ignore_patterns("target", "dbt_packages", "logs", "package-lock.yml")
    shutil.copytree(REPO_ROOT / "transform", repo / "transform", ignore=ignored)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release")
    git(repo, "tag", f"v{version}")
    (repo / "transform" / "models" / "marts" / "trello__cards.sql").unlink()
    git(repo, "commit", "-q", "-a", "-m", "after the release")
    return repo


def run_dbt(project: Path, *args: str) -> str:
    dbt = REPO_ROOT / ".meltano" / "utilities" / "dbt-postgres" / "venv" / "bin" / "dbt"
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "MELTANO_"))
    }
    result = subprocess.run(
        [str(dbt), *args, "--profiles-dir", str(project)],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result.stdout


def freshness(project: Path) -> dict[str, str]:
    run_dbt(project, "source", "freshness")
    results = json.loads((project / "target" / "sources.json").read_text(encoding="utf-8"))
    return {result["unique_id"]: result["status"] for result in results["results"]}


def test_a_users_dbt_project_installs_the_release_from_git(
    moved_raw: Loaded, analytics_db: PostgresServer, tmp_path: Path
) -> None:
    pg, ws = analytics_db, moved_raw.ws
    version = package_version()
    entry = readme_package_entry()  # as transform/README.md writes it
    assert entry["revision"] == f"v{version}"
    entry["git"] = release_repository(tmp_path, version).as_uri()

    project = tmp_path / "my_dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: my_project\nversion: '1.0'\nconfig-version: 2\nprofile: warehouse\n"
        f"vars:\n  trello_schema: {RAW}\n",
        encoding="utf-8",
    )
    (project / "packages.yml").write_text(json.dumps({"packages": [entry]}), encoding="utf-8")
    (project / "profiles.yml").write_text(
        "warehouse:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n"
        f"      host: {pg.host}\n      port: {pg.port}\n      user: {pg.user}\n"
        f"      password: {pg.password}\n      dbname: {DATABASE}\n      schema: reporting\n"
        "      threads: 2\n",
        encoding="utf-8",
    )
    run_dbt(project, "deps")
    installed = project / "dbt_packages" / "trello"
    assert (installed / "models" / "marts" / "trello__cards.sql").exists()  # the tag, not HEAD
    assert package_version(installed) == version
    assert "WARN=0 ERROR=0" in run_dbt(project, "build")
    assert_marts_match(pg, ws, schema="reporting_analytics")

    # dbt docs: the stay rules (transform/models/docs.md) on the mart's page, the sources
    run_dbt(project, "docs", "generate")
    target = project / "target"
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    periods = manifest["nodes"]["model.trello.trello__card_list_periods"]["description"]
    assert "How the stays are rebuilt from the actions" in periods
    assert "`moveCardFromBoard` and `deleteCard` close it" in periods
    boards = manifest["sources"]["source.trello.trello.boards"]
    assert (boards["loader"], boards["schema"]) == ("tap-trello", RAW)
    assert boards["description"].strip()
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["nodes"]["model.trello.trello__cards"]["metadata"]["schema"] == (
        "reporting_analytics"
    )
    assert (target / "index.html").exists()
    assert_analyses_match(pg, ws, target / "compiled" / "trello" / "analyses")

    # freshness: the boards' rows are fresh; two days old, a warning
    assert freshness(project) == {"source.trello.trello.boards": "pass"}
    pg.psql(
        f"UPDATE {RAW}.boards SET _sdc_batched_at = _sdc_batched_at - interval '2 days'",
        database=DATABASE,
    )
    assert freshness(project) == {"source.trello.trello.boards": "warn"}


# -- the example queries (analyses/) against the Python figures ----------------------------
def text(value: Any) -> str:
    """A value as psql prints it (NULL as the empty string)."""
    return "" if value is None else str(value)


def percentile_cont(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def assert_analyses_match(pg: PostgresServer, ws: Workspace, compiled: Path) -> None:
    def rows(name: str) -> list[list[str]]:
        sql = (compiled / f"{name}.sql").read_text(encoding="utf-8")
        return pg.psql(sql, database=DATABASE)

    assert {path.stem for path in compiled.glob("*.sql")} == {
        path.stem for path in (REPO_ROOT / "transform" / "analyses").glob("*.sql")
    }
    today = date.fromisoformat(
        pg.psql("SELECT cast(now() at time zone 'UTC' as date)", database=DATABASE)[0][0]
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    cards = expected_cards(ws)

    overdue = sorted(
        (card["due_at"], card_id)
        for card_id, card in cards.items()
        if card["due_at"] is not None
        and card["due_at"] < now
        and not card["is_due_complete"]
        and not card["is_archived"]
    )
    assert overdue, "the workspace has overdue cards"
    assert [row[2] for row in rows("trello__overdue_cards")] == [
        cards[card_id]["card_name"] for _, card_id in overdue
    ]

    ended: dict[tuple[str, str], list[float]] = defaultdict(list)
    for stay in expected_stays(ws).values():
        if stay["seconds_in_list"] is not None:
            ended[stay["board_id"], text(stay["list_name"])].append(float(stay["seconds_in_list"]))
    cycle = {(row[1], row[2]): row for row in rows("trello__list_cycle_time")}
    assert set(cycle) == set(ended)
    for key, seconds in ended.items():
        row = cycle[key]
        assert row[0] == ws.boards[key[0]]["name"]
        assert int(row[3]) == len(seconds)
        assert math.isclose(float(row[4]), percentile_cont(seconds, 0.5) / 86400, abs_tol=1e-9)
        assert math.isclose(float(row[5]), percentile_cont(seconds, 0.9) / 86400, abs_tol=1e-9)

    recent = sorted(
        (row["board_id"], day.isoformat(), text(row["list_name"]), str(row["cards"]))
        for (_, day), row in expected_list_daily_cards(ws, today).items()
        if day > today - timedelta(days=30)
    )
    assert recent
    assert sorted(tuple(row) for row in rows("trello__cumulative_flow")) == recent

    weekly: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (_, member_id, day), row in expected_board_daily_activity(ws).items():
        week = (day - timedelta(days=day.weekday())).isoformat()
        sums = weekly[week, member_id, text(row["member_username"])]
        for index, column in enumerate(("created", "moved", "commented", "completed")):
            sums[index] += row[f"{column}_count"]
    assert {
        tuple(row[:3]): [int(value) for value in row[3:]]
        for row in rows("trello__weekly_member_activity")
    } == weekly

    progress = sorted(
        (card["card_name"], card["checklist_items_complete"], card["checklist_items_total"])
        for card in cards.values()
        if card["checklist_items_total"] > 0 and not card["is_archived"]
    )
    assert progress
    listed = rows("trello__checklist_progress")
    assert sorted((row[2], int(row[3]), int(row[4])) for row in listed) == progress
    ratios = [float(row[5]) for row in listed]
    assert ratios == sorted(ratios)
    for row in listed:
        assert math.isclose(float(row[5]), int(row[3]) / int(row[4]), abs_tol=1e-9)
