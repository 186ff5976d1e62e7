"""`tap-trello --discover`: every stream with its key and replication key."""

from __future__ import annotations

import json

from tests.helpers import run_cli

EXPECTED = {
    "organizations": (["id"], None),
    "boards": (["id"], None),
    "lists": (["id"], None),
    "labels": (["id"], None),
    "members": (["id"], None),
    "board_memberships": (["id"], None),
    "custom_fields": (["id"], None),
    "cards": (["id"], "dateLastActivity"),
    "checklists": (["id"], None),
    "check_items": (["id"], None),
    "card_custom_field_items": (["id"], None),
    "attachments": (["id"], None),
    "actions": (["id"], "date"),
    "deleted_cards": (["id"], "date_deleted"),
    "plugin_data": (["id"], None),
    "organization_members": (["organization_id", "id"], None),
    "organization_memberships": (["organization_id", "id"], None),
    "organization_actions": (["id"], "date"),
}
#: Opt-in: not selected unless the catalog selects them.
OPT_IN = {"organization_members", "organization_memberships", "organization_actions"}


def test_discover_lists_every_stream_with_its_keys() -> None:
    run = run_cli({"api_key": "k", "token": "t"}, "--discover")
    assert run.returncode == 0, run.stderr[-1500:]
    catalog = json.loads(run.stdout)
    found = {}
    for entry in catalog["streams"]:
        root = next(m["metadata"] for m in entry["metadata"] if m["breadcrumb"] == [])
        opt_in = entry["tap_stream_id"] in OPT_IN
        assert root["selected-by-default"] is not opt_in, entry["tap_stream_id"]
        assert root.get("selected", False) is not opt_in, entry["tap_stream_id"]
        found[entry["tap_stream_id"]] = (
            root["table-key-properties"],
            root.get("valid-replication-keys", [None])[0],
        )
        replication_key = found[entry["tap_stream_id"]][1]
        if replication_key:
            schema = entry["schema"]["properties"][replication_key]
            assert schema["format"] == "date-time"
            assert root["replication-key"] == replication_key
    assert found == EXPECTED


def test_every_board_level_stream_has_board_id() -> None:
    run = run_cli({"api_key": "k", "token": "t"}, "--discover")
    catalog = json.loads(run.stdout)
    for entry in catalog["streams"]:
        name = entry["tap_stream_id"]
        if name in OPT_IN:  # the workspace level
            assert "organization_id" in entry["schema"]["properties"], name
        elif name not in {"organizations", "boards", "members"}:
            assert "board_id" in entry["schema"]["properties"], name
