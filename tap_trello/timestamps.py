"""Trello's two clocks: the creation second inside every id, and ISO dates to the ms."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def id_second(object_id: str) -> int:
    """The creation second of a Trello object: the first 4 bytes of its ObjectId."""
    return int(object_id[:8], 16)


def iso_ms(moment: datetime | float) -> str:
    """Trello's own timestamp format (UTC, milliseconds, ``Z``) of a moment or Unix time."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, tz=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 timestamp as Trello writes it (``Z`` suffix included)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def second_to_iso(second: int) -> str:
    """The ISO timestamp of a Unix second."""
    return iso_ms(_EPOCH + timedelta(seconds=second))


def shift_iso(value: str, milliseconds: int) -> str:
    """``value`` moved by a number of milliseconds, in Trello's format."""
    return iso_ms(parse_iso(value) + timedelta(milliseconds=milliseconds))
