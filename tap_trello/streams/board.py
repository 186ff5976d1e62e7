"""The objects that come with a board's one nested call (``/boards/{id}?…``).

Lists, labels, custom fields, memberships and members: each declares the parameters it
adds to the call and the key of the answer that holds its rows; full table, per board.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.board_plan import OPEN_OR_ALL
from tap_trello.schemas import BOARD_MEMBERSHIPS, CUSTOM_FIELDS, LABELS, LISTS, MEMBERS
from tap_trello.streams.base import BoardChildStream

if t.TYPE_CHECKING:
    from collections.abc import Mapping

    from singer_sdk.helpers.types import Context, Record


class ListsStream(BoardChildStream):
    """Lists of a board (``lists=all``).

    Archived ones are included unless ``include_closed`` is false.
    """

    name = "lists"
    object_schema = LISTS
    nested_params: t.ClassVar[Mapping[str, str]] = {"lists": OPEN_OR_ALL}
    nested_key = "lists"
    carries_deletions = True  # a list moved to a board the token cannot see


class LabelsStream(BoardChildStream):
    """Labels of a board (Trello's default of 50 is lifted)."""

    name = "labels"
    object_schema = LABELS
    nested_params: t.ClassVar[Mapping[str, str]] = {"labels": "all", "labels_limit": "1000"}
    nested_key = "labels"


class CustomFieldsStream(BoardChildStream):
    """Custom field definitions of a board, with their options."""

    name = "custom_fields"
    object_schema = CUSTOM_FIELDS
    nested_params: t.ClassVar[Mapping[str, str]] = {"customFields": "true"}
    nested_key = "customFields"


class BoardMembershipsStream(BoardChildStream):
    """Who is on a board and as what (admin, normal, observer), deactivated or not."""

    name = "board_memberships"
    object_schema = BOARD_MEMBERSHIPS
    nested_params: t.ClassVar[Mapping[str, str]] = {"memberships": "all"}
    nested_key = "memberships"


class MembersStream(BoardChildStream):
    """Members of the boards (nested call: ``members=all``).

    Each is emitted once per run, however many boards share them.
    """

    name = "members"
    object_schema = MEMBERS
    # Members are not per board: no board_id, and no per-board state.
    state_partitioning_keys: t.ClassVar[list[str]] = []
    nested_params: t.ClassVar[Mapping[str, str]] = {"members": "all", "member_fields": "all"}
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
