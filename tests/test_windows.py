"""A long action history is paged as two time windows side by side, losing nothing."""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise

import pytest

from tap_trello.timestamps import shift_iso
from tests.helpers import catalog_selecting, run_tap

LONG = {"seed": 51, "boards": 2, "cards": 300, "actions": 14000, "bulk": False}


def test_long_history_is_read_in_two_overlapping_windows(make_emulator) -> None:
    workspace, server, config = make_emulator({"latency_s": 0.1}, **LONG)
    big = workspace.big_board_id
    actions = workspace.board_actions(big)
    assert len(actions) > 10_000
    result = run_tap(config, catalog=catalog_selecting(config, {"actions"}))

    emitted = Counter(row["id"] for row in result.records["actions"] if row["board_id"] == big)
    assert [i for i, n in emitted.items() if n > 1] == []
    assert set(emitted) == {a["id"] for a in actions}
    bookmark = next(
        p
        for p in result.state["bookmarks"]["actions"]["partitions"]
        if p["context"]["board_id"] == big
    )
    assert bookmark["replication_key_value"] == actions[0]["date"]

    pages = [e for e in server.log if e.path == f"/1/boards/{big}/actions"]
    assert len(pages) <= math.ceil(len(actions) / 1000) + 1
    # The newer window starts after the cut second; the older one ends just above it.
    cuts = {e.query["since"] for e in pages if "since" in e.query}
    assert len(cuts) == 1
    cut = cuts.pop()
    assert any(e.query.get("before") == shift_iso(cut, 1000) for e in pages)
    # And the two were in flight at the same time.
    spans = sorted((e.time, e.time + e.duration) for e in pages)
    assert any(later[0] < earlier[1] for earlier, later in pairwise(spans))


def test_a_short_history_is_one_chain(make_emulator) -> None:
    workspace, server, config = make_emulator(
        seed=52, boards=2, cards=300, actions=4000, bulk=False
    )
    big = workspace.big_board_id
    result = run_tap(config, catalog=catalog_selecting(config, {"actions"}))
    assert len(result.records["actions"]) == sum(
        len(workspace.board_actions(b)) for b in workspace.visible_board_ids()
    )
    pages = [e for e in server.log if e.path == f"/1/boards/{big}/actions"]
    assert len(pages) == math.ceil(len(workspace.board_actions(big)) / 1000)
    assert not any("since" in e.query for e in pages)


@pytest.mark.slow
def test_many_cards_are_read_in_windows_too(make_emulator) -> None:
    workspace, server, config = make_emulator(
        {"latency_s": 0.02}, seed=53, boards=2, cards=20000, actions=300, bulk=False
    )
    big = workspace.big_board_id
    cards = workspace.board_cards(big)
    pages_left = len(cards) / 1000 - 1
    assert pages_left >= 16  # enough for more windows than the one allowed
    result = run_tap(config, catalog=catalog_selecting(config, {"cards"}))
    emitted = Counter(row["id"] for row in result.records["cards"] if row["board_id"] == big)
    assert [i for i, n in emitted.items() if n > 1] == []
    assert set(emitted) == {c["id"] for c in cards}
    pages = [e for e in server.log if e.path == f"/1/boards/{big}/cards"]
    windows = {e.query.get("since") for e in pages}
    assert len(windows) == 2  # the newest window (since the cut) and the older one
    assert len(pages) <= math.ceil(len(cards) / 1000) + 1
