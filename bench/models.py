"""``python -m bench.models``: what the analytics package (transform/) costs on a sized workspace.

Generates the workspace (the bench's default: 20 boards, 50,000 cards, 200,000 actions),
loads it with ``meltano --environment=prod run tap-trello target-postgres`` into a
throwaway PostgreSQL, then times ``meltano invoke dbt-postgres:build`` (the extension's
``dbt clean`` and ``dbt deps``, then ``dbt build``: the models and their tests) and prints
dbt's own build time and the rows of each mart. ``--check`` also compares every mart row
with the figures devtools/analytics_oracle.py computes from the emulator (as
tests/test_analytics.py does on a small workspace).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from devtools.analytics_check import DATABASE, MARTS, assert_marts_match
from devtools.meltano import PROD, meltano_env, run_meltano
from devtools.postgres import PostgresServer
from trello_emulator import EmulatorServer, Workspace

MART_NAMES = (
    "trello__cards",
    "trello__card_list_periods",
    "trello__list_daily_cards",
    "trello__board_daily_activity",
    "trello__lists",
    "trello__card_cycle_times",
    "trello__board_weekly_flow",
    "trello__card_due_dates",
    "trello__custom_field_history",
)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.models", description=__doc__)
    p.add_argument("--boards", type=int, default=20)
    p.add_argument("--cards", type=int, default=50_000)
    p.add_argument("--actions", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--check", action="store_true", help="compare every mart row with Python's")
    a = p.parse_args(argv)

    started = time.perf_counter()
    ws = Workspace.generate(seed=a.seed, boards=a.boards, cards=a.cards, actions=a.actions)
    print(
        f"workspace: {a.boards} boards, {a.cards:,} cards, {a.actions:,} actions "
        f"(generated in {time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    with (
        tempfile.TemporaryDirectory() as tmp,
        PostgresServer() as pg,
        EmulatorServer(ws) as emulator,
    ):
        pg.psql(f'CREATE DATABASE "{DATABASE}"', database="postgres")
        env = meltano_env(
            database=Path(tmp) / "meltano.db",
            plugins={
                "tap-trello": emulator.tap_config(),
                "target-postgres": {**pg.target_config("tap_trello"), "database": DATABASE},
            },
        )
        run_meltano("install", "tap-trello", "target-postgres", "dbt-postgres", env=env)
        begun = time.perf_counter()
        run_meltano(*PROD, "run", "tap-trello", "target-postgres", env=env, timeout=7200)
        print(f"load (tap-trello target-postgres): {time.perf_counter() - begun:.1f} s", flush=True)
        begun = time.perf_counter()
        out = run_meltano(*PROD, "invoke", "dbt-postgres:build", env=env, timeout=7200)
        invoke_s = time.perf_counter() - begun
        finished = re.search(r"Finished running (.*?) in .*?\(([\d.]+)s\)", out)
        done = re.search(r"Done\. (PASS=\d+ WARN=\d+ ERROR=\d+)", out)
        print(f"meltano invoke dbt-postgres:build: {invoke_s:.1f} s (dbt clean, deps, build)")
        if finished and done:
            print(f"dbt build: {finished.group(1)} in {finished.group(2)} s; {done.group(1)}")
        for mart in MART_NAMES:
            rows = pg.psql(f"SELECT count(*) FROM {MARTS}.{mart}", database=DATABASE)[0][0]  # noqa: S608
            print(f"  {MARTS}.{mart}: {int(rows):,} rows")
        if a.check:
            begun = time.perf_counter()
            assert_marts_match(pg, ws)
            print(
                f"every mart row equals devtools/analytics_oracle.py's "
                f"(compared in {time.perf_counter() - begun:.1f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
