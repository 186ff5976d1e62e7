"""Power-Up data (``plugin_data``): every entry of every board and card, at no request of its own.

Over HTTP against the emulator: the board's own entries ride on its nested call
(``pluginData=true``), its cards' on the cards (``card_pluginData=true`` nested,
``pluginData=true`` on the card pages of a board whose cards Trello refuses whole).
"""

from __future__ import annotations

from tap_trello.timestamps import shift_iso
from tests.helpers import catalog_selecting_defaults, run_tap
from tests.mirror_target import MirrorTarget, trello_objects
from trello_emulator.model.plugin_data import STORY_POINTS


def entries_by_id(workspace) -> dict[str, dict]:
    boards = workspace.visible_board_ids()
    models = [*boards, *(card["id"] for b in boards for card in workspace.board_cards(b))]
    return {e["id"]: e for model in models for e in workspace.plugin_data.get(model, [])}


def test_every_entry_of_boards_and_cards_at_no_request_of_its_own(
    workspace, emulator, config
) -> None:
    emulator.clear_log()
    run = run_tap(config)
    with_plugin_data = [(entry.path, entry.query_string) for entry in emulator.log]
    expected = entries_by_id(workspace)
    rows = {row["id"]: row for row in run.records["plugin_data"]}
    assert set(rows) == set(expected) == trello_objects(workspace)["plugin_data"]
    assert len(run.records["plugin_data"]) == len(expected)  # each once
    card_board = {
        card["id"]: board
        for board in workspace.visible_board_ids()
        for card in workspace.board_cards(board)
    }
    for entry_id, row in rows.items():
        entry = expected[entry_id]
        assert row["value"] == entry["value"]  # Trello's JSON text, untouched
        if entry["scope"] == "card":
            assert row["card_id"] == entry["idModel"]
            assert row["board_id"] == card_board[entry["idModel"]]
        else:
            assert row["card_id"] is None
            assert row["board_id"] == entry["idModel"]
    # Cards no longer carry it: the stream does.
    assert not any("pluginData" in card for card in run.records["cards"])
    # No request per card or board, and the big board's card pages brought theirs.
    assert not any("pluginData" in path for path, _ in with_plugin_data)
    big_pages = [q for p, q in with_plugin_data if p == f"/1/boards/{workspace.big_board_id}/cards"]
    assert big_pages
    assert all("pluginData=true" in query for query in big_pages)
    assert any(
        rows[e]["card_id"] and card_board[rows[e]["card_id"]] == workspace.big_board_id
        for e in rows
    )
    # The same requests as a run without the stream.
    catalog = catalog_selecting_defaults(config, but={"plugin_data"})
    emulator.clear_log()
    without = run_tap(config, catalog=catalog)
    assert "plugin_data" not in without.records
    assert len(emulator.log) == len(with_plugin_data)


def test_a_changed_value_comes_with_its_card_and_a_removed_entry_goes(make_emulator) -> None:
    workspace, _server, config = make_emulator(seed=5, boards=3, cards=200, actions=300)
    first = run_tap(config)
    mirror = MirrorTarget().apply(first)
    card = next(
        card
        for board in workspace.visible_board_ids()
        for card in workspace.board_cards(board)
        if any(e["scope"] == "card" for e in workspace.plugin_data.get(card["id"], []))
    )
    changed = workspace.set_plugin_data(card["id"], {"points": 21})
    again = run_tap(config, state=first.state)
    # Only the changed card is sent again, and its entries with it: those of the cards
    # the board's call asked (active since the board's bookmark, a second early).
    assert again.ids("cards") == [card["id"]]
    sent = [row for row in again.records["plugin_data"] if row["card_id"]]
    assert {e["id"] for e in workspace.plugin_data[card["id"]]} <= {row["id"] for row in sent}
    bookmark = next(
        p["replication_key_value"]
        for p in first.state["bookmarks"]["cards"]["partitions"]
        if p["context"]["board_id"] == card["idBoard"]
    )
    asked = {
        c["id"]
        for c in workspace.board_cards(card["idBoard"])
        if c["dateLastActivity"] and c["dateLastActivity"] >= shift_iso(bookmark, -1000)
    }
    assert {row["card_id"] for row in sent} <= asked
    assert len(asked) < len(workspace.board_cards(card["idBoard"])) / 10
    assert next(row for row in sent if row["id"] == changed["id"])["value"] == '{"points":21}'
    assert changed["idPlugin"] == workspace.power_ups[STORY_POINTS]
    mirror.apply(again)
    assert mirror.tables["plugin_data"][changed["id"]]["value"] == '{"points":21}'
    # A Power-Up's data removed from a card stops being live after the next whole read.
    with workspace.lock:
        gone = workspace.plugin_data.pop(card["id"])
    whole = run_tap({**config, "rescan_after_hours": 0}, state=again.state)
    mirror.apply(whole)
    assert mirror.live("plugin_data") == trello_objects(workspace)["plugin_data"]
    assert not {e["id"] for e in gone} & mirror.live("plugin_data")
