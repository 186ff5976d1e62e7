"""Injected faults: what a flaky network and an overloaded Trello do to a request.

A :class:`FaultConfig` installed on the server (``EmulatorServer(..., faults=...)`` or
``server.faults = ...``) picks, per matching request, whether to answer normally or with a
5xx page, a connection reset, a stall, a truncated body or an HTML page where JSON was
expected: at a random ``rate`` (seeded), or exactly at the n-th request (``schedule``).
"""

from __future__ import annotations

import random
import re
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = ("5xx", "reset", "stall", "truncated", "garbage")
"""Default fault kinds. Also available: ``"short_json"`` (200 with half a JSON body and a
matching Content-Length, so ``response.json()`` raises)."""

GARBAGE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Trello</title></head><body>"
    b"<h1>We're having trouble right now</h1><p>Please try again later.</p></body></html>"
)
"""The 200 answer of a "garbage" fault: an HTML error page."""


@dataclass
class FaultConfig:
    """Injected faults: each matching request faults with probability ``rate``.

    ``kinds``: chosen uniformly among "5xx" (500/502/503/504 with an HTML body),
    "reset" (connection closed without a response), "stall" (sleep ``stall_s`` then answer),
    "truncated" (full Content-Length but half the JSON body, then close: requests raises
    ChunkedEncodingError), "garbage" (200 with an HTML page), "short_json" (200, half the
    JSON with a matching Content-Length: ``.json()`` raises).
    ``paths``: regex searched in the request path (None = every path).
    ``schedule``: {n: kind} faults the n-th matching request (1-based, counted since this
    config was installed), deterministically, in addition to ``rate``.
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    stall_s: float = 3.0
    paths: str | None = None
    schedule: dict[int, str] | None = None
    _rng: random.Random = field(init=False, repr=False)
    _count: int = field(init=False, default=0, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        """Validate and seed."""
        self._rng = random.Random(self.seed)
        self._re = re.compile(self.paths) if self.paths else None
        unknown = [
            k
            for k in (*self.kinds, *(self.schedule or {}).values())
            if k not in (*FAULT_KINDS, "short_json")
        ]
        if unknown:
            msg = f"unknown fault kinds: {unknown}"
            raise ValueError(msg)

    def reset(self) -> None:
        """Restart the request counter and the random sequence."""
        with self._lock:
            self._count = 0
            self._rng = random.Random(self.seed)

    def pick(self, path: str) -> str | None:
        """The fault for this request (None = answer normally)."""
        if self._re is not None and not self._re.search(path):
            return None
        with self._lock:
            self._count += 1
            if self.schedule and self._count in self.schedule:
                return self.schedule[self._count]
            if self.rate > 0 and self._rng.random() < self.rate:
                return self._rng.choice(self.kinds)
            return None

    def server_error_status(self) -> int:
        """The status of a "5xx" fault: 500, 502, 503 or 504."""
        return self._rng.choice([500, 502, 503, 504])

    @property
    def count(self) -> int:
        """Matching requests seen since installed."""
        return self._count


def reset_connection(environ: dict[str, Any]) -> None:
    """Close the client's socket without an answer (RST), then abort the request."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    msg = "emulated connection reset"
    raise ConnectionResetError(msg)
