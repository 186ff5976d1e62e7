"""The request budget: the fewest requests that get everything.

A full sync costs 1 (boards) + B nested board calls, each bringing the board's objects,
cards and newest 1000 actions; plus, where a board overflows, its pages: ⌈cards/1000⌉ card
pages (and the call asked again without its cards) when Trello refuses the cards whole,
⌈actions/1000⌉ action pages when it has 1000 actions or more.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from tap_trello.paging import PAGE_SIZE
from tests.helpers import catalog_selecting, run_tap

if TYPE_CHECKING:
    from trello_emulator import EmulatorServer, Workspace

# Several pages per board, no same-second bulk runs: the minimum is reachable exactly.
PAGED = {"seed": 21, "boards": 3, "cards": 2600, "actions": 3300, "bulk": False}
NESTED_STREAMS = {
    "lists",
    "labels",
    "members",
    "checklists",
    "custom_fields",
    "board_memberships",
    "check_items",
}


def pages(n: int) -> int:
    return max(1, math.ceil(n / 1000))


#: The emulator's default threshold of a refused nested cards answer (a guess at Trello's).
NESTED_CARDS = 1000


def refused(workspace: Workspace, board_id: str) -> bool:
    return len(workspace.board_cards(board_id)) > NESTED_CARDS


def card_pages(workspace: Workspace, boards: list[str] | None = None) -> int:
    """Card pages of the boards whose cards Trello refuses whole in the nested call."""
    boards = workspace.visible_board_ids() if boards is None else boards
    return sum(pages(len(workspace.board_cards(b))) for b in boards if refused(workspace, b))


def action_pages(workspace: Workspace, boards: list[str] | None = None) -> int:
    """Action pages of the boards with more actions than the nested call brings."""
    boards = workspace.visible_board_ids() if boards is None else boards
    counts = [len(workspace.board_actions(b)) for b in boards]
    return sum(pages(n) for n in counts if n >= PAGE_SIZE)


def board_calls(workspace: Workspace, boards: list[str] | None = None) -> int:
    """One nested call per board, asked again without its cards where they are refused."""
    boards = workspace.visible_board_ids() if boards is None else boards
    return len(boards) + sum(refused(workspace, b) for b in boards)


def design_minimum(workspace: Workspace) -> int:
    """1 (boards) + the board calls + the pages of the boards that overflow."""
    return 1 + board_calls(workspace) + card_pages(workspace) + action_pages(workspace)


def requests_by_kind(server: EmulatorServer) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for entry in server.log:
        parts = entry.path.split("/")
        kind = "/".join(
            p if not (len(p) == 24 or len(p) == 8) or p == "me" else "{id}" for p in parts
        )
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


@pytest.fixture
def paged(make_emulator):
    return make_emulator(**PAGED)


def test_full_sync_costs_the_design_minimum(paged) -> None:
    workspace, server, config = paged
    boards = len(workspace.visible_board_ids())
    assert len(workspace.board_cards(workspace.big_board_id)) > 2000
    result = run_tap(config)
    assert len(result.records["cards"]) == sum(
        len(workspace.board_cards(b)) for b in workspace.visible_board_ids()
    )
    # Every stream is selected; organizations is the one call the formula leaves out.
    assert requests_by_kind(server) == {
        "/1/members/me/boards": 1,
        "/1/members/me/organizations": 1,
        "/1/boards/{id}": board_calls(workspace),
        "/1/boards/{id}/cards": card_pages(workspace),
        "/1/boards/{id}/actions": action_pages(workspace),
    }
    assert len(server.log) == design_minimum(workspace) + 1
    # Only the big board overflows: each of the others is one request.
    assert board_calls(workspace) == boards + 1


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ({"boards"}, lambda ws: 1),
        ({"lists"}, lambda ws: 1 + len(ws.visible_board_ids())),
        (NESTED_STREAMS, lambda ws: 1 + len(ws.visible_board_ids())),
        (
            {"cards", "attachments", "card_custom_field_items"},
            lambda ws: 1 + board_calls(ws) + card_pages(ws),
        ),
        (
            {"actions", "deleted_cards"},
            lambda ws: 1 + len(ws.visible_board_ids()) + action_pages(ws),
        ),
        ({"organizations"}, lambda ws: 1),
    ],
    ids=["boards", "lists", "nested", "card-pages", "action-pages", "organizations"],
)
def test_deselected_streams_cost_nothing(paged, selected, expected) -> None:
    workspace, server, config = paged
    result = run_tap(config, catalog=catalog_selecting(config, selected))
    assert set(result.records) <= selected
    assert len(server.log) == expected(workspace)


def test_nested_call_asks_only_for_selected_objects(paged) -> None:
    workspace, server, config = paged
    run_tap(config, catalog=catalog_selecting(config, {"labels", "members"}))
    nested = [e for e in server.log if e.path.count("/") == 3 and e.path.startswith("/1/boards/")]
    assert len(nested) == len(workspace.visible_board_ids())
    for entry in nested:
        assert entry.query["labels"] == "all"
        assert entry.query["labels_limit"] == "1000"
        assert entry.query["members"] == "all"
        assert "lists" not in entry.query
        assert "checklists" not in entry.query


def test_board_ids_fold_the_nested_call_into_the_board_request(paged) -> None:
    workspace, server, config = paged
    board_ids = workspace.visible_board_ids()[:2]
    run_tap({**config, "board_ids": board_ids})
    cost = board_calls(workspace, board_ids)
    cost += card_pages(workspace, board_ids) + action_pages(workspace, board_ids)
    assert len(server.log) == 1 + cost  # +1: organizations
    # Named by short link, a board has no bookmark yet: its cards and actions are paged.
    server.clear_log()
    short = workspace.boards[board_ids[1]]["shortLink"]
    run_tap({**config, "board_ids": [short]})
    assert "actions" not in server.entries(f"/1/boards/{short}")[0].query


def test_resync_with_nothing_new_costs_two_requests(paged) -> None:
    _workspace, server, config = paged
    first = run_tap(config)
    server.clear_log()
    second = run_tap(config, state=first.state)
    # Every board's activity date is the one of its last sync: only the lists are read.
    assert sorted(e.path for e in server.log) == [
        "/1/members/me/boards",
        "/1/members/me/organizations",
    ]
    assert set(second.records) == {"boards", "organizations"}
    assert len(second.records["boards"]) == len(first.records["boards"])


def test_rescan_after_zero_hours_reads_every_board_again(paged) -> None:
    workspace, server, config = paged
    first = run_tap(config)
    server.clear_log()
    second = run_tap({**config, "rescan_after_hours": 0}, state=first.state)
    assert second.records.get("actions", []) == []
    assert second.records.get("deleted_cards", []) == []
    # One call per board (its new actions: none), the refused board's cards paged at once.
    kinds = requests_by_kind(server)
    assert kinds["/1/boards/{id}"] == len(workspace.visible_board_ids())
    assert "/1/boards/{id}/actions" not in kinds
    assert len(server.log) == 2 + len(workspace.visible_board_ids()) + card_pages(workspace)


@pytest.mark.parametrize(
    ("selected", "list_calls"), [(None, 0), ({"cards"}, 1)], ids=["with-lists", "cards-alone"]
)
def test_a_second_of_over_1000_cards_is_read_list_by_list(
    make_emulator, selected, list_calls
) -> None:
    # Seed 1's big board holds a bulk run of more than 1000 cards created in one second.
    workspace, server, config = make_emulator(seed=1)
    big = workspace.big_board_id
    catalog = catalog_selecting(config, selected) if selected else None
    result = run_tap(config, catalog=catalog)
    assert sorted(result.ids("cards")) == sorted(
        c["id"] for b in workspace.visible_board_ids() for c in workspace.board_cards(b)
    )
    by_list = [e for e in server.log if e.path.startswith("/1/lists/")]
    assert len(by_list) == len(workspace.board_lists(big))
    # The board's lists come from its nested call when that call asks for them anyway.
    lists_calls = [e for e in server.log if e.path == f"/1/boards/{big}/lists"]
    assert len(lists_calls) == list_calls


def test_the_five_board_workspace_stays_near_the_minimum(make_emulator) -> None:
    # The tests' default data: 5 boards (4 the token's), bulk runs on the big board, one
    # of them over 1000 cards created in one second.
    workspace, server, config = make_emulator(seed=1)
    run_tap(config)
    # Such a second cannot be paged by time: its cards are read list by list, one
    # request per list of that board, which the formula does not count.
    same_second = [
        b
        for b in workspace.visible_board_ids()
        if max(Counter(c["id"][:8] for c in workspace.board_cards(b)).values()) > 1000
    ]
    assert same_second == [workspace.big_board_id]
    fallback = sum(len(workspace.board_lists(b)) for b in same_second)
    minimum = design_minimum(workspace) + 1 + fallback  # + 1: organizations
    assert len(server.log) <= 1.1 * minimum
    # 28 requests before the nested call brought cards and actions.
    assert len(server.log) < 28
