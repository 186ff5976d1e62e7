"""Mongo ObjectId and timestamp helpers for the Trello emulator.

A Trello id is a 24-hex Mongo ObjectId: 4 bytes creation second (big endian), 5 bytes
process-random, 3 bytes counter. Trello compares an id given to ``before``/``since`` by
its creation SECOND only (the first 4 bytes).

Times are handled as integer epoch MILLISECONDS (UTC) inside the emulator.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

OBJECT_ID_RE = re.compile(r"^[0-9a-fA-F]{24}$")
SHORT_LINK_RE = re.compile(r"^[0-9A-Za-z]{8}$")
_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def is_object_id(value: str) -> bool:
    """True when ``value`` is a 24-hex ObjectId."""
    return bool(OBJECT_ID_RE.match(value))


def is_short_link(value: str) -> bool:
    """True when ``value`` looks like an 8-char Trello short link."""
    return bool(SHORT_LINK_RE.match(value))


def id_second(object_id: str) -> int:
    """Creation second (epoch) encoded in the first 4 bytes of an ObjectId."""
    return int(object_id[:8], 16)


_DAY_CACHE: dict[int, str] = {}


def iso_ms(epoch_ms: int) -> str:
    """Trello date string with millisecond precision: ``2024-05-01T12:00:00.123Z``."""
    sec, ms = divmod(epoch_ms, 1000)
    day, rest = divmod(sec, 86400)
    prefix = _DAY_CACHE.get(day)
    if prefix is None:
        prefix = datetime.fromtimestamp(day * 86400, tz=timezone.utc).strftime("%Y-%m-%dT")
        _DAY_CACHE[day] = prefix
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"{prefix}{h:02d}:{m:02d}:{s:02d}.{ms:03d}Z"


def parse_iso_ms(value: str) -> int:
    """Parse an ISO-8601 date/date-time into epoch milliseconds (naive = UTC).

    Raises:
        ValueError: when the value is not a date.
    """
    text = value.strip()
    if not text or not text[0].isdigit():
        msg = f"not a date: {value!r}"
        raise ValueError(msg)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp()) * 1000 + dt.microsecond // 1000


def epoch_s(year: int, month: int, day: int) -> int:
    """Epoch second of a UTC calendar day."""
    return int(datetime(year, month, day, tzinfo=timezone.utc).timestamp())


class ObjectIdFactory:
    """Deterministic ObjectId generator: unique ids for given creation seconds.

    A small pool of 5-byte "process" values imitates Trello's many servers; a global
    3-byte counter keeps every id unique and, within one process and second, ordered
    by creation.
    """

    def __init__(self, rng: random.Random, processes: int = 6) -> None:
        """Create a factory drawing its randomness from ``rng``."""
        self._rng = rng
        self.processes = [f"{rng.getrandbits(40):010x}" for _ in range(processes)]
        self._counter = rng.getrandbits(20)

    def new(self, second: int, process: str | None = None) -> str:
        """A new unique id created at epoch ``second``."""
        self._counter = (self._counter + 1) & 0xFFFFFF
        procs = self.processes
        proc = process if process is not None else procs[int(self._rng.random() * len(procs))]
        return f"{second:08x}{proc}{self._counter:06x}"

    def process(self) -> str:
        """One of the process values (for a bulk run created by a single server)."""
        return self.processes[int(self._rng.random() * len(self.processes))]


def short_link(rng: random.Random, used: set[str]) -> str:
    """A new unique 8-char short link."""
    while True:
        n = rng.getrandbits(48)
        chars = []
        for _ in range(8):
            n, r = divmod(n, 62)
            chars.append(_ALNUM[r])
        link = "".join(chars)
        if link not in used:
            used.add(link)
            return link


def hex_string(rng: random.Random, n_hex: int) -> str:
    """A deterministic random hex string of ``n_hex`` characters."""
    return f"{rng.getrandbits(4 * n_hex):0{n_hex}x}"
