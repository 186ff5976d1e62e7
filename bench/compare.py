"""This tap against an earlier commit of itself: the same records, the same requests?

``python -m bench.compare --before <git ref>`` exports that commit's ``tap_trello`` package
(``git archive``) and a snapshot of the working tree's, and runs both, alternately and in
one process, on the benchmark's scenarios, each tap a subprocess measured by
bench/runner.py (CPU = user + sys of the tap's own process, peak RSS its ``ru_maxrss``):

1. the sized workspace of ``python -m bench`` (20 boards, 50,000 cards, 200,000 actions,
   bulk runs; the like-for-like 7 streams, no rate limit, no latency);
2. the many-boards workspace of ``python -m bench --scale`` (120 small boards, Trello's
   rate limit on, 100 ms of latency, a fresh rate-limit window per run): the first sync,
   a re-sync with nothing changed, and one after 5 boards gained 4 actions each (both
   re-syncs from that side's own first-sync state);
3. the 4,000-card board of ``tests/test_one_request_board.py``: a first sync, then a
   re-sync after the big board gained 3 actions.

Scenarios 2 and 3 select the streams both sides select by default (each side's own
discovered catalog). For each scenario and side it prints the requests (the emulator's
log, as the benchmark counts them, and a digest of the answered ones: method, path,
query), every stream's record count and a digest of its records (canonical JSON of each
RECORD's ``record``, sorted; the message's ``version`` and ``time_extracted`` left out),
a digest of the final STATE (run times masked: see :data:`RUN_TIME_KEYS`) and of the
SCHEMA messages, CPU and peak RSS, then a summary table. It exits 1 if records or requests
differ (or a run fails), 0 otherwise; STATE, SCHEMA, CPU and peak RSS are reported.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import catalogs
from bench.cli import machine, summarize
from bench.report import table
from bench.runner import TapRun, run_tap
from bench.scale import (
    CHANGED_BASE_REQUESTS,
    NO_CHANGE_MAX_REQUESTS,
    PER_CHANGED_BOARD_REQUESTS,
)
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

try:  # the tap's own fast JSON library (singer-sdk[msgspec]); plain json otherwise
    import msgspec

    def decode(line: bytes) -> Any:
        return msgspec.json.decode(line)

    def canonical(value: Any) -> bytes:
        """``value`` as JSON with sorted keys: equal values, equal bytes."""
        return msgspec.json.encode(value, order="sorted")

except ImportError:  # pragma: no cover

    def decode(line: bytes) -> Any:
        return json.loads(line)

    def canonical(value: Any) -> bytes:
        """``value`` as JSON with sorted keys: equal values, equal bytes."""
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


ROOT = catalogs.REPO_ROOT
PACKAGE = "tap_trello"
#: State keys whose values are the run's own clock (``tap_trello/board_scans.py``: when a
#: board was last read whole, the version of its rows): masked before the STATE digest.
RUN_TIME_KEYS = frozenset({"scanned_at", "version", "history"})
#: The bound on the 4,000-card board's re-sync (``tests/test_one_request_board.py``).
BIG_BOARD_CHANGE_MAX_REQUESTS = 4
DIGEST_CHARS = 12


def short(digest: str) -> str:
    return digest[:DIGEST_CHARS]


# ---------------------------------------------------------------------- the two sides
@dataclass
class Side:
    """One version of the tap: a directory holding its ``tap_trello`` package."""

    name: str  # "before" or "after"
    root: Path  # first on PYTHONPATH
    source: str  # what it is, for the report
    imported: str = ""  # tap_trello.__file__ as its subprocesses import it
    catalogs: dict[str, Path] = field(default_factory=dict)  # selection name -> catalog

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self.root), os.environ.get("PYTHONPATH", "")) if p
        )
        return env

    def command(self, config: Path, *args: str) -> list[str]:
        # ``-m`` puts the working directory first on sys.path: main() runs from a temporary
        # directory holding no tap_trello, so PYTHONPATH decides (checked by which_package).
        return [sys.executable, "-m", PACKAGE, "--config", str(config), *args]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def export(ref: str, into: Path) -> Path:
    """``ref``'s ``tap_trello`` package (``git archive``), unpacked as ``into/tap_trello``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, PACKAGE], cwd=ROOT, capture_output=True, check=False
    )
    if archive.returncode != 0:
        msg = f"git archive {ref} {PACKAGE} failed: {archive.stderr.decode(errors='replace')}"
        raise SystemExit(msg)
    into.mkdir(parents=True)
    extra: dict[str, Any] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, **extra)  # noqa: S202 (our own repository's archive)
    return into


