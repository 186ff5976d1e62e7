"""Actions, newest first, and the cards they say were deleted."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.answers import decode_items
from tap_trello.mirror import ANNOUNCED_STREAMS, ANNOUNCING_TYPES
from tap_trello.paging import PAGE_SIZE, DateSecond
from tap_trello.streams.base import (
    DerivedStream,
    IncrementalBoardStream,
    IncrementalStream,
    NewestFirstPages,
    NewestFirstStream,
    Row,
)
from tap_trello.timestamps import parse_iso, second_to_iso, shift_iso

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from singer_sdk.helpers.types import Context, Record


def since_covering(moment: str | int) -> str:
    """A ``since`` that keeps everything from the second of ``moment`` on.

    ``since`` is exclusive and may be compared at whole seconds: one millisecond before
    that second keeps it under both rules. What it brings again is dropped by the
    bookmark check.
    """
    second = moment if isinstance(moment, int) else int(parse_iso(moment).timestamp())
    return shift_iso(second_to_iso(second), -1)


class ActionsConsumer(t.Protocol):
    """A stream fed by the action pages: it says which types and how far back."""

    def wanted_action_types(self) -> set[str] | None:
        """Action types it needs (None: all)."""

    def oldest_wanted(self, context: Context | None) -> str | None:
        """Its bookmark or ``start_date``."""

    def bookmark(self, context: Context | None) -> str | None:
        """Its bookmark for the board (None: never synced)."""


class ActionFeed(NewestFirstPages, IncrementalStream):
    """A feed of actions (a board's, a workspace's), newest first, incremental on ``date``.

    ``since`` asks Trello only for what is newer than the bookmark (or ``start_date``);
    the bookmark is written once the partition's actions are all emitted. One paging
    code for every feed (:class:`NewestFirstPages`).
    """

    replication_key = "date"
    grain = DateSecond()
    is_history = True

    def consumers(self, context: Context) -> list[ActionsConsumer]:  # noqa: ARG002
        """The selected streams the feed's pages serve (this one, and any found inside)."""
        return [t.cast("ActionsConsumer", self)] if self.selected else []

    def wanted_action_types(self) -> set[str] | None:
        """The action types this stream emits (None: all)."""
        return set(self.settings.action_types) or None

    def extra_action_types(self) -> set[str]:
        """Types read besides the consumers', when they narrow the filter."""
        return set()

    @override
    def list_params(self, context: Context) -> dict[str, t.Any]:
        # One pass serves every consumer: the union of their action types, from the
        # oldest of their bookmarks.
        consumers = self.consumers(context)
        wanted = [consumer.wanted_action_types() for consumer in consumers]
        every_type = not consumers or any(types is None for types in wanted)
        if not every_type:
            wanted.append(self.extra_action_types())
        params: dict[str, t.Any] = {
            "filter": "all" if every_type else ",".join(sorted(set().union(*filter(None, wanted))))
        }
        oldest = [consumer.oldest_wanted(context) for consumer in consumers]
        if oldest and all(oldest):
            params["since"] = since_covering(min(t.cast("list[str]", oldest)))
        return params

    @override
    def split_group(self, context: Context, key: int) -> Iterator[Row]:
        # More than a page of actions in one second: page through it by number.
        params = self.list_params(context)
        params.update(limit=PAGE_SIZE, before=self.grain.including(key), since=since_covering(key))
        path = self.path.format(**context)
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


class ActionsStream(ActionFeed, NewestFirstStream, IncrementalBoardStream):
    """Actions of a board (``/boards/{id}/actions``), newest first, incremental on ``date``."""

    name = "actions"
    path = "/boards/{board_id}/actions"

    @override
    def consumers(self, context: Context) -> list[ActionsConsumer]:
        """The selected streams the action pages feed: this one, deleted cards."""
        return [
            t.cast("ActionsConsumer", stream)
            for stream in (self, *self.derived_streams(context["board_id"]))
            if stream.selected
        ]

    @override
    def extra_action_types(self) -> set[str]:
        # The deletions the objects' streams need, announced in the feed.
        if any(self.run.selected(name) for name in ANNOUNCED_STREAMS):
            return set(ANNOUNCING_TYPES)
        return set()

    @override
    def comes_nested(self, board_id: str) -> bool:
        return self.is_read()

    @override
    def nested_board_params(self, board_id: str) -> dict[str, str]:
        """The board's newest 1000 actions since the bookmark, in its nested call."""
        if not self.comes_nested(board_id):
            return {}
        params = self.list_params({"board_id": board_id})
        nested = {"actions": params["filter"], "actions_limit": str(PAGE_SIZE)}
        if "since" in params:
            nested["actions_since"] = params["since"]
        return nested

    @override
    def nested_rows(self, context: Context) -> Iterable[Row] | None:
        actions = self.run.board(context["board_id"]).part(self, "actions")
        if actions is None or len(actions) >= PAGE_SIZE:
            return None  # more than the nested call brings: the pages read them all
        return decode_items(actions)

    @override
    def page_observer(self, context: Context) -> Callable[[Row], None]:
        # Read before the objects' streams, which send what the feed announced deleted:
        # only what is newer than the last sync read (a board read from its beginning
        # announces nothing: the run's version covers it).
        bookmarks = [c.bookmark(context) for c in self.consumers(context)]
        after = max(filter(None, bookmarks), default=None)
        return self.run.feeds.start(context["board_id"], after=after).observe


class DeletedCardsStream(DerivedStream, IncrementalBoardStream):
    """Cards deleted from a board, from its ``deleteCard`` actions.

    So a warehouse can drop them; incremental on the deletion date.
    """

    name = "deleted_cards"
    replication_key = "date_deleted"
    is_history = True
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
