"""Actions, newest first, and the cards they say were deleted."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.list_read import ListRead, one_second_of_actions, read_newest_first
from tap_trello.paging import DateSecond, since_covering
from tap_trello.schemas import ACTIONS, DELETED_CARDS
from tap_trello.streams.base import IncrementalBoardStream, IncrementalStream, Row
from tap_trello.timestamps import id_second, parse_iso

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from singer_sdk.helpers.types import Context, Record


class ActionHistory(IncrementalStream):
    """Actions, incremental on ``date``: a run emits only what is new, of the wanted types."""

    replication_key = "date"
    is_history = True

    @override
    def post_process(self, row: Record, context: Context | None = None) -> Record | None:
        wanted = self.settings.action_types
        if wanted and row["type"] not in wanted:
            return None
        return row if self.is_new(row["date"], context) else None


class ActionsStream(ActionHistory, IncrementalBoardStream):
    """Actions of a board (``/boards/{id}/actions``), newest first, incremental on ``date``.

    Its newest 1000 since the bookmark come in the board's nested call; a board with more
    has them all paged (the board's read: :mod:`tap_trello.board_read`).
    """

    name = "actions"
    object_schema = ACTIONS
    path = "/boards/{board_id}/actions"
    grain = DateSecond()  # ``before``/``since`` dates: whole seconds keep both rules right


class ActionFeed(ActionHistory):
    """An action feed a stream pages itself (a workspace's), by the boards' paging code.

    ``since`` asks Trello only for what is newer than the bookmark (or ``start_date``);
    the bookmark is written once the partition's actions are all emitted.
    """

    #: The context key of the object whose feed this is (``organization_id``).
    owner_key: t.ClassVar[str]
    #: How log lines name that object.
    owner_label: t.ClassVar[str]

    def feed_params(self, context: Context) -> dict[str, t.Any]:
        """The feed's filter and ``since``."""
        params: dict[str, t.Any] = {"filter": ",".join(sorted(self.settings.action_types)) or "all"}
        oldest = self.oldest_wanted(context)
        if oldest:
            params["since"] = since_covering(oldest)
        return params

    def feed_rows(self, context: Context | None) -> Iterator[Row]:
        """Every new action of the feed, paged newest first."""
        owner = t.cast("Context", context)
        path = self.path.format(**owner)
        params = self.feed_params(owner)
        since = params.get("since")
        read = ListRead(
            path=path,
            params=params,
            context=owner,
            grain=DateSecond(),
            start_seconds=parse_iso(since).timestamp()
            if since
            else id_second(owner[self.owner_key]),
            split_group=lambda second: one_second_of_actions(self, path, params, owner, second),
            label=f"{self.owner_label} {owner[self.owner_key]}: {self.name}",
        )
        return read_newest_first(self, read)


class DeletedCardsStream(IncrementalBoardStream):
    """Cards deleted from a board, from its ``deleteCard`` actions.

    So a warehouse can drop them; incremental on the deletion date.
    """

    name = "deleted_cards"
    object_schema = DELETED_CARDS
    replication_key = "date_deleted"
    is_history = True
    source_name = "actions"
    source_filter = frozenset({"deleteCard"})

    @override
    @classmethod
    def derive(cls, source_row: Row) -> Iterator[Row]:
        if source_row.get("type") != "deleteCard":
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
