"""The many-boards scenarios (``python -m bench --scale``; part of ``make bench``).

The account-scale targets (bench/README.md), measured on the emulator with this tap as a
subprocess:

1. tiny boards (1 list, 2 cards, 2 actions each), no latency, no rate limit, for 300, 1,000
   and 3,000 boards: stdout, STATE, RECORD and final state bytes, the STATE budget
   (``STATE <= 2 x RECORD + 5 x final state``), CPU per board (target <= 25 ms), wall;
2. the many-boards workspace (120 small boards, some closed, some never touched) with
   Trello's rate limit on and 100 ms, then 300 ms of latency: the first full sync's wall
   time over its floor, requests / 9 per s (the tap's default 90 per 10 s; target <= 1.15
   at 100 ms);
3. the same workspace re-synced from the first sync's final state: nothing changed
   (target <= 3 requests), then after k boards gained a few actions each (target
   <= 2 + k requests since a board is one nested call, exactly the new actions and the
   cards they touched);
4. singer-io's tap-trello 1.1.3 on the same workspace in the same run: its 8 comparable
   streams and all 16, first run and re-sync.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from bench import catalogs
from bench.report import table
from bench.runner import TapRun, run_logged
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from pathlib import Path

# The account-scale targets (bench/README.md, "Many boards: cost follows change").
MAX_CPU_MS_PER_BOARD = 25.0
STATE_RECORD_FACTOR = 2  # STATE bytes <= 2 x RECORD bytes + 5 x final state bytes
STATE_FINAL_FACTOR = 5
MAX_WALL_OVER_FLOOR = 1.15  # at 100 ms latency
TAP_REQUESTS_PER_S = 9.0  # the tap's default throttle: 90 requests per 10 s
NO_CHANGE_MAX_REQUESTS = 3
CHANGED_BASE_REQUESTS = 2  # k changed boards: at most 2 + k requests (a board is one call)
PER_CHANGED_BOARD_REQUESTS = 1
NO_LIMIT = 10**9  # the emulator's token and key limits when there is no rate limit
UNTHROTTLED = 1_000_000  # the tap's max_requests_per_10s when there is no rate limit
SINGER_IO_LIMIT_PER_S = 10.0  # it has no throttle: Trello's 100 per 10 s is its floor


@dataclass
class TinyRun:
    """One tiny-boards run: output sizes and CPU against the number of boards."""

    boards: int
    run: TapRun

    @property
    def state_bytes(self) -> int:
        return self.run.bytes_by_type.get("STATE", 0)

    @property
    def record_bytes(self) -> int:
        return self.run.bytes_by_type.get("RECORD", 0)

    @property
    def budget_bytes(self) -> int:
        return (
            STATE_RECORD_FACTOR * self.record_bytes
            + STATE_FINAL_FACTOR * self.run.final_state_bytes
        )

    @property
    def budget_met(self) -> bool:
        return self.run.ok and self.state_bytes <= self.budget_bytes

    @property
    def cpu_ms_per_board(self) -> float:
        return 1000 * self.run.cpu_s / self.boards if self.boards else 0.0

    @property
    def cpu_met(self) -> bool:
        return self.run.ok and self.cpu_ms_per_board <= MAX_CPU_MS_PER_BOARD

    def as_dict(self) -> dict[str, Any]:
        return {
            "boards": self.boards,
            "state_bytes": self.state_bytes,
            "record_bytes": self.record_bytes,
            "final_state_bytes": self.run.final_state_bytes,
            "budget_bytes": self.budget_bytes,
            "budget_met": self.budget_met,
            "cpu_ms_per_board": round(self.cpu_ms_per_board, 2),
            "cpu_met": self.cpu_met,
            "run": self.run.as_dict(),
        }


@dataclass
class FirstSync:
    """A first full sync under the rate limit at one latency."""

    latency_ms: float
    run: TapRun

    @property
    def floor_s(self) -> float:
        return self.run.ok_requests / TAP_REQUESTS_PER_S

    @property
    def ratio(self) -> float:
        return self.run.wall_s / self.floor_s if self.floor_s else float("inf")

    def as_dict(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "floor_s": round(self.floor_s, 2),
            "wall_over_floor": round(self.ratio, 3),
            "run": self.run.as_dict(),
        }


@dataclass
class SingerIoRuns:
    """singer-io's first run and re-sync on one selection."""

    label: str
    conditions: str
    first: TapRun | None = None
    resync: TapRun | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "conditions": self.conditions,
            "note": self.note,
            "first": self.first.as_dict() if self.first else None,
            "resync": self.resync.as_dict() if self.resync else None,
        }


