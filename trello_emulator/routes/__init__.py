"""The Trello endpoints the emulator answers, one handler each (like moto's ``urls.py``).

Every handler is ``handler(api, request, **path_arguments) -> bytes`` (a JSON body) and
raises :class:`~trello_emulator.routes.params.ApiError` to refuse. The HTTP layer
(:mod:`trello_emulator.server`) matches the path, checks the credentials and the rate
limit, then calls the handler under the workspace's lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import get_board_actions, get_organization_actions
from .api import TrelloApi
from .boards import (
    get_board,
    get_board_checklists,
    get_board_custom_fields,
    get_board_labels,
    get_board_lists,
    get_board_members,
    get_board_memberships,
    get_board_plugin_data,
    get_list,
)
from .cards import (
    get_board_cards,
    get_card,
    get_card_attachments,
    get_card_custom_field_items,
    get_card_plugin_data,
    get_list_cards,
)
from .members import get_member, get_member_boards, get_member_organizations
from .organizations import (
    get_organization,
    get_organization_boards,
    get_organization_members,
    get_organization_memberships,
)
from .params import ApiError

if TYPE_CHECKING:
    from collections.abc import Callable

URLS: list[tuple[str, Callable[..., bytes]]] = [
    ("/1/members/<mid>", get_member),
    ("/1/members/<mid>/boards", get_member_boards),
    ("/1/members/<mid>/organizations", get_member_organizations),
    ("/1/organizations/<oid>/boards", get_organization_boards),
    ("/1/organizations/<oid>", get_organization),
    ("/1/organizations/<oid>/members", get_organization_members),
    ("/1/organizations/<oid>/memberships", get_organization_memberships),
    ("/1/organizations/<oid>/actions", get_organization_actions),
    ("/1/boards/<bid>", get_board),
    ("/1/boards/<bid>/cards", get_board_cards),
    ("/1/boards/<bid>/cards/<filt>", get_board_cards),
    ("/1/boards/<bid>/lists", get_board_lists),
    ("/1/boards/<bid>/labels", get_board_labels),
    ("/1/boards/<bid>/members", get_board_members),
    ("/1/boards/<bid>/memberships", get_board_memberships),
    ("/1/boards/<bid>/checklists", get_board_checklists),
    ("/1/boards/<bid>/customFields", get_board_custom_fields),
    ("/1/boards/<bid>/actions", get_board_actions),
    ("/1/boards/<bid>/pluginData", get_board_plugin_data),
    ("/1/lists/<lid>", get_list),
    ("/1/lists/<lid>/cards", get_list_cards),
    ("/1/cards/<cid>", get_card),
    ("/1/cards/<cid>/attachments", get_card_attachments),
    ("/1/cards/<cid>/customFieldItems", get_card_custom_field_items),
    ("/1/cards/<cid>/pluginData", get_card_plugin_data),
]
"""Path pattern (werkzeug syntax) -> handler."""

__all__ = ["URLS", "ApiError", "TrelloApi"]
