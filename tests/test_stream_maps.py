"""Stream maps, schema flattening and BATCH messages, as the SDK provides them, via the CLI."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import SyncResult, parse_messages, run_cli

if TYPE_CHECKING:
    from collections.abc import Callable

SMALL = {"seed": 4, "boards": 2, "cards": 120, "actions": 200, "bulk": False}


def sync(config: dict[str, Any]) -> SyncResult:
    result = run_cli(config)
    assert result.returncode == 0, result.stderr[-2000:]
    return parse_messages(result.stdout)


@pytest.fixture
def small_config(make_emulator: Callable[..., Any]) -> dict[str, Any]:
    _, _, config = make_emulator(**SMALL)
    return config


@pytest.fixture
def plain(small_config: dict[str, Any]) -> SyncResult:
    return sync(small_config)


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def test_a_stream_map_drops_a_field(small_config: dict[str, Any], plain: SyncResult) -> None:
    mapped = sync({**small_config, "stream_maps": {"cards": {"desc": None}}})

    assert "desc" in plain.schemas["cards"]["properties"]
    assert any(row.get("desc") for row in plain.records["cards"])
    assert "desc" not in mapped.schemas["cards"]["properties"]
    assert mapped.records["cards"]
    assert all("desc" not in row for row in mapped.records["cards"])
    # Everything else of the card is untouched, and other streams keep their `desc`.
    expected = {
        card_id: {k: v for k, v in row.items() if k != "desc"}
        for card_id, row in by_id(plain.records["cards"]).items()
    }
    assert by_id(mapped.records["cards"]) == expected
    assert "desc" in mapped.schemas["boards"]["properties"]
    assert mapped.counts() == plain.counts()


def test_flattening_expands_nested_objects_one_level(
    small_config: dict[str, Any], plain: SyncResult
) -> None:
    flat = sync({**small_config, "flattening_enabled": True, "flattening_max_depth": 1})

    properties = flat.schemas["cards"]["properties"]
    assert "badges" not in properties
    assert "badges__comments" in properties
    assert "integer" in properties["badges__comments"]["type"]
    # Arrays and objects deeper than max depth arrive as JSON strings.
    assert "string" in properties["labels"]["type"]
    assert "badges__attachmentsByType" in properties
    assert "string" in properties["badges__attachmentsByType"]["type"]

    plain_cards = by_id(plain.records["cards"])
    flat_cards = by_id(flat.records["cards"])
    assert flat_cards.keys() == plain_cards.keys()
    for card_id, row in flat_cards.items():
        original = plain_cards[card_id]
        assert "badges" not in row
        assert row["badges__comments"] == original["badges"]["comments"]
        assert (
            json.loads(row["badges__attachmentsByType"])
            == (original["badges"]["attachmentsByType"])
        )
        assert json.loads(row["labels"]) == original["labels"]
        assert row["id"] == original["id"]
        assert row["dateLastActivity"] == original["dateLastActivity"]
    assert flat.counts() == plain.counts()


def test_batch_messages_carry_every_record(
    small_config: dict[str, Any], plain: SyncResult, tmp_path: Path
) -> None:
    """The `batch` capability that meltano.yml and the Hub file declare."""
    batch_config = {
        "encoding": {"format": "jsonl", "compression": "gzip"},
        "storage": {"root": tmp_path.as_uri(), "prefix": "trello-"},
    }
    batched = sync({**small_config, "batch_config": batch_config})
    assert not batched.records
    rows: dict[str, list[dict[str, Any]]] = {}
    for message in batched.messages:
        if message["type"] == "BATCH":
            for url in message["manifest"]:
                with gzip.open(Path(url.removeprefix("file://")), "rt") as lines:
                    rows.setdefault(message["stream"], []).extend(json.loads(x) for x in lines)
    assert {stream: len(r) for stream, r in rows.items()} == plain.counts()
    assert by_id(rows["cards"]) == by_id(plain.records["cards"])
