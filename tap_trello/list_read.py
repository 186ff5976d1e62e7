"""Reading one newest-first list through the SDK's request path, the next page on its way.

What :mod:`tap_trello.paging` decides (cursors, groups, windows, smaller pages) is done
here with real requests, through a :class:`Fetch` handed in once: a board's cards and
actions (the board's read) and a workspace's feed (its stream) are read by this one code.
"""

from __future__ import annotations

import typing as t
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tap_trello.paging import (
    MAX_EXTRA_WINDOWS,
    PAGE_SIZE,
    DateSecond,
    GroupKey,
    PageSize,
    page_chain,
    since_covering,
    split_in_windows,
    window_cuts,
)

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Iterable, Iterator
    from concurrent.futures import Future

    import msgspec
    import requests
    from singer_sdk.helpers.types import Context

    from tap_trello.paging import Grain, SplitGroup

Row: t.TypeAlias = dict[str, t.Any]


class Fetch(t.Protocol):
    """Trello's GETs, through the SDK's request path (retries, metrics, the throttle).

    Handed once to what reads lists and boards; it words its failures itself.
    """

    @property
    def logger(self) -> logging.Logger:
        """Where reads say what they do about a refusal or a split."""

    def fetch(self, path: str, params: dict[str, t.Any], context: Context | None) -> t.Any:
        """GET ``path`` and decode the answer."""

    def fetch_object(
        self, path: str, params: dict[str, t.Any], context: Context | None
    ) -> dict[str, msgspec.Raw]:
        """GET an object whose values are left raw."""

    def fetch_response(
        self, path: str, params: dict[str, t.Any], context: Context | None
    ) -> requests.Response:
        """GET ``path``; the answer as it came (safe from any thread)."""

    def fetch_items(
        self,
        path: str,
        params: dict[str, t.Any],
        context: Context | None,
        keep_id: Callable[[str], bool],
    ) -> Iterator[Row]:
        """GET a list; build only the items whose id ``keep_id`` accepts."""

    def list_rows(self, response: requests.Response) -> list[Row]:
        """The rows of a list answer."""


@dataclass(frozen=True)
class ListRead:
    """One newest-first list to read: where, with what, and what to do at its edges."""

    path: str
    params: dict[str, t.Any]
    context: Context
    grain: Grain
    #: Where the list starts, in Unix seconds (``since``, or its owner's creation).
    start_seconds: float
    #: Every row of one group a full page could not split, fetched another way.
    split_group: SplitGroup
    #: How log lines name the list ("Board 5f…: cards").
    label: str


def read_newest_first(fetch: Fetch, read: ListRead) -> Iterator[Row]:
    """The list's rows, the next page always on its way while rows are emitted.

    A sync's pace is set by Trello's latency and rate limit, and a list's pages form a
    chain (each ``before`` comes from the page just read), so a long list is also cut in
    time windows paged side by side. A page's rows are built in the caller's thread.
    """
    with ThreadPoolExecutor(1 + MAX_EXTRA_WINDOWS, thread_name_prefix="pages") as pool:

        def fetch_page(bounds: dict[str, t.Any]) -> _PendingPage:
            params = {**read.params, **bounds}
            sent = pool.submit(fetch.fetch_response, read.path, params, read.context)
            return _PendingPage(sent, fetch.list_rows)

        def ask_smaller(rows: int) -> None:
            fetch.logger.warning(
                "%s: Trello refused a page of %d as too large; asking for %d a page",
                read.label,
                PAGE_SIZE,
                rows,
            )

        def split(key: GroupKey) -> Iterable[Row]:
            fetch.logger.info(
                "%s: a full page shares one %s; fetching that group apart",
                read.label,
                read.grain.unit,
            )
            return read.split_group(key)

        # Shared by the list's chains: Trello refuses big pages of a big board.
        size = PageSize(ask_smaller)

        def chain(window: dict[str, str]) -> Iterator[list[Row]]:
            return page_chain(t.cast("t.Any", fetch_page), window, read.grain, split, size)

        # The newest window's bounds are read at each request: a cut narrows it.
        newest_window: dict[str, str] = {}
        newest = chain(newest_window)
        first_page = next(newest)
        yield from first_page
        cuts = window_cuts(read.grain, first_page, read.start_seconds)
        chains = [newest]
        if cuts:
            chains = split_in_windows(read.grain, cuts, newest, newest_window, chain)
        while chains:
            for pages in list(chains):
                page = next(pages, None)
                if page is None:
                    chains.remove(pages)
                else:
                    yield from page


class _PendingPage:
    """A page request in flight; its rows are built in the caller's thread."""

    def __init__(
        self,
        future: Future[requests.Response],
        rows_of: Callable[[requests.Response], list[Row]],
    ) -> None:
        self._future = future
        self._rows_of = rows_of

    def result(self) -> list[Row]:
        return self._rows_of(self._future.result())


def one_second_of_actions(
    fetch: Fetch, path: str, params: dict[str, t.Any], context: Context, second: int
) -> Iterator[Row]:
    """Every action of one second that fills more than a page: paged by number.

    The feed's filter in ``params``; the second is bounded on both sides.
    """
    bounds = {
        "limit": PAGE_SIZE,
        "before": DateSecond().including(second),
        "since": since_covering(second),
    }
    for page_number in range(1000):
        page = fetch.fetch(path, {**params, **bounds, "page": page_number}, context)
        yield from page
        if len(page) < PAGE_SIZE:
            return