def snapshot(into: Path) -> Path:
    """The working tree's ``tap_trello`` (untracked and uncommitted files too), copied once:
    edits made to the checkout during the run do not reach it."""
    shutil.copytree(
        ROOT / PACKAGE, into / PACKAGE, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    return into


def working_tree_note() -> str:
    changed = git("status", "--porcelain", "--", PACKAGE).splitlines()
    if not changed:
        return f"working tree, {PACKAGE}/ as at HEAD {git('rev-parse', '--short', 'HEAD')}"
    return (
        f"working tree, {len(changed)} file(s) of {PACKAGE}/ differing from HEAD "
        f"{git('rev-parse', '--short', 'HEAD')}"
    )


def which_package(side: Side) -> str:
    """The file ``tap_trello`` is imported from on that side, from the working directory."""
    code = f"import {PACKAGE}; print({PACKAGE}.__file__)"
    return subprocess.run(
        [sys.executable, "-c", code], env=side.env(), capture_output=True, text=True, check=True
    ).stdout.strip()


def discover(side: Side, workdir: Path) -> dict[str, Any]:
    config = catalogs.write_json(workdir / "discover.config.json", {"api_key": "k", "token": "t"})
    return catalogs.discover(side.command(config, "--discover"), env=side.env())


def default_streams(catalog: dict[str, Any]) -> set[str]:
    """The streams a run without a catalog syncs (selected by default)."""
    chosen = set()
    for entry in catalog["streams"]:
        root = next((m for m in entry.get("metadata", []) if m.get("breadcrumb") == []), None)
        if root is None or root["metadata"].get("selected-by-default", True):
            chosen.add(entry["tap_stream_id"])
    return chosen


# ---------------------------------------------------------------------- one run's output
@dataclass
class Output:
    """What one run of one side sent, and what it cost."""

    run: TapRun
    records: dict[str, int]
    digests: dict[str, str]  # stream -> digest of its sorted records
    hashes: dict[str, list[bytes]]  # stream -> each record's hash, sorted (for the diff)
    schemas: str
    state: str
    requests: str  # digest of the answered requests (method, path, query), sorted
    final_state: dict[str, Any] | None

    @property
    def records_digest(self) -> str:
        return hashlib.sha256(canonical(sorted(self.digests.items()))).hexdigest()

    def same_records(self, other: Output) -> bool:
        return self.records == other.records and self.digests == other.digests

    def same_requests(self, other: Output) -> bool:
        return self.run.requests == other.run.requests and self.requests == other.requests

    def drop_hashes(self) -> None:
        self.hashes = {}


def mask_run_times(value: Any) -> Any:
    """``value`` with the values of :data:`RUN_TIME_KEYS` replaced (their presence kept)."""
    if isinstance(value, dict):
        return {
            k: "<run time>" if k in RUN_TIME_KEYS and v is not None else mask_run_times(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_run_times(v) for v in value]
    return value


def digest_output(path: Path) -> tuple[dict[str, list[bytes]], str]:
    """Each stream's record hashes (sorted) and a digest of its SCHEMA messages."""
    hashes: dict[str, list[bytes]] = defaultdict(list)
    schemas: dict[str, bytes] = {}
    with path.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            message = decode(line)
            kind = message.get("type")
            if kind == "RECORD":
                hashes[message["stream"]].append(
                    hashlib.sha256(canonical(message["record"])).digest()
                )
            elif kind == "SCHEMA":
                schemas[message["stream"]] = canonical(
                    {k: v for k, v in message.items() if k in {"schema", "key_properties"}}
                )
    for values in hashes.values():
        values.sort()
    schema_digest = hashlib.sha256(b"\n".join(schemas[s] for s in sorted(schemas))).hexdigest()
    return dict(hashes), schema_digest


def requests_digest(server: EmulatorServer) -> str:
    """The answered requests (a 429 is retried), as a sorted multiset of method, path, query."""
    rows = sorted(
        canonical([e.method, e.path, sorted(e.query.items())])
        for e in server.entries()
        if e.status != 429
    )
    return hashlib.sha256(b"\n".join(rows)).hexdigest()


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


# ---------------------------------------------------------------------- a scenario
@dataclass
class Scenario:
    """Both sides' runs of one scenario (``repeat`` each, alternating)."""

    name: str
    note: str
    before: list[Output]
    after: list[Output]
    target: int | None = None  # bench's bound on requests, where it has one

    @property
    def first(self) -> tuple[Output, Output]:
        return self.before[0], self.after[0]

    @property
    def consistent(self) -> bool:
        """Every run of a side sent what its first run sent."""
        return all(
            o.same_records(runs[0]) and o.same_requests(runs[0])
            for runs in (self.before, self.after)
            for o in runs[1:]
        )

    @property
    def same_records(self) -> bool:
        b, a = self.first
        return b.same_records(a) and self.consistent

    @property
    def same_requests(self) -> bool:
        b, a = self.first
        return b.same_requests(a) and self.consistent

    @property
    def same_state(self) -> bool:
        b, a = self.first
        return b.state == a.state

    @property
    def same_schemas(self) -> bool:
        b, a = self.first
        return b.schemas == a.schemas

    def runs(self, side: str) -> list[Output]:
        return self.before if side == "before" else self.after

    def cpu(self, side: str) -> float:
        return statistics.median(o.run.cpu_s for o in self.runs(side))

    def rss(self, side: str) -> float:
        return statistics.median(o.run.peak_rss_mb for o in self.runs(side))

    def wall(self, side: str) -> float:
        return statistics.median(o.run.wall_s for o in self.runs(side))

    def as_dict(self) -> dict[str, Any]:
        def side(runs: list[Output]) -> list[dict[str, Any]]:
            return [
                {
                    **o.run.as_dict(),
                    "record_digests": o.digests,
                    "records_digest": o.records_digest,
                    "requests_digest": o.requests,
                    "state_digest": o.state,
                    "schemas_digest": o.schemas,
                }
                for o in runs
            ]

        return {
            "name": self.name,
            "note": self.note,
            "target_requests": self.target,
            "same_records": self.same_records,
            "same_requests": self.same_requests,
            "same_state": self.same_state,
            "same_schemas": self.same_schemas,
            "consistent": self.consistent,
            "before": side(self.before),
            "after": side(self.after),
        }


def yes(same: bool) -> str:  # noqa: FBT001
    return "yes" if same else "NO"


def change(before: float, after: float) -> str:
    return f"{100 * (after / before - 1):+.1f} %" if before else "-"


def render_scenario(s: Scenario, tolerance: float) -> list[str]:
    b, a = s.first
    runs = f"median of {len(s.before)} runs each" if len(s.before) > 1 else "one run each"
    target = f"; bench's bound: <= {s.target} requests" if s.target is not None else ""
    out = [f"{s.name} ({s.note}{target}; CPU, RSS, wall: {runs}):"]
    rows = [["", "before", "after", "same?"]]
    rows.append(["requests", f"{b.run.requests:,}", f"{a.run.requests:,}", yes(s.same_requests)])
    rows.append(
        [
            "  answered 429",
            f"{b.run.requests_by_status.get(429, 0):,}",
            f"{a.run.requests_by_status.get(429, 0):,}",
            "",
        ]
    )
    rows.append(
        [
            "  digest (method, path, query)",
            short(b.requests),
            short(a.requests),
            yes(b.requests == a.requests),
        ]
    )
    endpoints = sorted(b.run.requests_by_endpoint.keys() | a.run.requests_by_endpoint.keys())
    for ep in endpoints:
        nb, na = b.run.requests_by_endpoint.get(ep, 0), a.run.requests_by_endpoint.get(ep, 0)
        rows.append([f"  {ep}", f"{nb:,}", f"{na:,}", yes(nb == na)])
    rows.append(
        [
            "records",
            f"{b.run.total_records:,}",
            f"{a.run.total_records:,}",
            yes(s.same_records),
        ]
    )
    rows.append(
        [
            "  digest (every stream)",
            short(b.records_digest),
            short(a.records_digest),
            yes(b.digests == a.digests),
        ]
    )
    for stream in sorted(b.records.keys() | a.records.keys()):
        nb, na = b.records.get(stream, 0), a.records.get(stream, 0)
        same = nb == na and b.digests.get(stream) == a.digests.get(stream)
        verdict = "yes" if same else record_diff(b.hashes.get(stream, []), a.hashes.get(stream, []))
        rows.append([f"  {stream}", f"{nb:,}", f"{na:,}", verdict])
    rows.append(
        ["STATE digest (run times masked)", short(b.state), short(a.state), yes(s.same_state)]
    )
    rows.append(["SCHEMA digest", short(b.schemas), short(a.schemas), yes(s.same_schemas)])
    for label, get in (("CPU s (user + sys)", s.cpu), ("peak RSS MB", s.rss)):
        vb, va = get("before"), get("after")
        verdict = change(vb, va) + (" worse" if va > vb * (1 + tolerance) else "")
        rows.append(
            [
                label,
                f"{vb:,.2f}" if label.startswith("CPU") else f"{vb:,.1f}",
                f"{va:,.2f}" if label.startswith("CPU") else f"{va:,.1f}",
                verdict,
            ]
        )
        if label.startswith("CPU") and len(s.before) > 1:
            least = [min(o.run.cpu_s for o in s.runs(side)) for side in ("before", "after")]
            rows.append(
                [
                    f"  CPU s, least of {len(s.before)}",
                    f"{least[0]:,.2f}",
                    f"{least[1]:,.2f}",
                    change(least[0], least[1]),
                ]
            )
    rows.append(
        [
            "wall s",
            f"{s.wall('before'):,.1f}",
            f"{s.wall('after'):,.1f}",
            change(s.wall("before"), s.wall("after")),
        ]
    )
    out += table(rows)
    if not s.consistent:
        out.append("  runs of the same side sent different records or requests: not reproducible")
    return out


def record_diff(before: list[bytes], after: list[bytes]) -> str:
    """``NO (k only before, m only after)``, the records counted as a multiset."""
    left, right = Counter(before), Counter(after)
    return f"NO ({sum((left - right).values()):,} only before, {sum((right - left).values()):,} only after)"


# ---------------------------------------------------------------------- the runs
class Compare:
    """Both sides on each scenario, alternating, in one process."""

    def __init__(self, args: argparse.Namespace, sides: tuple[Side, Side], workdir: Path) -> None:
        self.args = args
        self.sides = sides
        self.workdir = workdir
        self.scenarios: list[Scenario] = []
        self.log: Callable[[str], None] = (
            (lambda _m: None)
            if args.quiet
            else (lambda m: print(f"[compare] {m}", file=sys.stderr, flush=True))
        )

    def run_one(  # noqa: PLR0913
        self,
        side: Side,
        label: str,
        ws: Workspace,
        server: EmulatorServer,
        *,
        selection: str,
        state: dict[str, Any] | None,
    ) -> Output:
        name = slug(label)
        config = catalogs.write_json(
            self.workdir / f"{name}.config.json", catalogs.our_config(ws, server)
        )
        args = ["--catalog", str(side.catalogs[selection])]
        if state is not None:
            args += [
                "--state",
                str(catalogs.write_json(self.workdir / f"{name}.state.json", state)),
            ]
        run = run_tap(
            label,
            side.command(config, *args),
            server,
            self.workdir,
            env=side.env(),
            timeout_s=self.args.timeout,
            keep_output=True,
        )
        output = self.workdir / f"{name}.singer.jsonl"
        stderr = self.workdir / f"{name}.stderr.log"
        requests = requests_digest(server)
        if not run.ok:
            msg = f"{label}: the tap {run.status}; its stderr ends:\n{run.stderr_tail}"
            raise RunFailedError(msg)
        hashes, schemas = digest_output(output)
        if self.args.keep_output:
            self.args.keep_output.mkdir(parents=True, exist_ok=True)
            for path in (output, stderr):
                if path.exists():
                    shutil.move(path, self.args.keep_output / path.name)
        output.unlink(missing_ok=True)
        stderr.unlink(missing_ok=True)
        state_digest = hashlib.sha256(canonical(mask_run_times(run.final_state))).hexdigest()
        self.log(
            f"{label}: {run.requests:,} requests, {run.total_records:,} records, "
            f"CPU {run.cpu_s:.2f} s, peak RSS {run.peak_rss_mb:.1f} MB, {run.wall_s:.1f} s"
        )
        return Output(
            run=run,
            records=dict(run.records),
            digests={s: hashlib.sha256(b"".join(h)).hexdigest() for s, h in hashes.items()},
            hashes=hashes,
            schemas=schemas,
            state=state_digest,
            requests=requests,
            final_state=run.final_state,
        )

    def scenario(  # noqa: PLR0913
        self,
        name: str,
        note: str,
        ws: Workspace,
        servers: Callable[[], AbstractContextManager[EmulatorServer]],
        selection: str,
        *,
        states: dict[str, dict[str, Any] | None] | None = None,
        target: int | None = None,
    ) -> Scenario:
        """Run both sides ``--repeat`` times: before, after, then after, before, ..."""
        runs: dict[str, list[Output]] = {side.name: [] for side in self.sides}
        for rep in range(self.args.repeat):
            order: Iterable[Side] = self.sides if rep % 2 == 0 else reversed(self.sides)
            for side in order:
                label = f"{name}, {side.name}" + (
                    f", run {rep + 1}" if self.args.repeat > 1 else ""
                )
                with servers() as server:
                    state = (states or {}).get(side.name)
                    runs[side.name].append(
                        self.run_one(side, label, ws, server, selection=selection, state=state)
                    )
        result = Scenario(name, note, runs["before"], runs["after"], target)
        for line in render_scenario(result, self.args.tolerance):
            print(line, flush=True)
        print(flush=True)
        for o in (*result.before, *result.after):
            o.drop_hashes()
        self.scenarios.append(result)
        return result

    # ------------------------------------------------------------------ scenarios
    def sized(self) -> None:
        a = self.args
        self.log(
            f"generating the sized workspace: {a.boards} boards, {a.cards:,} cards, {a.actions:,} actions ..."
        )
        ws = Workspace.generate(
            seed=a.seed, boards=a.boards, cards=a.cards, actions=a.actions, bulk=not a.no_bulk
        )
        summary = summarize(ws, a.seed, bulk=not a.no_bulk)
        shape = (
            f"seed {a.seed}: {summary.boards} boards, {summary.cards:,} cards, {summary.actions:,} "
            f"actions, biggest board {summary.biggest_board_cards:,} cards; no rate limit, no "
            f"latency; minimum {summary.request_minimum} requests"
        )
        with EmulatorServer(ws) as server:
            self.scenario(
                "sized workspace, 7 streams",
                f"{shape}; like for like: {', '.join(catalogs.OUR_STREAMS)}",
                ws,
                lambda: nullcontext(server),
                "like",
            )
            if a.sized_every_stream:
                self.scenario(
                    "sized workspace, every stream",
                    f"{shape}; the streams both select by default",
                    ws,
                    lambda: nullcontext(server),
                    "all",
                )

    def many_boards(self) -> None:
        a = self.args
        ws = Workspace.many_boards(seed=a.seed, boards=a.many_boards)

        def limited() -> AbstractContextManager[EmulatorServer]:
            # Trello's rate limit and latency, a fresh window per run (as bench.scale).
            return EmulatorServer(ws, rate_limit=True, latency_s=a.latency_ms / 1000.0)

        note = (
            f"Workspace.many_boards(seed={a.seed}, boards={a.many_boards}); rate limit on, "
            f"{a.latency_ms:g} ms latency; every stream"
        )
        first = self.scenario("many boards, first sync", note, ws, limited, "all")
        states = {"before": first.before[0].final_state, "after": first.after[0].final_state}
        self.scenario(
            "many boards, nothing changed",
            f"{note}; from the first sync's state",
            ws,
            limited,
            "all",
            states=states,
            target=NO_CHANGE_MAX_REQUESTS,
        )
        # k boards with cards gain a few card actions each (as bench.scale).
        with_cards = [b for b in ws.visible_board_ids(include_closed=False) if ws.board_cards(b)]
        changed = with_cards[len(with_cards) // 3 :][: a.k_changed]
        for board in changed:
            ws.add_actions(board, a.k_actions)
        self.scenario(
            f"many boards, {len(changed)} boards changed",
            f"{note}; {a.k_actions} new actions on each, from the first sync's state",
            ws,
            limited,
            "all",
            states=states,
            target=CHANGED_BASE_REQUESTS + PER_CHANGED_BOARD_REQUESTS * len(changed),
        )

    def big_board(self) -> None:
        a = self.args
        ws = Workspace.generate(seed=5, boards=3, cards=a.board_cards, actions=a.board_actions)
        big = ws.big_board_id
        note = (
            f"Workspace.generate(seed=5, boards=3, cards={a.board_cards}, actions="
            f"{a.board_actions}), biggest board {len(ws.board_cards(big)):,} cards; every stream"
        )
        with EmulatorServer(ws) as server:
            title = f"{a.board_cards:,}-card board"
            first = self.scenario(
                f"{title}, first sync", note, ws, lambda: nullcontext(server), "all"
            )
            ws.add_actions(big, 3)
            self.scenario(
                f"{title} gains 3 actions",
                f"{note}; from the first sync's state",
                ws,
                lambda: nullcontext(server),
                "all",
                states={"before": first.before[0].final_state, "after": first.after[0].final_state},
                target=BIG_BOARD_CHANGE_MAX_REQUESTS,
            )

    def execute(self) -> None:
        a = self.args
        if a.cards and a.boards:
            self.sized()
        if a.many_boards:
            self.many_boards()
        if a.board_cards:
            self.big_board()


class RunFailedError(RuntimeError):
    """A tap run did not end well."""


# ---------------------------------------------------------------------- summary
def summary_table(scenarios: list[Scenario]) -> list[str]:
    """One Markdown row per scenario (for bench/README.md)."""
    lines = [
        (
            "| scenario | requests before / after | records before / after | same records "
            "| same requests | same STATE | CPU s before / after | peak RSS MB before / after |"
        ),
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scenarios:
        b, a = s.first
        lines.append(
            f"| {s.name} | {b.run.requests:,} / {a.run.requests:,} | "
            f"{b.run.total_records:,} / {a.run.total_records:,} | {yes(s.same_records).lower()} | "
            f"{yes(s.same_requests).lower()} | {yes(s.same_state).lower()} | "
            f"{s.cpu('before'):.2f} / {s.cpu('after'):.2f} | "
            f"{s.rss('before'):.1f} / {s.rss('after'):.1f} |"
        )
    return lines


def verdicts(scenarios: list[Scenario], tolerance: float) -> tuple[list[str], bool]:
    """What differs, where, and the worst CPU and peak RSS changes; ok: records and requests
    are the same everywhere."""
    out = []
    ok = True
    checks: tuple[tuple[str, str], ...] = (
        ("records", "same_records"),
        ("requests", "same_requests"),
        ("STATE (run times masked)", "same_state"),
        ("SCHEMA messages", "same_schemas"),
    )
    for what, attribute in checks:
        differ = [s.name for s in scenarios if not getattr(s, attribute)]
        out.append(
            f"{what}: "
            + ("the same in every scenario" if not differ else f"DIFFER in {'; '.join(differ)}")
        )
        if differ and what in {"records", "requests"}:
            ok = False
    for what, get in (("CPU", Scenario.cpu), ("peak RSS", Scenario.rss)):
        changes = [
            (get(s, "after") / get(s, "before") - 1, s.name) for s in scenarios if get(s, "before")
        ]
        if not changes:
            continue
        worst = max(changes)
        worse = [name for c, name in changes if c > tolerance]
        out.append(
            f"{what}, after against before: worst {100 * worst[0]:+.1f} % ({worst[1]}); "
            + (
                f"not worse than +{100 * tolerance:g} % anywhere"
                if not worse
                else f"WORSE than +{100 * tolerance:g} % in {'; '.join(worse)}"
            )
        )
    if any(len(s.before) == 1 for s in scenarios):
        out.append(
            "  (one run each: the same code varies by 10 to 20 % in CPU from run to run on a "
            "shared machine; --repeat 5 compares medians)"
        )
    return out, ok


# ---------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.compare",
        description=(
            "This tap at an earlier git ref (before) against the working tree (after), "
            "alternately on the benchmark's scenarios: the same records and requests? CPU and "
            "peak RSS of each. Exit 1 if records or requests differ."
        ),
    )
    p.add_argument("--before", required=True, help="the git ref whose tap_trello/ is 'before'")
    p.add_argument(
        "--after",
        help="a git ref for 'after' instead of the working tree (a snapshot of tap_trello/ "
        "taken at the start)",
    )
    p.add_argument("--boards", type=int, default=20, help="sized workspace (0: skip it)")
    p.add_argument("--cards", type=int, default=50_000, help="sized workspace (0: skip it)")
    p.add_argument("--actions", type=int, default=200_000, help="sized workspace")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-bulk", action="store_true", help="sized workspace without bulk runs")
    p.add_argument(
        "--sized-every-stream",
        action="store_true",
        help="also sync the sized workspace with every stream both select by default",
    )
    p.add_argument("--many-boards", type=int, default=120, help="many-boards workspace (0: skip)")
    p.add_argument("--latency-ms", type=float, default=100.0, help="many boards: added latency")
    p.add_argument("--k-changed", type=int, default=5, help="many boards: boards that change")
    p.add_argument("--k-actions", type=int, default=4, help="many boards: actions each gains")
    p.add_argument(
        "--board-cards", type=int, default=4000, help="the big-board scenario's cards (0: skip)"
    )
    p.add_argument(
        "--board-actions", type=int, default=3000, help="the big-board scenario's actions"
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each side per scenario (before, after, after, before, ...); CPU, peak "
        "RSS and wall are medians, every run's records and requests must agree",
    )
    p.add_argument(
        "--tolerance",
        type=float,
        default=0.10,
        help="CPU or peak RSS above before x (1 + this) is reported as worse (not an exit code)",
    )
    p.add_argument(
        "--timeout", type=float, default=1800, help="seconds before a tap run is stopped"
    )
    p.add_argument("--keep-output", type=Path, help="keep each run's Singer output and stderr here")
    p.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    for name in ("keep_output", "json"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    return args


def prepare(
    args: argparse.Namespace, workdir: Path, log: Callable[[str], None]
) -> tuple[Side, Side, list[str]]:
    """Both sides' packages, checked imports, catalogs; the report's header lines."""
    before_sha = git("rev-parse", "--short", f"{args.before}^{{commit}}")
    before = Side(
        "before", export(args.before, workdir / "before"), f"{args.before} ({before_sha})"
    )
    if args.after:
        after_sha = git("rev-parse", "--short", f"{args.after}^{{commit}}")
        after = Side("after", export(args.after, workdir / "after"), f"{args.after} ({after_sha})")
    else:
        after = Side(
            "after", snapshot(workdir / "after"), working_tree_note() + ", copied at the start"
        )
    header = []
    for side in (before, after):
        side.imported = which_package(side)
        expected = side.root / PACKAGE / "__init__.py"
        log(f"{side.name}: {side.source}; imports {side.imported}")
        if Path(side.imported).resolve() != expected.resolve():
            msg = f"{side.name} imports {side.imported}, not {expected}"
            raise SystemExit(msg)
        header.append(f"{side.name}: {side.source}; tap_trello imported from {side.imported}")
    found = {side.name: discover(side, workdir) for side in (before, after)}
    every = default_streams(found["before"]) & default_streams(found["after"])
    for side in (before, after):
        catalog = found[side.name]
        missing = set(catalogs.OUR_STREAMS) - {e["tap_stream_id"] for e in catalog["streams"]}
        if missing:
            msg = f"{side.name} has no stream {sorted(missing)}"
            raise SystemExit(msg)
        for selection, streams in (("like", catalogs.OUR_STREAMS), ("all", tuple(sorted(every)))):
            chosen = catalogs.select(json.loads(json.dumps(catalog)), streams)
            side.catalogs[selection] = catalogs.write_json(
                workdir / f"{side.name}.{selection}.catalog.json", chosen
            )
    header.append(
        f"every stream = the {len(every)} both select by default: {', '.join(sorted(every))}"
    )
    for side in (before, after):
        only = default_streams(found[side.name]) - every
        if only:
            header.append(
                f"  selected by default only {side.name} (not synced): {', '.join(sorted(only))}"
            )
    return before, after, header


def run(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    home = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="tap-trello-compare-") as folder:
        workdir = Path(folder)
        os.chdir(workdir)  # `python -m tap_trello` from here finds no tap_trello in the cwd
        try:
            quiet = args.quiet
            before, after, header = prepare(
                args,
                workdir,
                (lambda _m: None)
                if quiet
                else (lambda m: print(f"[compare] {m}", file=sys.stderr, flush=True)),
            )
            print(f"tap-trello before/after comparison, {machine()}")
            for line in header:
                print(line)
            print(flush=True)
            compare = Compare(args, (before, after), workdir)
            try:
                compare.execute()
            except RunFailedError as exc:
                print(f"FAILED: {exc}", flush=True)
                return 1
        finally:
            os.chdir(home)
    scenarios = compare.scenarios
    print("summary:")
    for line in summary_table(scenarios):
        print(line)
    lines, ok = verdicts(scenarios, args.tolerance)
    print()
    for line in lines:
        print(line)
    elapsed = time.perf_counter() - start
    print(
        f"took {elapsed / 60:.1f} min; exit {0 if ok else 1} (records and requests {'the same' if ok else 'DIFFER'})"
    )
    if args.json:
        data = {
            "machine": machine(),
            "header": header,
            "elapsed_s": round(elapsed, 1),
            "ok": ok,
            "scenarios": [s.as_dict() for s in scenarios],
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
