"""Reading one board: its nested call, then whatever must be paged, rows handed out per stream.

A board is one request when its answer fits (docs/architecture.md): the nested call
brings every selected stream's rows. Its cards or actions are paged only when they
overflow. The read asks, pages and hands out; what to ask is the run's
:class:`~tap_trello.board_plan.BoardPlan`, and every request goes through the one
:class:`~tap_trello.paging.Fetch` it is given. Each stream takes its rows with
:meth:`BoardRead.rows`:

* the objects of the nested call (lists, labels, members...) by their key in the answer;
* a paged list's rows (cards, actions), nested or paged, each handed as it passes to the
  streams found inside it (attachments and custom field values ride on cards, deleted
  cards on actions), whose rows wait in a spool (memory, then a temporary file) until
  their stream's turn; a list no selected stream emits is read for the streams inside;
* checklists: from the nested ``checklists=all``, or from the card pages when Trello
  refused the board's cards in one answer (those pages then bring them).

The board's feed is read before any stream that carries deletions takes its rows, whatever
the order the streams ask in: it says what they send as deleted (:mod:`tap_trello.mirror`).
"""

from __future__ import annotations

import typing as t
from concurrent.futures import Future
from dataclasses import dataclass

from tap_trello.answers import decode_items, nested_list
from tap_trello.board_plan import ACTIONS, CARDS, BoardPlan, BoardTerms
from tap_trello.errors import AnswerTooLargeError
from tap_trello.list_read import Fetch, ListRead, one_second_of_actions, read_newest_first
from tap_trello.mirror import BoardFeed
from tap_trello.paging import PAGE_SIZE
from tap_trello.spool import RowSpool
from tap_trello.timestamps import id_second, parse_iso

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import msgspec
    from singer_sdk.helpers.types import Context

    from tap_trello.board_plan import Declared

Row: t.TypeAlias = dict[str, t.Any]


@dataclass(frozen=True)
class NestedAnswer:
    """A board's nested call answered: its values raw, and the terms it was asked under."""

    values: dict[str, msgspec.Raw]
    terms: BoardTerms


def nested_call(  # noqa: PLR0913
    fetch: Fetch,
    plan: BoardPlan,
    board_id: str,
    terms: BoardTerms,
    fields: str = "id",
    *,
    with_lists: bool = True,
) -> NestedAnswer:
    """The board's nested call; if Trello refuses its cards in one answer, without them."""
    path = f"/boards/{board_id}"
    context: Context = {"board_id": board_id}
    params = plan.nested_query(terms, fields, with_lists=with_lists) or {"fields": fields}
    try:
        return NestedAnswer(fetch.fetch_object(path, params, context), terms)
    except AnswerTooLargeError:
        refusing = terms.refusing_cards()
        smaller = plan.nested_query(refusing, fields, with_lists=with_lists) or {"fields": fields}
        if smaller == params:
            raise  # nothing to leave out
        fetch.logger.warning(
            "Board %s: Trello refused its cards in one answer as too large; reading them in pages",
            board_id,
        )
        return NestedAnswer(fetch.fetch_object(path, smaller, context), refusing)


