"""The workspace level, over HTTP against the emulator: members, memberships and the feed.

``organization_members``, ``organization_memberships`` and ``organization_actions`` are
opt-in: a catalog selects them here. Each workspace costs one nested call for its people
and the pages of its feed (one when nothing is new).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tests.helpers import (
    catalog_selecting,
    catalog_selecting_all,
    catalog_selecting_defaults,
    parse_messages,
    run_cli,
    run_tap,
)
from tests.mirror_target import MirrorTarget, workspace_objects
from trello_emulator import FaultConfig

WORKSPACE = {"organization_members", "organization_memberships", "organization_actions"}
DATA = {"seed": 7, "boards": 3, "cards": 120, "actions": 200, "bulk": False}


def keys(run, stream: str) -> set:
    if stream == "organization_actions":
        return set(run.ids(stream))
    return {(row["organization_id"], row["id"]) for row in run.records[stream]}


def organization_requests(server) -> Counter:
    return Counter(
        entry.path.rsplit("/", 1)[-1] if entry.path.endswith("/actions") else "people"
        for entry in server.log
        if entry.path.startswith("/1/organizations/")
    )


def test_not_selected_unless_asked(make_emulator) -> None:
    _workspace, server, config = make_emulator(**DATA)
    run = run_tap(config)
    assert not set(run.records) & WORKSPACE
    assert organization_requests(server) == Counter()


def test_every_member_and_membership_of_every_workspace(make_emulator) -> None:
    workspace, server, config = make_emulator(**DATA)
    catalog = catalog_selecting_all(config)
    run = run_tap(config, catalog=catalog)
    expected = workspace_objects(workspace)
    for stream in WORKSPACE:
        assert keys(run, stream) == expected[stream], stream
        assert len(run.records[stream]) == len(expected[stream]), stream  # each once
    organizations = workspace.members[workspace.me_id]["idOrganizations"]
    # Members on no board are there, with every member field the members stream has.
    on_boards = {m["id"] for b in workspace.visible_board_ids() for m in workspace.board_members(b)}
    off_boards = {row["id"] for row in run.records["organization_members"]} - on_boards
    assert off_boards
    assert off_boards <= set(workspace.org_only_members)
    member = next(r for r in run.records["organization_members"] if r["id"] in off_boards)
    assert member["fullName"] == workspace.member_record(member["id"])["fullName"]
    # Memberships as Trello keeps them: deactivated and unconfirmed ones too.
    memberships = {
        (org, m["id"]): m for org in organizations for m in workspace.organization_memberships(org)
    }
    assert any(m["deactivated"] for m in memberships.values())
    assert any(m["unconfirmed"] for m in memberships.values())
    for row in run.records["organization_memberships"]:
        kept = memberships[row["organization_id"], row["id"]]
        for field in ("idMember", "memberType", "unconfirmed", "deactivated"):
            assert row[field] == kept[field]
        assert row.get("lastActive") == kept.get("lastActive")
    # One nested call for both streams, one feed page, per workspace: nothing else.
    assert organization_requests(server) == Counter(
        {"people": len(organizations), "actions": len(organizations)}
    )
    without = run_tap(config, catalog=catalog_selecting_defaults(config))
    assert without.counts() == {k: v for k, v in run.counts().items() if k not in WORKSPACE}


@pytest.mark.parametrize("bounds", ["ms", "second"])
def test_a_long_feed_with_a_burst_across_a_page_boundary(make_emulator, bounds) -> None:
    workspace, server, config = make_emulator(
        {"date_bounds": bounds}, **DATA, org_actions=2400, org_burst=1300
    )
    catalog = catalog_selecting_all(config)
    first = run_tap(config, catalog=catalog)
    organizations = workspace.members[workspace.me_id]["idOrganizations"]
    feed = [a["id"] for org in organizations for a in workspace.organization_actions(org)]
    assert len(feed) > 2000
    biggest = max(organizations, key=lambda org: len(workspace.organization_actions(org)))
    seconds = Counter(a["date"][:19] for a in workspace.organization_actions(biggest))
    assert max(seconds.values()) > 1000  # more than a page in one second
    assert Counter(first.ids("organization_actions")) == Counter(feed)
    for row in first.records["organization_actions"]:
        assert row["organization_id"] in organizations
    # New actions, some within one second: exactly them, one page per workspace.
    added = workspace.add_organization_actions(biggest, 30, same_second=True)
    server.clear_log()
    again = run_tap(config, catalog=catalog, state=first.state)
    assert Counter(again.ids("organization_actions")) == Counter(a["id"] for a in added)
    assert organization_requests(server)["actions"] == len(organizations)
    # Nothing new: the feed costs its first page, nothing more.
    server.clear_log()
    quiet = run_tap(config, catalog=catalog, state=again.state)
    assert "organization_actions" not in quiet.records
    assert organization_requests(server) == Counter(
        {"people": len(organizations), "actions": len(organizations)}
    )


def test_start_date_and_action_types_apply_to_the_feed(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    catalog = catalog_selecting_all(config)
    organizations = workspace.members[workspace.me_id]["idOrganizations"]
    feed = [a for org in organizations for a in workspace.organization_actions(org)]
    dates = sorted(a["date"] for a in feed)
    start = dates[len(dates) // 2]
    dated = run_tap({**config, "start_date": start}, catalog=catalog)
    assert set(dated.ids("organization_actions")) == {a["id"] for a in feed if a["date"] >= start}
    kind = Counter(a["type"] for a in feed).most_common(1)[0][0]
    typed = run_tap({**config, "action_types": [kind]}, catalog=catalog)
    assert set(typed.ids("organization_actions")) == {a["id"] for a in feed if a["type"] == kind}


def test_a_member_who_leaves_stops_being_live_after_the_next_whole_run(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    catalog = catalog_selecting_all(config)
    mirror = MirrorTarget()
    first = run_tap(config, catalog=catalog)
    mirror.apply(first)
    org = workspace.members[workspace.me_id]["idOrganizations"][0]
    leaving = next(
        m for m in workspace.organization_memberships(org) if m["idMember"] != workspace.me_id
    )
    workspace.remove_organization_member(org, leaving["idMember"])
    # A filtered run is a shard: it marks nothing deleted.
    filtered = run_tap({**config, "organization_ids": [org]}, catalog=catalog, state=first.state)
    mirror.apply(filtered)
    assert (org, leaving["idMember"]) in mirror.live("organization_members")
    assert (org, leaving["id"]) in mirror.live("organization_memberships")
    # The next complete run does: the member and the membership are no longer live.
    again = run_tap(config, catalog=catalog, state=filtered.state)
    mirror.apply(again)
    expected = workspace_objects(workspace)
    assert mirror.live("organization_members") == expected["organization_members"]
    assert mirror.live("organization_memberships") == expected["organization_memberships"]
    assert (org, leaving["idMember"]) not in mirror.live("organization_members")
    # The feed said so in the filtered run (it read the workspace), and is history:
    # nothing of it is retracted.
    assert "removeMemberFromOrganization" in {
        row["type"] for row in filtered.records["organization_actions"]
    }
    assert mirror.live("organization_actions") >= set(first.ids("organization_actions"))


def test_a_board_ids_run_reads_no_workspace(make_emulator) -> None:
    workspace, server, config = make_emulator(**DATA)
    board = workspace.visible_board_ids()[0]
    run = run_tap({**config, "board_ids": [board]}, catalog=catalog_selecting_all(config))
    assert not set(run.records) & WORKSPACE
    assert organization_requests(server) == Counter()
    assert run.ids("boards") == [board]


def cli_with_every_stream(config: dict, tmp_path, *args: str):
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(catalog_selecting_all(config)))
    return run_cli(config, "--catalog", str(catalog), *args)


def test_a_vanished_workspace_is_skipped_and_nothing_is_said_gone(make_emulator, tmp_path) -> None:
    workspace, server, config = make_emulator(**DATA)
    gone = "0" * 23 + "1"

    def listed_but_gone(path: str, answer: Any) -> Any:
        if path == "/1/members/me/organizations":
            return [*answer, {**answer[0], "id": gone}]
        return answer

    server.rewrite = listed_but_gone
    run = cli_with_every_stream(config, tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"Workspace {gone} is no longer available (404); skipping its" in run.stderr
    assert workspace.token not in run.stderr
    result = parse_messages(run.stdout)
    expected = workspace_objects(workspace)
    assert keys(result, "organization_members") == expected["organization_members"]
    activated = {m["stream"] for m in result.messages if m["type"] == "ACTIVATE_VERSION"}
    assert "organizations" in activated
    assert not activated & WORKSPACE


def test_a_failed_workspace_read_marks_nothing_deleted(make_emulator, tmp_path) -> None:
    workspace, server, config = make_emulator(**DATA)
    last = workspace.members[workspace.me_id]["idOrganizations"][-1]
    server.faults = FaultConfig(rate=1.0, paths=rf"/organizations/{last}$", kinds=("5xx",))
    run = cli_with_every_stream({**config, "max_retries": 0}, tmp_path)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("tap-trello: error: gave up")
    failed = parse_messages(run.stdout)
    assert failed.records["organization_members"]  # the first workspace went out
    activated = {m["stream"] for m in failed.messages if m["type"] == "ACTIVATE_VERSION"}
    assert not activated & {"organizations", *WORKSPACE}


def test_the_workspace_level_alone_is_mirrored(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    catalog = catalog_selecting(config, {"organization_members"})
    first = run_tap(config, catalog=catalog)
    mirror = MirrorTarget().apply(first)  # strict: no message before its stream's SCHEMA
    assert set(first.records) == {"organization_members"}
    activated = {m["stream"] for m in first.messages if m["type"] == "ACTIVATE_VERSION"}
    assert activated == {"organization_members"}
    org = workspace.members[workspace.me_id]["idOrganizations"][-1]
    leaver = next(
        m["idMember"]
        for m in workspace.organization_memberships(org)
        if m["idMember"] != workspace.me_id
    )
    workspace.remove_organization_member(org, leaver)
    mirror.apply(run_tap(config, catalog=catalog, state=first.state))
    assert (
        mirror.live("organization_members") == workspace_objects(workspace)["organization_members"]
    )
    assert (org, leaver) in mirror.tables["organization_members"]


def test_a_dry_run_says_nothing_is_gone(make_emulator, tmp_path) -> None:
    _workspace, _server, config = make_emulator(**DATA)
    run = cli_with_every_stream(config, tmp_path, "--test")
    assert run.returncode == 0, run.stderr[-2000:]
    result = parse_messages(run.stdout)
    for stream in WORKSPACE:
        assert len(result.records[stream]) == 1, stream
    assert not [m for m in result.messages if m["type"] == "ACTIVATE_VERSION"]
