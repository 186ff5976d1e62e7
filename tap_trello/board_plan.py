"""What a run reads of each board: decided once, from the selected streams' declarations.

Every board stream says in its class body what it adds to the board's nested call, under
which key of the answer its rows are, and which paged list (cards, actions) holds its
rows. :class:`BoardPlan` reads those declarations once per run, with the settings, and
answers every question a board's read asks (:mod:`tap_trello.board_read`): the nested
query of a board, given its terms (:class:`BoardTerms`: read whole or for what changed,
cards refused whole or not, its bookmarks); which lists are read and with which grain and
parameters; which streams are found inside them. Nothing here makes a request.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field, replace

from tap_trello.mirror import ANNOUNCING_TYPES, Scope
from tap_trello.paging import PAGE_SIZE, since_covering
from tap_trello.timestamps import shift_iso

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from tap_trello.paging import Grain

Row: t.TypeAlias = dict[str, t.Any]

#: In a declared parameter, stands for ``all`` or ``open`` (``include_closed``).
OPEN_OR_ALL = "{open_or_all}"

#: The paged lists a board's read knows (their streams' names).
CARDS = "cards"
ACTIONS = "actions"


class Declared(t.Protocol):
    """What a board stream class declares; the plan reads nothing else of it."""

    name: str
    #: What it adds to the board's nested call when selected.
    nested_params: t.ClassVar[Mapping[str, str]]
    #: The key of the nested call's answer that holds its rows ("": none).
    nested_key: t.ClassVar[str]
    #: The paged list whose rows hold its rows ("": none).
    source_name: t.ClassVar[str]
    #: The field of a source row that holds its rows.
    rides_in: t.ClassVar[str]
    #: A paged list's fields asked only for the streams found inside (not its own).
    riders: t.ClassVar[tuple[str, ...]]
    #: What it adds to each page of that list.
    page_params: t.ClassVar[Mapping[str, str]]
    #: What it adds to that list's form in the nested call.
    source_nested_params: t.ClassVar[Mapping[str, str]]
    #: Its rows come from the nested call or from the list's rows, never both: the nested
    #: call asks for them unless the list is paged (checklists).
    nested_or_source: t.ClassVar[bool]
    #: Selected alone, the list is read for it.
    reads_source_alone: t.ClassVar[bool]
    #: The action types it needs from the feed (None: all, or the setting's).
    source_filter: t.ClassVar[frozenset[str] | None]
    #: It carries deletion records (``_sdc_deleted_at``), some announced by the feed.
    carries_deletions: t.ClassVar[bool]
    #: History: a run reads only what is new (actions, deleted cards).
    is_history: t.ClassVar[bool]
    #: A list Trello pages newest first: the grain its cursor is compared at (else None).
    grain: t.ClassVar[Grain | None]

    @classmethod
    def derive(cls, source_row: Row) -> Iterable[Row]:
        """Its rows inside one row of its source."""


@dataclass(frozen=True)
class BoardTerms:
    """What a board's marks and bookmarks say before it is read."""

    #: Read and sent whole (first time, or a rescan), not only what changed.
    whole: bool = True
    #: Trello refused its cards in one answer at its last whole read: page them at once.
    cards_refused: bool = False
    #: Each incremental stream's bookmark on this board (absent: none).
    bookmarks: Mapping[str, str] = field(default_factory=dict)
    #: Its activity date at its last complete sync (nothing up to it is new).
    synced_through: str | None = None
    #: The boards the run sees (what a card moved away to is judged against).
    scope: Scope = field(default_factory=lambda: Scope(frozenset(), whole_account=False))

    def refusing_cards(self) -> BoardTerms:
        """The same terms once Trello refused the board's cards in one answer."""
        return replace(self, cards_refused=True)


