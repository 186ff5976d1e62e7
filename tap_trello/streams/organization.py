"""What each workspace the run syncs holds besides its boards: people and its own feed.

Synced once per workspace the organizations stream emits (every workspace the token
sees, or ``organization_ids``); a ``board_ids``-only run is about boards and reads none.
Not selected unless the catalog (Meltano's ``select``) asks for them.
Members and memberships come from one nested call per workspace (with ``organization_ids``,
the call that reads the workspace itself); the feed is paged by the boards' paging code.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_trello.answers import decode_items
from tap_trello.client import TrelloStream
from tap_trello.errors import WorkspaceUnavailableError
from tap_trello.schemas import (
    ORGANIZATION_ACTIONS,
    ORGANIZATION_MEMBERS,
    ORGANIZATION_MEMBERSHIPS,
)
from tap_trello.streams.actions import ActionFeed
from tap_trello.streams.workspace import OrganizationsStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from singer_sdk.helpers.types import Context

Row: t.TypeAlias = dict[str, t.Any]


class WorkspaceChildStream(TrelloStream):
    """A stream synced once per workspace; its state is partitioned by workspace id only."""

    parent_stream_type = OrganizationsStream
    state_partitioning_keys: t.ClassVar[list[str]] = ["organization_id"]
    # Opt-in: seat audits are a question of their own, and each costs a request per
    # workspace every run (the quiet hourly run stays at two requests).
    selected_by_default = False

    @override
    def preprocess_context(self, context: Context) -> Context:
        return {"organization_id": context["organization_id"]}

    @property
    def workspaces(self) -> OrganizationsStream:
        """The parent stream, which reads each workspace and remembers what vanished."""
        return t.cast("OrganizationsStream", self._tap.streams["organizations"])

    @override
    def get_records(self, context: Context | None) -> Iterable[Row]:
        organization_id = t.cast("Context", context)["organization_id"]
        try:
            yield from self.known_fields(self.workspace_rows(organization_id, context))
        except WorkspaceUnavailableError as exc:
            self.workspaces.unavailable.add(organization_id)
            self.logger.warning("%s; skipping its %s", exc, self.name)
            # Keep the workspace's previous bookmark: its rows were not all emitted.
            self.get_context_state(context).pop("progress_markers", None)

    def workspace_rows(self, organization_id: str, context: Context | None) -> Iterable[Row]:
        """The rows of one workspace."""
        raise NotImplementedError


class WorkspacePeopleStream(WorkspaceChildStream):
    """Who belongs to a workspace: one row per workspace and person, full table."""

    primary_keys: t.ClassVar[tuple[str, ...]] = ("organization_id", "id")
    path = "/organizations/{organization_id}"

    @override
    def workspace_rows(self, organization_id: str, context: Context | None) -> Iterable[Row]:
        return decode_items(self.workspaces.people(organization_id, self.nested_key))


class OrganizationMembersStream(WorkspacePeopleStream):
    """Members of each workspace, on a board or not (``members=all&member_fields=all``)."""

    name = "organization_members"
    object_schema = ORGANIZATION_MEMBERS
    nested_params: t.ClassVar[Mapping[str, str]] = {"members": "all", "member_fields": "all"}
    nested_key = "members"


class OrganizationMembershipsStream(WorkspacePeopleStream):
    """Each workspace's memberships: admin or normal, unconfirmed, deactivated, last active."""

    name = "organization_memberships"
    object_schema = ORGANIZATION_MEMBERSHIPS
    nested_params: t.ClassVar[Mapping[str, str]] = {"memberships": "all"}
    nested_key = "memberships"


class OrganizationActionsStream(ActionFeed, WorkspaceChildStream):
    """A workspace's own feed: members added or removed, boards moved in or out, admins made.

    Newest first, 1000 a call, incremental per workspace on ``date``.
    """

    name = "organization_actions"
    object_schema = ORGANIZATION_ACTIONS
    path = "/organizations/{organization_id}/actions"
    owner_key = "organization_id"
    owner_label = "Workspace"

    @override
    def workspace_rows(self, organization_id: str, context: Context | None) -> Iterable[Row]:
        return self.feed_rows(context)
