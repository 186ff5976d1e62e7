"""Streams beyond the seven: organizations, custom fields, attachments, memberships..."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest

from tests.helpers import (
    SyncResult,
    catalog_selecting,
    parse_messages,
    run_cli,
    run_tap,
    tap_config,
)

if TYPE_CHECKING:
    from trello_emulator import Workspace

SMALL = {"seed": 9, "boards": 3, "cards": 500, "actions": 900, "bulk": False}


@pytest.fixture(scope="module")
def full_sync(workspace: Workspace, emulator) -> SyncResult:
    return run_tap(tap_config(workspace, emulator))


def visible_cards(workspace: Workspace) -> list[dict]:
    return [c for b in workspace.visible_board_ids() for c in workspace.board_cards(b)]


def assert_once(result: SyncResult, stream: str, expected_ids: list[str]) -> None:
    emitted = Counter(result.ids(stream))
    assert [i for i, n in emitted.items() if n > 1] == []
    assert sorted(emitted) == sorted(expected_ids)


def test_organizations(full_sync: SyncResult, workspace: Workspace) -> None:
    mine = workspace.members[workspace.me_id]["idOrganizations"]
    assert len(mine) == 2
    assert_once(full_sync, "organizations", mine)
    for record in full_sync.records["organizations"]:
        assert record == workspace.organizations[record["id"]]


def test_custom_fields_with_options(full_sync: SyncResult, workspace: Workspace) -> None:
    expected = {
        f["id"]: {**f, "board_id": b}
        for b in workspace.visible_board_ids()
        for f in workspace.board_custom_fields(b)
    }
    assert_once(full_sync, "custom_fields", list(expected))
    for record in full_sync.records["custom_fields"]:
        assert record == expected[record["id"]]
    assert any(f.get("options") for f in full_sync.records["custom_fields"])


def test_card_custom_field_items_and_attachments(
    full_sync: SyncResult, workspace: Workspace
) -> None:
    for stream, source in (
        ("card_custom_field_items", workspace.card_custom_field_items),
        ("attachments", workspace.card_attachments),
    ):
        expected = {
            row["id"]: {**row, "card_id": card["id"], "board_id": card["idBoard"]}
            for card in visible_cards(workspace)
            for row in source.get(card["id"], [])
        }
        assert len(expected) > 50, stream
        assert_once(full_sync, stream, list(expected))
        for record in full_sync.records[stream]:
            assert record == expected[record["id"]]


def test_board_memberships(full_sync: SyncResult, workspace: Workspace) -> None:
    expected = {
        m["id"]: {**m, "board_id": b}
        for b in workspace.visible_board_ids()
        for m in workspace.board_memberships(b)
    }
    assert_once(full_sync, "board_memberships", list(expected))
    for record in full_sync.records["board_memberships"]:
        assert record == expected[record["id"]]
        assert {"idMember", "memberType", "deactivated"} <= set(record)


def test_check_items_flattened(full_sync: SyncResult, workspace: Workspace) -> None:
    expected = {}
    for b in workspace.visible_board_ids():
        for checklist in workspace.board_checklists(b):
            for item in checklist["checkItems"]:
                expected[item["id"]] = {
                    **item,
                    "checklist_id": checklist["id"],
                    "card_id": checklist["idCard"],
                    "board_id": b,
                }
    assert_once(full_sync, "check_items", list(expected))
    for record in full_sync.records["check_items"]:
        assert record == expected[record["id"]]


def test_deleted_cards_first_run_then_only_new_deletions(make_emulator) -> None:
    workspace, _, config = make_emulator(**SMALL)
    deletions = [
        a
        for b in workspace.visible_board_ids()
        for a in workspace.board_actions(b)
        if a["type"] == "deleteCard"
    ]
    assert deletions
    first = run_tap(config)
    assert_once(first, "deleted_cards", [a["data"]["card"]["id"] for a in deletions])
    record = next(r for r in first.records["deleted_cards"] if r["action_id"] == deletions[0]["id"])
    assert record["date_deleted"] == deletions[0]["date"]
    assert record["board_id"] == deletions[0]["data"]["board"]["id"]

    card = workspace.board_cards(workspace.big_board_id)[5]
    deletion = workspace.delete_card(card["id"])
    second = run_tap(config, state=first.state)
    assert second.ids("deleted_cards") == [card["id"]]
    assert second.records["deleted_cards"][0]["date_deleted"] == deletion["date"]
    # In the cards stream, the card comes only as a deletion record.
    assert [
        (row["id"], row["_sdc_deleted_at"])
        for row in second.records["cards"]
        if row["id"] == card["id"]
    ] == [(card["id"], deletion["date"])]


def test_deleted_cards_alone_ask_only_for_delete_actions(make_emulator) -> None:
    workspace, server, config = make_emulator(**SMALL)
    result = run_tap(config, catalog=catalog_selecting(config, {"deleted_cards"}))
    boards = workspace.visible_board_ids()
    expected = [
        a["data"]["card"]["id"] for b in boards for a in workspace.board_actions(b, ["deleteCard"])
    ]
    assert_once(result, "deleted_cards", expected)
    # One nested call per board, asking only for its deleteCard actions.
    board_calls = server.entries("/1/boards/")
    assert sorted(e.path for e in board_calls) == sorted(f"/1/boards/{b}" for b in boards)
    assert all(e.query["actions"] == "deleteCard" for e in board_calls)
    assert not any(key.startswith("card") for e in board_calls for key in e.query)
    assert set(result.records) == {"deleted_cards"}


def test_attachments_alone_page_the_cards_without_emitting_them(make_emulator) -> None:
    workspace, server, config = make_emulator(**SMALL)
    result = run_tap(config, catalog=catalog_selecting(config, {"attachments"}))
    assert set(result.records) == {"attachments"}
    expected = [
        row["id"]
        for card in visible_cards(workspace)
        for row in workspace.card_attachments.get(card["id"], [])
    ]
    assert_once(result, "attachments", expected)
    assert server.count("/1/members/me/boards") == 1


def test_fields_trello_adds_later_are_dropped_with_one_warning(make_emulator) -> None:
    workspace, _, config = make_emulator(**SMALL)
    for board_list in workspace.lists.values():
        board_list["brandNewField"] = {"nested": True}
    run = run_cli(config)
    assert run.returncode == 0, run.stderr[-2000:]
    result = parse_messages(run.stdout)
    assert len(result.records["lists"]) == sum(
        len(workspace.board_lists(b)) for b in workspace.visible_board_ids()
    )
    assert not any("brandNewField" in row for row in result.records["lists"])
    warnings = [line for line in run.stderr.splitlines() if "does not declare" in line]
    assert len(warnings) == 1
    assert (
        "Trello sent lists fields this tap does not declare; dropped: brandNewField" in warnings[0]
    )
