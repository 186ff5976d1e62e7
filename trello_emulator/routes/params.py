"""How Trello reads query parameters and answers errors, shared by every route.

``fields`` picks a record's keys (``all`` = every field), ``limit`` is 0-1000 (400
otherwise), ``before``/``since`` take an ObjectId (compared by its creation second) or an
ISO date; a refused request is an :class:`ApiError`, answered as Trello does: a short
plain-text body with the status.
"""

from __future__ import annotations

import json
from typing import Any, TypeGuard

from trello_emulator.model.ids import id_second, is_object_id, parse_iso_ms

NOT_FOUND = "The requested resource was not found."
MAX_LIMIT = 1000


class ApiError(Exception):
    """A request Trello refuses: ``status`` and the body it answers with."""

    def __init__(self, status: int, message: str, *, error: str | None = None) -> None:
        """Refuse with ``status``: ``message`` as plain text, or as JSON with ``error``.

        With ``error`` the body is ``{"error": error, "message": message}`` (Trello's JSON
        refusals: ``API_TOO_MANY_CARDS_REQUESTED``, ``API_TOKEN_DB_LIMIT_EXCEEDED``...).
        """
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error

    @property
    def body(self) -> bytes:
        """The body Trello answers with."""
        if self.error is None:
            return self.message.encode("utf-8")
        return dumps({"error": self.error, "message": self.message})

    @property
    def content_type(self) -> str:
        """The body's content type."""
        if self.error is None:
            return "text/plain; charset=utf-8"
        return "application/json; charset=utf-8"


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as Trello sends it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def project(rec: dict[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    """``rec`` restricted to ``id`` and ``fields`` (None: the record itself)."""
    if fields is None:
        return rec
    out = {"id": rec["id"]}
    for f in fields:
        if f in rec:
            out[f] = rec[f]
    return out


def parse_fields(value: str | None, default: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Parsed ``fields`` parameter; None means every field."""
    if value is None:
        return default
    if value.strip() == "all":
        return None
    return tuple(f.strip() for f in value.split(",") if f.strip())


def parse_limit(value: str | None, default: int, name: str = "limit") -> int:
    """A ``limit``-like parameter: 0..1000, or 400."""
    if value is None:
        return default
    try:
        n = int(value)
    except ValueError:
        raise ApiError(400, f"invalid value for {name}") from None
    if n < 0 or n > MAX_LIMIT:
        raise ApiError(400, f"invalid value for {name}")
    return n


def truthy(value: str | None) -> bool:
    """Whether a flag parameter (``customFieldItems=true``...) is on."""
    return value is not None and value.lower() in ("true", "1", "all", "yes")


def parse_time(value: str, date_bounds: str = "ms") -> tuple[str, int]:
    """("id", second) or ("date", epoch ms) for a ``before``/``since`` value.

    With ``date_bounds="second"`` a date is read the way Trello reads an id: as the
    whole second it falls in, ("id", second).
    """
    if is_object_id(value):
        return "id", id_second(value)
    try:
        ms = parse_iso_ms(value)
    except ValueError:
        raise ApiError(400, "invalid date") from None
    if date_bounds == "second":
        return "id", ms // 1000
    return "date", ms


def given(value: str | None) -> TypeGuard[str]:
    """Whether a ``before``/``since`` parameter bounds anything (``null`` does not)."""
    return value is not None and value not in ("", "null")