class BoardRead:
    """One board's read, shared by its streams."""

    def __init__(
        self,
        fetch: Fetch,
        plan: BoardPlan,
        board_id: str,
        terms: BoardTerms,
        early: Future[NestedAnswer] | NestedAnswer | None = None,
    ) -> None:
        """Read ``board_id`` under ``terms``; ``early``: its nested call, already asked."""
        self.fetch = fetch
        self.plan = plan
        self.board_id = board_id
        self.terms = terms
        self._early = early
        self._answer: dict[str, msgspec.Raw] | None = None
        self._spools: dict[str, RowSpool] = {}
        #: The lists read to their end.
        self._read: set[str] = set()
        #: What the board's feed says is gone, read past the last sync's bookmark.
        self.feed = BoardFeed(board_id, terms.scope, plan.feed_after(terms))
        #: Set when the board vanished while its streams ran: it is not marked synced.
        self.unavailable = False

    @property
    def context(self) -> Context:
        """The minimal context of the board's streams."""
        return {"board_id": self.board_id}

    @property
    def cards_paged(self) -> bool:
        """Whether the board's cards were read in pages (Trello refused them whole)."""
        return self.plan.cards_paged(self.terms)

    # ------------------------------------------------------------------ the nested call
    def answer(self) -> dict[str, msgspec.Raw]:
        """The board's nested call's answer, its values raw: one request for all streams.

        Kept as JSON bytes (a small board's answer holds up to 1000 actions, and the
        look-ahead holds a few boards'), each item decoded only when a stream takes it.
        """
        if self._answer is None:
            early, self._early = self._early, None
            if isinstance(early, Future):
                early = early.result()
            if early is None:
                early = nested_call(self.fetch, self.plan, self.board_id, self.terms)
            self._answer = early.values
            if early.terms.cards_refused and not self.terms.cards_refused:
                self.terms = self.terms.refusing_cards()
        return self._answer

    def part(self, key: str) -> list[msgspec.Raw] | None:
        """The raw items under ``key`` of the nested call's answer (None: not asked)."""
        return nested_list(self.answer(), key, f"/boards/{self.board_id}")

    def objects(self, key: str) -> list[Row]:
        """The objects under ``key`` of the nested call's answer."""
        return list(decode_items(self.part(key) or []))

    # ------------------------------------------------------------------ each stream's rows
    def rows(self, name: str) -> Iterator[Row]:
        """The board's rows of the stream ``name``, then what the feed said is gone of it.

        Nothing read live in this run is said deleted.
        """
        stream = self.plan.declared(name)
        if stream.carries_deletions and self.plan.reads(ACTIONS):
            self._read_whole(ACTIONS)
        live: set[str] = set()
        for row in self._rows(stream):
            if stream.carries_deletions:
                live.add(row["id"])
            yield row
        if stream.carries_deletions:
            yield from self.feed.deletions(name, live)

    def _rows(self, stream: type[Declared]) -> Iterator[Row]:
        if stream.grain is not None:
            spool = self._spools.pop(stream.name, None)
            if spool is not None:
                yield from spool.drain()  # read already for another stream
            elif stream.name not in self._read:
                yield from self._list(stream.name, keep_source=False)
            return
        nested = self.part(stream.nested_key) if stream.nested_key else None
        if nested is not None:
            if stream.source_name:
                # Found in the call as they would be in one source row: derived alike.
                yield from stream.derive({stream.rides_in: list(decode_items(nested))})
            else:
                yield from decode_items(nested)
        if stream.source_name and self._from_source(stream):
            self._read_whole(stream.source_name)
            spool = self._spools.pop(stream.name, None)
            if spool is not None:
                yield from spool.drain()

    def _from_source(self, stream: type[Declared]) -> bool:
        """Whether ``stream``'s rows on this board are found in its source's rows."""
        if not self.plan.reads(stream.source_name):
            return False
        return not (stream.nested_or_source and self.part(stream.nested_key) is not None)

    def _read_whole(self, source: str) -> None:
        """Read the list ``source`` to its end now, its rows kept for their streams."""
        if source not in self._read and source not in self._spools:
            for _ in self._list(source, keep_source=source in self.plan.names):
                pass

    def _list(self, source: str, *, keep_source: bool) -> Iterator[Row]:
        """A paged list's rows, nested or paged, each handed to the streams inside it."""
        # The nested call first: whether Trello refused the cards there decides where the
        # checklists come from.
        nested = self._nested_list(source)
        inside = [stream for stream in self.plan.inside(source) if self._from_source(stream)]
        for stream in inside:
            self._discard(stream.name)
            self._spools[stream.name] = RowSpool()
        if keep_source:
            self._discard(source)
            self._spools[source] = RowSpool()
        riders = self.plan.declared(source).riders
        observe = self.feed.observe if source == ACTIONS else None
        for row in nested if nested is not None else self._pages(source):
            for stream in inside:
                spool = self._spools[stream.name]
                for found in stream.derive(row):
                    spool.add(found)
            for rider in riders:
                row.pop(rider, None)
            if observe is not None:
                observe(row)
            if keep_source:
                self._spools[source].add(row)
            else:
                yield row
        self._read.add(source)

    def _nested_list(self, source: str) -> Iterable[Row] | None:
        """The list as the nested call brought it whole (None: page it)."""
        if source == CARDS and self.cards_paged:
            return None
        items = self.part(source)
        if items is None or (source == ACTIONS and len(items) >= PAGE_SIZE):
            return None  # more than the nested call brings: the pages read them all
        return decode_items(items)

    # ------------------------------------------------------------------ pages
    def _pages(self, source: str) -> Iterator[Row]:
        """Every row of the list, paged newest first (:mod:`tap_trello.paging`)."""
        if source == ACTIONS:
            params: dict[str, t.Any] = dict(self.plan.feed_params(self.terms))
            split = self._split_actions
        else:
            params = self.plan.page_params(source, nested_keys=self.answer().keys())
            split = self._split_cards
        since = params.get("since")
        read = ListRead(
            path=f"/boards/{self.board_id}/{source}",
            params=params,
            context=self.context,
            grain=self.plan.grain(source),
            start_seconds=parse_iso(since).timestamp() if since else id_second(self.board_id),
            split_group=split,
            label=f"Board {self.board_id}: {source}",
        )
        return read_newest_first(self.fetch, read)

    def _split_actions(self, second: int) -> Iterator[Row]:
        """More than a page of actions in one second: paged through by number."""
        path = f"/boards/{self.board_id}/actions"
        params = self.plan.feed_params(self.terms)
        return one_second_of_actions(self.fetch, path, params, self.context, second)

    def _split_cards(self, second: int) -> Iterator[Row]:
        """Bulk-created cards sharing one second: read list by list instead.

        Only the cards of that second are built (a list's other cards stay raw bytes).
        """
        if self.plan.nested_query(self.terms).get("lists") == "all":
            lists = self.objects("lists")  # in the nested call already
        else:
            lists = self.fetch.fetch(
                f"/boards/{self.board_id}/lists", {"filter": "all", "fields": "id"}, self.context
            )
        params = self.plan.page_params(CARDS, nested_keys=self.answer().keys())
        grain = self.plan.grain(CARDS)
        for board_list in lists:
            yield from self.fetch.fetch_items(
                f"/lists/{board_list['id']}/cards",
                params,
                self.context,
                keep_id=lambda card_id: grain.key({"id": card_id}) == second,
            )

    def close(self) -> None:
        """Drop what no stream took (a board that vanished, a failed source)."""
        for name in list(self._spools):
            self._discard(name)

    def _discard(self, name: str) -> None:
        spool = self._spools.pop(name, None)
        if spool is not None:
            spool.close()
