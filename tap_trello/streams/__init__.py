"""Every Trello stream, by domain, and the one registry the tap discovers from.

- ``workspace``: organizations, and boards (the parent of every board stream);
- ``organization``: each workspace's members, memberships and feed;
- ``board``: what the nested board call brings (lists, labels, custom fields,
  memberships, members);
- ``cards``: cards and what rides in them (attachments, custom field items, checklists,
  check items, Power-Up data);
- ``actions``: actions and the deleted cards found in them;
- ``base``: the board stream's declarations, and the incremental shapes.

The order is the order streams are synced in; nothing depends on it (a board's read
hands each stream its rows whichever asks first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap_trello.streams.actions import ActionsStream, DeletedCardsStream
from tap_trello.streams.board import (
    BoardMembershipsStream,
    CustomFieldsStream,
    LabelsStream,
    ListsStream,
    MembersStream,
)
from tap_trello.streams.cards import (
    AttachmentsStream,
    CardCustomFieldItemsStream,
    CardsStream,
    CheckItemsStream,
    ChecklistsStream,
    PluginDataStream,
)
from tap_trello.streams.organization import (
    OrganizationActionsStream,
    OrganizationMembershipsStream,
    OrganizationMembersStream,
)
from tap_trello.streams.workspace import BoardsStream, OrganizationsStream

if TYPE_CHECKING:
    from tap_trello.streams.base import BoardChildStream

#: Every stream, in the order they are synced.
STREAM_TYPES = (
    OrganizationsStream,
    OrganizationMembersStream,
    OrganizationMembershipsStream,
    OrganizationActionsStream,
    BoardsStream,
    ActionsStream,
    DeletedCardsStream,
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
    PluginDataStream,
)

#: The streams synced once per board: what a run's board plan is made of.
BOARD_STREAM_TYPES: tuple[type[BoardChildStream], ...] = STREAM_TYPES[5:]

__all__ = ["BOARD_STREAM_TYPES", "STREAM_TYPES"]