@dataclass(frozen=True)
class BoardPlan:
    """The selected board streams' declarations and the settings, read once per run."""

    #: Every board stream's declaration, in the registry's order.
    streams: tuple[type[Declared], ...]
    #: The names of those the catalog selects.
    names: frozenset[str]
    include_closed: bool = True
    #: The ``action_types`` setting (empty: every type).
    action_types: frozenset[str] = frozenset()
    #: ``start_date`` in Trello's timestamp format (None: all history).
    start_date: str | None = None

    @property
    def selected(self) -> tuple[type[Declared], ...]:
        """The selected board streams."""
        return tuple(stream for stream in self.streams if stream.name in self.names)

    def grain(self, source: str) -> Grain:
        """The grain at which Trello compares the cursor of the list ``source``."""
        grain = self.declared(source).grain
        if grain is None:
            msg = f"{source} is not a paged list"
            raise ValueError(msg)
        return grain

    def declared(self, name: str) -> type[Declared]:
        """The declaration of the board stream called ``name``."""
        return next(stream for stream in self.streams if stream.name == name)

    def inside(self, source: str) -> tuple[type[Declared], ...]:
        """The selected streams found inside the rows of the list ``source``."""
        return tuple(stream for stream in self.selected if stream.source_name == source)

    def reads(self, source: str) -> bool:
        """Whether the list ``source`` is read: it, or a stream that needs it, is selected."""
        return source in self.names or any(s.reads_source_alone for s in self.inside(source))

    def cards_paged(self, terms: BoardTerms) -> bool:
        """Whether the board's cards are read in pages from the start."""
        return self.reads(CARDS) and terms.cards_refused

    # ------------------------------------------------------------------ the nested call
    def nested_query(
        self, terms: BoardTerms, fields: str = "id", *, with_lists: bool = True
    ) -> dict[str, str]:
        """The board's nested call (empty: no selected stream reads it).

        One query for one board and terms, so a call the look-ahead sent early is the very
        one the streams ask for. Not ``with_lists``: its cards and actions are left to
        their pages.
        """
        cards_paged = self.cards_paged(terms)
        params: dict[str, str] = {}
        for stream in self.selected:
            if stream.grain is not None:
                continue  # a paged list's nested form is decided below
            if not (stream.nested_or_source and cards_paged and stream.source_name == CARDS):
                params.update(stream.nested_params)
            if stream.source_name == CARDS and not cards_paged:
                params.update(stream.source_nested_params)
        if with_lists and self.reads(CARDS) and not cards_paged:
            params.update(self._nested_cards(terms))
        if with_lists and self.reads(ACTIONS):
            params.update(self._nested_actions(terms))
        if not params:
            return {}
        return {"fields": fields, **self._open_or_all(params)}

    def _nested_cards(self, terms: BoardTerms) -> dict[str, str]:
        """The board's cards, unpaged, with what rides on them.

        A board read for what changed asks only the cards active since its bookmark, a
        second early (Trello's comparison is undocumented); a miss is caught by the next
        whole read (``rescan_after_hours``).
        """
        params = dict(self.declared(CARDS).nested_params)
        bookmark = terms.bookmarks.get(CARDS)
        if bookmark and not terms.whole:
            params["card_modifiedSince"] = shift_iso(bookmark, -1000)
        return params

    def _nested_actions(self, terms: BoardTerms) -> dict[str, str]:
        """The board's newest 1000 actions since the bookmark."""
        feed = self.feed_params(terms)
        nested = {"actions": feed["filter"], "actions_limit": str(PAGE_SIZE)}
        if "since" in feed:
            nested["actions_since"] = feed["since"]
        return nested

    # ------------------------------------------------------------------ the paged lists
    def page_params(self, source: str, *, nested_keys: Iterable[str] = ()) -> dict[str, str]:
        """Query parameters of every page of ``source`` (cards), besides the cursor.

        ``nested_keys``: the keys the board's nested call brought; a stream whose rows
        came there is not asked for again on the pages.
        """
        params = dict(self.declared(source).page_params)
        for stream in self.inside(source):
            if not (stream.nested_or_source and stream.nested_key in nested_keys):
                params.update(stream.page_params)
        return self._open_or_all(params)

    def feed_params(self, terms: BoardTerms) -> dict[str, str]:
        """The board feed's filter and ``since``: one pass serves every stream it feeds.

        The union of their action types (with the types that announce deletions when a
        stream that carries them is selected), from the oldest of their bookmarks.
        """
        consumers = self._feed_consumers()
        wanted = [self._action_types(stream) for stream in consumers]
        every_type = not consumers or any(types is None for types in wanted)
        params: dict[str, str] = {"filter": "all"}
        if not every_type:
            if any(stream.carries_deletions for stream in self.selected):
                wanted.append(ANNOUNCING_TYPES)
            types = set().union(*t.cast("list[frozenset[str]]", wanted))
            params["filter"] = ",".join(sorted(types))
        oldest = [self.oldest_wanted(stream.name, terms) for stream in consumers]
        if oldest and all(oldest):
            params["since"] = since_covering(min(t.cast("list[str]", oldest)))
        return params

    def _feed_consumers(self) -> list[type[Declared]]:
        """The selected streams the board's feed serves: actions, deleted cards."""
        return [stream for stream in self.selected if ACTIONS in (stream.name, stream.source_name)]

    def _action_types(self, stream: type[Declared]) -> frozenset[str] | None:
        if stream.name == ACTIONS:
            return self.action_types or None
        return stream.source_filter

    def oldest_wanted(self, name: str, terms: BoardTerms) -> str | None:
        """Rows of ``name`` at or before this are not wanted: its bookmark, or ``start_date``."""
        done = terms.bookmarks.get(name) or terms.synced_through
        return max(filter(None, (done, self.start_date)), default=None)

    def feed_after(self, terms: BoardTerms) -> str | None:
        """What the last sync of the feed read up to (None: read from the beginning)."""
        consumers = self._feed_consumers()
        return max(filter(None, (terms.bookmarks.get(s.name) for s in consumers)), default=None)

    def _open_or_all(self, params: dict[str, str]) -> dict[str, str]:
        open_or_all = "all" if self.include_closed else "open"
        return {key: value.format(open_or_all=open_or_all) for key, value in params.items()}
