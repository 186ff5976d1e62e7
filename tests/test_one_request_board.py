"""A board in one request: the nested call brings its objects, cards and newest actions.

Pages are asked only where a board overflows (Trello refuses its cards whole, or it has
1000 actions or more); a board read for what changed asks only the cards changed since
its bookmark (``card_modifiedSince``, a second early), whatever Trello's threshold or its
way of comparing dates.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.helpers import catalog_selecting, run_tap
from trello_emulator.model.ids import parse_iso_ms

if TYPE_CHECKING:
    from trello_emulator import EmulatorServer, Workspace

SMALL = {"seed": 8, "boards": 3, "cards": 240, "actions": 300, "bulk": False}


def all_cards(ws: Workspace) -> list[str]:
    return sorted(c["id"] for b in ws.visible_board_ids() for c in ws.board_cards(b))


def all_actions(ws: Workspace) -> list[str]:
    return sorted(a["id"] for b in ws.visible_board_ids() for a in ws.board_actions(b))


def paths(server: EmulatorServer) -> list[str]:
    return [entry.path for entry in server.log]


def test_each_small_board_is_one_request(make_emulator) -> None:
    workspace, server, config = make_emulator(**SMALL)
    result = run_tap(config)
    boards = workspace.visible_board_ids()
    assert sorted(result.ids("cards")) == all_cards(workspace)
    assert sorted(result.ids("actions")) == all_actions(workspace)
    assert sorted(paths(server)) == sorted(
        ["/1/members/me/boards", "/1/members/me/organizations"] + [f"/1/boards/{b}" for b in boards]
    )
    call = server.entries(f"/1/boards/{boards[0]}")[0].query
    assert call["cards"] == "all"
    assert call["card_attachments"] == call["card_customFieldItems"] == "true"
    assert call["actions"] == "all"
    assert call["actions_limit"] == "1000"
    assert call["checklists"] == "all"
    assert "card_modifiedSince" not in call  # a first read is a whole read


@pytest.mark.parametrize("threshold", [None, 1000, 25, 0], ids=["never", "1000", "25", "0"])
def test_refused_nested_cards_fall_back_to_pages(make_emulator, threshold) -> None:
    # Trello's threshold is undocumented: the rows must not depend on it.
    workspace, server, config = make_emulator({"max_nested_cards": threshold}, **SMALL)
    result = run_tap(config)
    assert sorted(result.ids("cards")) == all_cards(workspace)
    assert len(result.ids("cards")) == len(all_cards(workspace))
    for stream in ("attachments", "card_custom_field_items", "checklists", "check_items"):
        assert len(result.ids(stream)) == len(set(result.ids(stream)))
    refused = [
        b
        for b in workspace.visible_board_ids()
        if threshold is not None and len(workspace.board_cards(b)) > threshold
    ]
    card_pages = [e for e in server.log if e.path.endswith("/cards")]
    assert {e.path.split("/")[3] for e in card_pages} == set(refused)
    checklists = {
        cl["id"] for b in workspace.visible_board_ids() for cl in workspace.board_checklists(b)
    }
    assert set(result.ids("checklists")) == checklists
    # A refused board's next whole read pages its cards at once: no refused call again.
    server.clear_log()
    state = json.loads(json.dumps(result.state))
    run_tap({**config, "rescan_after_hours": 0}, state=state)
    assert [e for e in server.log if e.status == 403] == []


def test_actions_past_the_nested_1000_are_paged(make_emulator) -> None:
    workspace, server, config = make_emulator(**SMALL)
    first = run_tap(config)
    board = workspace.visible_board_ids()[1]
    new = workspace.add_actions(board, 1500)
    server.clear_log()
    again = run_tap(config, state=first.state)
    assert sorted(again.ids("actions")) == sorted(a["id"] for a in new)
    # The nested call's 1000 were not enough: the pages read them, from the bookmark on
    # (two pages, or three when the span is cut in two windows paged side by side).
    action_pages = [e for e in server.log if e.path == f"/1/boards/{board}/actions"]
    assert 2 <= len(action_pages) <= 3
    assert all("since" in e.query for e in action_pages)


def test_a_changed_big_board_costs_what_changed(make_emulator) -> None:
    workspace, server, config = make_emulator(seed=5, boards=3, cards=4000, actions=3000)
    big = workspace.big_board_id
    assert len(workspace.board_cards(big)) > 3000
    first = run_tap(config)
    new = workspace.add_actions(big, 3)
    touched = {a["data"]["card"]["id"] for a in new if "card" in a["data"]}
    server.clear_log()
    again = run_tap(config, state=first.state)
    assert len(server.log) <= 4
    call = server.entries(f"/1/boards/{big}")[0].query
    bookmark = max(c["dateLastActivity"] for c in first.records["cards"] if c["board_id"] == big)
    assert call["card_modifiedSince"] < bookmark
    assert not [e for e in server.log if e.path.endswith("/cards")]
    assert set(again.ids("cards")) == touched
    assert sorted(again.ids("actions")) == sorted(a["id"] for a in new)


@pytest.mark.parametrize("date_bounds", ["ms", "second"])
def test_a_card_changed_in_the_bookmarks_second_is_not_missed(make_emulator, date_bounds) -> None:
    workspace, _server, config = make_emulator({"date_bounds": date_bounds}, **SMALL)
    first = run_tap(config)
    board = workspace.visible_board_ids()[0]
    cards = [c for c in first.records["cards"] if c["board_id"] == board]
    bookmark = max(c["dateLastActivity"] for c in cards)
    # Another card is changed later within the very second of the bookmark.
    other = next(c for c in workspace.board_cards(board) if c["dateLastActivity"] < bookmark)
    later = bookmark[:20] + "999Z"
    assert later > bookmark
    workspace._replace_card(dict(other, dateLastActivity=later, desc="changed"))
    workspace._board_activity(board, parse_iso_ms(later))
    again = run_tap(config, state=first.state)
    assert other["id"] in again.ids("cards")


@pytest.mark.parametrize(
    ("selected", "asked", "not_asked"),
    [
        ({"lists"}, {"lists"}, {"cards", "actions", "checklists", "labels"}),
        ({"actions"}, {"actions", "actions_limit"}, {"cards", "lists", "checklists"}),
        ({"checklists"}, {"checklists"}, {"cards", "actions", "lists"}),
        ({"attachments"}, {"cards", "card_attachments"}, {"actions", "lists", "checklists"}),
    ],
    ids=["lists", "actions", "checklists", "attachments"],
)
def test_deselected_streams_narrow_the_nested_call(
    make_emulator, selected, asked, not_asked
) -> None:
    workspace, server, config = make_emulator(**SMALL)
    result = run_tap(config, catalog=catalog_selecting(config, selected))
    assert set(result.records) <= selected
    calls = server.entries("/1/boards/")
    assert len(calls) == len(workspace.visible_board_ids())
    for call in calls:
        assert asked <= set(call.query)
        assert not (not_asked & set(call.query))


def test_checklists_follow_refused_cards_to_the_pages(make_emulator) -> None:
    # Cards and checklists alone: the cards stream is the first to read the board.
    workspace, server, config = make_emulator({"max_nested_cards": 25}, **SMALL)
    result = run_tap(config, catalog=catalog_selecting(config, {"cards", "checklists"}))
    boards = workspace.visible_board_ids()
    checklists = {cl["id"] for b in boards for cl in workspace.board_checklists(b)}
    assert sorted(result.ids("checklists")) == sorted(checklists)
    assert sorted(result.ids("cards")) == all_cards(workspace)
    pages = [e for e in server.log if e.path.endswith("/cards")]
    assert pages
    assert all(e.query["checklists"] == "all" for e in pages)
