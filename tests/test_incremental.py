"""Incremental replication: per-board bookmarks, start_date, only what changed."""

from __future__ import annotations

from tests.helpers import run_tap

SMALL = {"seed": 3, "boards": 3, "cards": 300, "actions": 450, "bulk": False}


def test_second_run_emits_nothing_then_exactly_the_new_actions(make_emulator) -> None:
    workspace, _, config = make_emulator(**SMALL)
    first = run_tap(config)
    assert len(first.records["actions"]) == sum(
        len(workspace.board_actions(b)) for b in workspace.visible_board_ids()
    )

    second = run_tap(config, state=first.state)
    assert second.records.get("actions", []) == []
    assert second.records.get("cards", []) == []
    assert second.state["bookmarks"]["actions"] == first.state["bookmarks"]["actions"]

    board_id = workspace.big_board_id
    new_actions = workspace.add_actions(board_id, 7)
    card_id = workspace.board_cards(board_id)[0]["id"]
    touched = workspace.touch_card(card_id)
    touch_action = workspace.board_actions(board_id)[0]

    third = run_tap(config, state=second.state)
    assert sorted(third.ids("actions")) == sorted(
        [a["id"] for a in new_actions] + [touch_action["id"]]
    )
    changed_cards = {a["data"]["card"]["id"] for a in new_actions if "card" in a["data"]}
    assert set(third.ids("cards")) == {touched["id"]} | changed_cards
    partitions = {
        p["context"]["board_id"]: p["replication_key_value"]
        for p in third.state["bookmarks"]["actions"]["partitions"]
    }
    assert partitions[board_id] == touch_action["date"]


def test_start_date_limits_actions_but_not_cards(make_emulator) -> None:
    workspace, _, config = make_emulator(**SMALL)
    all_actions = [a for b in workspace.visible_board_ids() for a in workspace.board_actions(b)]
    dates = sorted(a["date"] for a in all_actions)
    start = dates[len(dates) // 2]
    result = run_tap({**config, "start_date": start})
    assert sorted(result.ids("actions")) == sorted(
        a["id"] for a in all_actions if a["date"] >= start
    )
    all_cards = [c for b in workspace.visible_board_ids() for c in workspace.board_cards(b)]
    assert len(result.records["cards"]) == len(all_cards)
