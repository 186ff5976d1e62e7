"""The state a run starts from: checked, and its dates made Trello's, before any request.

Why: bookmarks are compared as text, by the tap and by the SDK, and that is right only
while every date is written one way, Trello's (UTC, milliseconds, ``Z``). The same
instant written another way (``+05:00``, no fraction, microseconds), as a person writes
it with ``meltano state set``, compared wrong and silently dropped a board's new
actions; a value that is no date at all stopped the board's actions for good (and was
written back), or ended the run in a traceback, as did a state of the wrong shape.

Read once, here, every date of the state becomes Trello's form, so every later
comparison is one of instants; what cannot be read stops the run in one line naming
where it is. Streams this tap does not have are kept as they are (another version may
have written them): only the shape the SDK itself walks is required of them.
"""

from __future__ import annotations

import copy
import json
import re
import typing as t
from datetime import datetime, timedelta, timezone

from tap_trello.board_scans import STATE_KEY
from tap_trello.catalog_check import json_kind
from tap_trello.errors import SettingsError
from tap_trello.timestamps import iso_ms

if t.TYPE_CHECKING:
    from collections.abc import Collection

#: The state's dates that are bookmarks, and what a message calls each.
BOOKMARK_KEYS = {
    "replication_key_value": "bookmark",
    "starting_replication_value": "starting value",
}
PROGRESS_MARKERS = "progress_markers"

FIX = "fix it with meltano state set"
DROP_PARTITION = " or drop the board's partition"
#: Without its mark a board is read whole once more: nothing is lost.
DROP_MARK = " or drop the board's mark"

# ISO 8601 extended format: date, time (seconds and fraction optional), offset optional.
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?",
    re.ASCII,
)
#: Trello's ids count seconds from it: no Trello date is older.
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_instant(value: str, *, date_only: bool = False) -> datetime | None:
    """``value`` as an instant, or None if it is no ISO 8601 date-time.

    Any offset, ``Z``, or none (read as UTC, like ``start_date``); a fraction of any
    length (Trello's dates have milliseconds: finer is cut). ``date_only``: a date alone
    is midnight UTC. Written here, not with ``datetime.fromisoformat``, which reads
    less before Python 3.11.
    """
    match = _ISO.fullmatch(value)
    if match is None or (match[4] is None and not date_only):
        return None
    year, month, day, hour, minute, second, fraction = match.groups()[:7]
    sign, offset_hours, offset_minutes = match.groups()[8:]
    if int(offset_minutes or 0) > 59:  # noqa: PLR2004 - timedelta would carry them over
        return None
    offset = timedelta(hours=int(offset_hours or 0), minutes=int(offset_minutes or 0))
    try:
        # ``Z``, like no offset at all, is UTC.
        tz = timezone(-offset if sign == "-" else offset) if sign else timezone.utc
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int(((fraction or "") + "000000")[:6]),
            tzinfo=tz,
        ).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None


def normalized_state(state: object, streams: Collection[str]) -> dict[str, t.Any]:
    """A copy of ``state`` whose dates are in Trello's form; SettingsError if it cannot be.

    ``streams``: the names of the tap's streams; the others are kept untouched.
    """
    if not isinstance(state, dict):
        _fail(f"the state is {json_kind(state)}, not an object")
    # The caller's copy stays as it was: the SDK updates the state it loads in place.
    state = copy.deepcopy(state)
    bookmarks = state.get("bookmarks", {})
    if not isinstance(bookmarks, dict):
        _fail(f"bookmarks is {json_kind(bookmarks)}, not an object")
    for name, stream_state in bookmarks.items():
        entries = _walked_by_sdk(f"bookmarks.{name}", stream_state)
        if name in streams:
            _normalize_stream(name, entries)
        if name == "boards" and STATE_KEY in stream_state:
            _normalize_marks(stream_state[STATE_KEY])
    return state


def _walked_by_sdk(path: str, stream_state: object) -> list[dict[str, t.Any]]:
    """The stream's state and its partitions, of the shape the SDK reads and resets."""
    if not isinstance(stream_state, dict):
        _fail(f"{path} is {json_kind(stream_state)}, not an object")
    partitions = stream_state.get("partitions", [])
    if not isinstance(partitions, list):
        _fail(f"{path}.partitions is {json_kind(partitions)}, not a list")
    entries: list[dict[str, t.Any]] = [stream_state]
    for i, partition in enumerate(partitions):
        if not isinstance(partition, dict):
            _fail(f"{path}.partitions[{i}] is {json_kind(partition)}, not an object")
        entries.append(partition)
    for i, entry in enumerate(entries):
        # The SDK pops the note out of every stream's and partition's markers.
        markers = entry.get(PROGRESS_MARKERS, {})
        if not isinstance(markers, dict):
            where = f"{path}.partitions[{i - 1}]" if i else path
            _fail(f"{where}.{PROGRESS_MARKERS} is {json_kind(markers)}, not an object")
    return entries


