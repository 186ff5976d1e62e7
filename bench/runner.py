"""Run one tap as a subprocess and measure it: wall time, CPU, peak RSS, records, requests."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from trello_emulator import EmulatorServer

try:  # the tap's own fast JSON decoder (singer-sdk[msgspec]); plain json otherwise
    import msgspec

    _decode = msgspec.json.decode
except ImportError:  # pragma: no cover
    _decode = json.loads

# Runs the tap and reports its own rusage. Measuring from this (big) process would be
# wrong: Linux folds the pre-exec memory's high-water mark into the child's ru_maxrss, so
# a tap forked from a process holding a 500 MB workspace would show 500 MB. This wrapper
# is small when it forks, so the tap's ru_maxrss is the tap's own (plus ~10 MB at most).
MEASURE = """
import json, os, signal, sys
signal.signal(signal.SIGTERM, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as f:
    json.dump({"exit": code, "utime": ru.ru_utime, "stime": ru.ru_stime, "maxrss_kb": ru.ru_maxrss}, f)
sys.exit(0 if code == 0 else 1)
"""

_OBJECT_ID = re.compile(r"[0-9a-f]{24}")
_SLASHES = re.compile(r"/{2,}")


@dataclass
class TapRun:
    """What one tap run cost and produced."""

    label: str
    command: list[str]
    records: dict[str, int] = field(default_factory=dict)
    distinct: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    requests_by_status: dict[int, int] = field(default_factory=dict)
    requests_by_endpoint: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0
    server_s: float = 0.0  # time the emulator spent answering (sum of its request durations)
    cpu_user_s: float = 0.0
    cpu_sys_s: float = 0.0
    peak_rss_mb: float = 0.0
    exit_code: int | None = None
    timed_out: bool = False
    timeout_s: float | None = None
    stderr_tail: str = ""
    output_bytes: int = 0
    # Singer output by message type: lines and bytes (newline included) of each type.
    messages: dict[str, int] = field(default_factory=dict)
    bytes_by_type: dict[str, int] = field(default_factory=dict)
    # The last STATE message's value and the bytes of its line (for re-syncs and budgets).
    final_state: dict[str, Any] | None = None
    final_state_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    @property
    def total_distinct(self) -> int:
        return sum(self.distinct.values())

    @property
    def cpu_s(self) -> float:
        return self.cpu_user_s + self.cpu_sys_s

    @property
    def records_per_s(self) -> float:
        return self.total_records / self.wall_s if self.wall_s else 0.0

    @property
    def ok_requests(self) -> int:
        """Requests that were not answered 429 (what the rate-limit floor is made of)."""
        return self.requests - self.requests_by_status.get(429, 0)

    @property
    def status(self) -> str:
        if self.timed_out:
            return f"did not finish in {self.timeout_s:.0f} s"
        if self.exit_code == 0:
            return "ok"
        return f"failed (exit {self.exit_code})"

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in {"stderr_tail", "final_state"}}
        out.update(
            total_records=self.total_records,
            total_distinct=self.total_distinct,
            cpu_s=round(self.cpu_s, 3),
            records_per_s=round(self.records_per_s, 1),
            status=self.status,
        )
        return out


def endpoint_of(path: str) -> str:
    """``/1//boards/5f.../cards/all`` -> ``/boards/{id}/cards/all``."""
    path = _SLASHES.sub("/", path)
    path = path.removeprefix("/1")
    return _OBJECT_ID.sub("{id}", path)


def run_tap(  # noqa: PLR0913
    label: str,
    command: list[str],
    server: EmulatorServer,
    workdir: Path,
    *,
    env: dict[str, str] | None = None,
    timeout_s: float | None = None,
    keep_output: bool = False,
) -> TapRun:
    """Run ``command`` (a tap's sync), its stdout to a file, and measure it.

    The emulator's request log is cleared first, so ``requests`` counts this run only.
    CPU and peak RSS come from ``os.wait4`` on the tap's own process.
    """
    run = TapRun(label=label, command=command, timeout_s=timeout_s)
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    out_path = workdir / f"{slug}.singer.jsonl"
    err_path = workdir / f"{slug}.stderr.log"
    usage_path = workdir / f"{slug}.rusage.json"
    server.clear_log()
    done = threading.Event()
    timed_out = threading.Event()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        # The tap runs under a small wrapper process (see MEASURE), in its own session.
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", MEASURE, str(usage_path), *command],
            stdout=out,
            stderr=err,
            env=env,
            start_new_session=True,
        )

        def stop() -> None:
            if done.is_set():
                return
            timed_out.set()
            # SIGTERM ends the tap; the wrapper ignores it, reaps the tap and reports.
            os.killpg(proc.pid, signal.SIGTERM)
            if not done.wait(15):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout_s, stop) if timeout_s else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        proc.wait()
        run.wall_s = time.perf_counter() - start
        done.set()
        if timer is not None:
            timer.cancel()
    run.timed_out = timed_out.is_set()
    run.exit_code = proc.returncode
    if usage_path.exists():
        usage = json.loads(usage_path.read_text(encoding="utf-8"))
        run.exit_code = usage["exit"]
        run.cpu_user_s = usage["utime"]
        run.cpu_sys_s = usage["stime"]
        run.peak_rss_mb = usage["maxrss_kb"] / 1024  # KiB on Linux
        usage_path.unlink()
    entries = server.entries()
    run.requests = len(entries)
    run.server_s = sum(e.duration for e in entries)
    run.requests_by_status = dict(Counter(e.status or 0 for e in entries))
    run.requests_by_endpoint = dict(Counter(endpoint_of(e.path) for e in entries).most_common())
    run.output_bytes = out_path.stat().st_size
    scan = scan_output(out_path)
    run.records, run.distinct = scan.records, scan.distinct
    run.messages, run.bytes_by_type = scan.messages, scan.bytes_by_type
    run.final_state, run.final_state_bytes = scan.final_state, scan.final_state_bytes
    tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
    run.stderr_tail = "\n".join(tail)
    if not keep_output:
        out_path.unlink()
        if run.ok:
            err_path.unlink()
    return run


