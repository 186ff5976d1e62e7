"""The stream schemas against real Trello responses and the emulator's records.

Two checks per record: it validates against its stream's schema (JSON Schema
Draft 7, with ``date-time`` formats checked), and none of its fields is missing
from the schema (recursively, through every declared nested object and array).
Records get the fields the tap adds the way the tap adds them (``board_id``,
``card_id``, ``checklist_id``; ``deleted_cards`` rows from ``deleteCard`` actions).

The recorded responses are in ``tests/cassettes/`` (see its README for where each comes
from); ``TRELLO_SAMPLES_DIR`` points the tests at another folder of the same files.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft7Validator

from tap_trello.schemas import SCHEMAS
from tests.schema_checks import (
    SAMPLES_DIR,
    Record,
    Records,
    action_records,
    card_records,
    checklist_records,
    merge,
    missing_fields,
    validation_errors,
    with_board,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


def _load(name: str) -> Any:
    path = SAMPLES_DIR / name
    if not path.exists():
        pytest.skip(f"recorded Trello responses not found in {SAMPLES_DIR}")
    return json.loads(path.read_text(encoding="utf-8"))


def sample_records() -> Records:
    """Every recorded Trello response, as the tap would emit it."""
    combined = _load("tacokit_board_lists_labels_members.json")
    board = combined["board"]
    checklists: list[Record] = []
    check_items: list[Record] = []
    for checklist in _load("tacokit_board_checklists.json"):
        record, items = checklist_records(checklist)
        checklists.append(record)
        check_items.extend(items)
    return merge(
        {
            "boards": [board],
            "lists": [with_board(row) for row in combined["lists"]],
            "labels": [with_board(row) for row in combined["labels"]],
            "members": combined["members"],
            "checklists": checklists,
            "check_items": check_items,
        },
        card_records(_load("tacokit_board_cards.json")),
        card_records(_load("modern_cards_2022.json")),
        action_records(_load("tacokit_board_actions.json")),
    )


def test_samples_cover_the_streams() -> None:
    records = sample_records()
    for stream in (
        "boards",
        "lists",
        "labels",
        "members",
        "checklists",
        "check_items",
        "cards",
        "actions",
        "deleted_cards",
    ):
        assert records.get(stream), f"no sample record for {stream}"


def test_every_sample_record_validates() -> None:
    records = sample_records()
    problems = [
        f"{stream} {row.get('id')}: {err}"
        for stream, rows in records.items()
        for row in rows
        for err in validation_errors(row, SCHEMAS[stream])
    ]
    assert not problems, "\n".join(problems)


def test_no_sample_field_is_missing() -> None:
    records = sample_records()
    problems = [
        f"{stream} {row.get('id')}: {field}"
        for stream, rows in records.items()
        for row in rows
        for field in missing_fields(row, SCHEMAS[stream])
    ]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- emulator


def emulated_records(ws: Any) -> Records:
    """Every record of the emulated workspace ``ws``, as the tap would emit it."""
    records: Records = {
        "boards": list(ws.boards.values()),
        "organizations": list(ws.organizations.values()),
        "members": [],
        "organization_members": [
            {**ws.member_view(m["idMember"], None), "organization_id": org_id}
            for org_id in ws.organizations
            for m in ws.organization_memberships(org_id)
        ],
        "organization_memberships": [
            {**m, "organization_id": org_id}
            for org_id in ws.organizations
            for m in ws.organization_memberships(org_id)
        ],
        "organization_actions": [
            {**action, "organization_id": org_id}
            for org_id in ws.organizations
            for action in ws.organization_actions(org_id)
        ],
    }
    seen_members: set[str] = set()
    parts: list[Records] = [records]
    for board_id in ws.boards:
        checklists: list[Record] = []
        check_items: list[Record] = []
        for checklist in ws.board_checklists(board_id):
            record, items = checklist_records(checklist)
            checklists.append(record)
            check_items.extend(items)
        for member in ws.board_members(board_id, fields=None):
            if member["id"] not in seen_members:
                seen_members.add(member["id"])
                records["members"].append(member)
        parts.append(
            {
                "lists": [with_board(row, board_id) for row in ws.board_lists(board_id)],
                "labels": [with_board(row, board_id) for row in ws.board_labels(board_id)],
                "checklists": checklists,
                "check_items": check_items,
                "custom_fields": [
                    with_board(row, board_id) for row in ws.board_custom_fields(board_id)
                ],
                "board_memberships": [
                    with_board(row, board_id) for row in ws.board_memberships(board_id)
                ],
            },
        )
        cards = ws.board_cards(board_id, "all", custom_field_items=True, attachments=True)
        parts.append(card_records(cards))
        models = [board_id, *(card["id"] for card in cards)]
        parts.append(
            {
                "plugin_data": [
                    {**entry, "board_id": board_id, "card_id": entry["idModel"]}
                    if entry["scope"] == "card"
                    else {**entry, "board_id": board_id, "card_id": None}
                    for model in models
                    for entry in ws.plugin_data.get(model, [])
                ]
            }
        )
        parts.append(action_records(ws.board_actions(board_id), board_id))
    return merge(*parts)


_INDEX = re.compile(r"\[\d+\]")


@pytest.fixture(scope="module")
def emulated() -> Records:
    """The default emulated workspace's records."""
    from trello_emulator import Workspace  # noqa: PLC0415

    return emulated_records(Workspace.generate())


