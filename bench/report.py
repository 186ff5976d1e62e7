"""The benchmark's printed tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench.catalogs import STREAM_ROWS

if TYPE_CHECKING:
    from bench.runner import TapRun

# Targets of the benchmark issue.
MAX_REQUESTS_OVER_MINIMUM = 1.1
MIN_REQUEST_RATIO = 5.0
MIN_RECORDS_PER_S_RATIO = 3.0
MAX_WALL_OVER_FLOOR = 1.15
MAX_RSS_GROWTH = 1.25  # peak RSS at 4x the data over peak RSS at 1x: "flat"
RATE_LIMIT_PER_S = 10.0  # Trello: 100 requests per 10 s per token


@dataclass
class WorkspaceSummary:
    seed: int
    boards: int
    cards: int
    actions: int
    biggest_board_cards: int
    biggest_board_actions: int
    request_minimum: int
    bulk: bool = True

    def describe(self) -> str:
        return (
            f"seed {self.seed}: {self.boards} boards, {self.cards:,} cards, "
            f"{self.actions:,} actions (biggest board {self.biggest_board_cards:,} cards, "
            f"{self.biggest_board_actions:,} actions; bulk runs {'on' if self.bulk else 'off'})"
        )


@dataclass
class BenchReport:
    """Everything one ``python -m bench`` run measured."""

    workspace: WorkspaceSummary
    mode: str  # "compare" or "rate-limited"
    latency_ms: float = 0.0
    runs: dict[str, TapRun] = field(default_factory=dict)
    size_runs: list[tuple[WorkspaceSummary, TapRun]] = field(default_factory=list)
    machine: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "latency_ms": self.latency_ms,
            "machine": self.machine,
            "workspace": self.workspace.__dict__,
            "runs": {name: run.as_dict() for name, run in self.runs.items()},
            "sizes": [
                {"workspace": ws.__dict__, "run": run.as_dict()} for ws, run in self.size_runs
            ],
        }


def _num(value: float, digits: int = 1) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _verdict(ok: bool) -> str:  # noqa: FBT001
    return "PASS" if ok else "MISS"


def table(rows: list[list[str]]) -> list[str]:
    """Rows as aligned text columns, a rule under the header row."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "   ".join(cells).rstrip())
        if n == 0:
            lines.append("  " + "   ".join("-" * w for w in widths))
    return lines


def run_table(runs: list[TapRun], minimum: int) -> list[str]:
    """One column per tap: records per stream, requests, time, CPU, memory."""
    rows = [["", *(run.label for run in runs)]]
    known: set[str] = set()
    for label, ours, theirs in STREAM_ROWS:
        known.update(s for s in (ours, theirs) if s)
        cells = []
        for n, run in enumerate(runs):
            stream = ours if n == 0 else theirs
            cells.append(_num(run.records.get(stream, 0)) if stream else "-")
        rows.append([f"records: {label}", *cells])
    extra = sorted({s for run in runs for s in run.records} - known)
    rows.extend(
        [f"records: {s}", *(_num(run.records[s]) if s in run.records else "-" for run in runs)]
        for s in extra
    )
    rows += [
        ["records, total", *(_num(run.total_records) for run in runs)],
        ["records, distinct keys", *(_num(run.total_distinct) for run in runs)],
        ["HTTP requests", *(_num(run.requests) for run in runs)],
        ["requests / minimum", *(f"{run.requests / minimum:.3f}" for run in runs)],
        ["wall s", *(_num(run.wall_s) for run in runs)],
        ["  of which emulator answering s", *(_num(run.server_s) for run in runs)],
        ["records/s", *(_num(run.records_per_s, 0) for run in runs)],
        ["CPU s (user + sys)", *(_num(run.cpu_s) for run in runs)],
        [
            "CPU ms per 1000 records",
            *(
                _num(1e6 * run.cpu_s / run.total_records if run.total_records else 0, 0)
                for run in runs
            ),
        ],
        ["peak RSS MB", *(_num(run.peak_rss_mb) for run in runs)],
        ["Singer output MB", *(_num(run.output_bytes / 1e6) for run in runs)],
        ["exit", *(run.status for run in runs)],
    ]
    return table(rows)


def endpoint_lines(run: TapRun, top: int = 8) -> list[str]:
    items = list(run.requests_by_endpoint.items())
    shown = ", ".join(f"{path} {n:,}" for path, n in items[:top])
    more = len(items) - top
    return [f"  {run.label}: {shown}" + (f", ... {more} more endpoints" if more > 0 else "")]


