"""Reading one board: its nested call, then whatever must be paged, rows handed out per stream.

A board is one request when its answer fits (docs/architecture.md): the nested call
brings every selected stream's rows. Its cards or actions are paged only when they
overflow. Each stream asks this object for its rows:

* the objects of the nested call (lists, labels, members...) by their key in the answer;
* a paged list's rows (cards, actions), nested or paged, each handed as it passes to the
  streams found inside it (attachments and custom field values ride on cards, deleted
  cards on actions), whose rows wait in a spool (memory, then a temporary file) until
  their stream's turn; a stream whose source is not selected has the source read for it,
  without emitting it;
* checklists: from the nested ``checklists=all``, or from the card pages when Trello
  refused the board's cards in one answer (those pages then bring them).

The run keeps only the board being synced; the next boards' nested calls are read early
by the run's look-ahead.
"""

from __future__ import annotations

import typing as t

import msgspec

from tap_trello.answers import decode_items
from tap_trello.errors import TrelloError
from tap_trello.spool import RowSpool

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from concurrent.futures import Future

    from singer_sdk.helpers.types import Context

Row: t.TypeAlias = dict[str, t.Any]
_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])


# What the read needs of the run and of the streams, and nothing more: it depends on
# neither module (they build on it).
class NestedCaller(t.Protocol):
    """Makes a board's nested call, as the stream that asks (which words its failures)."""

    def fetch_board(
        self, stream: t.Any, board_id: str, fields: str, context: Context | None
    ) -> dict[str, msgspec.Raw]:
        """The board's nested call's answer, its values raw."""


class FoundInside(t.Protocol):
    """A stream whose rows are found inside another stream's rows."""

    @property
    def name(self) -> str:
        """The stream's name."""

    def derive(self, source_row: Row) -> Iterable[Row]:
        """Its rows inside one row of the source."""


class PagedList(t.Protocol):
    """A list Trello pages (cards, actions), nested in the board's call when it fits."""

    @property
    def name(self) -> str:
        """The stream's name."""

    def nested_rows(self, context: Context) -> Iterable[Row] | None:
        """The rows as the nested call brought them whole (None: page them)."""

    def derived_streams(self, board_id: str) -> Sequence[FoundInside]:
        """The selected streams found inside its rows."""

    def page_observer(self, context: Context) -> Callable[[Row], None] | None:
        """What else sees every row (None: nothing)."""

    def request_records(self, context: Context | None) -> Iterable[Row]:
        """Every row, paged."""


class BoardRead:
    """One board's read, shared by its streams."""

    def __init__(
        self, run: NestedCaller, board_id: str, early: Future[dict[str, msgspec.Raw]] | None = None
    ) -> None:
        """Read ``board_id`` for ``run``; ``early``: its nested call, already on its way."""
        self.run = run
        self.board_id = board_id
        self._early = early
        self._details: dict[str, msgspec.Raw] | None = None
        self._derived: dict[str, RowSpool] = {}
        self._read: set[str] = set()

    @property
    def context(self) -> Context:
        """The minimal context of the board's streams."""
        return {"board_id": self.board_id}

    def know(self, details: dict[str, msgspec.Raw]) -> None:
        """The board's nested call was answered already (``board_ids``: the board itself)."""
        self._details = details

    def details(self, stream: object) -> dict[str, msgspec.Raw]:
        """The board's nested call's answer, its values raw: one request for all streams.

        Kept as JSON bytes (a small board's answer holds up to 1000 actions, and the
        look-ahead holds a few boards'), each item decoded only when a stream takes it.
        """
        if self._details is None:
            early, self._early = self._early, None
            if early is not None:
                self.know(early.result())
            else:
                self.know(self.run.fetch_board(stream, self.board_id, "id", self.context))
        return t.cast("dict[str, msgspec.Raw]", self._details)

    def part(self, stream: object, key: str) -> list[msgspec.Raw] | None:
        """The raw items under ``key`` of the nested call's answer (None: not asked)."""
        raw = self.details(stream).get(key)
        if raw is None:
            return None
        try:
            return _RAW_LIST.decode(raw)
        except msgspec.ValidationError as exc:
            # Treated as empty, a missing list would mark the board's rows deleted.
            msg = (
                f"Trello answered GET /boards/{self.board_id} with {bytes(raw)[:20].decode()!r} "
                f"for {key!r}, expected a list"
            )
            raise TrelloError(msg) from exc

    def objects(self, stream: object, key: str) -> list[Row]:
        """The objects under ``key`` of the nested call's answer."""
        return list(decode_items(self.part(stream, key) or []))

    def list_rows(self, source: PagedList) -> Iterator[Row]:
        """A paged list's rows, nested or paged, handing each to the streams inside it."""
        context = self.context
        # First the nested call: whether Trello refused the cards there decides where the
        # checklists come from.
        nested = source.nested_rows(context)
        derived = source.derived_streams(self.board_id)
        for stream in derived:
            self._discard(stream.name)
            self._derived[stream.name] = RowSpool()
        observe = source.page_observer(context)
        for row in nested if nested is not None else source.request_records(context):
            for stream in derived:
                spool = self._derived[stream.name]
                for derived_row in stream.derive(row):
                    spool.add(derived_row)
            if observe is not None:
                observe(row)
            yield row
        self._read.add(source.name)

    def derived_rows(self, stream: FoundInside, source: PagedList) -> Iterable[Row]:
        """The rows found for ``stream`` in its source (read now if it was not)."""
        if stream.name not in self._derived and source.name not in self._read:
            for _ in self.list_rows(source):
                pass
        spool = self._derived.pop(stream.name, None)
        return spool.drain() if spool is not None else []

    def close(self) -> None:
        """Drop what no stream took (a board that vanished, a failed source)."""
        for name in list(self._derived):
            self._discard(name)

    def _discard(self, name: str) -> None:
        spool = self._derived.pop(name, None)
        if spool is not None:
            spool.close()
