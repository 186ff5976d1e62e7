"""Paging Trello's newest-first lists (cards, actions) without losing a row.

Trello returns at most 1000 items a call and pages backwards with ``before``. The
cursor is compared at a coarse grain (a second for ids, a second or a millisecond for
dates: nobody knows which), so
objects that share the grain of the oldest item on a page are cut in two by a naive
``before=<oldest>``: the rest of them are never returned. Here every full page asks
again from just after its oldest grain, so that whole group comes back, and ids
already emitted are skipped. A full page that is a single group cannot be split by
time at all: the caller fetches that group another way (``split_group``) and paging
goes on strictly before it.

A long list is also cut in time windows paged side by side (:func:`window_cuts`,
:func:`windows`), because each page's cursor comes from the page before it and the
chain, not the rate limit, would otherwise set the pace.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from tap_trello.errors import AnswerTooLargeError
from tap_trello.timestamps import id_second, parse_iso, second_to_iso, shift_iso

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from concurrent.futures import Future

    import requests

PAGE_SIZE = 1000
#: Paging the rest of a long list in time windows side by side costs at most one more
#: request a window: one window per this many pages left.
WINDOW_MIN_PAGES = 8
MAX_EXTRA_WINDOWS = 1

GroupKey: t.TypeAlias = t.Any  # a whole second, for the grains below


class Grain(t.Protocol):
    """The grain at which Trello compares a list's cursor, and cursors at that grain."""

    @property
    def unit(self) -> str:
        """How a log line names one group ("second", "millisecond")."""

    def key(self, row: dict[str, t.Any]) -> GroupKey:
        """The group of a row."""

    def including(self, key: GroupKey) -> str:
        """A ``before`` value that keeps the whole group ``key``."""

    def excluding(self, key: GroupKey) -> str:
        """A ``before`` (or ``since``) value just outside the group ``key``."""

    def seconds(self, key: GroupKey) -> float:
        """The group as Unix seconds."""

    def at(self, seconds: float) -> GroupKey:
        """The group of a moment."""


@dataclass(frozen=True)
class IdSecond:
    """Objects grouped by the creation second in their id (cards: Trello pages by id)."""

    unit: str = "second"

    def key(self, row: dict[str, t.Any]) -> int:
        """The creation second of the row's id."""
        return id_second(row["id"])

    def including(self, key: int) -> str:
        """Everything before the next second."""
        return second_to_iso(key + 1)

    def excluding(self, key: int) -> str:
        """Everything before this second."""
        return second_to_iso(key)

    def seconds(self, key: int) -> float:
        """The second itself."""
        return float(key)

    def at(self, seconds: float) -> int:
        """The whole second of a moment."""
        return int(seconds)


@dataclass(frozen=True)
class DateSecond(IdSecond):
    """Objects grouped by the whole second of their ``date`` (actions).

    Trello compares a ``before``/``since`` id at its second and nobody knows whether an
    ISO date is compared to the millisecond or the same way: cursors at whole seconds
    keep or drop a whole group under both rules.
    """

    def key(self, row: dict[str, t.Any]) -> int:
        """The whole second of the row's date."""
        return int(parse_iso(str(row["date"])).timestamp())


