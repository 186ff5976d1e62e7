"""Which boards an incremental run can skip: their activity date has not moved.

Trello's boards list (one request, made anyway) carries every board's
``dateLastActivity``. A board whose date is the one seen at its last complete sync, and
whose last whole read is recent (``rescan_after_hours``), has nothing new for the
streams below it: it costs no request. A board whose date moved is read for what changed
(cards emitted only if changed); one whose rescan is due is read and sent whole. Because
Trello does not move the date for every edit (a board rename, possibly label, list or
member edits), the rescan bounds how stale those can get, and what Trello deleted without
a word is reconciled by it (:mod:`tap_trello.mirror`); actions are never lost either way,
since the next scan's ``since`` covers everything after the bookmark.

The marks live in the boards stream's state, one small entry per board (activity date,
time and version of the last whole read, version of the last read of all history), under
a digest of what the run extracts per board: selecting another stream, other action
types or another start date rescans all. Which boards a run reads (``board_ids``,
``organization_ids``) is not part of it: a filtered run keeps the other boards' marks.
"""

from __future__ import annotations

import hashlib
import json
import typing as t
from datetime import datetime, timedelta, timezone

from tap_trello.timestamps import iso_ms, parse_iso

if t.TYPE_CHECKING:
    from collections.abc import Mapping

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
        if mark is None or "dateLastActivity" not in board:
            return True
        return board["dateLastActivity"] != mark.get("activity") or self.reads_whole(board)

    def reads_whole(self, board: dict[str, t.Any]) -> bool:
        """Whether ``board`` is to be read and sent whole: first time, or its rescan is due.

        A whole read sends every row of the board (unchanged cards too), which is what
        lets the run's version stand for all of it (:mod:`tap_trello.mirror`).
        """
        mark = self._boards.get(board["id"])
        if mark is None or self.rescan_after <= timedelta(0) or "version" not in mark:
            return True
        scanned_at = mark.get("scanned_at")
        return not scanned_at or self.now - parse_iso(scanned_at) >= self.rescan_after

    def mark_scanned(
        self, board: dict[str, t.Any], version: int, *, whole: bool, history: bool
    ) -> None:
        """Every stream below ``board`` is complete as of its activity date in the list.

        ``whole``: every row of the board went out under ``version``; ``history``: its
        actions too, from the beginning.
        """
        mark = self._boards.setdefault(board["id"], {})
        mark["activity"] = board.get("dateLastActivity")
        if board.get("idOrganization"):
            mark["organization"] = board["idOrganization"]
        if whole:
            mark.update(scanned_at=iso_ms(self.now), version=version)
        if history:
            mark["history"] = version

    def remember_paged_cards(self, board_id: str, *, paged: bool) -> None:
        """Whether Trello refused the board's cards whole at its last whole read."""
        mark = self._boards.setdefault(board_id, {})
        if paged:
            mark["paged_cards"] = True
        else:
            mark.pop("paged_cards", None)

    def pages_cards(self, board_id: str) -> bool:
        """Whether a whole read of the board asks its cards in pages straight away."""
        return bool(self._boards.get(board_id, {}).get("paged_cards"))

    def synced_through(self, board_id: str) -> str | None:
        """The board's activity date at its last complete sync: nothing up to it is new."""
        return self._boards.get(board_id, {}).get("activity")

    def marked_boards(self, organizations: t.Collection[str] | None = None) -> set[str]:
        """The boards a complete sync was ever marked for (in ``organizations`` if given)."""
        if organizations is None:
            return set(self._boards)
        return {b for b, mark in self._boards.items() if mark.get("organization") in organizations}

    def forget(self, board_id: str) -> None:
        """``board_id`` is gone from the run's view: no mark for it any more."""
        self._boards.pop(board_id, None)

    def versions(self, board_ids: t.Iterable[str], kind: str) -> list[int | None]:
        """Each board's ``kind`` mark (``version`` or ``history``), None where it has none."""
        return [self._boards.get(board_id, {}).get(kind) for board_id in board_ids]


def run_version(tap_state: Mapping[str, t.Any], now: datetime | None = None) -> int:
    """The version of a run's records: its start in ms, above every version marked so far.

    A row sent now must never rank below a mark, even if the clock went back.
    """
    scans = tap_state.get("bookmarks", {}).get("boards", {}).get(STATE_KEY)
    marks = scans.get("boards", {}) if isinstance(scans, dict) else {}
    newest = max(
        (v for mark in marks.values() for v in (mark.get("version"), mark.get("history")) if v),
        default=0,
    )
    started = int((now or datetime.now(timezone.utc)).timestamp() * 1000)
    return max(started, newest + 1)
