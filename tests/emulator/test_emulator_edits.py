"""The emulator's deletion edits, seen over HTTP: each leaves the trace Trello leaves.

Which edits put an action in the board feed (``/boards/{id}/actions``) and which reach
webhooks only, which move the board's ``dateLastActivity`` (``/members/me/boards``), and
that the object is gone from every listing (docs/deletions.md).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from trello_emulator import EmulatorServer, Workspace


@pytest.fixture
def trello():
    ws = Workspace.generate(seed=3, boards=4, cards=400, actions=600, bulk=False)
    with EmulatorServer(ws) as server:
        session = requests.Session()
        session.headers["Authorization"] = (
            f'OAuth oauth_consumer_key="{ws.api_key}", oauth_token="{ws.token}"'
        )

        def get(path: str, **params: Any) -> Any:
            response = session.get(server.url + path, params=params, timeout=10)
            return response.status_code, response.json() if response.ok else None

        yield ws, get


def feed(get, board_id: str) -> list[dict[str, Any]]:
    return get(f"/boards/{board_id}/actions", filter="all", limit=1000)[1]


def activity(get, board_id: str) -> str | None:
    boards = get("/members/me/boards", filter="all", fields="id,dateLastActivity")[1]
    return next(b["dateLastActivity"] for b in boards if b["id"] == board_id)


def first_card(ws: Workspace, board_id: str, test) -> dict[str, Any]:
    return next(c for c in ws.board_cards(board_id) if test(c))


def test_announced_edits_leave_their_action_and_move_the_board(trello) -> None:
    ws, get = trello
    board = ws.visible_board_ids(include_closed=False)[0]
    card = first_card(ws, board, lambda c: c["idChecklists"])
    checklist = card["idChecklists"][0]
    before = activity(get, board)
    ws.remove_checklist(checklist)
    newest = feed(get, board)[0]
    assert newest["type"] == "removeChecklistFromCard"
    assert newest["data"]["checklist"]["id"] == checklist
    assert activity(get, board) > before
    assert checklist not in {c["id"] for c in get(f"/boards/{board}/checklists")[1]}

    valued = first_card(ws, board, lambda c: ws.card_custom_field_items.get(c["id"]))
    item = ws.card_custom_field_items[valued["id"]][0]
    ws.clear_custom_field_item(valued["id"], item["idCustomField"])
    newest = feed(get, board)[0]
    assert newest["type"] == "updateCustomFieldItem"
    assert newest["data"]["customFieldItem"] == {
        "id": item["id"],
        "value": None,
        "idCustomField": item["idCustomField"],
        "idModel": valued["id"],
        "modelType": "card",
    }
    cards = get(f"/boards/{board}/cards", filter="all", customFieldItems="true")[1]
    items = {i["id"] for c in cards for i in c["customFieldItems"]}
    assert item["id"] not in items


def test_moves_leave_an_action_on_each_board(trello) -> None:
    ws, get = trello
    source, target = ws.visible_board_ids(include_closed=False)[:2]
    card = ws.board_cards(source)[0]
    ws.move_card(card["id"], target)
    assert feed(get, source)[0]["type"] == "moveCardFromBoard"
    assert feed(get, source)[0]["data"]["boardTarget"] == {"id": target}
    assert feed(get, target)[0]["type"] == "moveCardToBoard"
    assert card["id"] not in {c["id"] for c in get(f"/boards/{source}/cards", filter="all")[1]}
    moved = next(
        c for c in get(f"/boards/{target}/cards", filter="all")[1] if c["id"] == card["id"]
    )
    assert moved["idBoard"] == target

    lst = ws.board_lists(source)[-1]
    cards_on_it = {c["id"] for c in ws.board_cards(source) if c["idList"] == lst["id"]}
    ws.move_list(lst["id"], ws.invisible_board_id)
    assert feed(get, source)[0]["type"] == "moveListFromBoard"
    assert lst["id"] not in {x["id"] for x in get(f"/boards/{source}/lists", filter="all")[1]}
    left = {c["id"] for c in get(f"/boards/{source}/cards", filter="all")[1]}
    assert not cards_on_it & left


@pytest.mark.parametrize("edit", ["check item", "attachment", "label", "member"])
def test_unannounced_edits_leave_no_action(trello, edit) -> None:
    ws, get = trello
    board = ws.visible_board_ids(include_closed=False)[0]
    newest_before, activity_before = feed(get, board)[0]["id"], activity(get, board)
    if edit == "check item":
        card = first_card(ws, board, lambda c: c["idChecklists"])
        gone = ws.checklists[card["idChecklists"][0]]["checkItems"][0]["id"]
        ws.delete_check_item(gone)
        listed = {i["id"] for cl in get(f"/boards/{board}/checklists")[1] for i in cl["checkItems"]}
    elif edit == "attachment":
        card = first_card(ws, board, lambda c: ws.card_attachments.get(c["id"]))
        gone = ws.card_attachments[card["id"]][0]["id"]
        ws.delete_attachment(gone)
        cards = get(f"/boards/{board}/cards", filter="all", attachments="true")[1]
        listed = {a["id"] for c in cards for a in c["attachments"]}
    elif edit == "label":
        gone = ws.board_labels(board)[0]["id"]
        ws.delete_label(gone)
        listed = {x["id"] for x in get(f"/boards/{board}/labels", limit=1000)[1]}
        cards = get(f"/boards/{board}/cards", filter="all")[1]
        assert not any(gone in c["idLabels"] for c in cards)
    else:
        gone = next(m for m in ws.index[board].members if m != ws.me_id)
        ws.remove_member(board, gone)
        listed = {m["id"] for m in get(f"/boards/{board}/members")[1]}
        memberships = get(f"/boards/{board}/memberships")[1]
        assert gone not in {m["idMember"] for m in memberships}
    assert gone not in listed
    assert feed(get, board)[0]["id"] == newest_before  # webhooks only
    # A deleted check item or attachment moves the dates; a label or member edit does not.
    moved = activity(get, board) != activity_before
    assert moved == (edit in {"check item", "attachment"})


def test_a_deleted_board_is_no_longer_listed_or_readable(trello) -> None:
    ws, get = trello
    board = ws.visible_board_ids(include_closed=False)[2]
    ws.delete_board(board)
    assert board not in {b["id"] for b in get("/members/me/boards", filter="all")[1]}
    assert get(f"/boards/{board}")[0] == 404
    assert get(f"/boards/{board}/cards")[0] == 404


# ---------------------------------------------------------------- the nested board call
def test_nested_cards_come_unpaged_and_filtered_by_modified_since() -> None:
    ws = Workspace.generate(seed=3, boards=2, cards=2400, actions=300, bulk=False)
    with EmulatorServer(ws, max_nested_cards=None) as server:
        session = requests.Session()
        session.headers["Authorization"] = (
            f'OAuth oauth_consumer_key="{ws.api_key}", oauth_token="{ws.token}"'
        )
        big = ws.big_board_id
        url = f"{server.url}/boards/{big}"
        every = ws.board_cards(big)
        assert len(every) > 1000
        body = session.get(url, params={"cards": "all", "card_attachments": "true"}, timeout=10)
        cards = body.json()["cards"]
        assert sorted(c["id"] for c in cards) == sorted(c["id"] for c in every)  # not capped
        assert all("attachments" in c for c in cards)
        since = sorted(c["dateLastActivity"] for c in every)[-5]
        changed = session.get(url, params={"cards": "all", "card_modifiedSince": since}, timeout=10)
        assert {c["id"] for c in changed.json()["cards"]} == {
            c["id"] for c in every if c["dateLastActivity"] > since
        }
        server.api.max_nested_cards = 1000
        refused = session.get(url, params={"cards": "all"}, timeout=10)
        assert refused.status_code == 403
        assert "API_TOO_MANY_CARDS_REQUESTED" in refused.text
        # Actions: at most 1000 a nested call, newest first, since a date.
        too_many = session.get(url, params={"actions": "all", "actions_limit": 1001}, timeout=10)
        assert too_many.status_code == 400
        newest = ws.board_actions(big)
        cut = newest[10]["date"]
        recent = session.get(
            url, params={"actions": "all", "actions_limit": 1000, "actions_since": cut}, timeout=10
        ).json()["actions"]
        assert [a["id"] for a in recent] == [a["id"] for a in newest if a["date"] > cut]


def test_list_history_edits_chain_up_in_the_feed(trello) -> None:
    """Moves, copies and conversions name the lists the card is really in (tests/test_analytics)."""
    ws, get = trello
    board = ws.visible_board_ids(include_closed=False)[0]
    lists = ws.index[board].lists
    card = first_card(ws, board, lambda c: c["idChecklists"] and not c["closed"])
    start = card["idList"]
    target = next(x for x in lists if x != start)
    ws.move_card_to_list(card["id"], target)
    moved = feed(get, board)[0]
    assert moved["type"] == "updateCard"
    assert (moved["data"]["listBefore"]["id"], moved["data"]["listAfter"]["id"]) == (start, target)
    assert get(f"/cards/{card['id']}")[1]["idList"] == target

    copy = ws.copy_card(card["id"], start)
    copied = feed(get, board)[0]
    assert (copied["type"], copied["data"]["card"]["id"]) == ("copyCard", copy["id"])
    assert copied["data"]["list"]["id"] == start
    assert copied["data"]["cardSource"]["id"] == card["id"]

    item = ws.checklists[card["idChecklists"][0]]["checkItems"][0]
    made = ws.convert_check_item(item["id"])
    converted = feed(get, board)[0]
    assert (converted["type"], converted["data"]["card"]["id"]) == (
        "convertToCardFromCheckItem",
        made["id"],
    )
    assert (made["name"], made["idList"]) == (item["name"], target)
    assert item["id"] not in {i["id"] for i in ws.check_items(board)}

    ws.complete_due(made["id"])
    done = feed(get, board)[0]
    assert (done["data"]["card"]["dueComplete"], done["data"]["old"]["dueComplete"]) == (
        True,
        False,
    )


def test_generated_moves_leave_the_list_the_card_was_in() -> None:
    ws = Workspace.generate(seed=1, boards=3, cards=600, actions=1500)
    ws.add_actions(ws.visible_board_ids()[0], 200, types=["updateCard"])
    for board in ws.visible_board_ids():
        where: dict[str, str] = {}
        for action in ws.board_actions(board)[::-1]:  # oldest first
            data = action["data"]
            if "listAfter" in data:
                card = data["card"]["id"]
                assert where.get(card, data["listBefore"]["id"]) == data["listBefore"]["id"]
                assert data["listBefore"]["id"] != data["listAfter"]["id"]
                where[card] = data["listAfter"]["id"]
        for card_id, list_id in where.items():
            if card_id in ws.cards and ws.cards[card_id]["idBoard"] == board:
                assert ws.cards[card_id]["idList"] == list_id
