"""The emulator's workspace level and Power-Up data, over HTTP.

Workspace members and memberships (``/organizations/{id}/members``, ``/memberships``, the
nested ``/organizations/{id}?members=…&memberships=…``), the workspace's own feed
(``/organizations/{id}/actions``, paged like a board's under both ``date_bounds``),
Power-Up data on boards and cards, the edits of that level, and that none of it changed
the data the rest of the emulator generates for a seed.
"""

from __future__ import annotations

import itertools
import json
from contextlib import contextmanager
from typing import Any

import pytest
import requests

from trello_emulator import EmulatorServer, Workspace
from trello_emulator.model.generate import generate_workspace
from trello_emulator.model.ids import id_second, iso_ms, parse_iso_ms
from trello_emulator.model.organization_level import ORGANIZATION_ACTION_TYPES

BURST = 1100
ENTRY_KEYS = ["id", "idPlugin", "scope", "idModel", "value", "access", "dateLastUpdated"]
MEMBERSHIP_KEYS = ["id", "idMember", "memberType", "unconfirmed", "deactivated", "lastActive"]


def small(seed: int = 4, **options: Any) -> Workspace:
    return Workspace.generate(seed=seed, boards=4, cards=300, actions=400, bulk=False, **options)


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return small(org_burst=BURST)


@pytest.fixture(scope="module")
def server(ws: Workspace):
    with EmulatorServer(ws) as srv:
        yield srv


def getter(ws: Workspace, server: EmulatorServer):
    session = requests.Session()
    session.headers["Authorization"] = (
        f'OAuth oauth_consumer_key="{ws.api_key}", oauth_token="{ws.token}"'
    )

    def get(path: str, **params: Any) -> requests.Response:
        return session.get(server.url + path, params=params, timeout=30)

    return get


@pytest.fixture
def api(ws: Workspace, server: EmulatorServer):
    return getter(ws, server)


@contextmanager
def serving(ws: Workspace, **options: Any):
    with EmulatorServer(ws, **options) as srv:
        yield getter(ws, srv)


