"""`make demo`: tap-trello end to end with no Trello account, through Meltano.

Starts the bundled Trello emulator with a sample workspace (4 boards, 1,500 cards, 2,500
actions, and the last 6 weeks of a team's work on its boards: cards taken from the backlog,
moved through the lists to done), installs the Meltano plugins that meltano.yml declares
(first run only), runs `meltano --environment=demo run tap-trello target-duckdb
dbt-duckdb:build` into a DuckDB file, and prints the rows that landed per stream, where,
and from the analytics package (transform/): the median days cards stay in each list, the
median and 85th percentile cycle time per board, and the cards completed per week over the
last weeks of activity. If target-duckdb cannot be installed, the demo falls back to
target-jsonl (one JSON Lines file per stream) and skips the analytics.

    python -m devtools.demo [--cards N] [--actions N] [--boards N] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from devtools import demo_analytics
from devtools.meltano import (
    REPO_ROOT,
    MeltanoError,
    board_rows,
    meltano_env,
    plugin_python,
    record_counts,
    run_meltano,
)
from trello_emulator import EmulatorServer, Workspace

OUTPUT = REPO_ROOT / "output" / "demo"
SCHEMA = "tap_trello"
DAY = 86_400
DELIVERY_WEEKS = 6
"""Weeks of a team's recent work added to the sample (its generated history is older)."""
BACKLOG_LISTS = ("Backlog 📥", "To Do")
WORKING_LISTS = ("Doing", "Review / QA")
DONE_LIST = "Done ✔"
COUNT_DUCKDB = """
import json, sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
tables = [row[0] for row in connection.execute(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1",
    [sys.argv[2]],
).fetchall()]
print(json.dumps({
    table: connection.execute(f'SELECT count(*) FROM {sys.argv[2]}."{table}"').fetchone()[0]
    for table in tables
}))
"""


def delivery_start(now: datetime, weeks: int = DELIVERY_WEEKS) -> datetime:
    """The Monday 00:00 UTC ``weeks`` weeks before the current week's."""
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), datetime.min.time())
    return monday.replace(tzinfo=timezone.utc) - timedelta(weeks=weeks)


def add_recent_delivery(ws: Workspace, start: datetime, weeks: int = DELIVERY_WEEKS) -> int:
    """A team's work on each open board for ``weeks`` weeks from ``start``; the actions added.

    Each working day the team takes cards from the backlog lists and moves the cards it took
    through the board's working lists to its done list (one is added where the board has
    none), now and then reopening one: what the cycle time and throughput figures measure.
    The generated history is older and its moves random; this is the demo's alone, drawn from
    the workspace's seed.
    """
    rng = random.Random(ws.seed)
    before = len(ws.actions)
    flows = [flow for board_id in ws.visible_board_ids(False) if (flow := board_flow(ws, board_id))]
    first = int(start.timestamp())
    for day in range(weeks * 7):
        if (start + timedelta(days=day)).weekday() >= 5:  # the team rests at weekends
            continue
        ws.advance_clock(max(0, first + day * DAY + 9 * 3600 - ws.clock_s))
        for flow in flows:
            flow.work_a_day(ws, rng)
    return len(ws.actions) - before


@dataclass
class BoardFlow:
    """A board's backlog lists, its steps (working lists, then done), the cards taken."""

    board_id: str
    backlog: list[str]
    steps: list[str]
    taken: list[str] = field(default_factory=list)

    def work_a_day(self, ws: Workspace, rng: random.Random) -> None:
        """Take 0-2 backlog cards; move each taken card a step on, at times; reopen one."""
        for card_id in list(self.taken):
            at = self.steps.index(ws.cards[card_id]["idList"])
            if at < len(self.steps) - 1 and rng.random() < 0.35:
                ws.move_card_to_list(card_id, self.steps[at + 1])
            elif at == len(self.steps) - 1 and rng.random() < 0.02:
                ws.move_card_to_list(card_id, self.steps[0])  # reopened
        cards = ws.board_cards(self.board_id, "open")
        waiting = [c["id"] for c in cards if c["idList"] in self.backlog]
        for card_id in waiting[: rng.choice((0, 1, 1, 2))]:
            ws.move_card_to_list(card_id, self.steps[0])
            self.taken.append(card_id)