def test_emulator_covers_every_stream(emulated: Records) -> None:
    assert {stream for stream, rows in emulated.items() if rows} == set(SCHEMAS)


def test_every_emulated_record_validates(emulated: Records) -> None:
    problems = [
        f"{stream} {row.get('id')}: {err}"
        for stream, rows in emulated.items()
        for row in rows
        for err in validation_errors(row, SCHEMAS[stream])
    ]
    assert not problems, "\n".join(problems[:50])


def test_no_emulated_field_is_missing(emulated: Records) -> None:
    problems = sorted(
        {
            f"{stream}: {_INDEX.sub('[]', field)}"
            for stream, rows in emulated.items()
            for row in rows
            for field in missing_fields(row, SCHEMAS[stream])
        },
    )
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the schemas themselves


def _walk(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, schema
    for key, sub in (schema.get("properties") or {}).items():
        yield from _walk(sub, f"{path}.{key}" if path else key)
    if isinstance(schema.get("items"), dict):
        yield from _walk(schema["items"], f"{path}[]")


@pytest.mark.parametrize("stream", sorted(SCHEMAS))
def test_schema_is_valid_json_schema(stream: str) -> None:
    Draft7Validator.check_schema(SCHEMAS[stream])


@pytest.mark.parametrize("stream", sorted(SCHEMAS))
def test_id_is_required_and_never_null(stream: str) -> None:
    schema = SCHEMAS[stream]
    assert "id" in schema["required"]
    assert schema["properties"]["id"]["type"] == ["string"]
    assert validation_errors({"id": None}, schema)
    assert validation_errors({}, schema)
    assert not validation_errors({"id": "5abbe4b7ddc1b351ef961414"}, schema)


@pytest.mark.parametrize("stream", sorted(SCHEMAS))
def test_every_other_field_is_nullable(stream: str) -> None:
    for path, sub in _walk(SCHEMAS[stream]):
        if path in {"", "id"} or "[]" in path.rsplit(".", 1)[-1]:
            continue
        types = sub["type"] if isinstance(sub["type"], list) else [sub["type"]]
        assert "null" in types, f"{stream}.{path} is not nullable"


@pytest.mark.parametrize("stream", sorted(SCHEMAS))
def test_dates_are_date_times_and_positions_numbers(stream: str) -> None:
    date_names = re.compile(r"^(date.*|due|start|lastActive|lastDismissed|.*Due|.*Date)$")
    for path, sub in _walk(SCHEMAS[stream]):
        name = path.rsplit(".", 1)[-1]
        if date_names.match(name) and "string" in sub.get("type", []):
            assert sub.get("format") == "date-time", f"{stream}.{path} lacks date-time"
        if name == "pos":
            assert "number" in sub["type"], f"{stream}.{path} is not a number"


@pytest.mark.parametrize(
    ("stream", "key"),
    [("cards", "dateLastActivity"), ("actions", "date"), ("deleted_cards", "date_deleted")],
)
def test_replication_keys_are_date_times(stream: str, key: str) -> None:
    assert SCHEMAS[stream]["properties"][key]["format"] == "date-time"


@pytest.mark.parametrize(
    ("stream", "added"),
    [
        ("lists", {"board_id"}),
        ("labels", {"board_id"}),
        ("checklists", {"board_id", "card_id"}),
        ("cards", {"board_id"}),
        ("actions", {"board_id"}),
        ("custom_fields", {"board_id"}),
        ("card_custom_field_items", {"board_id", "card_id"}),
        ("attachments", {"board_id", "card_id"}),
        ("board_memberships", {"board_id"}),
        ("check_items", {"board_id", "card_id", "checklist_id"}),
        ("deleted_cards", {"board_id"}),
    ],
)
def test_fields_the_tap_adds_are_declared(stream: str, added: set[str]) -> None:
    assert added <= set(SCHEMAS[stream]["properties"])


def test_members_and_organizations_have_no_board_id() -> None:
    assert "board_id" not in SCHEMAS["members"]["properties"]
    assert "board_id" not in SCHEMAS["organizations"]["properties"]


def test_date_time_format_is_enforced() -> None:
    schema = SCHEMAS["actions"]
    assert not validation_errors({"id": "a", "date": "2016-01-29T11:07:39.462Z"}, schema)
    assert not validation_errors({"id": "a", "date": "2016-01-29T11:07:39+01:00"}, schema)
    assert validation_errors({"id": "a", "date": "2016-01-29"}, schema)
    assert validation_errors({"id": "a", "date": "2016-13-29T11:07:39.462Z"}, schema)
    assert validation_errors({"id": "a", "date": "yesterday"}, schema)


def test_missing_fields_reports_nested_paths() -> None:
    card = {
        "id": "c",
        "badges": {"votes": 0, "newBadge": 1},
        "labels": [{"id": "l", "shade": "x"}],
        "unknown": 1,
        "data": None,
    }
    assert sorted(missing_fields(card, SCHEMAS["cards"])) == [
        "badges.newBadge",
        "data",
        "labels[0].shade",
        "unknown",
    ]
    action = {"id": "a", "data": {"old": {"anything": 1}, "card": {"id": "c", "extra": 2}}}
    assert missing_fields(action, SCHEMAS["actions"]) == ["data.card.extra"]