@dataclass
class ScaleReport:
    """Everything ``python -m bench --scale`` measured."""

    machine: str = ""
    tiny: list[TinyRun] = field(default_factory=list)
    many: dict[str, Any] = field(default_factory=dict)  # the workspace's shape
    first_syncs: list[FirstSync] = field(default_factory=list)
    resync_latency_ms: float = 100.0
    no_change: TapRun | None = None
    changed: TapRun | None = None
    k: int = 0
    k_actions: int = 0
    expected_changed: dict[str, int] = field(default_factory=dict)
    singer_io: list[SingerIoRuns] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "tiny": [t.as_dict() for t in self.tiny],
            "many_boards": self.many,
            "first_syncs": [f.as_dict() for f in self.first_syncs],
            "resync_latency_ms": self.resync_latency_ms,
            "no_change": self.no_change.as_dict() if self.no_change else None,
            "changed": self.changed.as_dict() if self.changed else None,
            "k": self.k,
            "k_actions": self.k_actions,
            "expected_changed": self.expected_changed,
            "singer_io": [s.as_dict() for s in self.singer_io],
        }


def tiny_workspace(boards: int) -> Workspace:
    """``boards`` boards of 1 list, 2 cards and 2 actions each (scenario 1 above)."""
    return Workspace.generate(
        seed=7,
        boards=boards,
        cards=2 * boards,
        actions=2 * boards,
        bulk=False,
        big_share=1 / boards,
        lists=1,
    )


def many_boards_shape(ws: Workspace, seed: int) -> dict[str, Any]:
    boards = ws.visible_board_ids()
    return {
        "seed": seed,
        "boards": len(boards),
        "closed": sum(1 for b in boards if ws.boards[b]["closed"]),
        "null_activity": sum(1 for b in boards if ws.boards[b].get("dateLastActivity") is None),
        "cards": sum(len(ws.board_cards(b, "all")) for b in boards),
        "actions": sum(len(ws.board_actions(b)) for b in boards),
    }


def sync_command(
    config: Path, *, state: Path | None = None, catalog: Path | None = None
) -> list[str]:
    """This tap's sync as a user runs it: no catalog means every stream."""
    command = [sys.executable, "-m", "tap_trello", "--config", str(config)]
    if catalog is not None:
        command += ["--catalog", str(catalog)]
    if state is not None:
        command += ["--state", str(state)]
    return command


