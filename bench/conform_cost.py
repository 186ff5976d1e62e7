"""``python -m bench.conform_cost``: what making records fit their SCHEMA costs in CPU.

The tap checks every record against its stream's schema (``tap_trello/conform.py``) and
must not cost more than 10 % more CPU per 1000 records for it. This syncs one generated
workspace from the in-process emulator several times, the conformer on and off in turn
(``TrelloStream.conform_records``, set by a launcher, so both runs start the same way),
and prints each run's CPU (user + sys of the tap's process, from ``os.wait4``), the
medians, CPU per 1000 records and the ratio; a ``--discover`` run's CPU stands for the
start-up (imports, catalog) that the per-record figures then leave out.

"on" is the tap as it is; "off" is the SDK's own path as before ``conform.py``. The two
differ by the conformer (its cost) and by the SDK's walk for deselected properties, which
"on" replaces with compiled paths (its saving): both are also timed alone, in this
process, over the records the last run sent.

Exit code 0: on / off within the target; 1: not; 2: a run failed, or the two modes sent
different record counts.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from singer_sdk.helpers._catalog import pop_deselected_record_properties

from bench import catalogs
from bench.cli import machine
from bench.runner import TapRun, run_tap
from tap_trello.conform import Conformer
from tap_trello.schemas import SCHEMAS
from tap_trello.tap import TapTrello
from trello_emulator import EmulatorServer, Workspace

# Runs the tap with the conformer on or off (argv[1]); the rest of argv is the tap's.
LAUNCH = """
import sys
from tap_trello.client import TrelloStream
TrelloStream.conform_records = sys.argv.pop(1) == "on"
from tap_trello.tap import main
main()
"""
TARGET = 1.10


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.conform_cost",
        description="CPU of the tap with the record conformer on vs off, in the same run.",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--boards", type=int, default=5)
    p.add_argument("--cards", type=int, default=5000)
    p.add_argument("--actions", type=int, default=20000)
    p.add_argument("--repeat", type=int, default=5, help="runs of each mode (alternating)")
    p.add_argument("--streams", help="comma-separated streams to select (default: every one)")
    return p.parse_args(argv)


def command(mode: str, config: Path, catalog: Path | None) -> list[str]:
    tail = ["--catalog", str(catalog)] if catalog else ["--discover"]
    return [sys.executable, "-c", LAUNCH, mode, "--config", str(config), *tail]


def records_of(output: Path) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    with output.open("rb") as lines:
        for line in lines:
            message = json.loads(line)
            if message["type"] == "RECORD":
                rows.setdefault(message["stream"], []).append(message["record"])
    return rows


def alone(rows: dict[str, list[dict[str, Any]]]) -> tuple[float, float]:
    """CPU seconds of the conformer's check, and of the SDK's selection walk, on ``rows``.

    Best of 5; the walk is timed on copies (it changes nothing when all is selected).
    """
    tap = TapTrello(config={"api_key": "-", "token": "-"}, validate_config=False)
    check_s = walk_s = float("inf")
    for _ in range(5):
        check_spent = walk_spent = 0.0
        for stream, records in rows.items():
            check = Conformer(stream, SCHEMAS[stream], logging.getLogger(__name__)).check
            start = time.process_time()
            for record in records:
                check(record)
            check_spent += time.process_time() - start
            sdk = tap.streams[stream]
            copies = copy.deepcopy(records)
            start = time.process_time()
            for record in copies:
                pop_deselected_record_properties(record, sdk.schema, sdk.mask)
            walk_spent += time.process_time() - start
        check_s, walk_s = min(check_s, check_spent), min(walk_s, walk_spent)
    return check_s, walk_s


def discover(config: Path) -> tuple[dict[str, object], float]:
    """The tap's catalog, and the CPU its run took: start-up, imports, catalog."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(command("on", config, None), capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return json.loads(proc.stdout), cpu


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    streams = tuple(s.strip() for s in a.streams.split(",")) if a.streams else None
    print(
        f"[bench] generating workspace seed {a.seed}: {a.boards} boards, {a.cards:,} cards, "
        f"{a.actions:,} actions ...",
        file=sys.stderr,
        flush=True,
    )
    ws = Workspace.generate(seed=a.seed, boards=a.boards, cards=a.cards, actions=a.actions)
    runs: dict[str, list[TapRun]] = {"off": [], "on": []}
    with (
        tempfile.TemporaryDirectory(prefix="tap-trello-conform-") as folder,
        EmulatorServer(ws) as server,
    ):
        work = Path(folder)
        config = catalogs.write_json(work / "config.json", catalogs.our_config(ws, server))
        catalog, start_up = discover(config)
        catalog_path = catalogs.write_json(work / "catalog.json", catalogs.select(catalog, streams))
        for i in range(a.repeat):
            for mode in ("off", "on") if i % 2 == 0 else ("on", "off"):
                run = run_tap(
                    f"conform {mode} {i}",
                    command(mode, config, catalog_path),
                    server,
                    work,
                    keep_output=mode == "on",
                )
                if not run.ok:
                    print(run.stderr_tail, file=sys.stderr)
                    return 2
                runs[mode].append(run)
                print(
                    f"[bench] conform {mode}: {run.total_records:,} records, CPU {run.cpu_s:.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
        rows = records_of(max(work.glob("conform-on-*.singer.jsonl")))
    check_s, walk_s = alone(rows)
    off, on = runs["off"], runs["on"]
    if any(run.records != on[0].records for run in off + on):
        print("the runs sent different records", file=sys.stderr)
        return 2
    records = on[0].total_records
    med = {mode: statistics.median(r.cpu_s for r in rs) for mode, rs in runs.items()}
    # CPU seconds per record x 10^6 = milliseconds per 1000 records.
    per_k = {mode: 1e6 * cpu / records for mode, cpu in med.items()}
    net_k = {mode: 1e6 * (cpu - start_up) / records for mode, cpu in med.items()}
    # A tiny workspace may cost less than the start-up it is measured against.
    base = net_k["off"] if net_k["off"] > 0 else math.nan
    ratio, net_ratio = med["on"] / med["off"], net_k["on"] / base
    ok = net_ratio <= TARGET
    print(f"tap-trello conform cost, {machine()}")
    print(
        f"workspace seed {a.seed}: {a.boards} boards, {a.cards:,} cards, {a.actions:,} actions; "
        f"{records:,} records in {len(on[0].records)} streams; {a.repeat} runs of each mode, alternating"
    )
    print(f"start-up (a --discover run): CPU {start_up:.2f} s")
    print()
    print(
        "                    CPU s, each run                        median   ms / 1000 records   without start-up"
    )
    for mode in ("off", "on"):
        each = " ".join(f"{r.cpu_s:5.2f}" for r in runs[mode])
        print(
            f"  conform {mode:3s}     {each:38s} {med[mode]:6.2f}   {per_k[mode]:17.1f}   {net_k[mode]:16.1f}"
        )
    print()
    print(f"  ratio on / off, whole run         {ratio:.3f}")
    print(
        f"  ratio on / off, without start-up  {net_ratio:.3f}   (target <= {TARGET})   {'PASS' if ok else 'MISS'}"
    )
    print()
    print(f"  alone, in process, over the {records:,} records sent (best of 5), ms / 1000 records:")
    check_k, walk_k = 1e6 * check_s / records, 1e6 * walk_s / records
    share = f"{100 * check_k / base:.1f} % of the tap's CPU per record before it"
    print(f"    the conformer's check (its cost)                    {check_k:6.1f}   ({share})")
    print(f"    the SDK's walk for deselected properties (saved)    {walk_k:6.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