def _normalize_stream(name: str, entries: list[dict[str, t.Any]]) -> None:
    """Every bookmark of one of the tap's streams in Trello's form; partitions well keyed."""
    stream_state, *partitions = entries
    _normalize_bookmarks(stream_state, f"of {name}")
    seen: set[tuple[tuple[str, str], ...]] = set()
    for i, partition in enumerate(partitions):
        where = f"bookmarks.{name}.partitions[{i}]"
        if "context" not in partition:
            _fail(f"{where} has no context")
        context = partition["context"]
        if not isinstance(context, dict):
            _fail(f"{where}.context is {json_kind(context)}, not an object")
        for key, value in context.items():
            # A partition is found by its context's values: they must be hashable.
            if not isinstance(value, str):
                _fail(f"{where}.context.{key} is {json_kind(value)}, not a string")
        key = tuple(sorted(context.items()))
        board = (
            f"board {context['board_id']}"
            if "board_id" in context
            else f"partition {json.dumps(context)}"
        )
        if key in seen:
            _fail(f"bookmarks.{name} has two partitions for {board}", " and keep one")
        seen.add(key)
        _normalize_bookmarks(partition, f"of {name} for {board}", DROP_PARTITION)


def _normalize_bookmarks(entry: dict[str, t.Any], of: str, or_drop: str = "") -> None:
    markers = entry.get(PROGRESS_MARKERS, {})
    places = [
        *((entry, key, what) for key, what in BOOKMARK_KEYS.items()),
        (markers, "replication_key_value", "progress marker"),
    ]
    for place, key, what in places:
        value = place.get(key)
        if value is None:
            continue  # no bookmark: the board is read from its beginning (or start_date)
        # The SDK copies start_date, which may be a date alone, into the starting value.
        moment = _instant(value, date_only=key == "starting_replication_value")
        if moment is None:
            _fail(f"{what} {of} is {_shown(value)}, {_not_a_date(value)}", or_drop)
        place[key] = iso_ms(moment)


def _normalize_marks(scans: object) -> None:
    """The boards stream's marks (board_scans.py): their dates in Trello's form."""
    path = f"bookmarks.boards.{STATE_KEY}"
    if not isinstance(scans, dict):
        _fail(f"{path} is {json_kind(scans)}, not an object")
    marks = scans.get("boards", {})
    if not isinstance(marks, dict):
        _fail(f"{path}.boards is {json_kind(marks)}, not an object")
    for board_id, mark in marks.items():
        mark_of = f"board_scans mark of board {board_id}"
        if not isinstance(mark, dict):
            _fail(f"{mark_of} is {json_kind(mark)}, not an object", DROP_MARK)
        for key in ("version", "history"):
            value = mark.get(key)
            if key in mark and (not isinstance(value, int) or isinstance(value, bool)):
                _fail(f"{mark_of}: {key} is {_shown(value)}, not an integer", DROP_MARK)
        for key in ("activity", "scanned_at"):
            value = mark.get(key)
            if key not in mark or (value is None and key == "activity"):
                continue  # a board listed without an activity date has none to compare
            moment = _instant(value)
            if moment is None:
                _fail(f"{mark_of}: {key} is {_shown(value)}, {_not_a_date(value)}", DROP_MARK)
            # The activity is compared for equality with Trello's dateLastActivity.
            mark[key] = iso_ms(moment)


def _instant(value: object, *, date_only: bool = False) -> datetime | None:
    """A date of the state as an instant Trello's form can write (from 1970 on)."""
    if not isinstance(value, str):
        return None
    moment = parse_instant(value, date_only=date_only)
    return moment if moment is not None and moment >= _EPOCH else None


def _not_a_date(value: object) -> str:
    moment = parse_instant(value) if isinstance(value, str) else None
    if moment is not None:  # read, but older than any Trello date
        return "before 1970, older than any Trello date"
    return "not an ISO 8601 date-time"


def _fail(problem: str, or_drop: str = "") -> t.NoReturn:
    msg = f"state: {problem}; {FIX}{or_drop}"
    raise SettingsError(msg)


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."  # noqa: PLR2004
