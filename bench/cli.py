"""``python -m bench``: this tap against singer-io's tap-trello on a sized emulated workspace."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench import catalogs
from bench.report import BenchReport, WorkspaceSummary, render
from bench.runner import TapRun, run_logged
from bench.scale import Scale, ScaleReport, render_scale, scale_ok
from trello_emulator import EmulatorServer, Workspace

DEFAULT_CACHE = catalogs.REPO_ROOT / ".bench"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Sync a sized workspace from the in-process Trello emulator with this tap and with "
            "singer-io's tap-trello 1.1.3 (installed into its own venv under .bench/), and print "
            "records, requests, records/s, CPU and peak RSS of each, with the ratios; then the "
            "many-boards scenarios (--scale: only those; --no-scale: without them)."
        ),
    )
    p.add_argument("--boards", type=int, default=20)
    p.add_argument("--cards", type=int, default=50_000)
    p.add_argument("--actions", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-bulk", action="store_true", help="no same-second bulk runs in the data")
    p.add_argument(
        "--rate-limited",
        action="store_true",
        help="second mode: the emulator answers 429 past 100 requests / 10 s and adds latency; "
        "prints wall time / rate-limit floor (requests / 10 per s). Runs only this tap unless "
        "--singer-io is given.",
    )
    p.add_argument(
        "--latency-ms", type=float, default=None, help="added latency (rate-limited: 100)"
    )
    p.add_argument(
        "--scale",
        action="store_true",
        help="only the many-boards scenarios (account scale): tiny boards' output and CPU, the "
        "many-boards workspace's first sync at the rate limit, re-syncs, singer-io's figures",
    )
    p.add_argument(
        "--no-scale", action="store_true", help="skip the many-boards scenarios in the default mode"
    )
    p.add_argument(
        "--tiny-boards",
        default="300,1000,3000",
        help="scale: numbers of tiny boards (1 list, 2 cards, 2 actions each); '' for none",
    )
    p.add_argument(
        "--many-boards",
        type=int,
        default=120,
        help="scale: boards of the many-boards workspace (0: skip it)",
    )
    p.add_argument(
        "--scale-latencies-ms",
        default="100,300",
        help="scale: latencies of the first full syncs under the rate limit; the first one's "
        "final state and latency serve the re-syncs",
    )
    p.add_argument(
        "--k-changed", type=int, default=5, help="scale: boards that gain actions before a re-sync"
    )
    p.add_argument("--k-actions", type=int, default=4, help="scale: actions each of them gains")
    p.add_argument(
        "--singer-io-timeout",
        type=float,
        default=420,
        help="scale: seconds before singer-io's rate-limited run is stopped (it is then run "
        "without the limit, for its requests)",
    )
    p.add_argument("--no-singer-io", action="store_true", help="skip singer-io's tap")
    p.add_argument(
        "--singer-io", action="store_true", help="run singer-io's tap in --rate-limited mode too"
    )
    p.add_argument(
        "--no-full",
        action="store_true",
        help="skip the runs with every stream selected (this tap's full catalog, singer-io's 16 streams)",
    )
    p.add_argument(
        "--no-sizes",
        action="store_true",
        help="skip the second, smaller workspace that shows peak RSS at two board sizes",
    )
    p.add_argument(
        "--size-factor",
        type=int,
        default=4,
        help="the second workspace has cards and actions divided by this (default 4)",
    )
    p.add_argument(
        "--streams",
        help="comma-separated streams of this tap to select instead of the like-for-like 7 "
        "(to see what one stream costs; the comparison then is not like for like)",
    )
    p.add_argument(
        "--timeout", type=float, default=1800, help="seconds before a tap run is stopped"
    )
    p.add_argument(
        "--full-timeout",
        type=float,
        default=300,
        help="seconds before singer-io's 16-stream run (one request per card) is stopped",
    )
    p.add_argument(
        "--cache-dir", type=Path, default=DEFAULT_CACHE, help="singer-io's venv lives here"
    )
    p.add_argument("--keep-output", type=Path, help="keep each tap's Singer output and stderr here")
    p.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = p.parse_args(argv)
    args.our_streams = (
        tuple(x.strip() for x in args.streams.split(",") if x.strip())
        if args.streams
        else catalogs.OUR_STREAMS
    )
    args.tiny_boards = [int(x) for x in args.tiny_boards.split(",") if x.strip()]
    args.scale_latencies = [float(x) for x in args.scale_latencies_ms.split(",") if x.strip()] or [
        100.0
    ]
    if args.latency_ms is None:
        args.latency_ms = 100.0 if args.rate_limited else 0.0
    return args


#: The emulator's default threshold of a refused nested cards answer.
NESTED_CARDS = 1000


def summarize(ws: Workspace, seed: int, *, bulk: bool) -> WorkspaceSummary:
    boards = ws.visible_board_ids()
    cards = {b: len(ws.board_cards(b, "all")) for b in boards}
    actions = {b: len(ws.board_actions(b)) for b in boards}
    # One nested call per board brings it all, unless it overflows: cards past the
    # emulator's nested threshold are paged (the call asked again without them), and
    # 1000 actions or more are paged.
    refused = [n for n in cards.values() if n > NESTED_CARDS]
    minimum = (
        1
        + len(boards)
        + sum(1 + math.ceil(n / 1000) for n in refused)
        + sum(math.ceil(n / 1000) for n in actions.values() if n >= 1000)
    )
    return WorkspaceSummary(
        seed=seed,
        boards=len(boards),
        cards=sum(cards.values()),
        actions=sum(actions.values()),
        biggest_board_cards=max(cards.values(), default=0),
        biggest_board_actions=max(actions.values(), default=0),
        request_minimum=minimum,
        bulk=bulk,
    )


def machine() -> str:
    return (
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
    )


class Bench:
    """One benchmark run: an emulator per workspace, the taps as subprocesses."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.log = (lambda *_a: None) if args.quiet else self._log
        self.last_server: EmulatorServer | None = None
        self.scale: ScaleReport | None = None

    @staticmethod
    def _log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    def generate(self, cards: int, actions: int) -> Workspace:
        a = self.args
        self.log(
            f"generating workspace: {a.boards} boards, {cards:,} cards, {actions:,} actions ..."
        )
        start = time.perf_counter()
        ws = Workspace.generate(
            seed=a.seed, boards=a.boards, cards=cards, actions=actions, bulk=not a.no_bulk
        )
        self.log(f"generated in {time.perf_counter() - start:.1f} s")
        return ws

    def server(self, ws: Workspace) -> EmulatorServer:
        return EmulatorServer(
            ws, rate_limit=self.args.rate_limited, latency_s=self.args.latency_ms / 1000.0
        )

    def run_ours(
        self,
        ws: Workspace,
        server: EmulatorServer,
        name: str,
        label: str,
        streams: tuple[str, ...] | None,
    ) -> TapRun:
        config = catalogs.write_json(
            self.workdir / f"{name}.config.json", catalogs.our_config(ws, server)
        )
        catalog = catalogs.select(catalogs.discover(catalogs.our_command(config)), streams)
        catalog_path = catalogs.write_json(self.workdir / f"{name}.catalog.json", catalog)
        return self._run(
            label, catalogs.our_command(config, catalog_path), server, None, self.args.timeout
        )

    def run_singer_io(  # noqa: PLR0913, PLR0917
        self,
        ws: Workspace,
        server: EmulatorServer,
        name: str,
        label: str,
        streams: tuple[str, ...] | None,
        timeout: float,
    ) -> TapRun:
        command, env = catalogs.singer_io_sync(
            self.args.cache_dir, self.workdir / name, ws, server, streams, quiet=self.args.quiet
        )
        return self._run(label, command, server, env, timeout)

    def _run(
        self,
        label: str,
        command: list[str],
        server: EmulatorServer,
        env: dict[str, str] | None,
        timeout: float,
    ) -> TapRun:
        return run_logged(
            self.log, self.args.keep_output, self.workdir, label, command, server,
            env=env, timeout_s=timeout,
        )  # fmt: skip

    def execute(self) -> BenchReport:
        a = self.args
        ws = self.generate(a.cards, a.actions)
        summary = summarize(ws, a.seed, bulk=not a.no_bulk)
        report = BenchReport(
            workspace=summary,
            mode="rate-limited" if a.rate_limited else "compare",
            latency_ms=a.latency_ms,
            machine=machine(),
        )
        with_singer_io = not a.no_singer_io and (not a.rate_limited or a.singer_io)
        with self.server(ws) as server:
            report.runs["ours"] = self.run_ours(ws, server, "ours", "this tap", a.our_streams)
            if with_singer_io:
                report.runs["singer-io"] = self.run_singer_io(
                    ws,
                    server,
                    "singer-io",
                    "singer-io 1.1.3",
                    catalogs.SINGER_IO_STREAMS,
                    a.timeout,
                )
            if not a.no_full and not a.rate_limited:
                report.runs["ours-full"] = self.run_ours(
                    ws, server, "ours-full", "this tap, all streams", None
                )
                if with_singer_io:
                    report.runs["singer-io-full"] = self.run_singer_io(
                        ws,
                        server,
                        "singer-io-full",
                        "singer-io 1.1.3, all 16 streams",
                        None,
                        a.full_timeout,
                    )
            self.last_server = server
        if not a.no_sizes and not a.rate_limited:
            report.size_runs.append((summary, report.runs["ours"]))
            del ws  # free the big workspace before building the small one
            small = self.generate(a.cards // a.size_factor, a.actions // a.size_factor)
            small_summary = summarize(small, a.seed, bulk=not a.no_bulk)
            with self.server(small) as server:
                run = self.run_ours(small, server, "ours-small", "this tap, smaller", a.our_streams)
            report.size_runs.append((small_summary, run))
        return report

    def execute_scale(self) -> ScaleReport:
        folder = self.workdir / "scale"
        folder.mkdir(exist_ok=True)
        scale = Scale(self.args, folder, self.log, machine())
        self.scale = scale.execute()
        if scale.last_server is not None:
            self.last_server = scale.last_server
        return self.scale


def run(argv: list[str] | None = None) -> tuple[BenchReport | None, Bench]:
    """Run the benchmark; returns the report and the Bench (its last emulator, stopped).

    The report is None with ``--scale`` (only the many-boards scenarios, in ``bench.scale``);
    the many-boards report is ``bench.scale`` (None with ``--rate-limited`` or ``--no-scale``).
    """
    args = parse_args(argv)
    report: BenchReport | None = None
    with tempfile.TemporaryDirectory(prefix="tap-trello-bench-") as folder:
        bench = Bench(args, Path(folder))
        if not args.scale:
            report = bench.execute()
        if args.scale or not (args.rate_limited or args.no_scale):
            bench.execute_scale()
    if args.json:
        data = report.as_dict() if report is not None else {}
        if bench.scale is not None:
            data["scale"] = bench.scale.as_dict()
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return report, bench


def main(argv: list[str] | None = None) -> int:
    report, bench = run(argv)
    ok = True
    if report is not None:
        print(render(report), flush=True)
        ok = all(r.ok for r in report.runs.values() if not r.label.startswith("singer-io"))
    if bench.scale is not None:
        if report is not None:
            print(flush=True)
        print(render_scale(bench.scale), flush=True)
        ok = ok and scale_ok(bench.scale)
    return 0 if ok else 1
