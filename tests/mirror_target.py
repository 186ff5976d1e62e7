"""A warehouse in memory that applies a tap's messages as MeltanoLabs target-postgres 0.8 does.

Upsert by key, with the SDK's record metadata (``sinks/core.py``): ``_sdc_table_version``
is the RECORD's ``version``, ``_sdc_deleted_at`` the record's own (null on a live record, so
a later live record revives a deleted row). ACTIVATE_VERSION v marks every row of that
stream whose version is below v or null (``target_postgres/sinks.py``, ``activate_version``:
soft delete sets ``_sdc_deleted_at`` where it is still null; ``hard_delete`` deletes).
And what Trello holds, read straight from the emulator's model, to compare live rows with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

if TYPE_CHECKING:
    from tests.helpers import SyncResult
    from trello_emulator import Workspace


@dataclass
class MirrorTarget:
    """One table per stream, keyed by its key properties (``id``, or a tuple of them)."""

    hard_delete: bool = False
    tables: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    activations: list[tuple[str, int]] = field(default_factory=list)

    def apply(self, run: SyncResult) -> MirrorTarget:
        """Load one run's messages, in order, as strictly as target-postgres does.

        Each run is a new target process: a RECORD or ACTIVATE_VERSION of a stream whose
        SCHEMA it has not read earlier in the same run stops it (``KeyError`` there), and
        a record off its SCHEMA fails validation.
        """
        validators: dict[str, Draft7Validator] = {}
        keys: dict[str, list[str]] = {}
        for message in run.messages:
            stream = message.get("stream")
            if message["type"] == "SCHEMA":
                validators[stream] = Draft7Validator(
                    message["schema"], format_checker=Draft7Validator.FORMAT_CHECKER
                )
                keys[stream] = message["key_properties"]
            elif message["type"] in {"RECORD", "ACTIVATE_VERSION"} and stream not in validators:
                msg = f"{message['type']} of stream {stream!r} before its SCHEMA"
                raise AssertionError(msg)
            if message["type"] == "RECORD":
                error = best_match(validators[stream].iter_errors(message["record"]))
                if error is not None:
                    msg = f"{stream} record {message['record'].get('id')} is off its SCHEMA: {error.message}"
                    raise AssertionError(msg)
                row = dict(message["record"])
                row["_sdc_table_version"] = message.get("version")
                row["_sdc_deleted_at"] = row.get("_sdc_deleted_at")
                key = keys[stream]
                at = row["id"] if key == ["id"] else tuple(row[name] for name in key)
                self.tables.setdefault(message["stream"], {})[at] = row
            elif message["type"] == "ACTIVATE_VERSION":
                self.activate(message["stream"], message["version"])
        return self

    def activate(self, stream: str, version: int) -> None:
        self.activations.append((stream, version))
        table = self.tables.get(stream, {})
        for key, row in list(table.items()):
            old = row["_sdc_table_version"] is None or row["_sdc_table_version"] < version
            if old and self.hard_delete:
                del table[key]
            elif old and row["_sdc_deleted_at"] is None:
                row["_sdc_deleted_at"] = "activate_version"

    def live(self, stream: str) -> set[str]:
        """Keys of the rows ``where _sdc_deleted_at is null``."""
        rows = self.tables.get(stream, {})
        return {key for key, row in rows.items() if row["_sdc_deleted_at"] is None}

    def all_live(self) -> dict[str, set[str]]:
        return {stream: self.live(stream) for stream in self.tables}


def trello_objects(ws: Workspace) -> dict[str, set[str]]:
    """The ids of what Trello holds, per stream, for the token (archived objects too)."""
    boards = ws.visible_board_ids()
    cards = [card for b in boards for card in ws.board_cards(b)]
    actions = [a for b in boards for a in ws.board_actions(b)]
    return {
        "organizations": set(ws.members[ws.me_id]["idOrganizations"]),
        "boards": set(boards),
        "lists": {x["id"] for b in boards for x in ws.board_lists(b)},
        "labels": {x["id"] for b in boards for x in ws.board_labels(b)},
        "members": {x["id"] for b in boards for x in ws.board_members(b)},
        "board_memberships": {x["id"] for b in boards for x in ws.board_memberships(b)},
        "custom_fields": {x["id"] for b in boards for x in ws.board_custom_fields(b)},
        "cards": {card["id"] for card in cards},
        "checklists": {x["id"] for b in boards for x in ws.board_checklists(b)},
        "check_items": {x["id"] for b in boards for x in ws.check_items(b)},
        "attachments": {x["id"] for card in cards for x in ws.card_attachments.get(card["id"], [])},
        "card_custom_field_items": {
            x["id"] for card in cards for x in ws.card_custom_field_items.get(card["id"], [])
        },
        "actions": {a["id"] for a in actions},
        "deleted_cards": {a["data"]["card"]["id"] for a in actions if a["type"] == "deleteCard"},
        "plugin_data": {
            entry["id"]
            for model_id in [*boards, *(card["id"] for card in cards)]
            for entry in ws.plugin_data.get(model_id, [])
        },
    }


def workspace_objects(ws: Workspace, organizations: list[str] | None = None) -> dict[str, set]:
    """What Trello holds at the workspace level (every workspace of the token's, or these).

    Keyed as the streams are: (workspace, member or membership) for the people.
    """
    organizations = organizations or ws.members[ws.me_id]["idOrganizations"]
    memberships = {org: ws.organization_memberships(org) for org in organizations}
    return {
        "organization_members": {
            (org, m["idMember"]) for org, rows in memberships.items() for m in rows
        },
        "organization_memberships": {
            (org, m["id"]) for org, rows in memberships.items() for m in rows
        },
        "organization_actions": {
            action["id"] for org in organizations for action in ws.organization_actions(org)
        },
    }