def render(report: BenchReport) -> str:
    ws = report.workspace
    out = [
        f"tap-trello benchmark ({report.mode}), {report.machine}",
        f"workspace {ws.describe()}",
        (
            f"Minimum for a full sync: {ws.request_minimum:,} requests "
            "(1 boards + 1 nested call per board, plus where a board overflows: "
            "1 + ceil(cards/1000) past the nested cards threshold, ceil(actions/1000) "
            "from 1000 actions)"
        ),
    ]
    if report.mode == "rate-limited":
        out.append(
            f"emulator: Trello's rate limit on (429 past 100 requests / 10 s per token), "
            f"+{report.latency_ms:.0f} ms latency per request"
        )
    else:
        out.append("emulator: in-process, no rate limit, no added latency")
    like = [r for k, r in report.runs.items() if k in ("ours", "singer-io")]
    ours = report.runs.get("ours")
    theirs = report.runs.get("singer-io")
    if like:
        out += ["", "like for like (this tap's 7 streams; singer-io's 8 that match them):"]
        out += run_table(like, ws.request_minimum)
    out += ["", "requests by endpoint:"]
    for run in report.runs.values():
        out += endpoint_lines(run)

    out += ["", "targets:"]
    if ours is not None:
        over = ours.requests / ws.request_minimum
        out.append(
            f"  requests / minimum             {over:6.3f}   (target <= {MAX_REQUESTS_OVER_MINIMUM})"
            f"   {_verdict(ours.ok and over <= MAX_REQUESTS_OVER_MINIMUM)}"
        )
    if ours is not None and theirs is not None and ours.requests and ours.records_per_s:
        req_ratio = theirs.requests / ours.requests
        rps_ratio = (
            ours.records_per_s / theirs.records_per_s if theirs.records_per_s else float("inf")
        )
        note = "" if theirs.ok else f"  (singer-io {theirs.status}: ratios from its partial run)"
        out += [
            (
                f"  singer-io requests / ours      {req_ratio:6.2f}x  (target >= {MIN_REQUEST_RATIO:g}x)"
                f"   {_verdict(ours.ok and req_ratio >= MIN_REQUEST_RATIO)}{note}"
            ),
            (
                f"  our records/s / singer-io's    {rps_ratio:6.2f}x  (target >= {MIN_RECORDS_PER_S_RATIO:g}x)"
                f"   {_verdict(ours.ok and rps_ratio >= MIN_RECORDS_PER_S_RATIO)}"
            ),
            f"  CPU s, singer-io / ours        {theirs.cpu_s / ours.cpu_s if ours.cpu_s else 0:6.2f}x",
            f"  peak RSS, singer-io / ours     {theirs.peak_rss_mb / ours.peak_rss_mb:6.2f}x",
            f"  wall s, singer-io / ours       {theirs.wall_s / ours.wall_s:6.2f}x",
        ]
    if report.mode == "rate-limited":
        for run in report.runs.values():
            floor = run.ok_requests / RATE_LIMIT_PER_S
            ratio = run.wall_s / floor if floor else float("inf")
            out.append(
                f"  {run.label}: {run.ok_requests:,} requests (+{run.requests_by_status.get(429, 0)} "
                f"answered 429), floor {floor:.1f} s, wall {run.wall_s:.1f} s, "
                f"wall / floor {ratio:.3f} (target <= {MAX_WALL_OVER_FLOOR})"
                f"   {_verdict(run.ok and ratio <= MAX_WALL_OVER_FLOOR)}"
            )
    if report.size_runs:
        out.append("  peak RSS by board size (this tap, like-for-like streams):")
        for size, run in report.size_runs:
            out.append(
                f"    biggest board {size.biggest_board_cards:>7,} cards, {size.biggest_board_actions:>8,} "
                f"actions: {run.peak_rss_mb:6.1f} MB  ({run.total_records:,} records, {run.status})"
            )
        rss = [run.peak_rss_mb for _, run in report.size_runs]
        growth = max(rss) / min(rss) if min(rss) else float("inf")
        out.append(
            f"    growth {growth:.2f}x (target <= {MAX_RSS_GROWTH}x)"
            f"   {_verdict(all(r.ok for _, r in report.size_runs) and growth <= MAX_RSS_GROWTH)}"
        )
    full = [r for k, r in report.runs.items() if k.endswith("-full")]
    if full:
        out += ["", "every stream selected (full catalogs):"]
        for run in full:
            streams = len(run.records)
            out.append(
                f"  {run.label}: {run.requests:,} requests, {run.total_records:,} records "
                f"in {streams} streams, {run.wall_s:.1f} s, {run.status}"
            )
    failed = [r for r in report.runs.values() if not r.ok and r.stderr_tail and not r.timed_out]
    for run in failed:
        out += ["", f"{run.label} stderr (last lines):", run.stderr_tail]
    return "\n".join(out)
