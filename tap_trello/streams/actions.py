"""Actions, newest first, and the cards they say were deleted."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.paging import PAGE_SIZE, DateMillisecond
from tap_trello.streams.base import DerivedStream, IncrementalBoardStream, NewestFirstStream, Row
from tap_trello.timestamps import shift_iso

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from singer_sdk.helpers.types import Context, Record


class ActionsConsumer(t.Protocol):
    """A stream fed by the action pages: it says which types and how far back."""

    def wanted_action_types(self) -> set[str] | None:
        """Action types it needs (None: all)."""

    def oldest_wanted(self, context: Context | None) -> str | None:
        """Its bookmark or ``start_date``."""


class ActionsStream(NewestFirstStream, IncrementalBoardStream):
    """Actions of a board (``/boards/{id}/actions``), newest first, incremental on ``date``.

    ``since`` asks Trello only for what is newer than the bookmark (or ``start_date``);
    the bookmark is written once the board's actions are all emitted.
    """

    name = "actions"
    path = "/boards/{board_id}/actions"
    replication_key = "date"
    grain = DateMillisecond()

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
    def split_group(self, context: Context, key: str) -> Iterator[Row]:
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


class DeletedCardsStream(DerivedStream, IncrementalBoardStream):
    """Cards deleted from a board, from its ``deleteCard`` actions.

    So a warehouse can drop them; incremental on the deletion date.
    """

    name = "deleted_cards"
    replication_key = "date_deleted"
    source_name = "actions"
    action_type = "deleteCard"

    def wanted_action_types(self) -> set[str]:
        """Only deletions."""
        return {self.action_type}

    @override
    def derive(self, source_row: Row) -> Iterator[Row]:
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
