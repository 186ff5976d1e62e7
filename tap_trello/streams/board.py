"""The objects that come with a board's one nested call (``/boards/{id}?…``).

Lists, labels, custom fields and memberships: each names the parameters it adds to the
call and the key of the answer that holds its rows; full table, per board.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.streams.base import BoardResourceStream


class ListsStream(BoardResourceStream):
    """Lists of a board (``lists=all``).

    Archived ones are included unless ``include_closed`` is false.
    """

    name = "lists"
    nested_key = "lists"

    @override
    def nested_board_params(self, board_id: str) -> dict[str, str]:
        return {"lists": "all" if self.include_closed else "open"} if self.selected else {}


class LabelsStream(BoardResourceStream):
    """Labels of a board (Trello's default of 50 is lifted)."""

    name = "labels"
    nested_params: t.ClassVar[dict[str, str]] = {"labels": "all", "labels_limit": "1000"}
    nested_key = "labels"


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