@dataclass
class OutputScan:
    """What one Singer output file holds."""

    records: dict[str, int] = field(default_factory=dict)
    distinct: dict[str, int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    bytes_by_type: dict[str, int] = field(default_factory=dict)
    final_state: dict[str, Any] | None = None
    final_state_bytes: int = 0


def scan_output(path: Path) -> OutputScan:
    """Records per stream, distinct records (by the SCHEMA's key properties), bytes per type.

    Reads the Singer output line by line; only the keys and the last STATE are kept.
    """
    records: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    keys_of: dict[str, list[str]] = {}
    seen: dict[str, set[Any]] = defaultdict(set)
    scan = OutputScan()
    with path.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                message = _decode(line)
            except ValueError:
                continue  # a line cut short by a killed process
            kind = message.get("type")
            messages[kind] += 1
            sizes[kind] += len(line) if line.endswith(b"\n") else len(line) + 1
            if kind == "RECORD":
                stream = message["stream"]
                records[stream] += 1
                record = message["record"]
                key = tuple(record.get(k) for k in keys_of.get(stream) or ["id"])
                seen[stream].add(key)
            elif kind == "SCHEMA":
                keys_of[message["stream"]] = list(message.get("key_properties") or [])
            elif kind == "STATE":
                scan.final_state = message.get("value")
                scan.final_state_bytes = len(line.rstrip(b"\n")) + 1
    scan.records = dict(records)
    scan.distinct = {stream: len(keys) for stream, keys in seen.items()}
    scan.messages = dict(messages)
    scan.bytes_by_type = dict(sizes)
    return scan


def count_records(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Records per stream, and distinct records per stream (by the SCHEMA's key properties)."""
    scan = scan_output(path)
    return scan.records, scan.distinct


def run_logged(  # noqa: PLR0913, PLR0917
    log: Callable[[str], None],
    keep_output: Path | None,
    workdir: Path,
    label: str,
    command: list[str],
    server: EmulatorServer,
    *,
    env: dict[str, str] | None = None,
    timeout_s: float | None = None,
) -> TapRun:
    """:func:`run_tap`, its output kept in ``keep_output`` if given, announced in ``log``."""
    log(f"running {label} ...")
    out_dir = keep_output or workdir
    out_dir.mkdir(parents=True, exist_ok=True)
    run = run_tap(
        label,
        command,
        server,
        out_dir,
        env=env,
        timeout_s=timeout_s,
        keep_output=bool(keep_output),
    )
    log(
        f"{label}: {run.status}, {run.total_records:,} records, {run.requests:,} requests, "
        f"{run.wall_s:.1f} s, CPU {run.cpu_s:.1f} s"
    )
    return run