def board_flow(ws: Workspace, board_id: str) -> BoardFlow | None:
    """A board's flow, or None when it has no backlog or no working list."""
    lists = {x["name"]: x["id"] for x in ws.board_lists(board_id, "open")}
    backlog = [lists[name] for name in BACKLOG_LISTS if name in lists]
    working = [lists[name] for name in WORKING_LISTS if name in lists]
    if not backlog or not working:
        return None
    done = lists.get(DONE_LIST) or ws.add_list(board_id, "Done ✅")["id"]
    return BoardFlow(board_id, backlog, [*working, done])


def sample_workspace(args: argparse.Namespace) -> tuple[Workspace, datetime, int]:
    """The sample workspace, the start of the recent work added to it, and its actions."""
    workspace = Workspace.generate(
        seed=args.seed, boards=args.boards, cards=args.cards, actions=args.actions
    )
    start = delivery_start(datetime.now(timezone.utc))
    return workspace, start, add_recent_delivery(workspace, start)


class Progress:
    """Turns the tap's "Board … read" lines in meltano's output into progress lines."""

    def __init__(self, every_s: float = 0.5) -> None:
        """Print at most one line every ``every_s`` seconds."""
        self.rows = 0
        self.boards = 0
        self.started = time.monotonic()
        self.every_s = every_s
        self.printed = 0.0

    def __call__(self, line: str) -> None:
        """Count the rows a line of meltano's output reports."""
        if rows := board_rows(line):
            self.rows += rows
            self.boards += 1
            if time.monotonic() - self.printed >= self.every_s:
                self.show()

    def show(self) -> None:
        """Print the rows so far."""
        self.printed = time.monotonic()
        print(
            f"  {self.printed - self.started:5.1f}s  {self.rows:>7,} rows "
            f"from {self.boards} boards",
            flush=True,
        )


def shown(path: Path) -> Path:
    """``path`` relative to the repository when it lies inside it."""
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


def step(number: int, total: int, text: str) -> None:
    """Announce step ``number`` of ``total``."""
    print(f"\n[{number}/{total}] {text}", flush=True)


def install(env: dict[str, str]) -> str:
    """Install the tap and a target; the loader's name."""
    for loader in ("target-duckdb", "target-jsonl"):
        try:
            run_meltano("install", "tap-trello", loader, env=env)
        except MeltanoError as exc:
            print(f"  could not install {loader}: {str(exc).splitlines()[0]}", flush=True)
            continue
        return loader
    msg = "neither target-duckdb nor target-jsonl could be installed"
    raise MeltanoError(msg)


def landed_duckdb(path: Path) -> dict[str, int]:
    """Rows per table in the DuckDB file (read with target-duckdb's own duckdb)."""
    result = subprocess.run(
        [str(plugin_python("loaders", "target-duckdb")), "-c", COUNT_DUCKDB, str(path), SCHEMA],
        capture_output=True,
        text=True,
        check=True,
    )
    counts: dict[str, int] = json.loads(result.stdout)
    return counts


def landed_jsonl(folder: Path) -> dict[str, int]:
    """Rows per stream in target-jsonl's files."""
    counts = {}
    for file in sorted(folder.glob("*.jsonl")):
        with file.open(encoding="utf-8") as lines:
            counts[file.stem] = sum(1 for line in lines if line.strip())
    return counts


def print_table(emitted: dict[str, int], landed: dict[str, int]) -> None:
    """Rows sent and rows landed, per stream."""
    streams = sorted(set(emitted) | set(landed))
    width = max([len("stream"), *map(len, streams)])
    print(f"\n  {'stream':<{width}}  {'rows sent':>10}  {'rows landed':>11}")
    print(f"  {'-' * width}  {'-' * 10}  {'-' * 11}")
    for stream in streams:
        sent = emitted.get(stream, 0)
        print(f"  {stream:<{width}}  {sent:>10,}  {landed.get(stream, 0):>11,}")
    print(f"  {'total':<{width}}  {sum(emitted.values()):>10,}  {sum(landed.values()):>11,}")