class NewestFirstPaginator(BaseAPIPaginator[str | None]):
    """Walks a newest-first list with ``before`` cursors; see the module docstring.

    Each page goes through :meth:`admit`, which returns the rows not emitted yet and
    decides the next cursor.
    """

    def __init__(self, grain: Grain, page_size: int = PAGE_SIZE) -> None:
        """Page at ``grain``, ``page_size`` rows a call."""
        super().__init__(start_value=None)
        self.grain = grain
        self.page_size = page_size
        self._next_cursor: str | None = None
        self._emitted_in_group: set[str] = set()
        #: Set when the last page was one unsplittable group: the caller must fetch it.
        self.split_key: GroupKey | None = None

    def admit(self, page: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        """Rows of ``page`` not emitted before; also decides the next cursor."""
        fresh = [row for row in page if row["id"] not in self._emitted_in_group]
        self.split_key = None
        if len(page) < self.page_size:
            self._next_cursor = None
            return fresh
        keys = [self.grain.key(row) for row in page]
        oldest = min(keys)
        if oldest == max(keys):
            self.split_key = oldest
            self._next_cursor = self.grain.excluding(oldest)
            self._emitted_in_group = {row["id"] for row in page}
        else:
            self._next_cursor = self.grain.including(oldest)
            self._emitted_in_group = {
                row["id"] for row, key in zip(page, keys, strict=True) if key == oldest
            }
        return fresh

    def admit_split(self, group: Iterable[dict[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        """Rows of the fetched group that the unsplittable page did not already give."""
        for row in group:
            if row["id"] not in self._emitted_in_group:
                self._emitted_in_group.add(row["id"])
                yield row

    @override
    def get_next(self, response: requests.Response | None) -> str | None:
        return self._next_cursor

    @override
    def continue_if_empty(self, response: requests.Response | None) -> bool:
        # A page whose rows were all emitted already still moves the cursor on.
        return self._next_cursor is not None


#: Sends one page request with these query parameters; the future gives its rows.
FetchPage: t.TypeAlias = "Callable[[dict[str, t.Any]], Future[list[dict[str, t.Any]]]]"
#: Every row of one group that a full page could not split, fetched another way.
SplitGroup: t.TypeAlias = "Callable[[GroupKey], Iterable[dict[str, t.Any]]]"


class PageSize:
    """How many rows a page asks for, shrunk for a list whose pages Trello refuses."""

    #: Below this, a refused page is a failure rather than a smaller question.
    FLOOR = 10

    def __init__(self, on_shrink: Callable[[int], None] | None = None) -> None:
        """Start at Trello's most; ``on_shrink`` hears the first smaller size."""
        self.value = PAGE_SIZE
        self._on_shrink = on_shrink

    def shrink(self) -> bool:
        """Halve the size; False once at the floor."""
        if self.value <= self.FLOOR:
            return False
        if self.value == PAGE_SIZE and self._on_shrink is not None:
            self._on_shrink(max(self.FLOOR, self.value // 2))
        self.value = max(self.FLOOR, self.value // 2)
        return True


def page_chain(
    fetch_page: FetchPage,
    window: dict[str, str],
    grain: Grain,
    split_group: SplitGroup,
    size: PageSize | None = None,
) -> Iterator[list[dict[str, t.Any]]]:
    """The new rows of each page of one ``before`` chain inside ``window``.

    The next page is requested before the current one is handed over, so it is on its
    way while the caller emits. A page refused as too large is asked again, smaller.
    """
    size = size or PageSize()
    pager = NewestFirstPaginator(grain, size.value)

    def request() -> Future[list[dict[str, t.Any]]]:
        pager.page_size = size.value
        params: dict[str, t.Any] = {"limit": size.value, **window}
        if pager.current_value:
            params["before"] = pager.current_value
        return fetch_page(params)

    pending: Future[list[dict[str, t.Any]]] | None = request()
    while pending is not None:
        try:
            page = pending.result()
        except AnswerTooLargeError:
            if not size.shrink():
                raise
            pending = request()
            continue
        rows = pager.admit(page)
        if pager.split_key is not None:
            rows.extend(pager.admit_split(split_group(pager.split_key)))
        pager.advance(t.cast("requests.Response", None))
        pending = None if pager.finished else request()
        yield rows


def since_covering(moment: str | int) -> str:
    """A ``since`` that keeps everything from the second of ``moment`` on.

    ``since`` is exclusive and may be compared at whole seconds: one millisecond before
    that second keeps it under both rules. What it brings again is dropped by the
    bookmark check.
    """
    second = moment if isinstance(moment, int) else int(parse_iso(moment).timestamp())
    return shift_iso(second_to_iso(second), -1)


def window_cuts(
    grain: Grain, first_page: list[dict[str, t.Any]], start_seconds: float
) -> list[GroupKey]:
    """Keys (newest first) that cut the rest of a long list in windows read at once.

    The pages left are estimated from the time the first page spans, back to where the
    list starts (``start_seconds``: ``since``, or the board's creation); one more window
    per ``WINDOW_MIN_PAGES`` of them, at most ``MAX_EXTRA_WINDOWS``.
    """
    if len(first_page) < PAGE_SIZE:
        return []
    keys = [grain.key(row) for row in first_page]
    newest, oldest = grain.seconds(max(keys)), grain.seconds(min(keys))
    if newest <= oldest or start_seconds >= oldest:
        return []
    pages_left = (oldest - start_seconds) / (newest - oldest)
    extra = min(MAX_EXTRA_WINDOWS, int(pages_left // WINDOW_MIN_PAGES))
    step = (oldest - start_seconds) / (extra + 1)
    cuts = {grain.at(oldest - step * i) for i in range(1, extra + 1)}
    return sorted((cut for cut in cuts if cut < min(keys)), reverse=True)


def windows(grain: Grain, cuts: list[GroupKey]) -> list[dict[str, str]]:
    """The ``before``/``since`` bounds of the windows below each cut, newest first.

    Window i holds the groups from ``cuts[i]`` (included) down to ``cuts[i + 1]``
    (excluded); the last one runs to the start of the list. Together with the newest
    window (everything above ``cuts[0]``, see :func:`above`) they meet without gap.
    """
    bounds = []
    for upper, lower in zip(cuts, [*cuts[1:], None], strict=True):
        window = {"before": grain.including(upper)}
        if lower is not None:
            window["since"] = grain.excluding(lower)
        bounds.append(window)
    return bounds


def above(
    grain: Grain, cut: GroupKey, pages: Iterator[list[dict[str, t.Any]]]
) -> Iterator[list[dict[str, t.Any]]]:
    """The pages of the newest window without rows at or below ``cut``.

    A ``since`` bound may be compared more coarsely than the grain, and a page already on
    its way when the cut was chosen reaches below it: the next window has those rows.
    """
    for page in pages:
        yield [row for row in page if grain.key(row) > cut]


def split_in_windows(
    grain: Grain,
    cuts: list[GroupKey],
    newest: Iterator[list[dict[str, t.Any]]],
    newest_window: dict[str, str],
    chain: Callable[[dict[str, str]], Iterator[list[dict[str, t.Any]]]],
) -> list[Iterator[list[dict[str, t.Any]]]]:
    """The chains that read a long list side by side, cut at ``cuts``.

    The newest chain (already started in ``newest_window``) stops at the first cut; each
    older window starts a chain of its own. A ``since`` bound may be compared more
    coarsely than the grain, so each chain drops what belongs to the window below it.
    """
    newest_window["since"] = grain.excluding(cuts[0])
    chains = [above(grain, cuts[0], newest)]
    for window, lower in zip(windows(grain, cuts), [*cuts[1:], None], strict=True):
        pages = chain(window)
        chains.append(pages if lower is None else above(grain, lower, pages))
    return chains
