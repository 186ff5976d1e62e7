"""Run one tap as a subprocess and measure it: wall time, CPU, peak RSS, records, requests."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from tests.emulator import EmulatorServer

try:  # the tap's own fast JSON decoder (singer-sdk[msgspec]); plain json otherwise
    import msgspec

    _decode = msgspec.json.decode
except ImportError:  # pragma: no cover
    _decode = json.loads

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
    cpu_user_s: float = 0.0
    cpu_sys_s: float = 0.0
    peak_rss_mb: float = 0.0
    exit_code: int | None = None
    timed_out: bool = False
    timeout_s: float | None = None
    stderr_tail: str = ""
    output_bytes: int = 0

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
        out = {k: v for k, v in self.__dict__.items() if k != "stderr_tail"}
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
    server.clear_log()
    done = threading.Event()
    timed_out = threading.Event()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)

        def kill() -> None:
            if not done.is_set():
                timed_out.set()
                # The process is not reaped until wait4 below, so its pid is still ours.
                os.kill(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout_s, kill) if timeout_s else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        run.wall_s = time.perf_counter() - start
        if timer is not None:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    run.exit_code = proc.returncode
    run.timed_out = timed_out.is_set()
    run.cpu_user_s = usage.ru_utime
    run.cpu_sys_s = usage.ru_stime
    run.peak_rss_mb = usage.ru_maxrss / 1024  # KiB on Linux
    entries = server.entries()
    run.requests = len(entries)
    run.requests_by_status = dict(Counter(e.status or 0 for e in entries))
    run.requests_by_endpoint = dict(Counter(endpoint_of(e.path) for e in entries).most_common())
    run.output_bytes = out_path.stat().st_size
    run.records, run.distinct = count_records(out_path)
    tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
    run.stderr_tail = "\n".join(tail)
    if not keep_output:
        out_path.unlink()
        if run.ok:
            err_path.unlink()
    return run


def count_records(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Records per stream, and distinct records per stream (by the SCHEMA's key properties).

    Reads the Singer output line by line; only the keys are kept in memory.
    """
    records: Counter[str] = Counter()
    keys_of: dict[str, list[str]] = {}
    seen: dict[str, set[Any]] = defaultdict(set)
    with path.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                message = _decode(line)
            except ValueError:
                continue  # a line cut short by a killed process
            kind = message.get("type")
            if kind == "RECORD":
                stream = message["stream"]
                records[stream] += 1
                record = message["record"]
                key = tuple(record.get(k) for k in keys_of.get(stream) or ["id"])
                seen[stream].add(key)
            elif kind == "SCHEMA":
                keys_of[message["stream"]] = list(message.get("key_properties") or [])
    return dict(records), {stream: len(keys) for stream, keys in seen.items()}
