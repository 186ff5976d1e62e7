"""This tap against an earlier commit of itself: the same records, the same requests?

``python -m bench.compare --before <git ref>`` exports that commit's ``tap_trello`` package
and runs both, alternately and in one process, on the benchmark's scenarios: the sized
workspace, the many-boards first sync, a re-sync after 5 boards changed and one with
nothing changed, and a 4,000-card board that gains 3 actions. Each side syncs the
streams the earlier commit had (its own discovered catalog), as subprocesses measured by
bench/runner.py. It prints, per scenario, the requests, a digest of every stream's
records, CPU and peak RSS of each side, and exits 1 if records or requests differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import catalogs
from bench.runner import TapRun, run_tap
from bench.scale import NO_LIMIT
from trello_emulator import EmulatorServer, Workspace

ROOT = Path(__file__).resolve().parent.parent
UNTHROTTLED = 1_000_000


@dataclass
class Side:
    """One commit's tap: where its package is, and the catalog it syncs."""

    name: str
    pythonpath: str | None
    catalog: Path | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        return env


@dataclass
class Outcome:
    """What one side's run sent and cost."""

    run: TapRun
    digests: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    final_state: dict[str, Any] | None = None


def export(ref: str, into: Path) -> Path:
    """``ref``'s ``tap_trello`` package, unpacked under ``into``."""
    archive = subprocess.run(
        ["git", "archive", ref, "tap_trello"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    archive_path = into / "before.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(into / "before", filter="data")
    return into / "before"


def which_package(side: Side) -> str:
    """The file ``tap_trello`` is imported from on that side (a check of the set-up)."""
    code = "import tap_trello; print(tap_trello.__file__)"
    return subprocess.run(
        [sys.executable, "-c", code], env=side.env(), capture_output=True, text=True, check=True
    ).stdout.strip()


def discover(side: Side, config: Path, streams: set[str] | None, workdir: Path) -> Path:
    """That side's own catalog, selecting ``streams`` (None: its defaults)."""
    out = subprocess.run(
        [sys.executable, "-m", "tap_trello", "--config", str(config), "--discover"],
        env=side.env(),
        capture_output=True,
        text=True,
        check=True,
        cwd=workdir,
    ).stdout
    catalog = json.loads(out)
    for entry in catalog["streams"]:
        root = next(m for m in entry["metadata"] if m["breadcrumb"] == [])
        wanted = streams is None or entry["tap_stream_id"] in streams
        root["metadata"]["selected"] = wanted and root["metadata"].get("selected-by-default", True)
    path = workdir / f"{side.name}.catalog.json"
    path.write_text(json.dumps(catalog))
    return path


def digest_output(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """A digest of each stream's records (sorted, canonical JSON) and their counts."""
    rows: dict[str, list[str]] = defaultdict(list)
    with path.open("rb") as lines:
        for line in lines:
            message = json.loads(line)
            if message.get("type") == "RECORD":
                rows[message["stream"]].append(json.dumps(message["record"], sort_keys=True))
    digests = {
        stream: hashlib.sha256("\n".join(sorted(records)).encode()).hexdigest()[:16]
        for stream, records in rows.items()
    }
    return digests, {stream: len(records) for stream, records in rows.items()}


class Compare:
    """Both sides on each scenario, one after the other."""

    def __init__(self, before: Side, after: Side, workdir: Path) -> None:
        self.sides = (before, after)
        self.workdir = workdir
        self.results: list[tuple[str, Outcome, Outcome]] = []

    def run(
        self,
        scenario: str,
        ws: Workspace,
        server: EmulatorServer,
        states: tuple[dict[str, Any] | None, dict[str, Any] | None] = (None, None),
    ) -> tuple[Outcome, Outcome]:
        outcomes = []
        for side, state in zip(self.sides, states, strict=True):
            slug = re.sub(r"[^a-z0-9]+", "-", f"{scenario}-{side.name}".lower())
            config = catalogs.write_json(
                self.workdir / f"{slug}.config.json",
                {**catalogs.our_config(ws, server), "max_requests_per_10s": UNTHROTTLED},
            )
            command = [sys.executable, "-m", "tap_trello", "--config", str(config)]
            if side.catalog is not None:
                command += ["--catalog", str(side.catalog)]
            if state is not None:
                state_path = catalogs.write_json(self.workdir / f"{slug}.state.json", state)
                command += ["--state", str(state_path)]
            run = run_tap(
                f"{scenario} {side.name}", command, server, self.workdir, env=side.env(),
                keep_output=True,
            )  # fmt: skip
            if not run.ok:
                msg = f"{scenario}, {side.name}: the tap failed: {run.stderr_tail[-500:]}"
                raise SystemExit(msg)
            label = re.sub(r"[^a-z0-9]+", "-", f"{scenario} {side.name}".lower()).strip("-")
            output = self.workdir / f"{label}.singer.jsonl"
            digests, counts = digest_output(output)
            output.unlink()
            outcomes.append(Outcome(run, digests, counts, run.final_state))
            print(f"  {scenario}, {side.name}: {run.requests} requests", file=sys.stderr)
        before, after = outcomes
        self.results.append((scenario, before, after))
        return before, after

    def render(self) -> tuple[str, bool]:
        lines = [
            (
                "| scenario | requests before / after | records before / after | same records |"
                " CPU s before / after | peak RSS MB before / after |"
            ),
            "|---|---|---|---|---|---|",
        ]
        same_everywhere = True
        for scenario, before, after in self.results:
            same = before.digests == after.digests and before.run.requests == after.run.requests
            same_everywhere &= same
            lines.append(
                f"| {scenario} | {before.run.requests} / {after.run.requests} | "
                f"{sum(before.counts.values()):,} / {sum(after.counts.values()):,} | "
                f"{'yes' if before.digests == after.digests else 'NO'} | "
                f"{before.run.cpu_s:.1f} / {after.run.cpu_s:.1f} | "
                f"{before.run.peak_rss_mb:.1f} / {after.run.peak_rss_mb:.1f} |"
            )
            if before.digests != after.digests:
                differing = sorted(
                    s
                    for s in before.digests.keys() | after.digests.keys()
                    if before.digests.get(s) != after.digests.get(s)
                )
                lines.append(f"|  differing streams: {', '.join(differing)} | | | | | |")
        return "\n".join(lines), same_everywhere


def unlimited(ws: Workspace) -> EmulatorServer:
    return EmulatorServer(ws, token_limit=NO_LIMIT, key_limit=NO_LIMIT)


def scenarios(compare: Compare, args: argparse.Namespace) -> None:
    """The benchmark's scenarios, both sides each."""
    print("sized workspace...", file=sys.stderr)
    ws = Workspace.generate(
        seed=args.seed, boards=args.boards, cards=args.cards, actions=args.actions
    )
    with unlimited(ws) as server:
        compare.run("sized workspace, first sync", ws, server)
    del ws

    print("many boards...", file=sys.stderr)
    ws = Workspace.many_boards(seed=args.seed, boards=args.many_boards)
    with unlimited(ws) as server:
        before, after = compare.run("many boards, first sync", ws, server)
        states = (before.final_state, after.final_state)
        compare.run("many boards, nothing changed", ws, server, states)
        with_cards = [b for b in ws.visible_board_ids(include_closed=False) if ws.board_cards(b)]
        for board in with_cards[len(with_cards) // 3 :][:5]:
            ws.add_actions(board, 4)
        compare.run("many boards, 5 boards changed", ws, server, states)
    del ws

    print("a 4,000-card board...", file=sys.stderr)
    ws = Workspace.generate(seed=5, boards=3, cards=4000, actions=3000)
    with unlimited(ws) as server:
        before, after = compare.run("4,000-card board, first sync", ws, server)
        ws.add_actions(ws.big_board_id, 3)
        compare.run(
            "4,000-card board gains 3 actions",
            ws,
            server,
            (before.final_state, after.final_state),
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("--before", required=True, help="the git ref to compare with")
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--cards", type=int, default=50_000)
    parser.add_argument("--actions", type=int, default=200_000)
    parser.add_argument("--many-boards", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        # ``python -m`` puts the working directory first on the path: away from the checkout,
        # "before" imports its exported package and "after" the installed working tree.
        os.chdir(workdir)
        before = Side("before", str(export(args.before, workdir)))
        after = Side("after", None)
        for side in (before, after):
            print(f"{side.name}: {which_package(side)}", file=sys.stderr)
        config = catalogs.write_json(
            workdir / "discover.config.json", {"api_key": "k", "token": "t"}
        )
        before.catalog = discover(before, config, None, workdir)
        streams = {
            entry["tap_stream_id"]
            for entry in json.loads(before.catalog.read_text())["streams"]
            if next(m for m in entry["metadata"] if m["breadcrumb"] == [])["metadata"]["selected"]
        }
        after.catalog = discover(after, config, streams, workdir)
        print(f"streams compared: {', '.join(sorted(streams))}", file=sys.stderr)
        compare = Compare(before, after, workdir)
        scenarios(compare, args)
        table, same = compare.render()
    print(f"this tap at {args.before} (before) and the working tree (after)\n")
    print(table)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
