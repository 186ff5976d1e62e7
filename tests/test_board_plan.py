"""A board's read is planned once from the streams' declarations, and asks the same whatever
order the streams come in.

The plan's questions are answered without a request (what the nested call asks, what the
pages ask, where checklists come from); the order test syncs the emulator over HTTP with
the board streams in their registry's order and reversed, and compares every record,
every deletion record and every request.
"""

from __future__ import annotations

import copy
import io
import json
from collections import Counter
from contextlib import redirect_stdout
from typing import Any

import pytest

from tap_trello.board_plan import BoardPlan, BoardTerms
from tap_trello.mirror import ANNOUNCING_TYPES
from tap_trello.streams import BOARD_STREAM_TYPES, STREAM_TYPES
from tap_trello.tap import TapTrello
from tests.deletion_story import DATA, make_edits
from tests.helpers import SyncResult, parse_messages, run_tap

EVERY = frozenset(stream.name for stream in BOARD_STREAM_TYPES)


def plan(names: set[str] | frozenset[str] = EVERY, **settings: Any) -> BoardPlan:
    return BoardPlan(streams=BOARD_STREAM_TYPES, names=frozenset(names), **settings)


def test_every_stream_in_one_nested_call() -> None:
    query = plan().nested_query(BoardTerms())
    assert query == {
        "fields": "id",
        "lists": "all",
        "labels": "all",
        "labels_limit": "1000",
        "members": "all",
        "member_fields": "all",
        "memberships": "all",
        "customFields": "true",
        "checklists": "all",
        "pluginData": "true",
        "card_pluginData": "true",
        "cards": "all",
        "card_customFieldItems": "true",
        "card_attachments": "true",
        "actions": "all",
        "actions_limit": "1000",
    }


def test_a_board_read_for_what_changed_asks_the_changed_cards_and_new_actions() -> None:
    terms = BoardTerms(
        whole=False,
        bookmarks={"cards": "2026-01-02T03:04:05.678Z", "actions": "2026-01-02T03:04:05.000Z"},
        # deleted_cards has no bookmark (none deleted yet): the board's last sync stands.
        synced_through="2026-01-02T03:04:06.000Z",
    )
    query = plan().nested_query(terms)
    assert query["card_modifiedSince"] == "2026-01-02T03:04:04.678Z"  # a second early
    assert query["actions_since"] == "2026-01-02T03:04:04.999Z"  # the bookmark's second kept


def test_cards_refused_leave_the_call_and_their_pages_bring_the_checklists() -> None:
    terms = BoardTerms(cards_refused=True)
    query = plan().nested_query(terms)
    assert "cards" not in query
    assert "checklists" not in query
    assert "card_pluginData" not in query
    assert query["pluginData"] == "true"  # the board's own Power-Up data
    pages = plan().page_params("cards", nested_keys=query.keys())
    assert pages == {
        "filter": "all",
        "customFieldItems": "true",
        "attachments": "true",
        "checklists": "all",
        "pluginData": "true",
    }
    # A board whose nested call brought the checklists does not ask them of its pages.
    assert "checklists" not in plan().page_params("cards", nested_keys={"checklists"})


def test_checklists_alone_never_read_the_cards() -> None:
    alone = plan({"checklists", "check_items"})
    assert not alone.reads("cards")
    assert alone.nested_query(BoardTerms(cards_refused=True)) == {
        "fields": "id",
        "checklists": "all",
    }


def test_streams_found_inside_a_list_have_it_read_for_them() -> None:
    attachments = plan({"attachments"}, include_closed=False)
    assert attachments.reads("cards")
    query = attachments.nested_query(BoardTerms())
    assert query["cards"] == "open"
    assert "actions" not in query


def test_one_feed_serves_actions_and_deleted_cards_and_the_deletions_announced() -> None:
    narrowed = plan({"actions", "deleted_cards", "cards"}, action_types=frozenset({"commentCard"}))
    types = set(narrowed.feed_params(BoardTerms())["filter"].split(","))
    assert types == {"commentCard", "deleteCard"} | ANNOUNCING_TYPES
    # Deleted cards alone: their own type, nothing announced to send.
    assert plan({"deleted_cards"}).feed_params(BoardTerms()) == {"filter": "deleteCard"}
    # The oldest bookmark of the streams the feed serves decides where it starts.
    terms = BoardTerms(
        bookmarks={
            "actions": "2026-02-01T00:00:00.000Z",
            "deleted_cards": "2026-01-01T00:00:00.000Z",
        }
    )
    since = plan({"actions", "deleted_cards"}).feed_params(terms)["since"]
    assert since == "2025-12-31T23:59:59.999Z"
    assert plan({"actions", "deleted_cards"}).feed_after(terms) == "2026-02-01T00:00:00.000Z"


def test_no_selected_board_stream_no_nested_call() -> None:
    assert plan(set()).nested_query(BoardTerms()) == {}


class ReversedTap(TapTrello):
    """The tap with its board streams registered, and so synced, in reverse."""

    def discover_streams(self) -> list[Any]:
        top, board = STREAM_TYPES[:2], STREAM_TYPES[2:]
        return [kind(tap=self) for kind in (*top, *reversed(board))]


def sync(tap_class: type[TapTrello], config: dict, state: dict) -> SyncResult:
    tap = tap_class(config=config, state=copy.deepcopy(state))
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with redirect_stdout(buffer):
        tap.sync_all()
    buffer.seek(0)
    return parse_messages(buffer.read())


def rows(run: SyncResult) -> dict[str, list[str]]:
    def comparable(stream: str, row: dict) -> str:
        if stream == "boards" and row.get("_sdc_deleted_at"):
            row = {**row, "_sdc_deleted_at": "when the run saw it gone"}
        return json.dumps(row, sort_keys=True)

    return {
        stream: sorted(comparable(stream, row) for row in records)
        for stream, records in run.records.items()
    }


@pytest.mark.parametrize("incremental", [False, True], ids=["first run", "after edits"])
def test_the_streams_order_changes_no_record_and_no_request(make_emulator, incremental) -> None:
    workspace, server, config = make_emulator(**DATA)
    state: dict = {}
    if incremental:
        state = run_tap(config).state
        make_edits(workspace)
    server.clear_log()
    in_order = sync(TapTrello, config, state)
    asked_in_order = Counter((entry.path, entry.query_string) for entry in server.log)
    server.clear_log()
    reversed_run = sync(ReversedTap, config, state)
    asked_reversed = Counter((entry.path, entry.query_string) for entry in server.log)
    assert rows(reversed_run) == rows(in_order)
    assert asked_reversed == asked_in_order
    if incremental:
        # The feed was read first either way: the deletions it announced went out.
        deleted = [r for r in reversed_run.records["cards"] if r.get("_sdc_deleted_at")]
        assert deleted
        assert len(deleted) == sum(1 for r in in_order.records["cards"] if r.get("_sdc_deleted_at"))
