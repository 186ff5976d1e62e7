"""The shapes every board stream takes: per-board child, nested call, paged, derived.

Every stream below the boards is synced once per board and keeps its state by
``board_id`` only. Each concrete stream picks one of these bases and says only what is
particular to its object.
"""

from __future__ import annotations

import re
import typing as t
from concurrent.futures import ThreadPoolExecutor

from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

from tap_trello.client import TrelloStream
from tap_trello.errors import BoardUnavailableError
from tap_trello.mirror import ANNOUNCED_STREAMS
from tap_trello.paging import (
    MAX_EXTRA_WINDOWS,
    PAGE_SIZE,
    PageSize,
    page_chain,
    split_in_windows,
    window_cuts,
)
from tap_trello.timestamps import id_second, parse_iso

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from concurrent.futures import Future

    import requests
    from singer_sdk.helpers.types import Context

    from tap_trello.paging import Grain, GroupKey

Row: t.TypeAlias = dict[str, t.Any]


class BoardChildStream(TrelloStream):
    """A stream synced once per board; its state is partitioned by board id only.

    Its parent, the boards stream, is wired in ``streams/__init__.py``.
    """

    state_partitioning_keys: t.ClassVar[list[str]] = ["board_id"]

    @override
    def preprocess_context(self, context: Context) -> Context:
        # A fresh, minimal context: state is keyed by exactly this.
        return {"board_id": context["board_id"]}

    @override
    def get_records(self, context: Context | None) -> Iterable[Row]:
        board = t.cast("Context", context)
        live: set[str] = set()
        announced = self.name in ANNOUNCED_STREAMS
        try:
            for row in self.known_fields(self.board_records(board)):
                if announced:
                    live.add(row["id"])
                yield row
            # What the board's feed (read first) said is gone, unless it was just read live.
            yield from self.run.feeds.deletions(board["board_id"], self.name, live)
        except BoardUnavailableError as exc:
            self.run.unavailable_boards.add(t.cast("Context", context)["board_id"])
            self.logger.warning("%s; skipping its %s", exc, self.name)
            # Keep the board's previous bookmark: its rows were not all emitted.
            self.get_context_state(context).pop("progress_markers", None)

    def board_records(self, context: Context) -> Iterable[Row]:
        """The records of one board."""
        raise NotImplementedError

    @override
    def client_error(self, response: requests.Response) -> Exception:
        error = super().client_error(response)
        if isinstance(error, FatalAPIError) and response.status_code in {401, 404}:
            # From the URL: this may run for another stream's board, or in a fetch thread.
            in_path = re.search(r"/boards/([^/?]+)", response.url)
            board_id = in_path.group(1) if in_path else (self.context or {}).get("board_id")
            msg = f"Board {board_id} is no longer available ({response.status_code})"
            return BoardUnavailableError(msg)
        return error


class BoardResourceStream(BoardChildStream):
    """An object list that comes with the one nested board call (``/boards/{id}?…``)."""

    path = "/boards/{board_id}"
    #: Parameters this stream adds to the nested board call.
    nested_params: t.ClassVar[dict[str, str]] = {}
    #: The key of the nested board object that holds this stream's records.
    nested_key: t.ClassVar[str] = ""

    def reads_nested_call(self, board_id: str) -> bool:  # noqa: ARG002
        """Whether this run takes the board's rows of this stream from its nested call."""
        return True

    @override
    def nested_board_params(self, board_id: str) -> dict[str, str]:
        wanted = self.selected and self.reads_nested_call(board_id)
        return dict(self.nested_params) if wanted else {}

    @override
    def board_records(self, context: Context) -> Iterable[Row]:
        return self.run.board(context["board_id"]).objects(self, self.nested_key)


