"""Trello streams: each says only what is particular to its object."""

from __future__ import annotations

import re
import typing as t
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone

from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

from tap_trello.client import BoardUnavailableError, TrelloStream
from tap_trello.paging import (
    PAGE_SIZE,
    NewestFirstPaginator,
    id_second,
    iso_ms,
    parse_iso,
    second_to_iso,
    shift_iso,
)

#: Paging the rest of a long list in time windows side by side costs at most one more
#: request a window: one window per this many pages left.
WINDOW_MIN_PAGES = 8
MAX_EXTRA_WINDOWS = 1

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import requests
    from singer_sdk.helpers.types import Context, Record

    from tap_trello.paging import GroupKey
    from tap_trello.spool import RowSpool
    from tap_trello.tap import TapTrello


class BoardsStream(TrelloStream):
    """Boards the token can see, or those named by ``board_ids``/``organization_ids``."""

    name = "boards"
    path = "/members/me/boards"

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        return {"filter": "all" if self.include_closed else "open", "fields": "all"}

    @override
    def get_records(self, context: Context | None) -> Iterable[dict]:
        return self.known_fields(self.board_rows(context))

    def board_rows(self, context: Context | None) -> Iterator[dict]:
        """The boards, from wherever the settings say."""
        board_ids = self.config.get("board_ids") or []
        organization_ids = self.config.get("organization_ids") or []
        if not board_ids and not organization_ids:
            yield from self.request_records(context)
            return
        emitted: set[str] = set()
        for organization_id in organization_ids:
            for board in self.fetch_named(
                f"/organizations/{organization_id}/boards",
                self.get_url_params(context, None),
                f"Workspace '{organization_id}' in organization_ids",
            ):
                if board["id"] not in emitted and (self.include_closed or not board["closed"]):
                    emitted.add(board["id"])
                    yield board
        tap = t.cast("TapTrello", self._tap)
        for board_id in board_ids:
            # One nested call gives the board and every selected board-level object.
            details = self.fetch_named(
                f"/boards/{board_id}",
                {"fields": "all", **tap.nested_board_params()},
                f"Board '{board_id}' in board_ids",
            )
            tap.remember_board_details(details)
            board = {
                key: value for key, value in details.items() if key in self.schema["properties"]
            }
            if board["id"] not in emitted and (self.include_closed or not board["closed"]):
                emitted.add(board["id"])
                yield board

    @override
    def get_child_context(self, record: Record, context: Context | None) -> Context:
        return {"board_id": record["id"]}


class OrganizationsStream(TrelloStream):
    """Workspaces the token can see, or those named by ``organization_ids``."""

    name = "organizations"
    path = "/members/me/organizations"

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        return {"fields": "all"}

    @override
    def get_records(self, context: Context | None) -> Iterable[dict]:
        return self.known_fields(self.organization_rows(context))

    def organization_rows(self, context: Context | None) -> Iterator[dict]:
        """The workspaces, all or those the settings name."""
        organization_ids = self.config.get("organization_ids") or []
        if not organization_ids:
            yield from self.request_records(context)
            return
        for organization_id in organization_ids:
            yield self.fetch_named(
                f"/organizations/{organization_id}",
                {"fields": "all"},
                f"Workspace '{organization_id}' in organization_ids",
            )


class BoardChildStream(TrelloStream):
    """A stream synced once per board; its state is partitioned by board id only."""

    parent_stream_type = BoardsStream
    state_partitioning_keys: t.ClassVar[list[str]] = ["board_id"]  # type: ignore[misc]

    @override
    def preprocess_context(self, context: Context) -> Context:
        # A fresh, minimal context: state is keyed by exactly this.
        return {"board_id": context["board_id"]}

    @override
    def get_records(self, context: Context | None) -> Iterable[dict]:
        try:
            yield from self.known_fields(self.board_records(t.cast("Context", context)))
        except BoardUnavailableError as exc:
            self.logger.warning("%s; skipping its %s", exc, self.name)
            # Keep the board's previous bookmark: its rows were not all emitted.
            self.get_context_state(context).pop("progress_markers", None)

    def board_records(self, context: Context) -> Iterable[dict]:
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

    def board_call_params(self) -> dict[str, str]:
        """What this stream adds to the nested board call."""
        return self.nested_params

    def reads_nested_call(self) -> bool:
        """Whether this run takes the stream's rows from the nested board call."""
        return True

    @override
    def board_records(self, context: Context) -> Iterable[dict]:
        tap = t.cast("TapTrello", self._tap)
        details = tap.board_details(self, context["board_id"])
        return details.get(self.nested_key) or []


