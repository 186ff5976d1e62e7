"""Cards, and what rides in the card pages.

Attachments, custom field items, checklists and their check items: one page of 1000
cards brings all of them, so no request is ever made per card.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.answers import decode_items
from tap_trello.mirror import is_deletion
from tap_trello.paging import IdSecond
from tap_trello.streams.base import (
    DerivedStream,
    IncrementalBoardStream,
    NewestFirstStream,
    Row,
)
from tap_trello.timestamps import shift_iso

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from singer_sdk.helpers.types import Context, Record

#: Streams whose selection means the card pages are requested anyway.
CARD_PAGE_STREAMS = ("cards", "card_custom_field_items", "attachments")


class CardsStream(NewestFirstStream, IncrementalBoardStream):
    """Cards of a board (``/boards/{id}/cards``), incremental on ``dateLastActivity``.

    Trello has no "changed since" filter for cards, so each run pages every card
    (1000 a call, by id: ``before`` is compared at the id's second) and emits those
    active since the board's bookmark. Cards are current state: ``start_date`` never
    filters them.
    """

    name = "cards"
    path = "/boards/{board_id}/cards"
    replication_key = "dateLastActivity"
    grain = IdSecond()

    def card_params(self, board_id: str) -> dict[str, str]:
        """Parameters shared by every card page request."""
        params = {
            "filter": "all" if self.include_closed else "open",
            "customFieldItems": "true",
            "attachments": "true",
        }
        derived = self.derived_streams(board_id)
        if any(isinstance(stream, CardChecklistStream) for stream in derived):
            params["checklists"] = "all"
        return params

    @override
    def list_params(self, context: Context) -> dict[str, t.Any]:
        return self.card_params(context["board_id"])

    @override
    def is_read(self) -> bool:
        # Checklists alone come from the board's nested ``checklists=all``, not the cards.
        return any(self.run.selected(name) for name in CARD_PAGE_STREAMS)

    @override
    def comes_nested(self, board_id: str) -> bool:
        return self.is_read() and board_id not in self.run.cards_refused

    @override
    def nested_board_params(self, board_id: str) -> dict[str, str]:
        """The board's cards in its nested call: unpaged, with what rides on them.

        A board read for what changed asks only the cards active since its bookmark, a
        second early (Trello's comparison is undocumented); a miss is caught by the next
        whole read (``rescan_after_hours``).
        """
        if not self.comes_nested(board_id):
            return {}
        params = {
            "cards": "all" if self.include_closed else "open",
            "card_customFieldItems": "true",
            "card_attachments": "true",
        }
        bookmark = self.bookmark({"board_id": board_id})
        if bookmark and not self.run.reads_whole(board_id):
            params["card_modifiedSince"] = shift_iso(bookmark, -1000)
        return params

    @override
    def nested_rows(self, context: Context) -> Iterable[Row] | None:
        if not self.comes_nested(context["board_id"]):
            return None
        cards = self.run.board(context["board_id"]).part(self, "cards")
        if cards is None or context["board_id"] in self.run.cards_refused:
            return None  # refused just now: paged
        return decode_items(cards)

    @override
    def board_records(self, context: Context) -> Iterator[Row]:
        for card in self.page_rows(context):
            card.pop("checklists", None)  # asked for the checklist streams only
            yield card

    @override
    def split_group(self, context: Context, key: int) -> Iterator[Row]:
        # Bulk-created cards sharing one second: read them list by list instead, building
        # only the cards of that second (a list's other cards stay raw bytes).
        board_id = context["board_id"]
        lists = self.run.nested_lists(self, context)
        if lists is None:
            lists = self.fetch(
                f"/boards/{board_id}/lists", {"filter": "all", "fields": "id"}, context
            )
        for board_list in lists:
            yield from self.fetch_items(
                f"/lists/{board_list['id']}/cards",
                self.card_params(board_id),
                context,
                keep_id=lambda card_id: self.grain.key({"id": card_id}) == key,
            )

    @override
    def post_process(self, row: Record, context: Context | None = None) -> Record | None:
        if is_deletion(row) or self.run.reads_whole(t.cast("Context", context)["board_id"]):
            return row  # a whole read sends every card: see mirror.py
        bookmark = self.bookmark(context)
        if bookmark and (row.get("dateLastActivity") or "") <= bookmark:
            return None
        return row


class CardPartStream(DerivedStream):
    """Objects each card page row carries in one list field, each with its ``card_id``."""

    source_name = "cards"
    #: The card field that holds them (asked for by :meth:`CardsStream.card_params`).
    card_field: t.ClassVar[str]

    @override
    def derive(self, source_row: Row) -> Iterator[Row]:
        for part in source_row.get(self.card_field) or []:
            yield {**part, "card_id": source_row["id"]}


class CardCustomFieldItemsStream(CardPartStream):
    """Each card's custom field values, from the card pages (``customFieldItems=true``)."""

    name = "card_custom_field_items"
    card_field = "customFieldItems"


class AttachmentsStream(CardPartStream):
    """Each card's attachments (metadata only), from the card pages (``attachments=true``)."""

    name = "attachments"
    card_field = "attachments"


class CardChecklistStream(DerivedStream):
    """Checklist objects: from the board's nested call, or its card pages when paged.

    The nested call's ``checklists=all`` brings them with the board's cards. When Trello
    refuses a big board's cards in one answer, the card pages that replace it bring their
    cards' checklists (``checklists=all`` on each page) at no extra request and in bounded
    memory.
    """

    source_name = "cards"
    #: When it reads the board's nested call itself (no other stream does), as that call.
    path = "/boards/{board_id}"

    def checklists(self, card: Row) -> list[Row]:
        """The checklists one card page row carries."""
        return card.get("checklists") or []

    def reads_nested_call(self, board_id: str) -> bool:
        """Whether the board's checklists come from its nested call (``checklists=all``)."""
        # The board's cards and checklists come in one nested call, unless Trello refused
        # the cards there: then each card page brings its cards' checklists.
        card_pages = any(self.run.selected(name) for name in CARD_PAGE_STREAMS)
        return not card_pages or board_id not in self.run.cards_refused

    @override
    def reads_source(self, board_id: str) -> bool:
        return not self.reads_nested_call(board_id)

    @override
    def nested_board_params(self, board_id: str) -> dict[str, str]:
        wanted = self.selected and self.reads_nested_call(board_id)
        return {"checklists": "all"} if wanted else {}

    @override
    def board_records(self, context: Context) -> Iterable[Row]:
        if self.reads_nested_call(context["board_id"]):
            board = self.run.board(context["board_id"])
            return self.derive({"checklists": board.objects(self, "checklists")})
        return super().board_records(context)


class ChecklistsStream(CardChecklistStream):
    """Checklists of a board's cards, with their check items."""

    name = "checklists"

    @override
    def derive(self, source_row: Row) -> Iterator[Row]:
        for checklist in self.checklists(source_row):
            yield {**checklist, "card_id": checklist.get("idCard")}


class CheckItemsStream(CardChecklistStream):
    """The checklists' items, one record each."""

    name = "check_items"

    @override
    def derive(self, source_row: Row) -> Iterator[Row]:
        for checklist in self.checklists(source_row):
            for item in checklist.get("checkItems") or []:
                yield {**item, "checklist_id": checklist["id"], "card_id": checklist.get("idCard")}