class Scale:
    """The many-boards scenarios: an emulator per run, the taps as subprocesses."""

    def __init__(
        self, args: argparse.Namespace, workdir: Path, log: Callable[[str], None], machine: str
    ) -> None:
        self.args = args
        self.workdir = workdir
        self.log = log
        self.report = ScaleReport(machine=machine)
        self.last_server: EmulatorServer | None = None

    # ------------------------------------------------------------------ running
    def _run(
        self,
        label: str,
        command: list[str],
        server: EmulatorServer,
        *,
        env: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> TapRun:
        run = run_logged(
            self.log, self.args.keep_output, self.workdir, label, command, server,
            env=env, timeout_s=timeout or self.args.timeout,
        )  # fmt: skip
        self.last_server = server
        return run

    def _ours(
        self,
        name: str,
        label: str,
        ws: Workspace,
        server: EmulatorServer,
        *,
        state: dict[str, Any] | None = None,
        **config: Any,
    ) -> TapRun:
        config_path = catalogs.write_json(
            self.workdir / f"{name}.config.json", {**catalogs.our_config(ws, server), **config}
        )
        state_path = (
            catalogs.write_json(self.workdir / f"{name}.state.json", state)
            if state is not None
            else None
        )
        return self._run(label, sync_command(config_path, state=state_path), server)

    def _singer_io(  # noqa: PLR0913
        self,
        name: str,
        label: str,
        ws: Workspace,
        server: EmulatorServer,
        streams: tuple[str, ...] | None,
        *,
        state: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> TapRun:
        command, env = catalogs.singer_io_sync(
            self.args.cache_dir, self.workdir / name, ws, server, streams,
            state=state, quiet=self.args.quiet,
        )  # fmt: skip
        return self._run(label, command, server, env=env, timeout=timeout)

    @staticmethod
    def _limited(ws: Workspace, latency_ms: float) -> EmulatorServer:
        """Trello's rate limit (100 per 10 s per token) and added latency; a fresh window."""
        return EmulatorServer(ws, rate_limit=True, latency_s=latency_ms / 1000.0)

    @staticmethod
    def _unlimited(ws: Workspace) -> EmulatorServer:
        """No rate limit, no latency; its rate-limit headers never reach 0 either."""
        return EmulatorServer(ws, token_limit=NO_LIMIT, key_limit=NO_LIMIT)

    # ------------------------------------------------------------------ scenarios
    def tiny(self) -> None:
        for boards in self.args.tiny_boards:
            ws = tiny_workspace(boards)
            with self._unlimited(ws) as server:
                run = self._ours(
                    f"tiny-{boards}",
                    f"this tap, {boards:,} tiny boards",
                    ws,
                    server,
                    max_requests_per_10s=UNTHROTTLED,
                )
            self.report.tiny.append(TinyRun(boards=boards, run=run))
            del ws

    def many_boards(self) -> None:
        a = self.args
        ws = Workspace.many_boards(seed=a.seed, boards=a.many_boards)
        self.report.many = many_boards_shape(ws, a.seed)
        first_state: dict[str, Any] | None = None
        for latency in a.scale_latencies:
            with self._limited(ws, latency) as server:
                run = self._ours(
                    f"first-{latency:g}",
                    f"this tap, first sync, {latency:g} ms",
                    ws,
                    server,
                )
            self.report.first_syncs.append(FirstSync(latency_ms=latency, run=run))
            if first_state is None:
                first_state = run.final_state
                self.report.resync_latency_ms = latency
        if first_state is None:
            return
        resync_latency = self.report.resync_latency_ms
        with self._limited(ws, resync_latency) as server:
            self.report.no_change = self._ours(
                "no-change", "this tap, re-sync, nothing changed", ws, server, state=first_state
            )
        if not a.no_singer_io:
            self.singer_io(ws)
        # k boards with cards gain a few card actions each (they move the board's date).
        with_cards = [b for b in ws.visible_board_ids(include_closed=False) if ws.board_cards(b)]
        changed = with_cards[len(with_cards) // 3 :][: a.k_changed]
        new_actions = [x for b in changed for x in ws.add_actions(b, a.k_actions)]
        touched = {x["data"]["card"]["id"] for x in new_actions if "card" in x["data"]}
        self.report.k = len(changed)
        self.report.k_actions = a.k_actions
        self.report.expected_changed = {"actions": len(new_actions), "cards": len(touched)}
        with self._limited(ws, resync_latency) as server:
            self.report.changed = self._ours(
                "changed",
                f"this tap, re-sync, {len(changed)} boards changed",
                ws,
                server,
                state=first_state,
            )

    def singer_io(self, ws: Workspace) -> None:
        """singer-io's first run and re-sync: 8 comparable streams, then all 16."""
        a = self.args
        latency = self.report.resync_latency_ms
        like = SingerIoRuns(
            label="singer-io 1.1.3, 8 comparable streams",
            conditions=f"rate limit on, {latency:g} ms latency",
        )
        self.report.singer_io.append(like)
        with self._limited(ws, latency) as server:
            like.first = self._singer_io(
                "sio-first",
                "singer-io, 8 streams, first run",
                ws,
                server,
                catalogs.SINGER_IO_STREAMS,
                timeout=a.singer_io_timeout,
            )
        if like.first.ok:
            with self._limited(ws, latency) as server:
                like.resync = self._singer_io(
                    "sio-resync",
                    "singer-io, 8 streams, re-sync",
                    ws,
                    server,
                    catalogs.SINGER_IO_STREAMS,
                    state=like.first.final_state or {},
                    timeout=a.singer_io_timeout,
                )
        failed = next((r for r in (like.first, like.resync) if r is not None and not r.ok), None)
        if failed is not None:
            like.note = (
                f"under the rate limit its {failed.label.split(', ')[-1]} {failed.status}; "
                "run again without rate limit or latency: requests only"
            )
            like.conditions = "no rate limit, no latency (requests only)"
            self._singer_io_unlimited(ws, like, catalogs.SINGER_IO_STREAMS, "8 streams")
        if a.no_full:
            return
        full = SingerIoRuns(
            label="singer-io 1.1.3, all 16 streams",
            conditions="no rate limit, no latency (requests only)",
            note=(
                "one request per card for attachments and custom field items: thousands of "
                "requests, more than 5 minutes at Trello's 10 per s, so run without the limit"
            ),
        )
        self.report.singer_io.append(full)
        self._singer_io_unlimited(ws, full, None, "16 streams")

    def _singer_io_unlimited(
        self, ws: Workspace, runs: SingerIoRuns, streams: tuple[str, ...] | None, what: str
    ) -> None:
        with self._unlimited(ws) as server:
            runs.first = self._singer_io(
                "sio-u-first", f"singer-io, {what}, first run, unlimited", ws, server, streams
            )
            runs.resync = self._singer_io(
                "sio-u-resync",
                f"singer-io, {what}, re-sync, unlimited",
                ws,
                server,
                streams,
                state=runs.first.final_state or {},
            )

    def execute(self) -> ScaleReport:
        start = time.perf_counter()
        if self.args.tiny_boards:
            self.tiny()
        if self.args.many_boards:
            self.many_boards()
        self.log(f"scale scenarios done in {time.perf_counter() - start:.0f} s")
        return self.report


# ---------------------------------------------------------------------- printing
def _mb(n: int) -> str:
    return f"{n / 1e6:,.2f}"


def _kb(n: int) -> str:
    return f"{n / 1e3:,.1f}"


def _met(ok: bool) -> str:  # noqa: FBT001
    return "met" if ok else "missed"


def _rows_per_stream(run: TapRun) -> str:
    return ", ".join(f"{s} {n:,}" for s, n in sorted(run.records.items())) or "none"


def render_tiny(tiny: list[TinyRun]) -> list[str]:
    rows = [["boards", *(f"{t.boards:,}" for t in tiny)]]
    rows += [
        ["records", *(f"{t.run.total_records:,}" for t in tiny)],
        ["requests", *(f"{t.run.requests:,}" for t in tiny)],
        ["SCHEMA messages", *(f"{t.run.messages.get('SCHEMA', 0):,}" for t in tiny)],
        ["STATE messages", *(f"{t.run.messages.get('STATE', 0):,}" for t in tiny)],
        ["stdout MB", *(_mb(t.run.output_bytes) for t in tiny)],
        ["RECORD MB", *(_mb(t.record_bytes) for t in tiny)],
        ["STATE MB (sum of STATE lines)", *(_mb(t.state_bytes) for t in tiny)],
        ["final state KB", *(_kb(t.run.final_state_bytes) for t in tiny)],
        ["budget MB (2 x RECORD + 5 x final)", *(_mb(t.budget_bytes) for t in tiny)],
        ["STATE <= budget", *(_met(t.budget_met) for t in tiny)],
        ["CPU s (tap process)", *(f"{t.run.cpu_s:,.2f}" for t in tiny)],
        ["CPU ms per board (target <= 25)", *(f"{t.cpu_ms_per_board:,.1f}" for t in tiny)],
        ["CPU per board <= 25 ms", *(_met(t.cpu_met) for t in tiny)],
        [
            "CPU ms per board added (vs previous size)",
            "-",
            *(
                f"{1000 * (b.run.cpu_s - a.run.cpu_s) / (b.boards - a.boards):,.1f}"
                if b.boards != a.boards
                else "-"
                for a, b in pairwise(tiny)
            ),
        ],
        ["wall s", *(f"{t.run.wall_s:,.1f}" for t in tiny)],
        ["peak RSS MB", *(f"{t.run.peak_rss_mb:,.0f}" for t in tiny)],
        ["exit", *(t.run.status for t in tiny)],
    ]
    return table(rows)


def render_first_syncs(first: list[FirstSync]) -> list[str]:
    rows = [["latency", *(f"{f.latency_ms:g} ms" for f in first)]]
    rows += [
        ["requests (not 429)", *(f"{f.run.ok_requests:,}" for f in first)],
        ["answered 429", *(f"{f.run.requests_by_status.get(429, 0):,}" for f in first)],
        ["floor s (requests / 9 per s)", *(f"{f.floor_s:,.1f}" for f in first)],
        ["wall s", *(f"{f.run.wall_s:,.1f}" for f in first)],
        ["wall / floor", *(f"{f.ratio:.3f}" for f in first)],
        [
            f"wall / floor <= {MAX_WALL_OVER_FLOOR} (target at 100 ms)",
            *(_met(f.run.ok and f.ratio <= MAX_WALL_OVER_FLOOR) for f in first),
        ],
        ["records", *(f"{f.run.total_records:,}" for f in first)],
        ["CPU s (tap process)", *(f"{f.run.cpu_s:,.1f}" for f in first)],
        ["exit", *(f.run.status for f in first)],
    ]
    return table(rows)


def render_resyncs(report: ScaleReport) -> list[str]:
    runs: list[tuple[str, TapRun, int]] = []
    if report.no_change is not None:
        runs.append(("nothing changed", report.no_change, NO_CHANGE_MAX_REQUESTS))
    if report.changed is not None:
        budget = CHANGED_BASE_REQUESTS + PER_CHANGED_BOARD_REQUESTS * report.k
        runs.append((f"k={report.k} boards +{report.k_actions} actions", report.changed, budget))
    if not runs:
        return []
    rows = [["re-sync", *(name for name, _, _ in runs)]]
    rows += [
        ["requests", *(f"{run.requests:,}" for _, run, _ in runs)],
        ["target", *(f"<= {budget}" for _, _, budget in runs)],
        ["requests within target", *(_met(run.ok and run.requests <= b) for _, run, b in runs)],
        ["wall s", *(f"{run.wall_s:,.1f}" for _, run, _ in runs)],
        ["records", *(f"{run.total_records:,}" for _, run, _ in runs)],
        ["exit", *(run.status for _, run, _ in runs)],
    ]
    out = table(rows)
    out.append("  rows per stream emitted:")
    for name, run, _ in runs:
        out.append(f"    {name}: {_rows_per_stream(run)}")
        out.append(f"      requests: {_endpoints(run)}")
    if report.changed is not None and report.expected_changed:
        exp = report.expected_changed
        got = report.changed.records
        ok = all(got.get(s, 0) == n for s, n in exp.items())
        out.append(
            f"    expected after the change: actions {exp['actions']} (the new ones), "
            f"cards {exp['cards']} (the cards they touched): {_met(report.changed.ok and ok)}"
        )
    return out


def _endpoints(run: TapRun) -> str:
    return ", ".join(f"{p} {n:,}" for p, n in run.requests_by_endpoint.items()) or "none"


def render_singer_io(report: ScaleReport) -> list[str]:
    out: list[str] = []
    ours_first = report.first_syncs[0].run if report.first_syncs else None
    ours_again = report.no_change
    for s in report.singer_io:
        out.append(f"  {s.label} ({s.conditions}):")
        if s.note:
            out.append(f"    {s.note}")
        for name, run in (("first run", s.first), ("re-sync", s.resync)):
            if run is None:
                continue
            limited = "no rate limit" not in s.conditions
            wall = f", {run.wall_s:,.1f} s" if limited else f" (wall {run.wall_s:,.1f} s unlimited)"
            throttled = run.requests_by_status.get(429, 0)
            out.append(
                f"    {name}: {run.requests:,} requests"
                + (f" (of which {throttled:,} answered 429)" if throttled else "")
                + f", {run.total_records:,} records in {len(run.records)} streams{wall}, "
                f"{run.status}"
            )
        out.append(f"      endpoints (first run): {_endpoints(s.first) if s.first else '-'}")
    if ours_first is not None and ours_again is not None:
        out.append(
            f"  this tap, every stream: first sync {ours_first.requests:,} requests "
            f"({ours_first.wall_s:,.1f} s), re-sync with nothing changed {ours_again.requests:,} "
            f"({ours_again.wall_s:,.1f} s)"
        )
        out.extend(
            f"    {s.label}: {s.first.requests / ours_first.requests:,.1f}x our first-sync "
            f"requests; re-sync {s.resync.requests:,} vs {ours_again.requests:,}"
            for s in report.singer_io
            if s.first is not None and s.resync is not None and ours_first.requests
        )
    return out


def render_scale(report: ScaleReport) -> str:
    out = [f"tap-trello benchmark (scale), {report.machine}"]
    if report.tiny:
        out += [
            "",
            (
                "1. tiny boards (1 list, 2 cards, 2 actions each), every stream, no latency, "
                "no rate limit, tap throttle off:"
            ),
            *render_tiny(report.tiny),
        ]
    m = report.many
    if m:
        out += [
            "",
            (
                f"many-boards workspace, seed {m['seed']}: {m['boards']} boards "
                f"({m['closed']} closed, {m['null_activity']} with dateLastActivity null), "
                f"{m['cards']:,} cards, {m['actions']:,} actions; every stream of this tap; "
                "Trello's rate limit on (429 past 100 requests / 10 s per token), the tap's "
                "default throttle (90 / 10 s)"
            ),
        ]
    if report.first_syncs:
        out += ["", "2. first full sync:", *render_first_syncs(report.first_syncs)]
    resyncs = render_resyncs(report)
    if resyncs:
        out += [
            "",
            f"3. re-sync from the first sync's final state ({report.resync_latency_ms:g} ms latency):",
            *resyncs,
        ]
    if report.singer_io:
        out += [
            "",
            "4. singer-io tap-trello 1.1.3 on the same workspace:",
            *render_singer_io(report),
        ]
    failed = [
        run
        for run in [
            *(t.run for t in report.tiny),
            *(f.run for f in report.first_syncs),
            report.no_change,
            report.changed,
        ]
        if run is not None and not run.ok and run.stderr_tail
    ]
    for run in failed:
        out += ["", f"{run.label} stderr (last lines):", run.stderr_tail]
    return "\n".join(out)


def scale_ok(report: ScaleReport) -> bool:
    """Every run of this tap ended well (targets are printed, not enforced)."""
    runs = [
        *(t.run for t in report.tiny),
        *(f.run for f in report.first_syncs),
        report.no_change,
        report.changed,
    ]
    return all(run.ok for run in runs if run is not None)


def dumps(report: ScaleReport) -> str:
    return json.dumps(report.as_dict(), indent=2)