class IncrementalStream(TrelloStream):
    """A stream with a bookmark per partition that the SDK keeps for it."""

    is_sorted = False  # newest first, or in no order at all
    #: History (actions): a run reads only what is new, never the past again.
    is_history: t.ClassVar[bool] = False

    def bookmark(self, context: Context | None) -> str | None:
        """The replication value of the last complete run for this partition."""
        value = self.get_context_state(context).get("replication_key_value")
        return str(value) if value else None

    def synced_through(self, context: Context | None) -> str | None:  # noqa: ARG002
        """Up to when the partition was synced completely, bookmark or not (None: unknown)."""
        return None

    def oldest_wanted(self, context: Context | None) -> str | None:
        """Rows at or before this are not wanted: the bookmark, or ``start_date``."""
        done = self.bookmark(context) or self.synced_through(context)
        return max(filter(None, (done, self.run.start_date)), default=None)

    def is_new(self, value: str | None, context: Context | None) -> bool:
        """Whether a row whose replication value is ``value`` is still to be emitted."""
        bookmark = self.bookmark(context)
        if bookmark and (value or "") <= bookmark:
            return False
        start_date = self.run.start_date
        return not (start_date and (value or "") < start_date)


class IncrementalBoardStream(BoardChildStream, IncrementalStream):
    """A board stream with a per-board bookmark that the SDK keeps for it."""

    @override
    def synced_through(self, context: Context | None) -> str | None:
        # A board synced completely before with no row for this stream (no card deleted
        # yet) has no bookmark, but nothing up to its activity date of that sync is new.
        return self.run.synced_through((context or {}).get("board_id", ""))


class DerivedStream(BoardChildStream):
    """Rows found inside another stream's pages: no request of its own.

    The board's read hands them over (:mod:`tap_trello.board_read`): kept while the
    source is read, or found by reading the source for it when that is not selected.
    """

    #: The stream whose page rows contain this stream's rows.
    source_name: t.ClassVar[str]

    def derive(self, source_row: Row) -> Iterable[Row]:
        """This stream's rows inside one row of the source."""
        raise NotImplementedError

    def reads_source(self, board_id: str) -> bool:  # noqa: ARG002
        """Whether this run takes the board's rows of this stream from the source's rows."""
        return True

    @override
    def board_records(self, context: Context) -> Iterable[Row]:
        source = t.cast("NewestFirstStream", self.run.streams[self.source_name])
        return self.run.board(context["board_id"]).derived_rows(self, source)


class _PendingPage:
    """A page request in flight; its rows are read in the caller's thread."""

    def __init__(
        self, future: Future[requests.Response], finish: Callable[[requests.Response], list[Row]]
    ) -> None:
        self._future = future
        self._finish = finish

    def result(self) -> list[Row]:
        return self._finish(self._future.result())


