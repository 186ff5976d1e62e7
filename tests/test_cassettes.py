"""Every recorded Trello answer in tests/cassettes/ validates against its stream's schema.

The cassettes are real api.trello.com responses that public client libraries recorded
(tests/cassettes/README.md says where each comes from). Each one that maps to a stream of
the tap is turned into the records the tap would emit from it (with ``board_id``,
``card_id``... added the way the tap adds them) and validated against that stream's JSON
Schema, formats included. A test that fails here because the tap's schema is wrong (not
the data) is marked ``xfail(strict=True)`` with the field named, until the schema is fixed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tap_trello.schemas import SCHEMAS
from tests.schema_checks import (
    action_records,
    card_records,
    checklist_records,
    merge,
    missing_fields,
    validation_errors,
    with_board,
)

# The types the board action feed never returns (webhooks only): no record of the tap has
# them, so their webhook recordings are left out.
from trello_emulator.model.actions import EXCLUDED_ACTION_TYPES

if TYPE_CHECKING:
    from collections.abc import Callable

Record = dict[str, Any]
Records = dict[str, list[Record]]

CASSETTES = Path(__file__).resolve().parent / "cassettes"


def load(name: str) -> Any:
    return json.loads((CASSETTES / name).read_text(encoding="utf-8"))


def as_list(body: Any) -> list[Record]:
    return body if isinstance(body, list) else [body]


def paged_bodies(name: str) -> list[Record]:
    """The rows of every answer of a {request, status, date, body} sequence."""
    return [row for answer in load(name) for row in as_list(answer["body"])]


def boards(name: str) -> Records:
    return {"boards": as_list(load(name))}


def cards(rows: list[Record]) -> Records:
    return {k: v for k, v in card_records(rows).items() if v}


def actions(rows: list[Record]) -> Records:
    return {k: v for k, v in action_records(rows).items() if v}


def with_card(rows: list[Record], card_id: str, board_id: str | None = None) -> list[Record]:
    return [{**row, "card_id": card_id, "board_id": board_id} for row in rows]


def checklists(rows: list[Record]) -> Records:
    out: Records = {"checklists": [], "check_items": []}
    for checklist in rows:
        record, items = checklist_records(checklist)
        out["checklists"].append(record)
        out["check_items"].extend(items)
    return out


def custom_fields(rows: list[Record]) -> Records:
    return {"custom_fields": [with_board(row, row.get("idModel")) for row in rows]}


def combined_board(name: str) -> Records:
    combined = load(name)
    return {
        "boards": [combined["board"]],
        "lists": [with_board(row) for row in combined["lists"]],
        "labels": [with_board(row) for row in combined["labels"]],
        "members": combined["members"],
    }


# file -> the records the tap would emit from it
SOURCES: dict[str, Callable[[], Records]] = {
    # the tap's own samples (tests/test_schemas.py reads them too)
    "tacokit_board_lists_labels_members.json": lambda: combined_board(
        "tacokit_board_lists_labels_members.json"
    ),
    "tacokit_board_checklists.json": lambda: checklists(load("tacokit_board_checklists.json")),
    "tacokit_board_cards.json": lambda: cards(load("tacokit_board_cards.json")),
    "modern_cards_2022.json": lambda: cards(load("modern_cards_2022.json")),
    "tacokit_board_actions.json": lambda: actions(load("tacokit_board_actions.json")),
    # boards: /members/{id}/boards, /organizations/{id}/boards, /boards/{id}
    "rt_members_boards_2020-05-17.json": lambda: boards("rt_members_boards_2020-05-17.json"),
    "rt_members_boards_filter_all_2020-08-20.json": lambda: boards(
        "rt_members_boards_filter_all_2020-08-20.json"
    ),
    "rt_organization_boards_2023-12-21.json": lambda: boards(
        "rt_organization_boards_2023-12-21.json"
    ),
    "rt_board_default_fields_2020-05-17.json": lambda: boards(
        "rt_board_default_fields_2020-05-17.json"
    ),
    "tk_members_me_boards_2015-11-26.json": lambda: boards("tk_members_me_boards_2015-11-26.json"),
    # cards: /boards/{id}/cards, /lists/{id}/cards
    "rt_board_cards_filter_open_2020-05-17.json": lambda: cards(
        load("rt_board_cards_filter_open_2020-05-17.json")
    ),
    "rt_list_cards_filter_open_2020-09-04.json": lambda: cards(
        load("rt_list_cards_filter_open_2020-09-04.json")
    ),
    "tk_list_cards_limit50_2016-01-29.json": lambda: cards(
        load("tk_list_cards_limit50_2016-01-29.json")
    ),
    "tk_board_cards_before_id_pagination_2016-01-29.json": lambda: cards(
        paged_bodies("tk_board_cards_before_id_pagination_2016-01-29.json")
    ),
    # actions (and the deleted cards their deleteCard actions reveal)
    "rt_board_actions_filter_all_2020-05-17.json": lambda: actions(
        load("rt_board_actions_filter_all_2020-05-17.json")
    ),
    "tk_board_actions_limit50_2016-01-29.json": lambda: actions(
        load("tk_board_actions_limit50_2016-01-29.json")
    ),
    "rt_member_actions_filter_all_2020-08-20.json": lambda: actions(
        load("rt_member_actions_filter_all_2020-08-20.json")
    ),
    "tk_member_actions_limit50_2016-01-29.json": lambda: actions(
        load("tk_member_actions_limit50_2016-01-29.json")
    ),
    "tk_member_actions_before_id_pagination_2016-01-29.json": lambda: actions(
        paged_bodies("tk_member_actions_before_id_pagination_2016-01-29.json")
    ),
    "rt_organization_actions_2020-09-15.json": lambda: {
        "organization_actions": [
            {**action, "organization_id": action["data"]["organization"]["id"]}
            for action in load("rt_organization_actions_2020-09-15.json")
        ]
    },
    "rt_comment_action_2022-02-02.json": lambda: actions(
        as_list(load("rt_comment_action_2022-02-02.json"))
    ),
    # what rides in the nested board call and the card pages
    "rt_board_checklists_2020-05-17.json": lambda: checklists(
        load("rt_board_checklists_2020-05-17.json")
    ),
    "rt_board_customFields_2020-05-17.json": lambda: custom_fields(
        load("rt_board_customFields_2020-05-17.json")
    ),
    "rt_customField_list_with_options_2020-11-08.json": lambda: custom_fields(
        as_list(load("rt_customField_list_with_options_2020-11-08.json"))
    ),
    "rt_card_customFieldItems_all_types_2020-03-11.json": lambda: {
        "card_custom_field_items": with_card(
            load("rt_card_customFieldItems_all_types_2020-03-11.json"), "5e679be5d53dfa748f41d775"
        )
    },
    "rt_card_customFieldItems_2020-04-13.json": lambda: {
        "card_custom_field_items": with_card(
            load("rt_card_customFieldItems_2020-04-13.json"), "5e94ee7df8784d61ee48319e"
        )
    },
    "rt_card_attachments_2020-04-15.json": lambda: {
        "attachments": with_card(
            load("rt_card_attachments_2020-04-15.json"), "5e95d1b4f43f9a06497f17f7"
        )
    },
    "rt_board_members_filter_all_2020-05-17.json": lambda: {
        "members": load("rt_board_members_filter_all_2020-05-17.json")
    },
    # organizations
    "rt_member_organizations_2020-08-20.json": lambda: {
        "organizations": load("rt_member_organizations_2020-08-20.json")
    },
    "rt_organization_2020.json": lambda: {"organizations": [load("rt_organization_2020.json")]},
}


def webhook_actions() -> dict[str, Record]:
    """Webhook action objects of the types the board feed returns (the others never reach
    the tap; ``customfielditem-update.json`` is a hand-cut fragment without type or date)."""
    found = {}
    for path in sorted((CASSETTES / "webhook_actions").glob("*.json")):
        action = json.loads(path.read_text(encoding="utf-8"))
        if action.get("type") and action["type"] not in EXCLUDED_ACTION_TYPES:
            found[f"webhook_actions/{path.name}"] = action
    return found


for _name, _action in webhook_actions().items():
    SOURCES[_name] = lambda action=_action: actions([action])


# Cassettes whose records break the tap's schema because the schema is wrong: the field
# and what Trello sends. Fixed in tap_trello/, the test passes and strict xfail fails:
# then delete the entry.
SCHEMA_MISMATCHES: dict[str, str] = {}

# Cassettes with fields the tap's schema does not declare (the schema should list every
# field Trello returns). Same rule: delete the entry once the schema has the field.
UNDECLARED_FIELDS: dict[str, str] = {}


def problems(records: Records) -> list[str]:
    return [
        f"{stream} {row.get('id')}: {err}"
        for stream, rows in records.items()
        for row in rows
        for err in validation_errors(row, SCHEMAS[stream])
    ]


_INDEX = re.compile(r"\[\d+\]")


def undeclared(records: Records) -> list[str]:
    """The fields of ``records`` their stream's schema does not declare (``a.b[].c``)."""
    return sorted(
        {
            f"{stream}: " + _INDEX.sub("[]", field)
            for stream, rows in records.items()
            for row in rows
            for field in missing_fields(row, SCHEMAS[stream])
        }
    )


