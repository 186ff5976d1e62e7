"""Every Trello stream, by domain, and the one registry the tap discovers from.

- ``workspace``: organizations, boards (the parent of every board stream), members;
- ``board``: what the nested board call brings (lists, labels, custom fields, memberships);
- ``cards``: cards and what rides in their pages (attachments, custom field items,
  checklists, check items);
- ``actions``: actions and the deleted cards found in them;
- ``base``: the shapes they share (per-board child, nested call, paged, derived).
"""

from __future__ import annotations

from tap_trello.streams.actions import ActionsStream, DeletedCardsStream
from tap_trello.streams.base import BoardChildStream
from tap_trello.streams.board import (
    BoardMembershipsStream,
    CustomFieldsStream,
    LabelsStream,
    ListsStream,
)
from tap_trello.streams.cards import (
    AttachmentsStream,
    CardCustomFieldItemsStream,
    CardsStream,
    CheckItemsStream,
    ChecklistsStream,
)
from tap_trello.streams.workspace import BoardsStream, MembersStream, OrganizationsStream

# Every board stream is synced once per board the boards stream emits (wired here, as
# the boards stream lives with the workspace streams that also build on the bases).
BoardChildStream.parent_stream_type = BoardsStream

#: The streams in the order they are synced (a source before the streams it feeds).
#: A board's actions come first: their feed says what the objects' streams send as deleted.
STREAM_TYPES = (
    OrganizationsStream,
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
)

__all__ = ["STREAM_TYPES"]
