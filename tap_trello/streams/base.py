"""The shapes every board stream takes: a per-board child that declares where its rows are.

Every stream below the boards is synced once per board and keeps its state by
``board_id`` only. A board stream declares in its class body what it adds to the board's
nested call, where its rows are in the answer, and which paged list holds them; the run's
plan reads those declarations (:mod:`tap_trello.board_plan`) and the board's read hands
each stream its rows (:mod:`tap_trello.board_read`). A stream adds only its
``post_process``.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.client import TrelloStream
from tap_trello.errors import BoardUnavailableError
from tap_trello.streams.workspace import BoardsStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from singer_sdk.helpers.types import Context

    from tap_trello.paging import Grain

Row: t.TypeAlias = dict[str, t.Any]


class BoardChildStream(TrelloStream):
    """A stream synced once per board; its state is partitioned by board id only."""

    parent_stream_type = BoardsStream
    #: Its rows come with the board's nested call, or inside the lists paged below it.
    path = "/boards/{board_id}"
    state_partitioning_keys: t.ClassVar[list[str]] = ["board_id"]

    # What the plan reads (tap_trello.board_plan.Declared says what each means), besides
    # nested_params and nested_key (TrelloStream).
    source_name: t.ClassVar[str] = ""
    rides_in: t.ClassVar[str] = ""
    riders: t.ClassVar[tuple[str, ...]] = ()
    page_params: t.ClassVar[Mapping[str, str]] = {}
    source_nested_params: t.ClassVar[Mapping[str, str]] = {}
    nested_or_source: t.ClassVar[bool] = False
    reads_source_alone: t.ClassVar[bool] = True
    source_filter: t.ClassVar[frozenset[str] | None] = None
    grain: t.ClassVar[Grain | None] = None

    @classmethod
    def derive(cls, source_row: Row) -> Iterable[Row]:
        """This stream's rows inside one row of its source."""
        raise NotImplementedError

    @override
    def preprocess_context(self, context: Context) -> Context:
        # A fresh, minimal context: state is keyed by exactly this.
        return {"board_id": context["board_id"]}

    @override
    def get_records(self, context: Context | None) -> Iterable[Row]:
        board = self.run.board(t.cast("Context", context)["board_id"])
        try:
            yield from self.known_fields(board.rows(self.name))
        except BoardUnavailableError as exc:
            board.unavailable = True
            self.logger.warning("%s; skipping its %s", exc, self.name)
            # Keep the board's previous bookmark: its rows were not all emitted.
            self.get_context_state(context).pop("progress_markers", None)

    def reads_whole(self, context: Context | None) -> bool:
        """Whether the board is read and sent whole (unchanged rows too) in this run."""
        return self.run.board(t.cast("Context", context)["board_id"]).terms.whole


class IncrementalStream(TrelloStream):
    """A stream with a bookmark per partition that the SDK keeps for it."""

    is_sorted = False  # newest first, or in no order at all

    def oldest_wanted(self, context: Context | None) -> str | None:
        """Rows at or before this are not wanted: the bookmark, or ``start_date``."""
        return max(filter(None, (self.bookmark(context), self.settings.start)), default=None)

    def is_new(self, value: str | None, context: Context | None) -> bool:
        """Whether a row whose replication value is ``value`` is still to be emitted."""
        bookmark = self.bookmark(context)
        if bookmark and (value or "") <= bookmark:
            return False
        start = self.settings.start
        return not (start and (value or "") < start)


class IncrementalBoardStream(BoardChildStream, IncrementalStream):
    """A board stream with a per-board bookmark that the SDK keeps for it."""