def cases(known: dict[str, str]) -> list[Any]:
    out = []
    for name in SOURCES:
        marks = []
        if name in known:
            marks.append(pytest.mark.xfail(strict=True, reason=known[name]))
        out.append(pytest.param(name, id=name, marks=marks))
    return out


@pytest.mark.parametrize("name", cases(SCHEMA_MISMATCHES))
def test_cassette_validates_against_its_streams_schema(name: str) -> None:
    records = SOURCES[name]()
    assert any(records.values()), f"{name} gave no record"
    found = problems(records)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", cases(UNDECLARED_FIELDS))
def test_cassette_fields_are_declared_in_the_schema(name: str) -> None:
    found = undeclared(SOURCES[name]())
    assert not found, "\n".join(found)


def test_every_cassette_is_checked() -> None:
    """A cassette added to tests/cassettes/ is mapped to a stream here (or said not to)."""
    not_a_stream = {"webhook_actions/customfielditem-update.json"} | {
        f"webhook_actions/{p.name}"
        for p in (CASSETTES / "webhook_actions").glob("*.json")
        if json.loads(p.read_text(encoding="utf-8")).get("type") in EXCLUDED_ACTION_TYPES
    }
    on_disk = {str(p.relative_to(CASSETTES)) for p in CASSETTES.rglob("*.json")}
    assert on_disk - not_a_stream == set(SOURCES)


def test_every_stream_has_a_recorded_answer() -> None:
    streams = set(merge(*(source() for source in SOURCES.values())))
    # No recorded answer holds Power-Up data (Trello adds it on request only) or a
    # workspace's members and memberships: their shapes are the emulator's
    # (trello_emulator/model/plugin_data.py, organization_level.py say where they come from).
    unrecorded = {"plugin_data", "organization_members", "organization_memberships"}
    assert streams == set(SCHEMAS) - {"board_memberships"} - unrecorded
