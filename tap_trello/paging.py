"""Paging Trello's newest-first lists (cards, actions) without losing a row.

Trello returns at most 1000 items a call and pages backwards with ``before``. The
cursor is compared at a coarse grain (a second for ids, a millisecond for dates), so
objects that share the grain of the oldest item on a page are cut in two by a naive
``before=<oldest>``: the rest of them are never returned. Here every full page asks
again from just after its oldest grain, so that whole group comes back, and ids
already emitted are skipped. A full page that is a single group cannot be split by
time at all: the stream fetches that group another way (``split_group``) and paging
goes on strictly before it.
"""

from __future__ import annotations

import typing as t
from datetime import datetime, timedelta, timezone

from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import requests

PAGE_SIZE = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

GroupKey: t.TypeAlias = t.Any  # an int (id second) or an ISO string (date)


def id_second(object_id: str) -> int:
    """The creation second of a Trello object: the first 4 bytes of its ObjectId."""
    return int(object_id[:8], 16)


def iso_ms(moment: datetime) -> str:
    """Trello's own timestamp format: UTC, milliseconds, ``Z``."""
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


class NewestFirstPaginator(BaseAPIPaginator[str | None]):
    """Walks a newest-first list with ``before`` cursors; see the module docstring.

    The stream feeds each page through :meth:`admit` (from ``parse_response``), which
    returns the rows not emitted yet and decides the next cursor.
    """

    def __init__(
        self,
        group_key: Callable[[dict], GroupKey],
        cursor_including: Callable[[GroupKey], str],
        cursor_excluding: Callable[[GroupKey], str],
        page_size: int = PAGE_SIZE,
    ) -> None:
        """Page by ``group_key``; cursors select groups up to and including/excluding one."""
        super().__init__(start_value=None)
        self._group_key = group_key
        self._cursor_including = cursor_including
        self._cursor_excluding = cursor_excluding
        self.page_size = page_size
        self._next_cursor: str | None = None
        self._emitted_in_group: set[str] = set()
        #: Set when the last page was one unsplittable group: the stream must fetch it.
        self.split_key: GroupKey | None = None

    def admit(self, page: list[dict]) -> list[dict]:
        """Rows of ``page`` not emitted before; also decides the next cursor."""
        fresh = [row for row in page if row["id"] not in self._emitted_in_group]
        self.split_key = None
        if len(page) < self.page_size:
            self._next_cursor = None
            return fresh
        keys = [self._group_key(row) for row in page]
        oldest = min(keys)
        if oldest == max(keys):
            self.split_key = oldest
            self._next_cursor = self._cursor_excluding(oldest)
            self._emitted_in_group = {row["id"] for row in page}
        else:
            self._next_cursor = self._cursor_including(oldest)
            self._emitted_in_group = {
                row["id"] for row, key in zip(page, keys, strict=True) if key == oldest
            }
        return fresh

    def admit_split(self, group: Iterable[dict]) -> Iterable[dict]:
        """Rows of the fetched group that the unsplittable page did not already give."""
        for row in group:
            if row["id"] not in self._emitted_in_group:
                self._emitted_in_group.add(row["id"])
                yield row

    @override
    def get_next(self, response: requests.Response) -> str | None:
        return self._next_cursor

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        # A page whose rows were all emitted already still moves the cursor on.
        return self._next_cursor is not None