def report_landed(
    loader: str, emitted: dict[str, int], duckdb_file: Path, jsonl_folder: Path
) -> dict[str, int]:
    """Print what landed where (and how to query it); the rows landed per stream."""
    if loader == "target-duckdb":
        landed = landed_duckdb(duckdb_file)
        where = f"{shown(duckdb_file)} (DuckDB, schema {SCHEMA})"
    else:
        landed = landed_jsonl(jsonl_folder)
        where = f"{shown(jsonl_folder)}/<stream>.jsonl"
    print_table(emitted, landed)
    print(f"\nData: {where}")
    if loader == "target-duckdb":
        python = plugin_python("loaders", "target-duckdb").relative_to(REPO_ROOT)
        query = f"SELECT count(*) FROM {SCHEMA}.cards"  # noqa: S608 (a hint, not run)
        print(
            f'Query it:  {python} -c "import duckdb; '
            f"db = duckdb.connect('{shown(duckdb_file)}', read_only=True); "
            f"print(db.sql('{query}'))\""
        )
    return landed


def main(argv: list[str] | None = None) -> int:
    """Run the demo; 0 when every row sent landed."""
    parser = argparse.ArgumentParser(prog="python -m devtools.demo", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--boards", type=int, default=4)
    parser.add_argument("--cards", type=int, default=1500)
    parser.add_argument("--actions", type=int, default=2500)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder of the data")
    args = parser.parse_args(argv)
    started = time.monotonic()
    total = 5

    step(1, total, "Starting the Trello emulator with a sample workspace")
    workspace, start, added = sample_workspace(args)
    with EmulatorServer(workspace) as emulator:
        print(
            f"  {emulator.url}: {len(workspace.visible_board_ids())} boards, "
            f"{args.cards:,} cards, {args.actions:,} actions (no Trello account involved)",
            flush=True,
        )
        print(
            f"  + {added:,} actions: {DELIVERY_WEEKS} weeks of work from {start.date()}"
            " (cards started, moved through the lists, done)",
            flush=True,
        )
        output_folder = args.output.resolve()
        output_folder.mkdir(parents=True, exist_ok=True)
        duckdb_file = output_folder / "trello.duckdb"
        jsonl_folder = output_folder / "jsonl"
        env = meltano_env(
            plugins={
                "tap-trello": {
                    "api_url": emulator.url,
                    "api_key": workspace.api_key,
                    "token": workspace.token,
                },
                "target-duckdb": {"filepath": duckdb_file, "default_target_schema": SCHEMA},
                "target-jsonl": {"destination_path": jsonl_folder},
                "dbt-duckdb": {"path": duckdb_file, "schema": SCHEMA},
            }
        )

        step(2, total, "meltano install tap-trello + a target (into .meltano/, first run only)")
        begun = time.monotonic()
        loader = install(env)
        blocks = ["tap-trello", loader]
        if loader == "target-duckdb" and demo_analytics.install_dbt(env):
            blocks.append(f"{demo_analytics.UTILITY}:build")
        ready = ", ".join(block.split(":")[0] for block in blocks)
        print(f"  {ready} ready in {time.monotonic() - begun:.1f}s", flush=True)

        step(3, total, f"meltano --environment=demo run {' '.join(blocks)}")
        duckdb_file.unlink(missing_ok=True)
        shutil.rmtree(jsonl_folder, ignore_errors=True)
        jsonl_folder.mkdir(parents=True)
        progress = Progress()
        try:
            output = run_meltano(
                "--log-format=json",  # one line per event: the tap's lines stay whole
                # Everything comes from the variables above: a .env made for a real
                # account (board_ids, a workspace...) stays out of the demo.
                "--env-file",
                os.devnull,
                "--environment=demo",
                "run",
                "--full-refresh",
                *blocks,
                env=env,
                on_line=progress,
            )
        except MeltanoError as exc:
            print(f"\nThe pipeline failed:\n{exc}", file=sys.stderr)
            return 1
        emitted = record_counts(output)
        progress.show()
        print(f"  done in {time.monotonic() - progress.started:.1f}s", flush=True)

    step(4, total, "What landed")
    landed = report_landed(loader, emitted, duckdb_file, jsonl_folder)
    step(5, total, "Analytics (dbt-duckdb build of transform/)")
    if len(blocks) > 2:
        demo_analytics.report(duckdb_file)
    else:
        print("  skipped: the analytics need target-duckdb and dbt-duckdb")
    print(f"\nTotal time: {time.monotonic() - started:.1f}s")
    if landed != emitted:
        print("Rows landed differ from rows sent.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
