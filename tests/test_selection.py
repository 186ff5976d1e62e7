"""board_ids, organization_ids, include_closed, members once per run."""

from __future__ import annotations

from collections import Counter

from tests.helpers import run_tap

SMALL = {"seed": 5, "boards": 4, "cards": 400, "actions": 400, "bulk": False}


def test_board_ids_by_id_and_short_link_restrict_every_stream(make_emulator) -> None:
    workspace, server, config = make_emulator(**SMALL)
    first, second = workspace.visible_board_ids()[:2]
    short_link = workspace.boards[second]["shortLink"]
    result = run_tap({**config, "board_ids": [first, short_link]})
    assert sorted(result.ids("boards")) == sorted([first, second])
    for stream in ("lists", "labels", "checklists", "cards", "actions"):
        assert {r["board_id"] for r in result.records[stream]} <= {first, second}
    expected_cards = workspace.board_cards(first) + workspace.board_cards(second)
    assert len(result.records["cards"]) == len(expected_cards)
    # The boards come from /boards/{id}: /members/me/boards is never asked.
    assert server.count("/1/members/me/boards") == 0


def test_organization_ids_add_that_workspaces_boards(make_emulator) -> None:
    workspace, _, config = make_emulator(**SMALL)
    organization_id = next(iter(workspace.organizations))
    expected = {
        b["id"]
        for b in workspace.boards.values()
        if b["idOrganization"] == organization_id and workspace.is_visible(b["id"])
    }
    result = run_tap({**config, "organization_ids": [organization_id]})
    assert set(result.ids("boards")) == expected


def test_include_closed_false_skips_archived_boards_lists_and_cards(make_emulator) -> None:
    workspace, _, config = make_emulator(**SMALL)
    result = run_tap({**config, "include_closed": False})
    open_boards = workspace.visible_board_ids(include_closed=False)
    assert sorted(result.ids("boards")) == sorted(open_boards)
    assert len(open_boards) < len(workspace.visible_board_ids())
    assert not any(r["closed"] for r in result.records["boards"])
    assert not any(r["closed"] for r in result.records["lists"])
    assert not any(r["closed"] for r in result.records["cards"])
    expected_cards = [c for b in open_boards for c in workspace.board_cards(b, "open")]
    assert len(result.records["cards"]) == len(expected_cards)

    everything = run_tap(config)
    assert any(r["closed"] for r in everything.records["lists"])
    assert any(r["closed"] for r in everything.records["cards"])
    assert any(r["closed"] for r in everything.records["boards"])


def test_members_on_several_boards_are_emitted_once(make_emulator) -> None:
    workspace, _, config = make_emulator(**SMALL)
    result = run_tap(config)
    per_board = Counter(
        m["id"] for b in workspace.visible_board_ids() for m in workspace.board_members(b)
    )
    assert max(per_board.values()) > 1  # the data set shares members between boards
    assert Counter(result.ids("members")) == Counter(set(per_board))
