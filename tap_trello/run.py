"""What one sync run shares across its streams, built once by the tap.

Trello's rate limit is per token, a board's read serves all its streams, and the next
boards are read early: all of that belongs to the run, not to any one stream. Streams
reach it through ``BoardStream.run``.
"""

from __future__ import annotations

import typing as t
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from tap_trello.board_read import BoardRead
from tap_trello.board_scans import run_version
from tap_trello.errors import AnswerTooLargeError
from tap_trello.mirror import Feeds
from tap_trello.progress import Progress
from tap_trello.throttle import RequestThrottle, ThrottledSession

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Mapping, Sequence

    import msgspec
    from singer_sdk.helpers.types import Context


class BoardStream(t.Protocol):
    """What the run needs of a stream; the run depends on no stream module.

    A stream says what it adds to a board's nested call, and makes that call as itself
    (it words its failures).
    """

    @property
    def name(self) -> str:
        """The stream's name."""

    @property
    def selected(self) -> bool:
        """Whether the catalog selects it."""

    @property
    def is_paged_list(self) -> bool:
        """A list Trello pages (cards, actions)."""

    @property
    def logger(self) -> logging.Logger:
        """Its logger."""

    def nested_board_params(self, board_id: str) -> dict[str, str]:
        """What it adds to the board's nested call."""

    def fetch_object(
        self, path: str, params: dict[str, t.Any], context: Context | None
    ) -> dict[str, msgspec.Raw]:
        """GET an object whose values are left raw."""

    def activate_version(self, version: int) -> None:
        """Tell the target that its rows below ``version`` are gone."""


#: Boards whose first requests are sent while an earlier board is emitted, and the
#: threads that wait for them: a few, so memory stays bounded by a few boards' pages.
LOOK_AHEAD_BOARDS = 3
LOOK_AHEAD_THREADS = 6


@dataclass(eq=False)
class SyncRun:
    """The throttled session, the board being read, the look-ahead and ``start_date``."""

    max_requests_per_10s: int
    #: ``start_date`` in Trello's timestamp format, or None for all history.
    start_date: str | None
    #: The tap's streams by name, set once they are discovered.
    streams: Mapping[str, BoardStream] = field(default_factory=dict)
    #: Boards that vanished while their streams ran: not complete, not marked scanned.
    unavailable_boards: set[str] = field(default_factory=set)
    #: The version every record of the run carries (above every version already marked).
    version: int = 0
    #: Boards whose cards Trello refused in the nested call (too large): paged instead.
    cards_refused: set[str] = field(default_factory=set)
    #: Whether a board is read and sent whole, unchanged cards too (set by the boards
    #: stream from its marks; a board's mark moves only once its streams are done).
    reads_whole: t.Callable[[str], bool] = lambda _board_id: True
    #: The board's activity date at its last complete sync, if any (from its marks).
    synced_through: t.Callable[[str], str | None] = lambda _board_id: None
    #: The feed of the board being synced: the deletions it announced.
    feeds: Feeds = field(default_factory=Feeds)
    #: Boards read and skipped, for the lines a person reads.
    progress: Progress = field(default_factory=Progress)
    _session: ThrottledSession | None = None
    _board: BoardRead | None = None
    _pool: ThreadPoolExecutor | None = None
    #: Boards of the look-ahead window read early: their nested calls' answers.
    _early: dict[str, Future[dict[str, msgspec.Raw]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Known to :func:`stop_runs` until it is gone."""
        _RUNS.add(self)

    def start(self, tap_state: Mapping[str, t.Any]) -> int:
        """The run's version, fixed when its first stream starts."""
        if not self.version:
            self.version = run_version(tap_state)
        return self.version

    @property
    def session(self) -> ThrottledSession:
        """The one HTTP session of the run, throttled at ``max_requests_per_10s``."""
        if self._session is None:
            self._session = ThrottledSession(RequestThrottle(self.max_requests_per_10s))
        return self._session

    def look_ahead(self, board_ids: Sequence[str]) -> None:
        """Read these boards early (their one nested call), through the shared throttle.

        Each small board is one request: asked one after another, latency and not
        Trello's limit would set the pace. Boards that left the window drop their read.
        """
        for gone in self._early.keys() - set(board_ids):
            self._early.pop(gone).cancel()
        for board_id in board_ids:
            if board_id in self._early or (self._board and self._board.board_id == board_id):
                continue
            # Read as the stream that would read it first, which words its failures.
            reader = next(
                (s for s in self.streams.values() if s.nested_board_params(board_id)), None
            )
            if reader is None:
                return  # no selected stream reads a board's call
            if self._pool is None:
                self._pool = ThreadPoolExecutor(LOOK_AHEAD_THREADS, thread_name_prefix="look-ahead")
            context: Context = {"board_id": board_id}
            self._early[board_id] = self._pool.submit(
                self.fetch_board, reader, board_id, "id", context
            )

    def close(self) -> None:
        """Stop the look-ahead: queued requests are dropped, retrying ones give up."""
        if self._session is not None:
            self._session.stopped = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def selected(self, name: str) -> bool:
        """Whether the stream called ``name`` is selected in this run."""
        return self.streams[name].selected

    def nested_call_params(
        self, board_id: str, fields: str = "id", *, whole: bool = True
    ) -> dict[str, str]:
        """The query of a board's nested call (empty: no selected stream reads it).

        Built in one place, so that a call the look-ahead sent early is the very one the
        streams ask for, and is taken rather than sent again. Not ``whole``: the board's
        objects only, its cards and actions left to their pages.
        """
        params: dict[str, str] = {}
        for stream in self.streams.values():
            if whole or not stream.is_paged_list:
                params.update(stream.nested_board_params(board_id))
        return {"fields": fields, **params} if params else {}

    def board(self, board_id: str) -> BoardRead:
        """The read of the board being synced (a new board drops the previous one's)."""
        if self._board is None or self._board.board_id != board_id:
            if self._board is not None:
                self._board.close()
            self._board = BoardRead(self, board_id, self._early.pop(board_id, None))
        return self._board

    def nested_lists(self, stream: BoardStream, context: Context) -> list[dict[str, t.Any]] | None:
        """Every list of the board, if the board's nested call (made anyway) asks for them."""
        if self.nested_call_params(context["board_id"]).get("lists") != "all":
            return None
        return self.board(context["board_id"]).objects(stream, "lists")

    def fetch_board(
        self,
        stream: BoardStream,
        board_id: str,
        fields: str,
        context: Context | None,
        *,
        whole: bool = True,
    ) -> dict[str, msgspec.Raw]:
        """The board's nested call (values raw); if Trello refuses its cards, without them."""
        path = f"/boards/{board_id}"
        params = self.nested_call_params(board_id, fields, whole=whole) or {"fields": fields}
        try:
            return stream.fetch_object(path, params, context)
        except AnswerTooLargeError:
            if board_id in self.cards_refused:
                raise
            self.cards_refused.add(board_id)
            stream.logger.warning(
                "Board %s: Trello refused its cards in one answer as too large; reading them "
                "in pages",
                board_id,
            )
        params = self.nested_call_params(board_id, fields, whole=whole) or {"fields": fields}
        return stream.fetch_object(path, params, context)


_RUNS: weakref.WeakSet[SyncRun] = weakref.WeakSet()


def stop_runs() -> None:
    """Stop every run's look-ahead: the process is about to end on a failure."""
    for run in list(_RUNS):
        run.close()
