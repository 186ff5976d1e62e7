# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""Shards: two Meltano jobs at once, each its own boards and state, into one schema.

docs/sharding.md: an account too big for one token's rate limit runs one job per
shard (`board_ids` or `organization_ids` in TAP_TRELLO_* variables), each with its own state
id (`meltano el tap-trello target-postgres --state-id <shard>`: `el` gives every run its
own folder under `.meltano/run/elt/`, where two `meltano run`s of one extractor would share
`.meltano/run/tap-trello/`, catalog and state file included), all loading into the same
PostgreSQL schema with target-postgres's `load_method: upsert`. Here two shards of the
emulator's boards run at the same time, twice (a first sync, then an incremental one after
new actions and cards), and every table must hold exactly the union of what the two emit:
no shard removes, replaces or marks deleted (`_sdc_deleted_at`) the other's rows, and each
state holds its own boards only.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import discover_catalog, run_tap, tap_config
from tests.meltano_checks import check_tables, keyed_records, keys_batched_after, stream_keys
from tests.meltano_support import PROD, REPO_ROOT, meltano_env, meltano_executable, run_meltano
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from pathlib import Path

    from devtools.postgres import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCHEMA = "trello_shards"  # the e2e test has tap_trello on the same server
DATA = {"seed": 11, "boards": 4, "cards": 240, "actions": 360}


# What target-postgres raises when two jobs create the same table, or insert the same new
# row (a member on boards of both shards), in the same instant: the job fails before its
# state is saved, and running it again is safe (docs/sharding.md).
COLLISIONS = ("UniqueViolation", "DuplicateTable", "DuplicateSchema", "already exists")


def run_shard(shard: str, env: dict[str, str], *, retries: int) -> None:
    """One job; rerun once more per retry after a collision (the whole output tells)."""
    command = [meltano_executable(), *PROD, "el", "tap-trello", "target-postgres"]
    for attempt in range(retries + 1):
        result = subprocess.run(
            [*command, "--state-id", shard],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=600,
            check=False,
        )
        if result.returncode == 0:
            return
        output = result.stdout + result.stderr
        if attempt == retries or not any(word in output for word in COLLISIONS):
            errors = [line for line in output.splitlines() if "rror" in line][-20:]
            tail = output.splitlines()[-30:]
            raise AssertionError("\n".join([f"shard {shard} failed:", *errors, "...", *tail]))


def run_shards(envs: dict[str, dict[str, str]], *, retries: int = 0) -> None:
    """`meltano el tap-trello target-postgres --state-id <shard>`, all at once."""
    with ThreadPoolExecutor(max_workers=len(envs)) as pool:
        jobs = [pool.submit(run_shard, shard, env, retries=retries) for shard, env in envs.items()]
        for job in jobs:
            job.result()


def action_ids(workspace: Workspace) -> set[str]:
    return {a["id"] for b in workspace.visible_board_ids() for a in workspace.board_actions(b)}


def union(results: list[dict[str, dict[str, dict]]]) -> dict[str, dict[str, dict]]:
    merged: dict[str, dict[str, dict]] = {}
    for result in results:
        for stream, rows in result.items():
            merged.setdefault(stream, {}).update(rows)
    return merged


def check_union(
    pg: PostgresServer, catalog: dict[str, Any], shards: dict[str, dict[str, Any]]
) -> None:
    """Every table: exactly the union of the shards' rows, none marked deleted."""
    keys = stream_keys(catalog)
    results = [run_tap(config) for config in shards.values()]
    # Nothing that tells target-postgres to retire rows of an older table version.
    assert all(m["type"] != "ACTIVATE_VERSION" for r in results for m in r.messages)
    expected = union([keyed_records(result, keys) for result in results])
    columns = check_tables(pg, SCHEMA, catalog, expected)
    for table in columns:
        deleted = f'SELECT count(*) FROM {SCHEMA}."{table}" WHERE _sdc_deleted_at IS NOT NULL'
        assert pg.scalar(deleted) == "0", table


def shard_state(env: dict[str, str], shard: str) -> dict[str, Any]:
    output = run_meltano(*PROD, "state", "get", shard, env=env)
    return json.loads(next(x for x in reversed(output.splitlines()) if x[:1] == "{"))


def test_two_board_shards_at_once_into_one_schema(
    meltano_plugins: None, postgres: PostgresServer, tmp_path: Path
) -> None:
    workspace = Workspace.generate(**DATA)
    boards = workspace.visible_board_ids()
    split = {"shard-a": boards[0::2], "shard-b": boards[1::2]}
    with EmulatorServer(workspace) as emulator:
        catalog = discover_catalog(tap_config(workspace, emulator))
        shards = {
            shard: tap_config(workspace, emulator, board_ids=ids) for shard, ids in split.items()
        }
        envs = {
            shard: meltano_env(
                database=tmp_path / "meltano.db",  # one project, one system database
                plugins={
                    "tap-trello": config,
                    "target-postgres": postgres.target_config(SCHEMA),
                },
            )
            for shard, config in shards.items()
        }

        # The project's system database exists before jobs start side by side (as after
        # `meltano install`): two first-time migrations of one SQLite file collide.
        run_meltano(*PROD, "state", "list", env=envs["shard-a"])
        # The first sync creates the tables and the rows both shards emit (workspaces,
        # shared members): the one time two jobs can collide.
        run_shards(envs, retries=1)
        check_union(postgres, catalog, shards)

        # New actions and cards on both sides; each shard resumes from its own state, so
        # the second sync loads exactly the new actions (the new cards' included).
        loaded = postgres.scalar(f"SELECT max(_sdc_batched_at) FROM {SCHEMA}.actions")
        before = action_ids(workspace)
        for ids in split.values():
            workspace.add_actions(ids[0], 30)
            workspace.add_cards(ids[-1], 5)
        new_actions = action_ids(workspace) - before
        assert len(new_actions) >= 2 * (30 + 5)
        run_shards(envs)
        check_union(postgres, catalog, shards)
        keys = stream_keys(catalog)["actions"]
        assert keys_batched_after(postgres, SCHEMA, "actions", keys, loaded) == new_actions

        with ThreadPoolExecutor(max_workers=len(split)) as pool:
            states = dict(zip(split, pool.map(shard_state, envs.values(), split), strict=True))
        for shard, ids in split.items():
            state = states[shard]["singer_state"]["bookmarks"]
            for stream in ("actions", "cards"):
                partitions = state[stream]["partitions"]
                assert {p["context"]["board_id"] for p in partitions} == set(ids), (shard, stream)
