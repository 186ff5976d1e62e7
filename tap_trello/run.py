"""What one sync run shares across its streams, built once by the tap.

Trello's rate limit is per token and the next boards are read early: the session, the
plan of what to read of a board and the look-ahead belong to the run, not to any one
stream. The run opens each board's read (:mod:`tap_trello.board_read`) and keeps only
the board being synced.
"""

from __future__ import annotations

import typing as t
from concurrent.futures import Future, ThreadPoolExecutor

from tap_trello.board_read import BoardRead, NestedAnswer, nested_call

if t.TYPE_CHECKING:
    from collections.abc import Sequence

    from tap_trello.board_plan import BoardPlan, BoardTerms
    from tap_trello.list_read import Fetch
    from tap_trello.throttle import ThrottledSession

#: Boards whose first requests are sent while an earlier board is emitted, and the
#: threads that wait for them: a few, so memory stays bounded by a few boards' pages.
LOOK_AHEAD_BOARDS = 3
LOOK_AHEAD_THREADS = 6


class SyncRun:
    """The session, the board plan, the look-ahead and the board being read."""

    def __init__(
        self, fetch: Fetch, plan: BoardPlan, session: ThrottledSession, version: int
    ) -> None:
        """A run whose requests go through ``fetch`` and ``session``.

        ``version``: what every record of the run carries, above every version marked.
        """
        self.fetch = fetch
        self.plan = plan
        self.session = session
        self.version = version
        self._board: BoardRead | None = None
        self._pool: ThreadPoolExecutor | None = None
        #: Boards of the look-ahead window read early: their nested calls' answers.
        self._early: dict[str, Future[NestedAnswer]] = {}

    def look_ahead(self, boards: Sequence[tuple[str, BoardTerms]]) -> None:
        """Read these boards early (their one nested call), through the shared throttle.

        Each small board is one request: asked one after another, latency and not
        Trello's limit would set the pace. Boards that left the window drop their read.
        """
        wanted = {board_id for board_id, _ in boards}
        for gone in self._early.keys() - wanted:
            self._early.pop(gone).cancel()
        if not boards or not self.plan.nested_query(boards[0][1]):
            return  # no selected stream reads a board's call
        for board_id, terms in boards:
            if board_id in self._early or (self._board and self._board.board_id == board_id):
                continue
            if self._pool is None:
                self._pool = ThreadPoolExecutor(LOOK_AHEAD_THREADS, thread_name_prefix="look-ahead")
            self._early[board_id] = self._pool.submit(
                nested_call, self.fetch, self.plan, board_id, terms
            )

    def open_board(
        self, board_id: str, terms: BoardTerms, known: NestedAnswer | None = None
    ) -> BoardRead:
        """Start reading ``board_id`` (``known``: its nested call, answered already)."""
        if self._board is not None:
            self._board.close()
        early = known or self._early.pop(board_id, None)
        self._board = BoardRead(self.fetch, self.plan, board_id, terms, early)
        return self._board

    def board(self, board_id: str) -> BoardRead:
        """The read of the board being synced."""
        if self._board is None or self._board.board_id != board_id:
            msg = f"board {board_id} is read before it is opened"
            raise RuntimeError(msg)
        return self._board

    def close(self) -> None:
        """Stop the look-ahead: queued requests are dropped, retrying ones give up."""
        self.session.stopped = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