class CustomFieldsStream(BoardResourceStream):
    """Custom field definitions of a board, with their options."""

    name = "custom_fields"
    nested_params: t.ClassVar[dict[str, str]] = {"customFields": "true"}
    nested_key = "customFields"


class BoardMembershipsStream(BoardResourceStream):
    """Who is on a board and as what (admin, normal, observer), deactivated or not."""

    name = "board_memberships"
    nested_params: t.ClassVar[dict[str, str]] = {"memberships": "all"}
    nested_key = "memberships"


class ListsStream(BoardResourceStream):
    """Lists of a board, archived ones included unless ``include_closed`` is false."""

    name = "lists"
    nested_key = "lists"

    @override
    def board_call_params(self) -> dict[str, str]:
        return {"lists": "all" if self.include_closed else "open"}


class LabelsStream(BoardResourceStream):
    """Labels of a board (Trello's default of 50 is lifted)."""

    name = "labels"
    nested_params: t.ClassVar[dict[str, str]] = {"labels": "all", "labels_limit": "1000"}
    nested_key = "labels"


class MembersStream(BoardResourceStream):
    """Members of the boards, each emitted once per run however many boards share them."""

    name = "members"
    # Members are not per board: no board_id, and no per-board state.
    state_partitioning_keys: t.ClassVar[list[str]] = []  # type: ignore[misc]
    nested_params: t.ClassVar[dict[str, str]] = {"members": "all", "member_fields": "all"}
    nested_key = "members"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start a run with no member emitted."""
        super().__init__(*args, **kwargs)
        self._emitted: set[str] = set()

    @override
    def post_process(self, row: Record, context: Context | None = None) -> Record | None:
        if row["id"] in self._emitted:
            return None
        self._emitted.add(row["id"])
        return row


class NewestFirstStream(BoardChildStream):
    """A board list Trello pages newest first, 1000 a call (see paging.py).

    It is also the source of derived streams: every row of its pages is handed to the
    selected streams whose ``source_name`` is this stream's name.
    """

    def group_key(self, row: dict) -> GroupKey:
        """The grain at which Trello compares this list's ``before`` cursor."""
        raise NotImplementedError

    def cursor_including(self, key: GroupKey) -> str:
        """A ``before`` value that includes the whole group ``key``."""
        raise NotImplementedError

    def cursor_excluding(self, key: GroupKey) -> str:
        """A ``before`` value just below the group ``key``."""
        raise NotImplementedError

    def split_group(self, context: Context, key: GroupKey) -> Iterable[dict]:
        """Every row of group ``key``, fetched without time paging."""
        raise NotImplementedError

    def list_params(self, context: Context) -> dict[str, t.Any]:
        """Query parameters of every page, besides ``limit`` and ``before``."""
        raise NotImplementedError

    def derived_streams(self) -> list[DerivedStream]:
        """The selected streams that take their rows from this stream's pages."""
        tap = t.cast("TapTrello", self._tap)
        return [
            stream
            for stream in tap.streams.values()
            if isinstance(stream, DerivedStream)
            and stream.source_name == self.name
            and stream.selected
        ]

    def page_rows(self, context: Context) -> Iterable[dict]:
        """Every row of the board's pages, handing each to the derived streams."""
        derived = self.derived_streams()
        spools = t.cast("TapTrello", self._tap).spools
        spools.open(context["board_id"], [stream.name for stream in derived])
        for row in self.request_records(context):
            for stream in derived:
                for derived_row in stream.derive(row):
                    spools.add(stream.name, derived_row)
            yield row

    @override
    def board_records(self, context: Context) -> Iterable[dict]:
        return self.page_rows(context)

    def key_seconds(self, key: GroupKey) -> float:
        """A group key as Unix seconds."""
        raise NotImplementedError

    def seconds_key(self, seconds: float) -> GroupKey:
        """The group key of a moment."""
        raise NotImplementedError

    def window_cuts(self, context: Context, first_page: list[dict]) -> list[GroupKey]:
        """Keys (newest first) that cut the rest of a long list in windows read at once.

        The pages left are estimated from the time the first page spans, back to where
        the list starts (``since``, or the board's creation); one more window per
        ``WINDOW_MIN_PAGES`` of them, at most ``MAX_EXTRA_WINDOWS``.
        """
        keys = [self.group_key(row) for row in first_page]
        newest, oldest = self.key_seconds(max(keys)), self.key_seconds(min(keys))
        since = self.list_params(context).get("since")
        start = parse_iso(since).timestamp() if since else id_second(context["board_id"])
        if newest <= oldest or start >= oldest:
            return []
        extra = min(
            MAX_EXTRA_WINDOWS, int((oldest - start) / (newest - oldest) // WINDOW_MIN_PAGES)
        )
        step = (oldest - start) / (extra + 1)
        cuts = {self.seconds_key(oldest - step * i) for i in range(1, extra + 1)}
        return sorted((cut for cut in cuts if cut < min(keys)), reverse=True)

    @override
    def request_records(self, context: Context | None) -> Iterator[dict]:
        """The SDK's paging loop, with the next page fetched while this one is emitted.

        A sync's pace is set by Trello's latency and rate limit, and a list's pages form a
        chain (each ``before`` comes from the page just read). So the next page is always
        on its way while rows are emitted, and a long list is cut in time windows paged
        side by side.
        """
        board = t.cast("Context", context)
        fetch = self.request_decorator(self._request)
        with (
            self.get_http_request_counter() as counter,
            ThreadPoolExecutor(1 + MAX_EXTRA_WINDOWS, thread_name_prefix=self.name) as pool,
        ):
            counter.with_context(context)

            def chain(window: dict[str, str]) -> tuple[NewestFirstPaginator, Iterator[list]]:
                pager = self.get_new_paginator()
                pages = self._page_chain(
                    board, pager, window, pool=pool, fetch=fetch, counter=counter
                )
                return pager, pages

            newest_window: dict[str, str] = {}
            newest_pager, newest = chain(newest_window)
            first_page = next(newest)
            yield from first_page
            chains = [newest]
            cuts = [] if newest_pager.finished else self.window_cuts(board, first_page)
            if cuts:
                newest_window["since"] = self.cursor_excluding(cuts[0])
                # A page already on its way may reach below the cut: the next window has it.
                chains = [
                    ([row for row in page if self.group_key(row) > cuts[0]] for page in newest)
                ]
                for upper, lower in zip(cuts, [*cuts[1:], None], strict=True):
                    window = {"before": self.cursor_including(upper)}
                    if lower is not None:
                        window["since"] = self.cursor_excluding(lower)
                    chains.append(chain(window)[1])
            while chains:
                for pages in list(chains):
                    page = next(pages, None)
                    if page is None:
                        chains.remove(pages)
                    else:
                        yield from page

    def _page_chain(  # noqa: PLR0913
        self,
        context: Context,
        pager: NewestFirstPaginator,
        window: dict[str, str],
        *,
        pool: ThreadPoolExecutor,
        fetch: t.Callable[..., requests.Response],
        counter: t.Any,
    ) -> Iterator[list[dict]]:
        """The pages of one ``before`` chain, each next one requested before yielding."""

        def next_request() -> requests.PreparedRequest:
            params = {**self.list_params(context), "limit": PAGE_SIZE, **window}
            if pager.current_value:
                params["before"] = pager.current_value
            return self.build_prepared_request(
                method="GET", url=self.get_url(context), params=params, headers=self.http_headers
            )

        request = next_request()
        pending: Future[requests.Response] | None = pool.submit(fetch, request, context)
        while pending is not None:
            response = pending.result()
            counter.increment()
            self.update_sync_costs(request, response, context)
            rows = self._admit(context, pager, response)
            pager.advance(response)
            pending = None
            if not pager.finished:
                request = next_request()
                pending = pool.submit(fetch, request, context)
            yield rows

    def _admit(
        self, context: Context, pager: NewestFirstPaginator, response: requests.Response
    ) -> list[dict]:
        """The rows of a page not emitted yet, and of its group if it cannot be split."""
        rows = pager.admit(list(self.parse_response(response)))
        if pager.split_key is not None:
            self.logger.info(
                "Board %s: a full page of %s shares one %s; fetching that group apart",
                context["board_id"],
                self.name,
                "second" if isinstance(pager.split_key, int) else "millisecond",
            )
            rows.extend(pager.admit_split(self.split_group(context, pager.split_key)))
        return rows

    @override
    def get_new_paginator(self) -> NewestFirstPaginator:
        return NewestFirstPaginator(
            self.group_key, self.cursor_including, self.cursor_excluding, PAGE_SIZE
        )


class ActionsConsumer(t.Protocol):
    """A stream fed by the action pages: it says which types and how far back."""

    def wanted_action_types(self) -> set[str] | None:
        """Action types it needs (None: all)."""

    def oldest_wanted(self, context: Context | None) -> str | None:
        """Its bookmark or ``start_date``."""


class IncrementalBoardStream(BoardChildStream):
    """A board stream with a per-board bookmark that the SDK keeps for it."""

    is_sorted = False  # newest first, or in no order at all

    def bookmark(self, context: Context | None) -> str | None:
        """The replication value of the last complete run for this board."""
        value = self.get_context_state(context).get("replication_key_value")
        return str(value) if value else None

    def oldest_wanted(self, context: Context | None) -> str | None:
        """Rows at or before this are not wanted: the bookmark, or ``start_date``."""
        start_date = t.cast("TapTrello", self._tap).start_date
        return max(filter(None, (self.bookmark(context), start_date)), default=None)

    def is_new(self, value: str | None, context: Context | None) -> bool:
        """Whether a row whose replication value is ``value`` is still to be emitted."""
        bookmark = self.bookmark(context)
        if bookmark and (value or "") <= bookmark:
            return False
        start_date = t.cast("TapTrello", self._tap).start_date
        return not (start_date and (value or "") < start_date)


class CardsStream(NewestFirstStream, IncrementalBoardStream):
    """Cards of a board, incremental on ``dateLastActivity``.

    Trello has no "changed since" filter for cards, so each run pages every card
    (1000 a call) and emits those active since the board's bookmark. Cards are current
    state: ``start_date`` never filters them.
    """

    name = "cards"
    path = "/boards/{board_id}/cards"
    replication_key = "dateLastActivity"

    def card_params(self) -> dict[str, str]:
        """Parameters shared by every card request."""
        params = {
            "filter": "all" if self.include_closed else "open",
            "customFieldItems": "true",
            "attachments": "true",
        }
        if any(isinstance(stream, CardChecklistStream) for stream in self.derived_streams()):
            params["checklists"] = "all"
        return params

    @override
    def list_params(self, context: Context) -> dict[str, t.Any]:
        return self.card_params()

    @override
    def board_records(self, context: Context) -> Iterator[dict]:
        for card in self.page_rows(context):
            card.pop("checklists", None)  # asked for the checklist streams only
            yield card

    @override
    def group_key(self, row: dict) -> int:
        return id_second(row["id"])

    @override
    def key_seconds(self, key: int) -> float:
        return float(key)

    @override
    def seconds_key(self, seconds: float) -> int:
        return int(seconds)

    @override
    def cursor_including(self, key: int) -> str:
        return second_to_iso(key + 1)

    @override
    def cursor_excluding(self, key: int) -> str:
        return second_to_iso(key)

    @override
    def split_group(self, context: Context, key: int) -> Iterator[dict]:
        # Bulk-created cards sharing one second: read them list by list instead, building
        # only the cards of that second (a list's other cards stay raw bytes).
        board_id = context["board_id"]
        lists = self.fetch(f"/boards/{board_id}/lists", {"filter": "all", "fields": "id"}, context)
        for board_list in lists:
            yield from self.fetch_items(
                f"/lists/{board_list['id']}/cards",
                self.card_params(),
                context,
                keep_id=lambda card_id: id_second(card_id) == key,
            )

    @override
    def post_process(self, row: Record, context: Context | None = None) -> Record | None:
        bookmark = self.bookmark(context)
        if bookmark and (row.get("dateLastActivity") or "") <= bookmark:
            return None
        return row


class ActionsStream(NewestFirstStream, IncrementalBoardStream):
    """Actions of a board, newest first, incremental on ``date``.

    ``since`` asks Trello only for what is newer than the bookmark (or ``start_date``);
    the bookmark is written once the board's actions are all emitted.
    """

    name = "actions"
    path = "/boards/{board_id}/actions"
    replication_key = "date"

    def wanted_action_types(self) -> set[str] | None:
        """The action types this stream emits (None: all)."""
        return set(self.config.get("action_types") or []) or None

    @override
    def list_params(self, context: Context) -> dict[str, t.Any]:
        # One pass serves this stream and the streams derived from it (deleted cards):
        # the union of their action types, from the oldest of their bookmarks.
        consumers = [
            t.cast("ActionsConsumer", stream)
            for stream in (self, *self.derived_streams())
            if stream.selected
        ]
        wanted = [consumer.wanted_action_types() for consumer in consumers]
        every_type = not consumers or any(types is None for types in wanted)
        params: dict[str, t.Any] = {
            "filter": "all" if every_type else ",".join(sorted(set().union(*filter(None, wanted))))
        }
        oldest = [consumer.oldest_wanted(context) for consumer in consumers]
        if oldest and all(oldest):
            # Trello's `since` is exclusive; start_date is inclusive.
            params["since"] = shift_iso(min(t.cast("list[str]", oldest)), -1)
        return params

    @override
    def group_key(self, row: dict) -> str:
        return str(row["date"])

    @override
    def key_seconds(self, key: str) -> float:
        return parse_iso(key).timestamp()

    @override
    def seconds_key(self, seconds: float) -> str:
        return iso_ms(datetime.fromtimestamp(seconds, tz=timezone.utc))

    @override
    def cursor_including(self, key: str) -> str:
        return shift_iso(key, 1)

    @override
    def cursor_excluding(self, key: str) -> str:
        return key

    @override
    def split_group(self, context: Context, key: str) -> Iterator[dict]:
        # More than a page of actions in one millisecond: page through it by number.
        params = self.list_params(context)
        params.update(limit=PAGE_SIZE, before=shift_iso(key, 1), since=shift_iso(key, -1))
        path = f"/boards/{context['board_id']}/actions"
        for page_number in range(1000):
            page = self.fetch(path, {**params, "page": page_number}, context)
            yield from page
            if len(page) < PAGE_SIZE:
                return

    @override
    def post_process(self, row: Record, context: Context | None = None) -> Record | None:
        wanted = self.wanted_action_types()
        if wanted is not None and row["type"] not in wanted:
            return None
        return row if self.is_new(row["date"], context) else None


class DerivedStream(BoardChildStream):
    """Rows found inside another stream's pages: no request of its own.

    When the source stream is selected it runs first for each board and spools these
    rows; otherwise this stream pages the source itself, without emitting it.
    """

    #: The stream whose page rows contain this stream's rows.
    source_name: t.ClassVar[str]

    def derive(self, source_row: dict) -> Iterable[dict]:
        """This stream's rows inside one row of the source."""
        raise NotImplementedError

    @override
    def board_records(self, context: Context) -> Iterable[dict]:
        tap = t.cast("TapTrello", self._tap)
        spool = tap.spools.take(context["board_id"], self.name)
        if spool is None:
            source = t.cast("NewestFirstStream", tap.streams[self.source_name])
            for _ in source.page_rows(context):
                pass
            spool = t.cast("RowSpool", tap.spools.take(context["board_id"], self.name))
        return spool.drain()


class CardChecklistStream(DerivedStream, BoardResourceStream):
    """Checklist objects: from the card pages when those are fetched anyway, else nested.

    A board's checklists in one nested call is the fewest requests, but that answer
    grows with the board. When the card pages are requested for other streams, each
    page brings its cards' checklists (``checklists=all``) at no extra request and in
    bounded memory.
    """

    source_name = "cards"
    nested_params: t.ClassVar[dict[str, str]] = {"checklists": "all"}
    nested_key = "checklists"

    def checklists(self, card: dict) -> list[dict]:
        """The checklists one card page row carries."""
        return card.get("checklists") or []

    @override
    def reads_nested_call(self) -> bool:
        tap = t.cast("TapTrello", self._tap)
        return not any(tap.streams[name].selected for name in CARD_PAGE_STREAMS)

    @override
    def board_records(self, context: Context) -> Iterable[dict]:
        if self.reads_nested_call():
            return self.derive_all(BoardResourceStream.board_records(self, context))
        return DerivedStream.board_records(self, context)

    def derive_all(self, checklists: Iterable[dict]) -> Iterator[dict]:
        """This stream's rows from a board's checklists."""
        yield from self.derive({"checklists": checklists})


class ChecklistsStream(CardChecklistStream):
    """Checklists of a board's cards, with their check items."""

    name = "checklists"

    @override
    def derive(self, source_row: dict) -> Iterator[dict]:
        for checklist in self.checklists(source_row):
            yield {**checklist, "card_id": checklist.get("idCard")}


class CheckItemsStream(CardChecklistStream):
    """The checklists' items, one record each."""

    name = "check_items"

    @override
    def derive(self, source_row: dict) -> Iterator[dict]:
        for checklist in self.checklists(source_row):
            for item in checklist.get("checkItems") or []:
                yield {**item, "checklist_id": checklist["id"], "card_id": checklist.get("idCard")}


class CardCustomFieldItemsStream(DerivedStream):
    """Each card's custom field values, from the card pages (``customFieldItems=true``)."""

    name = "card_custom_field_items"
    source_name = "cards"

    @override
    def derive(self, source_row: dict) -> Iterator[dict]:
        for item in source_row.get("customFieldItems") or []:
            yield {**item, "card_id": source_row["id"]}


class AttachmentsStream(DerivedStream):
    """Each card's attachments (metadata only), from the card pages (``attachments=true``)."""

    name = "attachments"
    source_name = "cards"

    @override
    def derive(self, source_row: dict) -> Iterator[dict]:
        for attachment in source_row.get("attachments") or []:
            yield {**attachment, "card_id": source_row["id"]}


class DeletedCardsStream(DerivedStream, IncrementalBoardStream):
    """Cards deleted from a board, from its ``deleteCard`` actions, so a warehouse can drop them."""

    name = "deleted_cards"
    replication_key = "date_deleted"
    source_name = "actions"
    action_type = "deleteCard"

    def wanted_action_types(self) -> set[str]:
        """Only deletions."""
        return {self.action_type}

    @override
    def derive(self, source_row: dict) -> Iterator[dict]:
        if source_row.get("type") != self.action_type:
            return
        data = source_row.get("data") or {}
        card = data.get("card") or {}
        if "id" not in card:
            return
        yield {
            "id": card["id"],
            "list_id": (data.get("list") or {}).get("id"),
            "idShort": card.get("idShort"),
            "name": card.get("name"),
            "date_deleted": source_row["date"],
            "action_id": source_row["id"],
            "member_creator_id": source_row.get("idMemberCreator"),
        }

    @override
    def post_process(self, row: Record, context: Context | None = None) -> Record | None:
        return row if self.is_new(row["date_deleted"], context) else None


#: Streams whose selection means the card pages are requested anyway.
CARD_PAGE_STREAMS = ("cards", "card_custom_field_items", "attachments")

STREAM_TYPES: tuple[type[TrelloStream], ...] = (
    OrganizationsStream,
    BoardsStream,
    ListsStream,
    LabelsStream,
    MembersStream,
    BoardMembershipsStream,
    CustomFieldsStream,
    CardsStream,
    ChecklistsStream,
    CheckItemsStream,
    CardCustomFieldItemsStream,
    AttachmentsStream,
    ActionsStream,
    DeletedCardsStream,
)
