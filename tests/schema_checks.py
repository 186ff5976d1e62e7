"""What a record of each stream looks like, built from recorded or emulated Trello answers.

Shared by the schema tests (tests/test_schemas.py, tests/test_cassettes.py): records get
the fields the tap adds the way the tap adds them (``board_id``, ``card_id``,
``checklist_id``; ``deleted_cards`` rows from ``deleteCard`` actions), and two checks say
what is wrong with one (its validation errors, its fields the schema lacks).
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

Record = dict[str, Any]
Records = dict[str, list[Record]]

SAMPLES_DIR = Path(
    os.environ.get("TRELLO_SAMPLES_DIR", Path(__file__).resolve().parent / "cassettes"),
)

# --------------------------------------------------------------------------- checking

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$",
)

FORMAT_CHECKER = FormatChecker()


def _is_datetime(value: object) -> bool:
    """RFC 3339 date-time (jsonschema only checks it with an optional extra)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return True


FORMAT_CHECKER.checks("date-time", raises=ValueError)(_is_datetime)


def validation_errors(record: Record, schema: dict[str, Any]) -> list[str]:
    """Every way ``record`` breaks ``schema`` (Draft 7, formats checked)."""
    validator = Draft7Validator(schema, format_checker=FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(record)
    ]


def missing_fields(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Paths of the fields in ``value`` that ``schema`` does not declare.

    Objects declared without any property (free-form maps such as ``data.old`` or
    ``descData.emoji``) accept any key; every other object must declare its keys.
    """
    missing: list[str] = []
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        if not properties and schema.get("additionalProperties") is not False:
            return missing
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if key not in properties:
                missing.append(where)
            elif item is not None:
                missing.extend(missing_fields(item, properties[key], where))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            if item is not None:
                missing.extend(missing_fields(item, schema["items"], f"{path}[{index}]"))
    return missing


# --------------------------------------------------------------------------- the tap's additions


def with_board(row: Record, board_id: str | None = None) -> Record:
    """``row`` plus ``board_id`` (its ``idBoard`` unless given)."""
    return {**row, "board_id": board_id if board_id is not None else row.get("idBoard")}


def checklist_records(checklist: Record) -> tuple[Record, list[Record]]:
    """A checklist record and its flattened check-item records."""
    record = {**with_board(checklist), "card_id": checklist.get("idCard")}
    items = [
        {
            **item,
            "board_id": checklist.get("idBoard"),
            "card_id": checklist.get("idCard"),
            "checklist_id": checklist["id"],
        }
        for item in checklist.get("checkItems") or []
    ]
    return record, items


def card_children(card: Record) -> tuple[list[Record], list[Record]]:
    """The attachment and custom-field-item records split off a card."""
    extra = {"board_id": card.get("idBoard"), "card_id": card["id"]}
    attachments = [{**row, **extra} for row in card.get("attachments") or []]
    items = [{**row, **extra} for row in card.get("customFieldItems") or []]
    return attachments, items


def deleted_card(action: Record) -> Record:
    """The ``deleted_cards`` record of a ``deleteCard`` action."""
    data = action.get("data") or {}
    card = data.get("card") or {}
    return {
        "id": card["id"],
        "board_id": (data.get("board") or {}).get("id"),
        "list_id": (data.get("list") or {}).get("id"),
        "idShort": card.get("idShort"),
        "name": card.get("name"),
        "date_deleted": action["date"],
        "action_id": action["id"],
        "member_creator_id": action.get("idMemberCreator"),
    }


def action_records(actions: list[Record], board_id: str | None = None) -> Records:
    """Action records (with ``board_id``) and the deleted cards they reveal."""
    rows = [
        with_board(action, board_id or ((action.get("data") or {}).get("board") or {}).get("id"))
        for action in actions
    ]
    deleted = [deleted_card(action) for action in actions if action.get("type") == "deleteCard"]
    return {"actions": rows, "deleted_cards": deleted}


def card_records(cards: list[Record]) -> Records:
    """Card records and what the tap splits off them."""
    out: Records = {"cards": [], "attachments": [], "card_custom_field_items": []}
    for card in cards:
        out["cards"].append(with_board(card))
        attachments, items = card_children(card)
        out["attachments"].extend(attachments)
        out["card_custom_field_items"].extend(items)
    return out


def merge(*parts: Records) -> Records:
    """One stream -> records mapping out of several."""
    merged: Records = {}
    for part in parts:
        for stream, rows in part.items():
            merged.setdefault(stream, []).extend(rows)
    return merged


# --------------------------------------------------------------------------- samples
