"""Cards, and what rides in them.

Attachments, custom field items, checklists and their check items, Power-Up data: the
board's nested call, or one page of 1000 cards, brings all of them, so no request is ever
made per card.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.board_plan import OPEN_OR_ALL
from tap_trello.mirror import is_deletion
from tap_trello.paging import IdSecond
from tap_trello.schemas import (
    ATTACHMENTS,
    CARD_CUSTOM_FIELD_ITEMS,
    CARDS,
    CHECK_ITEMS,
    CHECKLISTS,
    PLUGIN_DATA_ENTRIES,
)
from tap_trello.streams.base import BoardChildStream, IncrementalBoardStream, Row

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from singer_sdk.helpers.types import Context, Record


class CardsStream(IncrementalBoardStream):
    """Cards of a board, incremental on ``dateLastActivity``.

    In the board's nested call when Trello answers them whole, else paged
    (``/boards/{id}/cards``, 1000 a call, by id: ``before`` is compared at the id's
    second). Trello has no "changed since" filter for card pages, so a paged board reads
    every card and emits those active since the board's bookmark. Cards are current
    state: ``start_date`` never filters them.
    """

    name = "cards"
    object_schema = CARDS
    path = "/boards/{board_id}/cards"
    replication_key = "dateLastActivity"
    grain = IdSecond()  # ``before`` compared at the id's second
    carries_deletions = True  # deleted, or moved to a board the token cannot see
    nested_params: t.ClassVar[Mapping[str, str]] = {
        "cards": OPEN_OR_ALL,
        "card_customFieldItems": "true",
        "card_attachments": "true",
    }
    page_params: t.ClassVar[Mapping[str, str]] = {
        "filter": OPEN_OR_ALL,
        "customFieldItems": "true",
        "attachments": "true",
    }
    riders = ("checklists", "pluginData")

    @override
    def post_process(self, row: Record, context: Context | None = None) -> Record | None:
        if is_deletion(row) or self.reads_whole(context):
            return row  # a whole read sends every card: see mirror.py
        bookmark = self.bookmark(context)
        if bookmark and (row.get("dateLastActivity") or "") <= bookmark:
            return None
        return row


class CardPartStream(BoardChildStream):
    """Objects each card carries in one list field, each with its ``card_id``."""

    source_name = "cards"

    @override
    @classmethod
    def derive(cls, source_row: Row) -> Iterator[Row]:
        for part in source_row.get(cls.rides_in) or []:
            yield {**part, "card_id": source_row["id"]}


class CardCustomFieldItemsStream(CardPartStream):
    """Each card's custom field values (``customFieldItems=true`` on the cards)."""

    name = "card_custom_field_items"
    object_schema = CARD_CUSTOM_FIELD_ITEMS
    rides_in = "customFieldItems"
    carries_deletions = True  # a value cleared


class AttachmentsStream(CardPartStream):
    """Each card's attachments (metadata only; ``attachments=true`` on the cards)."""

    name = "attachments"
    object_schema = ATTACHMENTS
    rides_in = "attachments"


class CardChecklistStream(BoardChildStream):
    """Checklist objects: from the board's nested call, or its card pages when paged.

    The nested call's ``checklists=all`` brings them with the board's cards. When Trello
    refuses a big board's cards in one answer, the card pages that replace it bring their
    cards' checklists (``checklists=all`` on each page) at no extra request and in bounded
    memory. Selected alone, they never make the cards be read.
    """

    source_name = "cards"
    rides_in = "checklists"
    nested_params: t.ClassVar[Mapping[str, str]] = {"checklists": "all"}
    nested_key = "checklists"
    page_params: t.ClassVar[Mapping[str, str]] = {"checklists": "all"}
    nested_or_source = True
    reads_source_alone = False


class ChecklistsStream(CardChecklistStream):
    """Checklists of a board's cards, with their check items."""

    name = "checklists"
    object_schema = CHECKLISTS
    carries_deletions = True  # removed from its card

    @override
    @classmethod
    def derive(cls, source_row: Row) -> Iterator[Row]:
        for checklist in source_row.get(cls.rides_in) or []:
            yield {**checklist, "card_id": checklist.get("idCard")}


class CheckItemsStream(CardChecklistStream):
    """The checklists' items, one record each."""

    name = "check_items"
    object_schema = CHECK_ITEMS

    @override
    @classmethod
    def derive(cls, source_row: Row) -> Iterator[Row]:
        for checklist in source_row.get(cls.rides_in) or []:
            for item in checklist.get("checkItems") or []:
                yield {**item, "checklist_id": checklist["id"], "card_id": checklist.get("idCard")}


class PluginDataStream(BoardChildStream):
    """Power-Up data of a board and of its cards (``pluginData``), one row per entry.

    The board's own entries come in its nested call (``pluginData=true``), its cards'
    with the cards (``card_pluginData=true`` nested, ``pluginData=true`` on card pages):
    no request of its own. A changed card's entries come with it.
    """

    name = "plugin_data"
    object_schema = PLUGIN_DATA_ENTRIES
    nested_params: t.ClassVar[Mapping[str, str]] = {"pluginData": "true"}
    nested_key = "pluginData"
    source_name = "cards"
    rides_in = "pluginData"
    source_nested_params: t.ClassVar[Mapping[str, str]] = {"card_pluginData": "true"}
    page_params: t.ClassVar[Mapping[str, str]] = {"pluginData": "true"}

    @override
    @classmethod
    def derive(cls, source_row: Row) -> Iterator[Row]:
        for entry in source_row.get(cls.rides_in) or []:
            on_card = entry.get("scope") == "card"
            yield {**entry, "card_id": entry.get("idModel") if on_card else None}