class NewestFirstPages(TrelloStream):
    """A list Trello pages newest first, 1000 a call (see paging.py), in any partition.

    A board's cards and actions, a workspace's actions: the partition says where the list
    starts (its object's creation second) and names itself in log lines.
    """

    #: The grain at which Trello compares this list's cursor.
    grain: t.ClassVar[Grain]
    #: The context key of the object whose list this is (``board_id``, ``organization_id``).
    owner_key: t.ClassVar[str] = "board_id"
    #: How log lines name that object.
    owner_label: t.ClassVar[str] = "Board"

    def list_params(self, context: Context) -> dict[str, t.Any]:
        """Query parameters of every page, besides ``limit`` and ``before``."""
        raise NotImplementedError

    def split_group(self, context: Context, key: GroupKey) -> Iterable[Row]:
        """Every row of group ``key``, fetched without time paging."""
        raise NotImplementedError

    def page_request(self, context: Context, params: dict[str, t.Any]) -> requests.PreparedRequest:
        """The request of one page of the list."""
        return self.build_prepared_request(
            method="GET", url=self.get_url(context), params=params, headers=self.http_headers
        )

    @override
    def request_records(self, context: Context | None) -> Iterator[Row]:
        """The list's pages, the next one always on its way while rows are emitted.

        A sync's pace is set by Trello's latency and rate limit, and a list's pages form
        a chain (each ``before`` comes from the page just read), so a long list is also
        cut in time windows paged side by side.
        """
        owner = t.cast("Context", context)
        params = self.list_params(owner)
        with (
            self.get_http_request_counter() as counter,
            ThreadPoolExecutor(1 + MAX_EXTRA_WINDOWS, thread_name_prefix=self.name) as pool,
        ):
            counter.with_context(owner)

            def fetch_page(bounds: dict[str, t.Any]) -> _PendingPage:
                request = self.page_request(owner, {**params, **bounds})

                def finish(response: requests.Response) -> list[Row]:
                    counter.increment()
                    self.update_sync_costs(request, response, owner)
                    return list(self.parse_response(response))

                return _PendingPage(pool.submit(self.send, request, owner), finish)

            # Shared by the list's chains: Trello refuses big pages of a big board.
            size = PageSize(lambda smaller: self._ask_smaller(owner, smaller))

            def chain(window: dict[str, str]) -> Iterator[list[Row]]:
                return page_chain(
                    t.cast("t.Any", fetch_page),
                    window,
                    self.grain,
                    lambda key: self._split(owner, key),
                    size,
                )

            # The newest window's bounds are read at each request: a cut narrows it.
            newest_window: dict[str, str] = {}
            newest = chain(newest_window)
            first_page = next(newest)
            yield from first_page
            since = params.get("since")
            start = parse_iso(since).timestamp() if since else id_second(owner[self.owner_key])
            cuts = window_cuts(self.grain, first_page, start)
            chains = [newest]
            if cuts:
                chains = split_in_windows(self.grain, cuts, newest, newest_window, chain)
            while chains:
                for pages in list(chains):
                    page = next(pages, None)
                    if page is None:
                        chains.remove(pages)
                    else:
                        yield from page

    def _ask_smaller(self, context: Context, rows: int) -> None:
        self.logger.warning(
            "%s %s: Trello refused a page of %d %s as too large; asking for %d a page",
            self.owner_label,
            context[self.owner_key],
            PAGE_SIZE,
            self.name,
            rows,
        )

    def _split(self, context: Context, key: GroupKey) -> Iterable[Row]:
        self.logger.info(
            "%s %s: a full page of %s shares one %s; fetching that group apart",
            self.owner_label,
            context[self.owner_key],
            self.name,
            self.grain.unit,
        )
        return self.split_group(context, key)


class NewestFirstStream(BoardChildStream, NewestFirstPages):
    """A board list Trello pages newest first, 1000 a call (see paging.py).

    It is also the source of derived streams: every row of its pages is handed to the
    selected streams whose ``source_name`` is this stream's name.
    """

    is_paged_list = True

    def derived_streams(self, board_id: str) -> list[DerivedStream]:
        """The selected streams that take the board's rows from this stream's rows."""
        return [
            stream
            for stream in self.run.streams.values()
            if isinstance(stream, DerivedStream)
            and stream.source_name == self.name
            and stream.selected
            and stream.reads_source(board_id)
        ]

    def is_read(self) -> bool:
        """Whether this run reads the list at all: it, or a stream derived from it, is selected."""
        return self.selected or any(
            isinstance(stream, DerivedStream)
            and stream.source_name == self.name
            and stream.selected
            for stream in self.run.streams.values()
        )

    def nested_rows(self, context: Context) -> Iterable[Row] | None:  # noqa: ARG002
        """The board's rows as its nested call brought them whole (None: page them)."""
        return None

    def comes_nested(self, board_id: str) -> bool:  # noqa: ARG002
        """Whether the board's nested call is asked for this list (pages only if it cannot)."""
        return False

    def page_rows(self, context: Context) -> Iterator[Row]:
        """Every row of the board's list, handed to the streams found inside it."""
        return self.run.board(context["board_id"]).list_rows(self)

    def page_observer(self, context: Context) -> Callable[[Row], None] | None:  # noqa: ARG002
        """What else sees every row of the board's pages (None: nothing)."""
        return None

    @override
    def board_records(self, context: Context) -> Iterable[Row]:
        return self.page_rows(context)
