# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""The dbt analytics package (transform/) against the emulator's own history, in PostgreSQL.

``meltano run tap-trello target-postgres dbt-postgres:build`` in the ``prod`` environment,
configured only by the TARGET_POSTGRES_* variables, as a user runs it, the loader writing to
the schema ``trello`` (TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA): dbt follows it with no other
variable, into ``trello_analytics``. The workspace's history holds a card moved to another
list, to another board, within it, and back; an archived card, also marked done; a deleted
card; a card copied, a check item made a card; new cards, check items ticked, comments; and
the delivery history (:class:`Delivery`): lists named like real workflows, cards moved
through them, reopened and created done, a board of known cycle times, due dates set, moved,
completed and undone, custom field values set, changed and cleared. Then the team deletes,
moves, reopens and re-estimates more, and the incremental run brings it, deletion records
included: the marts count only live rows. Each time every row of the nine marts is compared
with the figures devtools/analytics_oracle.py computes from the emulator's model, with no
SQL; the figures known in advance (stages of the workflow lists, percentiles of the known
cycle times, due dates) are checked as such.

Then another workspace, loaded with the loader's schema unset: dbt reads the loader's
default (``tap_trello``). Its raw tables then move to another schema, which the README's
override (DBT_POSTGRES_TRELLO_SCHEMA) names, with the stages of some lists named by the
utility's setting (DBT_POSTGRES_TRELLO_LIST_STAGES). Last, a user's own dbt project installs
the package as transform/README.md writes it (``git:`` + ``subdirectory:`` + the release
tag), from a local git repository holding this transform/ at that tag, reading the moved
tables (``trello_schema``) with its own ``trello_list_stages``: its marts, the example
queries of analyses/, ``dbt source freshness`` and ``dbt docs generate``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from devtools.analytics_check import (
    DATABASE,
    LOADER_SCHEMA,
    assert_marts_match,
    assert_staging_match,
)
from devtools.analytics_oracle import (
    expected_board_daily_activity,
    expected_board_weekly_flow,
    expected_card_cycle_times,
    expected_card_due_dates,
    expected_cards,
    expected_custom_field_history,
    expected_list_daily_cards,
    expected_lists,
    expected_stays,
    percentile_cont,
    stage_of,
    week_of,
)
from tests.dbt_package_support import git, package_version, readme_package_entry
from tests.helpers import REPO_ROOT, tap_config
from tests.meltano_support import PROD, meltano_env, run_meltano
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from devtools.postgres import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


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


DAY = 86_400


