"""Which boards an incremental run can skip: their activity date has not moved.

Trello's boards list (one request, made anyway) carries every board's
``dateLastActivity``. A board whose date is the one seen at its last complete sync, and
whose last complete sync is recent (``rescan_after_hours``), has nothing new for the
streams below it: it costs no request. Because Trello does not move the date for every
edit (a board rename, possibly label, list or member edits), the rescan bounds how stale
those can get; actions are never lost either way, since the next scan's ``since`` covers
everything after the bookmark.

The marks live in the boards stream's state, one small entry per board, under a digest
of what the run extracts: selecting another stream or changing a filter rescans all.
"""

from __future__ import annotations

import hashlib
import json
import typing as t
from datetime import datetime, timedelta, timezone

from tap_trello.timestamps import iso_ms, parse_iso

#: The key of the boards stream's state that holds the marks.
STATE_KEY = "board_scans"


class BoardScans:
    """The per-board marks of complete syncs, read and written in the boards state."""

    def __init__(
        self,
        stream_state: dict[str, t.Any],
        selection: dict[str, t.Any],
        rescan_after_hours: float,
        now: datetime | None = None,
    ) -> None:
        """Marks kept in ``stream_state``, valid for runs that extract ``selection``."""
        digest = hashlib.sha256(json.dumps(selection, sort_keys=True).encode()).hexdigest()
        scans = stream_state.get(STATE_KEY)
        if not isinstance(scans, dict) or scans.get("selection") != digest[:16]:
            scans = {"selection": digest[:16], "boards": {}}
            stream_state[STATE_KEY] = scans
        self._boards: dict[str, dict[str, t.Any]] = scans["boards"]
        self.rescan_after = timedelta(hours=rescan_after_hours)
        self.now = now or datetime.now(timezone.utc)

    def needs_scan(self, board: dict[str, t.Any]) -> bool:
        """Whether the streams below ``board`` may have anything new."""
        mark = self._boards.get(board["id"])
        if mark is None or self.rescan_after <= timedelta(0) or "dateLastActivity" not in board:
            return True
        if board["dateLastActivity"] != mark.get("activity"):
            return True
        scanned_at = mark.get("scanned_at")
        return not scanned_at or self.now - parse_iso(scanned_at) >= self.rescan_after

    def mark_scanned(self, board: dict[str, t.Any]) -> None:
        """Every stream below ``board`` is complete as of its activity date in the list."""
        self._boards[board["id"]] = {
            "activity": board.get("dateLastActivity"),
            "scanned_at": iso_ms(self.now),
        }