def ok(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def org_ids(ws: Workspace) -> list[str]:
    return list(ws.organizations)


def org_boards(ws: Workspace, org_id: str) -> list[str]:
    return [b for b, rec in ws.boards.items() if rec["idOrganization"] == org_id]


def newest_first(actions: list[dict[str, Any]]) -> bool:
    keys = [(a["date"], a["id"]) for a in actions]
    return keys == sorted(keys, reverse=True)


# ---------------------------------------------------------------- existing data unchanged
STATE = (
    "boards",
    "lists",
    "labels",
    "cards",
    "checklists",
    "actions",
    "members",
    "custom_fields",
    "memberships",
    "card_custom_field_items",
    "card_attachments",
    "deleted_cards",
    "runs",
)


def test_the_workspace_level_changes_nothing_else() -> None:
    """Generated with or without the workspace level (any size), the rest is identical."""
    bare = Workspace(7)
    generate_workspace(bare, boards=3, cards=400, actions=500, bulk=True, big_share=0.88)
    full = Workspace.generate(seed=7, boards=3, cards=400, actions=500)
    bigger = Workspace.generate(seed=7, boards=3, cards=400, actions=500, org_actions=300)
    for attr in STATE:
        assert getattr(full, attr) == getattr(bare, attr), attr
        assert getattr(bigger, attr) == getattr(bare, attr), attr
    for org_id, org in full.organizations.items():
        rest = {k: v for k, v in org.items() if k != "memberships"}
        assert rest == {k: v for k, v in bare.organizations[org_id].items() if k != "memberships"}
    assert (full.api_key, full.token, full.me_id, full.clock_s) == (
        bare.api_key,
        bare.token,
        bare.me_id,
        bare.clock_s,
    )
    # the main random stream and id factory are where generation left them
    assert full.rng.getstate() == bare.rng.getstate()
    assert full.ids.new(1) == bare.ids.new(1)
    # and the board edits that follow give the same records
    board = full.visible_board_ids(include_closed=False)[0]
    assert full.add_cards(board, 3) == bare.add_cards(board, 3)
    assert full.add_actions(board, 5) == bare.add_actions(board, 5)


def test_the_workspace_level_is_seeded() -> None:
    a, b, c = small(seed=9), small(seed=9), small(seed=10)
    for attr in ("org_only_members", "plugin_data", "power_ups", "organizations"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert [f.actions for f in a.org_feeds.values()] == [f.actions for f in b.org_feeds.values()]
    assert a.org_only_members != c.org_only_members
    assert a.plugin_data != c.plugin_data


def test_burst_option_is_recorded(ws: Workspace) -> None:
    run = ws.runs["org_burst"]
    assert run["size"] == BURST
    assert run["organization"] == org_ids(ws)[0]
    feed = ws.organization_actions(run["organization"])
    in_second = [a for a in feed if id_second(a["id"]) == run["second"]]
    assert len(in_second) == BURST
    assert len(feed) > 1000
    assert any(id_second(a["id"]) > run["second"] for a in feed)  # not the feed's head
    assert len({a["date"] for a in in_second}) < BURST  # identical milliseconds too
    assert "org_burst" not in small().runs


# ---------------------------------------------------------------- who is in a workspace
def test_each_workspace_has_every_kind_of_member(ws: Workspace) -> None:
    for k, org_id in enumerate(org_ids(ws)):
        memberships = ws.organization_memberships(org_id)
        assert memberships == ws.organizations[org_id]["memberships"]
        assert [list(m) for m in memberships] == [MEMBERSHIP_KEYS] * len(memberships)
        assert memberships[0]["idMember"] == ws.me_id
        assert memberships[0]["memberType"] == "admin"
        assert id_second(memberships[0]["id"]) == id_second(org_id)  # minted with it
        assert len({m["idMember"] for m in memberships}) == len(memberships)
        assert sum(m["memberType"] == "admin" for m in memberships) >= 2
        assert any(m["deactivated"] for m in memberships)
        on_boards = {m for b in org_boards(ws, org_id) for m in ws.index[b].members}
        on_no_board = [m["idMember"] for m in memberships if m["idMember"] not in on_boards]
        assert on_no_board
        assert any(m in ws.org_only_members for m in on_no_board)
        for m in memberships:
            person = ws.member_record(m["idMember"])
            assert m["unconfirmed"] == (not person["confirmed"])
            # Business Class workspaces: lastActive, null for who never signed up
            assert (m["lastActive"] is None) == m["unconfirmed"]
            if m["lastActive"]:
                assert parse_iso_ms(m["lastActive"]) >= id_second(m["id"]) * 1000
        if k == 0:
            assert any(m["unconfirmed"] for m in memberships)
    invitee = next(p for p in ws.org_only_members.values() if not p["confirmed"])
    assert invitee["memberType"] == "ghost"
    assert len(ws.members) == 13  # the board members are the ones they were
    assert not set(ws.org_only_members) & set(ws.members)


def test_organization_members_route(ws: Workspace, api) -> None:
    for org_id in org_ids(ws):
        memberships = ws.organization_memberships(org_id)
        every = [m["idMember"] for m in memberships]
        active = [m["idMember"] for m in memberships if not m["deactivated"]]
        admins = [
            m["idMember"]
            for m in memberships
            if m["memberType"] == "admin" and not m["deactivated"]
        ]
        path = f"/organizations/{org_id}/members"

        def view(ids, fields=("fullName", "username")):
            return [{"id": i, **{f: ws.member_record(i)[f] for f in fields}} for i in ids]

        assert ok(api(path)) == view(active)  # normal: all but the deactivated
        assert ok(api(path, filter="normal")) == view(active)
        assert ok(api(path, filter="all")) == view(every)
        assert ok(api(path, filter="admins")) == view(admins)
        assert ok(api(path, filter="owners")) == view(admins)
        assert ok(api(path, filter="none")) == []
        assert api(path, filter="guests").status_code == 400
        full = ok(api(path, filter="all", fields="all"))
        assert full == [ws.member_record(i) for i in every]
        assert ok(api(path, filter="all", fields="initials")) == view(every, ("initials",))
        name = ws.organizations[org_id]["name"]
        assert ok(api(f"/organizations/{name}/members", filter="all")) == view(every)
    assert api("/organizations/nosuchworkspace/members").status_code == 400
    assert api(f"/organizations/{'0' * 24}/members").status_code == 404


def test_organization_memberships_route(ws: Workspace, api) -> None:
    for org_id in org_ids(ws):
        recs = ws.organization_memberships(org_id)
        path = f"/organizations/{org_id}/memberships"
        assert ok(api(path)) == recs
        assert ok(api(path, filter="all")) == recs
        expected = {
            "active": [m for m in recs if not m["deactivated"]],
            "admin": [m for m in recs if m["memberType"] == "admin"],
            "deactivated": [m for m in recs if m["deactivated"]],
            "me": [m for m in recs if m["idMember"] == ws.me_id],
            "normal": [m for m in recs if m["memberType"] == "normal"],
        }
        for filt, want in expected.items():
            assert ok(api(path, filter=filt)) == want, filt
            assert want
        both = [m for m in recs if m["memberType"] == "admin" or m["deactivated"]]
        assert ok(api(path, filter="admin,deactivated")) == both
        assert api(path, filter="guests").status_code == 400
        nested = ok(api(path, member="true"))
        assert [{k: v for k, v in m.items() if k != "member"} for m in nested] == recs
        for m in nested:
            person = ws.member_record(m["idMember"])
            assert m["member"] == {
                "id": person["id"],
                "fullName": person["fullName"],
                "username": person["username"],
            }


def test_nested_organization_call(ws: Workspace, api) -> None:
    org_id = org_ids(ws)[0]
    org = ws.organizations[org_id]
    recs = ws.organization_memberships(org_id)
    assert ok(api(f"/organizations/{org_id}")) == org  # every field, memberships included
    answer = ok(
        api(
            f"/organizations/{org_id}",
            fields="name,displayName",
            members="all",
            member_fields="all",
            memberships="all",
        )
    )
    assert set(answer) == {"id", "name", "displayName", "members", "memberships"}
    assert answer["members"] == [ws.member_record(m["idMember"]) for m in recs]
    assert answer["memberships"] == recs
    answer = ok(
        api(
            f"/organizations/{org_id}",
            fields="id",
            members="admins",
            member_fields="fullName",
            memberships="active",
            memberships_member="true",
            memberships_member_fields="username",
        )
    )
    admins = [m for m in recs if m["memberType"] == "admin" and not m["deactivated"]]
    assert answer["members"] == [
        {"id": m["idMember"], "fullName": ws.member_record(m["idMember"])["fullName"]}
        for m in admins
    ]
    active = [m for m in recs if not m["deactivated"]]
    assert answer["memberships"] == [
        {
            **m,
            "member": {
                "id": m["idMember"],
                "username": ws.member_record(m["idMember"])["username"],
            },
        }
        for m in active
    ]
    nested = ok(api(f"/organizations/{org_id}", fields="id", actions="all", actions_limit=5))
    assert nested["actions"] == ws.organization_actions(org_id)[:5]
    assert api(f"/organizations/{org_id}", members="guests").status_code == 400
    assert api(f"/organizations/{org_id}", memberships="guests").status_code == 400


def test_people_of_a_workspace_only_are_members_of_trello(ws: Workspace, api) -> None:
    person = next(iter(ws.org_only_members.values()))
    assert ok(api(f"/members/{person['id']}")) == person
    assert ok(api(f"/members/{person['username']}", fields="fullName")) == {
        "id": person["id"],
        "fullName": person["fullName"],
    }
    assert person["idOrganizations"]
    assert person["idBoards"] == []


# ---------------------------------------------------------------- the workspace's feed
def test_workspace_feed_is_its_own(ws: Workspace, api) -> None:
    board_action_ids = set(ws.actions)
    for org_id in org_ids(ws):
        feed = ws.organization_actions(org_id)
        assert newest_first(feed)
        assert {a["type"] for a in feed} <= set(ORGANIZATION_ACTION_TYPES)
        assert not {a["id"] for a in feed} & board_action_ids
        assert ok(api(f"/organizations/{org_id}/actions")) == feed[:50]
        assert ok(api(f"/organizations/{org_id}/actions", limit=1000)) == feed[:1000]
        first = feed[-1]
        assert first["type"] == "createOrganization"
        assert first["data"] == {
            "organization": {"id": org_id, "name": ws.organizations[org_id]["displayName"]}
        }
        assert id_second(first["id"]) == id_second(org_id)
        assert set(first) == set(ws.board_actions(ws.big_board_id)[0])
        for a in feed:
            assert (
                id_second(a["id"]) * 1000
                <= parse_iso_ms(a["date"])
                < (id_second(a["id"]) + 1) * 1000
            )
            assert a["data"]["organization"]["id"] == org_id
            assert a["memberCreator"]["id"] == a["idMemberCreator"]


def test_workspace_feed_explains_its_state(ws: Workspace) -> None:
    for org_id in org_ids(ws):
        feed = ws.organization_actions(org_id)[::-1]  # oldest first
        members: dict[str, str] = {ws.me_id: "admin"}
        for a in feed:
            data = a["data"]
            if a["type"] == "addMemberToOrganization":
                assert data["member"]["id"] == data["idMemberAdded"]
                assert data["member"]["name"] == ws.member_record(data["idMemberAdded"])["fullName"]
                members[data["idMemberAdded"]] = "normal"
            elif a["type"] == "removeMemberFromOrganization":
                assert data["deactivated"] is False
                del members[data["idMember"]]
            elif a["type"] == "makeAdminOfOrganization":
                members[data["idMember"]] = "admin"
            elif a["type"] == "makeNormalMemberOfOrganization":
                members[data["idMember"]] = "normal"
        assert members == {
            m["idMember"]: m["memberType"] for m in ws.organization_memberships(org_id)
        }
        updates = [a for a in feed if a["type"] == "updateOrganization"]
        if updates:
            assert updates[-1]["data"]["organization"]["desc"] == ws.organizations[org_id]["desc"]
        for old, new in itertools.pairwise(updates):
            assert new["data"]["old"]["desc"] == old["data"]["organization"]["desc"]
        added = {a["data"]["board"]["id"] for a in feed if a["type"] == "addToOrganizationBoard"}
        assert added == set(org_boards(ws, org_id))
        for a in feed:
            if a["type"].endswith("OrganizationBoard"):
                board = a["data"]["board"]
                assert board == ws.board_refs[board["id"]]
                assert set(board) == {"id", "name", "shortLink"}


def test_workspace_feed_limit_filter_page_fields(ws: Workspace, api) -> None:
    org_id = org_ids(ws)[1]
    path = f"/organizations/{org_id}/actions"
    feed = ws.organization_actions(org_id)
    for bad in (1001, -1, "many"):
        assert api(path, limit=bad).status_code == 400
    assert ok(api(path, limit=0)) == []
    assert ok(api(path, limit=7, page=2)) == feed[14:21]
    assert ok(api(path, limit=7, page=1000)) == []
    assert api(path, page=-1).status_code == 400
    types = "updateOrganization,createOrganization"
    assert ok(api(path, filter=types, limit=1000)) == [
        a for a in feed if a["type"] in ("updateOrganization", "createOrganization")
    ]
    assert ok(api(path, filter="addMemberToBoard")) == []
    assert ok(api(path, fields="type,date", limit=3)) == [
        {"id": a["id"], "type": a["type"], "date": a["date"]} for a in feed[:3]
    ]
    assert ok(api(path, memberCreator="false", limit=3)) == [
        {k: v for k, v in a.items() if k != "memberCreator"} for a in feed[:3]
    ]
    assert ok(api(f"/organizations/{ws.organizations[org_id]['name']}/actions")) == feed[:50]


def bound(kind: str, second: int) -> str:
    """A ``before``/``since`` value at the start of ``second``: an id or an ISO date."""
    return f"{second:08x}" + "0" * 16 if kind == "id" else iso_ms(second * 1000)


def page_all(get, path: str, kind: str) -> list[dict[str, Any]]:
    """A correct client: full pages re-ask from the oldest second; one-second pages use page."""
    seen: dict[str, dict[str, Any]] = {}
    before: str | None = None
    while True:
        page_no = 0
        while True:
            params: dict[str, Any] = {"limit": 1000, "filter": "all", "page": page_no}
            if before is not None:
                params["before"] = before
            page = ok(get(path, **params))
            assert newest_first(page)
            for a in page:
                seen[a["id"]] = a
            if len(page) < 1000:
                return sorted(seen.values(), key=lambda a: (a["date"], a["id"]), reverse=True)
            if len({id_second(a["id"]) for a in page}) > 1:
                break
            page_no += 1  # a whole page in one second: time cannot split it
        before = bound(kind, id_second(page[-1]["id"]) + 1)


@pytest.mark.parametrize("date_bounds", ["ms", "second"])
@pytest.mark.parametrize("kind", ["id", "date"])
def test_paging_the_workspace_feed_through_a_burst(ws: Workspace, date_bounds, kind) -> None:
    org_id = ws.runs["org_burst"]["organization"]
    path = f"/organizations/{org_id}/actions"
    feed = ws.organization_actions(org_id)
    with serving(ws, date_bounds=date_bounds) as get:
        assert page_all(get, path, kind) == feed
        # the naive client (before=<oldest id of the page>) loses the rest of its second
        first = ok(get(path, limit=1000))
        second = ok(get(path, limit=1000, before=first[-1]["id"]))
        got = {a["id"] for a in first + second}
        lost = [a for a in feed if a["id"] not in got and a["date"] >= second[-1]["date"]]
        assert lost
        assert {id_second(a["id"]) for a in lost} == {ws.runs["org_burst"]["second"]}


@pytest.mark.parametrize("date_bounds", ["ms", "second"])
def test_since_and_before_on_the_workspace_feed(ws: Workspace, date_bounds) -> None:
    run = ws.runs["org_burst"]
    org_id, sec = run["organization"], run["second"]
    path = f"/organizations/{org_id}/actions"
    feed = ws.organization_actions(org_id)
    middle = iso_ms(sec * 1000 + 500)
    some_id = next(a["id"] for a in feed if id_second(a["id"]) == sec)
    with serving(ws, date_bounds=date_bounds) as get:

        def ids(**params: Any) -> list[str]:
            return [a["id"] for a in ok(get(path, filter="all", limit=1000, **params))]

        after_second = [a["id"] for a in feed if id_second(a["id"]) > sec]
        before_second = [a["id"] for a in feed if id_second(a["id"]) < sec][:1000]
        assert ids(since=some_id) == after_second
        assert ids(before=some_id) == before_second
        if date_bounds == "second":  # a date bounds like any id of its second
            assert ids(since=middle) == after_second
            assert ids(before=middle) == before_second
        else:  # to the millisecond
            ms = sec * 1000 + 500
            assert ids(since=middle) == [a["id"] for a in feed if parse_iso_ms(a["date"]) > ms]
            assert (
                ids(before=middle) == [a["id"] for a in feed if parse_iso_ms(a["date"]) < ms][:1000]
            )
        newest = feed[0]
        assert ids(since=newest["id"]) == []
        low, high = id_second(feed[-1]["id"]), id_second(newest["id"])
        assert (
            ids(since=feed[-1]["id"], before=newest["id"])
            == [a["id"] for a in feed if low < id_second(a["id"]) < high][:1000]
        )
        assert get(path, since="yesterday").status_code == 400


# ---------------------------------------------------------------- Power-Up data
def test_plugin_data_shapes(ws: Workspace) -> None:
    entries = [e for es in ws.plugin_data.values() for e in es]
    assert {e["scope"] for e in entries} == {"board", "card"}
    assert {e["access"] for e in entries} == {"shared", "private"}
    assert set(ws.power_ups.values()) == {e["idPlugin"] for e in entries}
    for model_id, es in ws.plugin_data.items():
        for e in es:
            assert list(e) == ENTRY_KEYS
            assert e["idModel"] == model_id
            assert isinstance(json.loads(e["value"]), dict)
            updated = parse_iso_ms(e["dateLastUpdated"])
            assert id_second(e["id"]) * 1000 <= updated
            if e["scope"] == "card":
                card = ws.cards[model_id]
                assert id_second(card["id"]) <= id_second(e["id"])
                assert updated <= parse_iso_ms(card["dateLastActivity"])
            else:
                assert model_id in ws.boards
    assert any(json.loads(e["value"]).get("points") for e in entries)
    assert ws.big_board_id in ws.plugin_data
    untouched = [b for b, rec in ws.boards.items() if rec["dateLastActivity"] is None]
    assert not set(untouched) & set(ws.plugin_data)


def test_plugin_data_on_board_routes(ws: Workspace, api) -> None:
    big = ws.big_board_id
    board_entries = ws.plugin_data[big]
    assert "pluginData" not in ok(api(f"/boards/{big}"))
    assert ok(api(f"/boards/{big}", pluginData="true"))["pluginData"] == board_entries
    assert ok(api(f"/boards/{big}/pluginData")) == board_entries
    without = next(b for b in ws.visible_board_ids() if b not in ws.plugin_data)
    assert ok(api(f"/boards/{without}/pluginData")) == []
    assert ok(api(f"/boards/{without}", pluginData="true"))["pluginData"] == []
    assert api(f"/boards/{ws.invisible_board_id}/pluginData").status_code == 401
    nested = ok(api(f"/boards/{big}", cards="all", card_pluginData="true"))
    assert {c["id"] for c in nested["cards"]} == {c["id"] for c in ws.board_cards(big)}
    for card in nested["cards"]:
        assert card["pluginData"] == ws.plugin_data.get(card["id"], [])
    plain = ok(api(f"/boards/{big}", cards="all", card_fields="all"))
    assert not any("pluginData" in c for c in plain["cards"])


def test_plugin_data_on_card_routes(ws: Workspace, api) -> None:
    big = ws.big_board_id
    with_data = [c for c in ws.board_cards(big) if c["id"] in ws.plugin_data]
    assert with_data
    for params in ({}, {"fields": "all"}, {"customFieldItems": "true", "attachments": "true"}):
        cards = ok(api(f"/boards/{big}/cards", filter="all", **params))
        assert not any("pluginData" in c for c in cards)
    cards = ok(api(f"/boards/{big}/cards", filter="all", pluginData="true"))
    assert len(cards) == len(ws.board_cards(big))
    for card in cards:
        assert card["pluginData"] == ws.plugin_data.get(card["id"], [])
        assert {k: v for k, v in card.items() if k != "pluginData"} == ws.cards[card["id"]]
    named = ok(api(f"/boards/{big}/cards", filter="all", fields="name", pluginData="true"))
    assert all(set(c) == {"id", "name", "pluginData"} for c in named)
    # pluginData is no card field
    assert all(set(c) == {"id"} for c in ok(api(f"/boards/{big}/cards", fields="pluginData")))
    card = with_data[0]
    listed = ok(api(f"/lists/{card['idList']}/cards", filter="all", pluginData="true"))
    for c in listed:
        assert c["pluginData"] == ws.plugin_data.get(c["id"], [])
    assert card["id"] in {c["id"] for c in listed}
    assert "pluginData" not in ok(api(f"/cards/{card['id']}"))
    one = ok(api(f"/cards/{card['id']}", pluginData="true"))
    assert one["pluginData"] == ws.plugin_data[card["id"]]
    assert ok(api(f"/cards/{card['id']}/pluginData")) == ws.plugin_data[card["id"]]
    bare = next(c for c in ws.board_cards(big) if c["id"] not in ws.plugin_data)
    assert ok(api(f"/cards/{bare['id']}/pluginData")) == []
    assert api(f"/cards/{'0' * 24}/pluginData").status_code == 404
    hidden = ws.board_cards(ws.invisible_board_id)[0]["id"]
    assert api(f"/cards/{hidden}/pluginData").status_code == 401


# ---------------------------------------------------------------- edits
@pytest.fixture
def trello():
    ws = small(seed=5)
    with serving(ws) as get:
        yield ws, get


def board_activity(get, board_id: str) -> str | None:
    boards = ok(get("/members/me/boards", filter="all", fields="id,dateLastActivity"))
    return next(b["dateLastActivity"] for b in boards if b["id"] == board_id)


def test_a_member_leaving_a_workspace(trello) -> None:
    ws, get = trello
    org_id = org_ids(ws)[0]
    leaving = next(
        m["idMember"]
        for m in ws.organization_memberships(org_id)
        if m["idMember"] in ws.members and m["idMember"] != ws.me_id
    )
    boards_before = {b: ok(get(f"/boards/{b}/members")) for b in ws.visible_board_ids()}
    action = ws.remove_organization_member(org_id, leaving)
    assert action["type"] == "removeMemberFromOrganization"
    assert action["data"]["idMember"] == leaving
    assert ok(get(f"/organizations/{org_id}/actions", limit=1))[0] == action
    memberships = ok(get(f"/organizations/{org_id}/memberships"))
    assert leaving not in {m["idMember"] for m in memberships}
    assert leaving not in {
        m["id"] for m in ok(get(f"/organizations/{org_id}/members", filter="all"))
    }
    # still on the boards they were on
    assert boards_before == {b: ok(get(f"/boards/{b}/members")) for b in ws.visible_board_ids()}
    with pytest.raises(KeyError):
        ws.remove_organization_member(org_id, leaving)


def test_a_membership_deactivated_and_member_types(trello) -> None:
    ws, get = trello
    org_id = org_ids(ws)[1]
    path = f"/organizations/{org_id}/actions"
    head = ok(get(path, limit=1))
    member = next(
        m["idMember"]
        for m in ws.organization_memberships(org_id)
        if not m["deactivated"] and m["memberType"] == "normal"
    )
    membership = ws.deactivate_organization_member(org_id, member)
    assert membership["deactivated"] is True
    assert ok(get(path, limit=1)) == head  # no action
    assert member not in {m["id"] for m in ok(get(f"/organizations/{org_id}/members"))}
    deactivated = ok(get(f"/organizations/{org_id}/memberships", filter="deactivated"))
    assert membership in deactivated
    other = next(
        m["idMember"]
        for m in ws.organization_memberships(org_id)
        if not m["deactivated"] and m["memberType"] == "normal"
    )
    made = ws.set_organization_member_type(org_id, other, admin=True)
    assert made["type"] == "makeAdminOfOrganization"
    assert other in {
        m["idMember"] for m in ok(get(f"/organizations/{org_id}/memberships", filter="admin"))
    }
    back = ws.set_organization_member_type(org_id, other, admin=False)
    assert back["type"] == "makeNormalMemberOfOrganization"
    assert ok(get(path, limit=2)) == [back, made]


def test_a_new_person_joins_and_the_description_changes(trello) -> None:
    ws, get = trello
    org_id = org_ids(ws)[0]
    action = ws.add_organization_member(org_id)
    person = action["data"]["idMemberAdded"]
    assert person in ws.org_only_members
    membership = ok(get(f"/organizations/{org_id}/memberships"))[-1]
    assert membership["idMember"] == person
    assert membership["lastActive"] == action["date"]
    assert ok(get(f"/members/{ws.org_only_members[person]['username']}"))["id"] == person
    assert person in {m["id"] for m in ok(get(f"/organizations/{org_id}/members"))}
    with pytest.raises(ValueError, match="already"):
        ws.add_organization_member(org_id, person)
    old = ws.organizations[org_id]["desc"]
    update = ws.update_organization(org_id, "Nouvelle description ✨")
    assert update["data"]["old"] == {"desc": old}
    assert ok(get(f"/organizations/{org_id}", fields="desc")) == {
        "id": org_id,
        "desc": "Nouvelle description ✨",
    }
    assert ok(get(f"/organizations/{org_id}/actions", limit=2)) == [update, action]


def test_add_organization_actions(trello) -> None:
    ws, get = trello
    org_id = org_ids(ws)[0]
    path = f"/organizations/{org_id}/actions"
    newest = ok(get(path, limit=1))[0]
    added = ws.add_organization_actions(org_id, 6)
    assert [a["type"] for a in added] == [
        "updateOrganization",
        "makeAdminOfOrganization",
        "makeNormalMemberOfOrganization",
    ] * 2
    assert ok(get(path, since=newest["id"])) == added[::-1]
    assert len({id_second(a["id"]) for a in added}) == 6
    types = [
        "addMemberToOrganization",
        "removeMemberFromOrganization",
        "addToOrganizationBoard",
        "removeFromOrganizationBoard",
    ]
    more = ws.add_organization_actions(org_id, 4, types=types)
    assert [a["type"] for a in more] == types
    with pytest.raises(ValueError, match="not a workspace action type"):
        ws.add_organization_actions(org_id, 1, types=["createCard"])
    memberships = {m["idMember"]: m["memberType"] for m in ws.organization_memberships(org_id)}
    assert memberships == {
        m["idMember"]: m["memberType"] for m in ok(get(f"/organizations/{org_id}/memberships"))
    }
    # a burst across a page, added after the first sync
    mark = ok(get(path, limit=1))[0]
    burst = ws.add_organization_actions(org_id, 1200, same_second=True)
    assert len({id_second(a["id"]) for a in burst}) == 1
    assert [a["date"] for a in burst] == sorted(a["date"] for a in burst)
    for date_bounds in ("ms", "second"):
        for kind in ("id", "date"):
            with serving(ws, date_bounds=date_bounds) as other:
                everything = page_all(other, path, kind)
            assert everything == ws.organization_actions(org_id)
            assert everything[: len(burst)] == burst[::-1]
    assert len(ok(get(path, since=mark["id"], limit=1000))) == 1000


def test_a_card_power_up_value_changing(trello) -> None:
    ws, get = trello
    board = next(b for b in ws.visible_board_ids(include_closed=False) if b in ws.plugin_data)
    card = next(c for c in ws.board_cards(board) if c["id"] in ws.plugin_data and not c["closed"])
    old = ws.plugin_data[card["id"]][0]
    feed_head = ok(get(f"/boards/{board}/actions", limit=1))
    activity = board_activity(get, board)
    entry = ws.set_plugin_data(card["id"], {"points": 21})
    assert entry["id"] == old["id"]
    assert entry["value"] == '{"points":21}'
    assert entry["dateLastUpdated"] > old["dateLastUpdated"]
    assert ok(get(f"/cards/{card['id']}/pluginData"))[0] == entry
    # a change of the card: its date and its board's move, no action in the feed
    assert ok(get(f"/cards/{card['id']}"))["dateLastActivity"] == entry["dateLastUpdated"]
    assert board_activity(get, board) == entry["dateLastUpdated"] > (activity or "")
    assert ok(get(f"/boards/{board}/actions", limit=1)) == feed_head
    changed = ok(
        get(
            f"/boards/{board}",
            cards="all",
            card_modifiedSince=activity,
            card_pluginData="true",
            fields="id",
        )
    )
    assert [c["id"] for c in changed["cards"]] == [card["id"]]
    assert changed["cards"][0]["pluginData"][0] == entry
    # a new entry: another Power-Up, private
    note = ws.set_plugin_data(
        card["id"], '{"note":"later"}', ws.power_ups["Private Notes"], access="private"
    )
    assert note in ok(get(f"/cards/{card['id']}/pluginData"))
    assert note["access"] == "private"
    # under the pessimistic reading, nothing moves
    ws.plugin_data_moves_activity = False
    before = board_activity(get, board)
    ws.set_plugin_data(card["id"], {"points": 1})
    assert board_activity(get, board) == before
    ws.delete_card(card["id"])
    assert card["id"] not in ws.plugin_data
    assert get(f"/cards/{card['id']}/pluginData").status_code == 404


def test_a_board_power_up_setting_changing(trello) -> None:
    ws, get = trello
    board = ws.big_board_id
    activity = board_activity(get, board)
    entry = ws.set_plugin_data(board, {"unit": "hours"})
    assert entry["scope"] == "board"
    assert ok(get(f"/boards/{board}/pluginData")) == [entry]
    assert ok(get(f"/boards/{board}", pluginData="true", fields="id"))["pluginData"] == [entry]
    assert board_activity(get, board) == activity  # a board setting: no activity
    fresh = next(b for b in ws.visible_board_ids() if b not in ws.plugin_data)
    created = ws.set_plugin_data(fresh, {"unit": "points"})
    assert ok(get(f"/boards/{fresh}/pluginData")) == [created]
    ws.delete_board(fresh)
    assert fresh not in ws.plugin_data