def iso(seconds: int) -> str:
    """A Trello date (``2026-06-01T12:00:00.000Z``) at a second of the emulator's clock."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Delivery:
    """The delivery history: lists named like real workflows, cards started and completed
    (on a board of its own, with known durations), reopened, due dates set, moved and
    completed, custom field values set, changed and cleared."""

    # days from start to completion of the delivery board's five cards, completed together
    CYCLE_DAYS = (10, 4, 3, 2, 1)
    WORKFLOW = ("To-Do", "In Progress 🚧", "QA/Done", "Undone", "Shipped 🚀", "DONE!!")

    def __init__(self, ws: Workspace, story: Story) -> None:
        self.home, self.away = story.home, story.away
        self.skip = {story.travelling, story.archived, story.deleted, story.deleted_later}
        self.skip.add(story.moved_later)
        self.board = ""
        self.timed: list[str] = []
        self.completed_week = date.min  # the week the five cards were completed

    def before_first_sync(self, ws: Workspace) -> None:
        self.workflow_lists(ws)
        self.known_durations(ws)
        self.due_dates(ws)
        self.custom_fields(ws)

    def workflow_lists(self, ws: Workspace) -> None:
        """New lists on the away board (and one renamed), cards moved through them."""
        lists = {name: ws.add_list(self.away, name)["id"] for name in self.WORKFLOW}
        icebox = ws.add_list(self.away, "Parking lot")["id"]
        ws.rename_list(icebox, "Icebox ❄️")
        lists["Icebox ❄️"] = icebox
        a, b, c = (card["id"] for card in ws.add_cards(self.away, 3, list_id=lists["To-Do"]))
        for card, path in (
            (a, ["In Progress 🚧", "QA/Done", "Undone", "Shipped 🚀", "DONE!!"]),
            (b, ["Icebox ❄️", "In Progress 🚧", "Shipped 🚀"]),
            (c, ["Undone"]),
        ):
            for name in path:
                ws.move_card_to_list(card, lists[name])
        (d,) = ws.add_cards(self.away, 1, list_id=lists["Shipped 🚀"])  # created done
        ws.move_card_to_list(d["id"], lists["To-Do"])  # and reopened
        self.reopen = (b, lists["In Progress 🚧"])

    def known_durations(self, ws: Workspace) -> None:
        """A board whose five cards go from Backlog to In progress, then all to Done at once,
        after CYCLE_DAYS; one is reopened and done again the next week; one is created done."""
        self.board = ws.add_board("Delivery 📦")["id"]
        backlog = ws.index[self.board].lists[0]
        doing = ws.add_list(self.board, "In progress")["id"]
        done = ws.add_list(self.board, "Done ✅")["id"]
        self.timed = [card["id"] for card in ws.add_cards(self.board, 5, list_id=backlog)]
        longest = max(self.CYCLE_DAYS)
        ws.advance_clock(DAY)
        waited = 0
        for card, days in zip(self.timed, self.CYCLE_DAYS, strict=True):
            ws.advance_clock((longest - days) * DAY - waited)
            waited = (longest - days) * DAY
            ws.move_card_to_list(card, doing)
        ws.advance_clock(longest * DAY - waited)
        for card in self.timed:
            ws.move_card_to_list(card, done)
        self.completed_week = week_start(ws.clock_s)
        ws.advance_clock(DAY)
        ws.move_card_to_list(self.timed[0], doing)
        ws.advance_clock(3 * DAY)
        ws.move_card_to_list(self.timed[0], done)
        ws.add_cards(self.board, 1, list_id=done)

    def due_dates(self, ws: Workspace) -> None:
        """Due dates set, moved, completed on time and late, left overdue, undone."""
        on_time, late, overdue, undone, future = self.timed[:5]
        now = ws.clock_s
        ws.set_due(on_time, iso(now + 2 * DAY))
        ws.complete_due(on_time)
        ws.set_due(late, iso(now - 3 * DAY))
        ws.set_due(late, iso(now - 2 * DAY))  # moved: a change
        ws.set_due(late, iso(now - DAY))  # and again
        ws.complete_due(late)
        ws.set_due(overdue, iso(now - DAY))
        ws.set_due(undone, iso(now + DAY))
        ws.complete_due(undone)
        ws.complete_due(undone, complete=False)
        ws.set_due(future, iso(now + 4000 * DAY))

    def custom_fields(self, ws: Workspace) -> None:
        """On home cards: a number set and changed, a list option set and changed, a text, a
        date and a checkbox set, a value cleared, a generated value changed."""
        fields = {f["type"]: f for f in ws.board_custom_fields(self.home)}
        cards = [
            c["id"]
            for c in ws.board_cards(self.home)
            if not c["closed"] and c["id"] not in self.skip
        ]
        bare = [c for c in cards if not ws.card_custom_field_items.get(c)]
        valued = [c for c in cards if ws.card_custom_field_items.get(c)]
        first, second = bare[:2]
        options = [option["id"] for option in fields["list"]["options"]]
        ws.set_custom_field(first, fields["number"]["id"], "3")
        ws.set_custom_field(first, fields["number"]["id"], "5")
        ws.set_custom_field(first, fields["list"]["id"], options[0])
        ws.set_custom_field(first, fields["list"]["id"], options[2])
        ws.set_custom_field(second, fields["text"]["id"], "Needs a decision 🤔")
        ws.set_custom_field(second, fields["date"]["id"], iso(ws.clock_s + 9 * DAY))
        ws.set_custom_field(second, fields["checkbox"]["id"], "true")
        ws.clear_custom_field_item(second, fields["text"]["id"])
        item = ws.card_custom_field_items[valued[0]][0]
        definition = ws.custom_fields[item["idCustomField"]]
        value = options[1] if definition["type"] == "list" else "42"
        if definition["type"] == "checkbox":
            value = "false"
        ws.set_custom_field(valued[0], item["idCustomField"], value)
        self.changed = (first, fields["number"]["id"])

    def after_first_sync(self, ws: Workspace) -> None:
        card, doing = self.reopen
        ws.move_card_to_list(card, doing)  # done, then not: reopened
        ws.set_due(self.timed[2], iso(ws.clock_s + 5 * DAY))
        ws.set_custom_field(*self.changed, "8")


def week_start(seconds: int) -> date:
    day = datetime.fromtimestamp(seconds, timezone.utc).date()
    return day - timedelta(days=day.weekday())


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


def tables(pg: PostgresServer, schema: str) -> set[str]:
    rows = pg.psql(
        f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}'",
        database=DATABASE,
    )
    return {row[0] for row in rows}


def test_meltano_builds_the_marts_from_the_emulators_history(
    meltano_plugins: None, analytics_db: PostgresServer, tmp_path: Path
) -> None:
    pg = analytics_db
    marts = f"{LOADER_SCHEMA}_analytics"
    ws = Workspace.generate(seed=3, boards=3, cards=150, actions=400)
    story = Story(ws)
    story.before_first_sync(ws)
    delivery = Delivery(ws, story)
    delivery.before_first_sync(ws)
    with EmulatorServer(ws) as emulator:
        env = installed_env(pg, ws, emulator, tmp_path, LOADER_SCHEMA)
        assert env["TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA"] == LOADER_SCHEMA
        assert not [key for key in env if key.startswith("DBT_")]  # dbt follows on its own
        pipeline = ("run", "tap-trello", "target-postgres", "dbt-postgres:build")
        built = run_meltano(*PROD, *pipeline, env=env)
        assert "Completed successfully" in built
        assert "WARN=0 ERROR=0" in built  # every schema test and consistency check passed
        assert_marts_match(pg, ws, schema=marts)
        # The workspace level is opt-in: its tables are absent and its views empty.
        staging = f"{LOADER_SCHEMA}_staging"
        assert not {"organization_members", "organization_actions"} & tables(pg, LOADER_SCHEMA)
        assert_staging_match(pg, ws, staging, workspace_level=False)
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
        assert_delivery_figures(pg, marts, delivery)

        story.after_first_sync(ws)
        delivery.after_first_sync(ws)
        # A card's story points change; and this run selects every stream, so the
        # workspace-level tables appear and their views fill.
        pointed = next(card for card in expected_cards(ws) if ws.plugin_data.get(card))
        ws.set_plugin_data(pointed, {"points": 13})
        every_stream = {**env, "TAP_TRELLO__SELECT": json.dumps(["*.*"])}
        rebuilt = run_meltano(*PROD, *pipeline, env=every_stream)
        assert "WARN=0 ERROR=0" in rebuilt
        assert_staging_match(pg, ws, staging, workspace_level=True)
        points = pg.psql(
            f"SELECT power_up_data FROM {marts}.trello__cards WHERE card_id = '{pointed}'",
            database=DATABASE,
        )
        assert {"points": 13} in [json.loads(e["value"]) for e in json.loads(points[0][0])]
    deleted = pg.psql(
        f"SELECT _sdc_deleted_at IS NOT NULL FROM {LOADER_SCHEMA}.cards"
        f" WHERE id = '{story.deleted_later}'",
        database=DATABASE,
    )
    assert deleted == [["t"]]  # the row stays in the raw table, marked deleted
    assert_marts_match(pg, ws, schema=marts)
    card, field = delivery.changed
    values = pg.psql(
        f"SELECT value, valid_until IS NULL FROM {marts}.trello__custom_field_history"
        f" WHERE card_id = '{card}' AND custom_field_id = '{field}' ORDER BY valid_from",
        database=DATABASE,
    )
    assert values == [["3", "f"], ["5", "f"], ["8", "t"]]
    reopened = pg.psql(
        f"SELECT is_completed, completed_at IS NULL, times_reopened, current_stage"
        f" FROM {marts}.trello__card_cycle_times WHERE card_id = '{delivery.reopen[0]}'",
        database=DATABASE,
    )
    assert reopened == [["f", "t", "1", "in_progress"]]


def assert_delivery_figures(pg: PostgresServer, marts: str, delivery: Delivery) -> None:
    """The figures known in advance: the stages of the workflow lists, the cycle time
    percentiles of the delivery board, its reopened card, its due dates."""
    stages = dict(
        pg.psql(
            f"SELECT list_name, stage FROM {marts}.trello__lists WHERE board_id = '{delivery.away}'"
            f" AND list_id NOT IN (SELECT list_id FROM {marts}.trello__lists"
            f" WHERE list_name IN ('Backlog 📥', 'To Do', 'Doing', 'Review / QA', 'Done ✔',"
            " 'Blocked ⛔'))",
            database=DATABASE,
        )
    )
    assert stages == {
        "To-Do": "backlog",
        "In Progress 🚧": "in_progress",
        "QA/Done": "done",
        "Undone": "in_progress",
        "Shipped 🚀": "done",
        "DONE!!": "done",
        "Icebox ❄️": "backlog",
    }
    weeks = {
        row[0]: row[1:]
        for row in pg.psql(
            "SELECT week_start, cards_started, cards_completed, cycle_time_p50_days,"
            f" cycle_time_p85_days FROM {marts}.trello__board_weekly_flow"
            f" WHERE board_id = '{delivery.board}'",
            database=DATABASE,
        )
    }
    week = delivery.completed_week
    # five cards done together after 10, 4, 3, 2 and 1 days (and the seconds between moves)
    started, completed, p50, p85 = weeks[week.isoformat()]
    assert (completed, started) == ("5", "4")  # the 10-day card started the week before
    assert abs(float(p50) - 3) < 0.001
    assert abs(float(p85) - 6.4) < 0.001  # 4 + 0.4 * (10 - 4)
    # the next week: the 10-day card reopened and done again (14 days), one created done (0)
    started, completed, p50, p85 = weeks[(week + timedelta(days=7)).isoformat()]
    assert completed == "2"
    assert abs(float(p50) - 7) < 0.001
    assert abs(float(p85) - 11.9) < 0.001
    cycle = pg.psql(
        "SELECT times_reopened, round(cycle_time_seconds / 86400, 2) FROM"
        f" {marts}.trello__card_cycle_times WHERE card_id = '{delivery.timed[0]}'",
        database=DATABASE,
    )
    assert cycle == [["1", "14.00"]]
    due = {
        row[0]: row[1:]
        for row in pg.psql(
            "SELECT card_id, is_due_complete, is_completed_late, is_overdue, due_date_changes"
            f" FROM {marts}.trello__card_due_dates WHERE board_id = '{delivery.board}'",
            database=DATABASE,
        )
    }
    on_time, late, overdue, undone, future = delivery.timed[:5]
    assert due == {
        on_time: ["t", "f", "f", "0"],
        late: ["t", "t", "f", "2"],
        overdue: ["f", "", "t", "0"],
        undone: ["f", "", "t", "0"],
        future: ["f", "", "f", "0"],
    }


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
    # the workflow stages of some lists, named by the utility's setting trello_list_stages
    ws = moved_raw.ws
    doing = next(x["id"] for x in ws.board_lists(ws.visible_board_ids()[0]) if x["name"] == "Doing")
    stages = {" review / QA ": "done", "Blocked ⛔": "backlog", doing: "done"}
    assert stage_of(doing, "Doing", stages) == "done"
    env["DBT_POSTGRES_TRELLO_LIST_STAGES"] = json.dumps(stages)
    built = run_meltano(*PROD, "run", "dbt-postgres:build", env=env)
    assert "WARN=0 ERROR=0" in built
    assert_marts_match(analytics_db, ws, schema="override_analytics", stages=stages)
    named = analytics_db.psql(
        "SELECT DISTINCT list_name, stage FROM override_analytics.trello__lists"
        " WHERE list_name IN ('Review / QA', 'Blocked ⛔', 'Done ✔')",
        database=DATABASE,
    )
    assert sorted(named) == [["Blocked ⛔", "backlog"], ["Done ✔", "done"], ["Review / QA", "done"]]


# the user's project names the stages of some lists (dbt variable trello_list_stages)
USER_STAGES = {"doing": "backlog", "blocked ⛔": "done", "Won't do": "done"}


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
        f"vars:\n  trello_schema: {RAW}\n  trello_list_stages: {json.dumps(USER_STAGES)}\n",
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
    assert_marts_match(pg, ws, schema="reporting_analytics", stages=USER_STAGES)

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
    assert_analyses_match(pg, ws, target / "compiled" / "trello" / "analyses", USER_STAGES)

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


def close(text_value: str, number: float | None) -> bool:
    """A number psql printed equals a Python figure (both empty / None for NULL)."""
    if number is None:
        return text_value == ""
    return math.isclose(float(text_value), number, rel_tol=1e-9, abs_tol=1e-9)


def assert_analyses_match(
    pg: PostgresServer, ws: Workspace, compiled: Path, stages: dict[str, str] | None = None
) -> None:
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
        assert close(row[4], (percentile_cont(seconds, 0.5) or 0) / 86400)
        assert close(row[5], (percentile_cont(seconds, 0.9) or 0) / 86400)

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
    assert_delivery_analyses_match(rows, ws, stages)


def assert_delivery_analyses_match(
    rows: Callable[[str], list[list[str]]], ws: Workspace, stages: dict[str, str] | None
) -> None:
    """The example queries over the delivery marts against the Python figures."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    cards = expected_cards(ws)
    board_names = {b: ws.boards[b]["name"] for b in ws.visible_board_ids()}

    lists = expected_lists(ws, stages)
    assert rows("trello__workflow_stages") == [
        [board_names[x["board_id"]], x["board_id"], x["list_name"], x["stage"]]
        for list_id, x in sorted(
            lists.items(), key=lambda i: (i[1]["board_id"], i[1]["position"], i[0])
        )
        if not x["is_archived"]
    ]

    completed: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for card in expected_card_cycle_times(ws, stages).values():
        if card["completed_at"] is not None:
            completed[card["board_id"]].append(
                (float(card["cycle_time_seconds"]), float(card["lead_time_seconds"]))
            )
    cycle = rows("trello__board_cycle_time")
    assert [row[1] for row in cycle] == sorted(completed)
    assert completed, "the workspace has completed cards"
    for row in cycle:
        times = completed[row[1]]
        assert row[0] == board_names[row[1]]
        assert int(row[2]) == len(times)
        for index, (kind, fraction) in enumerate(
            [(0, 0.5), (0, 0.85), (1, 0.5), (1, 0.85)], start=3
        ):
            figure = percentile_cont([t[kind] for t in times], fraction)
            assert close(row[index], None if figure is None else figure / 86400), row

    since = week_of(now) - timedelta(days=84)
    flow = [
        [
            board_id,
            week.isoformat(),
            *(str(r[c]) for c in ("cards_started", "cards_completed", "wip_at_week_end")),
            r["cycle_time_p50_days"],
            r["cycle_time_p85_days"],
        ]
        for (board_id, week), r in sorted(expected_board_weekly_flow(ws, now, stages).items())
        if week > since
    ]
    throughput = rows("trello__weekly_throughput")
    assert [row[:5] for row in throughput] == [row[:5] for row in flow]
    assert len(flow) == 12 * len({row[0] for row in flow})
    for row, figures in zip(throughput, flow, strict=True):
        assert close(row[5], figures[5])
        assert close(row[6], figures[6])

    reliability: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for due in expected_card_due_dates(ws, now).values():
        sums = reliability[due["board_id"]]
        sums[0] += 1
        sums[1] += due["is_due_complete"]
        sums[2] += bool(due["is_completed_late"])
        sums[3] += due["is_overdue"]
        sums[4] += due["due_date_changes"]
    assert rows("trello__due_date_reliability") == [
        [board_names[board_id], board_id, *(str(n) for n in sums)]
        for board_id, sums in sorted(reliability.items())
    ]

    history = expected_custom_field_history(ws)
    had = Counter((p["card_id"], p["custom_field_id"]) for p in history.values())
    current = sorted(
        (p["card_id"], p["custom_field_name"], p["custom_field_id"], p)
        for p in history.values()
        if p["valid_until"] is None
    )
    assert current
    assert rows("trello__custom_field_values") == [
        [
            cards[card_id]["board_name"],
            cards[card_id]["card_name"],
            card_id,
            name,
            p["value"],
            text(
                p["valid_from"]
                and p["valid_from"].strftime("%Y-%m-%d %H:%M:%S.%f").rstrip("0").rstrip(".")
            ),
            str(had[card_id, field_id]),
        ]
        for card_id, name, field_id, p in current
    ]
