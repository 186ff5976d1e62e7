"""Tests of the Trello emulator (trello_emulator) over real HTTP."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
import requests

from trello_emulator import EmulatorServer, FaultConfig, Workspace
from trello_emulator.model.ids import id_second, is_object_id, iso_ms, parse_iso_ms


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return Workspace.generate(seed=1)


@pytest.fixture(scope="module")
def server(ws: Workspace):
    with EmulatorServer(ws) as srv:
        yield srv


@pytest.fixture
def api(ws: Workspace, server: EmulatorServer):
    session = requests.Session()
    session.headers["Authorization"] = (
        f'OAuth oauth_consumer_key="{ws.api_key}", oauth_token="{ws.token}"'
    )

    def get(path: str, **params):
        return session.get(server.url + path, params=params, timeout=10)

    return get


def _sec(card_or_id) -> int:
    return id_second(card_or_id if isinstance(card_or_id, str) else card_or_id["id"])


# ---------------------------------------------------------------- data set
def test_determinism_and_seed() -> None:
    a = Workspace.generate(seed=7, boards=3, cards=400, actions=500)
    b = Workspace.generate(seed=7, boards=3, cards=400, actions=500)
    c = Workspace.generate(seed=8, boards=3, cards=400, actions=500)
    for attr in (
        "boards",
        "lists",
        "labels",
        "cards",
        "checklists",
        "actions",
        "members",
        "organizations",
        "custom_fields",
        "memberships",
        "card_attachments",
    ):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert (a.api_key, a.token, a.me_id) == (b.api_key, b.token, b.me_id)
    assert a.cards != c.cards


def test_shape_of_default_workspace(ws: Workspace) -> None:
    big = ws.big_board_id
    assert len(ws.board_cards(big)) > 2500
    assert len(ws.board_actions(big)) > 3500
    assert len(ws.board_labels(big)) > 50
    assert len(ws.api_key) == 32
    assert len(ws.token) == 64
    visible = ws.visible_board_ids()
    assert len(visible) == 4
    assert ws.invisible_board_id not in visible
    assert any(ws.boards[b]["closed"] for b in visible)
    assert any(ws.boards[b]["idOrganization"] is None for b in visible)
    assert len({ws.boards[b]["idOrganization"] for b in visible} - {None}) == 2
    assert any(lst["closed"] for lst in ws.board_lists(big))
    assert any(c["closed"] for c in ws.board_cards(big))
    assert any(lab["color"] is None for lab in ws.board_labels(big))
    assert any(lab["name"] == "" for lab in ws.board_labels(big))
    assert {cf["type"] for cf in ws.board_custom_fields(big)} == {
        "text",
        "number",
        "date",
        "checkbox",
        "list",
    }
    assert len(ws.members) == 13
    types = Counter(a["type"] for a in ws.board_actions(big))
    for t in (
        "createCard",
        "updateCard",
        "commentCard",
        "addMemberToCard",
        "createList",
        "addChecklistToCard",
        "updateCheckItemStateOnCard",
        "addAttachmentToCard",
        "deleteCard",
        "createBoard",
    ):
        assert types[t] > 0, t
    states = Counter(i["state"] for i in ws.check_items(big))
    assert states["complete"]
    assert states["incomplete"]
    # card shape = modern Trello card
    card = ws.board_cards(big)[0]
    for key in (
        "start",
        "dueComplete",
        "isTemplate",
        "cardRole",
        "cover",
        "badges",
        "labels",
        "idLabels",
        "idMembers",
        "idChecklists",
        "dateLastActivity",
        "idShort",
        "shortLink",
    ):
        assert key in card
    action = ws.board_actions(big)[0]
    assert set(action) == {
        "id",
        "idMemberCreator",
        "data",
        "appCreator",
        "type",
        "date",
        "limits",
        "memberCreator",
    }


def test_ids_encode_creation_time(ws: Workspace) -> None:
    ids = list(ws.cards) + list(ws.actions) + list(ws.lists) + list(ws.labels) + list(ws.checklists)
    assert len(ids) == len(set(ids))
    assert all(is_object_id(i) for i in ids)
    lo = int(datetime(2023, 1, 1, tzinfo=timezone.utc).timestamp())
    hi = int(datetime(2026, 6, 1, tzinfo=timezone.utc).timestamp())
    for a in ws.actions.values():
        assert _sec(a) == parse_iso_ms(a["date"]) // 1000
        assert a["date"].endswith("Z")
        assert len(a["date"]) == 24
        assert lo <= _sec(a) < hi
    for c in ws.cards.values():
        assert parse_iso_ms(c["dateLastActivity"]) >= _sec(c) * 1000


def test_bulk_runs(ws: Workspace) -> None:
    big = ws.big_board_id
    per_sec = Counter(_sec(c) for c in ws.board_cards(big))
    sizes = sorted(per_sec.values())[-2:]
    assert sizes == [600, 1200]
    run_b = ws.runs["cards_b"]
    lists_b = {ws.cards[c]["idList"] for c in run_b["ids"]}
    assert len(lists_b) >= 3
    act_sec = Counter(_sec(a) for a in ws.board_actions(big))
    assert max(act_sec.values()) == 800
    run_c = [a for a in ws.board_actions(big) if _sec(a) == ws.runs["actions_c"]["second"]]
    assert len({a["date"] for a in run_c}) < len(run_c)  # identical milliseconds exist
    # the runs straddle 1000-item page boundaries (newest first)
    newest_first = sorted(ws.board_cards(big), key=lambda c: c["id"], reverse=True)
    pos_a = [i for i, c in enumerate(newest_first) if _sec(c) == ws.runs["cards_a"]["second"]]
    assert pos_a[0] < 1000 <= pos_a[-1]
    acts = ws.board_actions(big)
    pos_c = [i for i, a in enumerate(acts) if _sec(a) == ws.runs["actions_c"]["second"]]
    assert pos_c[0] < 1000 <= pos_c[-1]
    flat = Workspace.generate(seed=1, boards=2, cards=500, actions=500, bulk=False)
    assert max(Counter(_sec(c) for c in flat.cards.values()).values()) < 5


# ---------------------------------------------------------------- auth and errors
def test_auth_header_and_query(ws: Workspace, server: EmulatorServer) -> None:
    url = server.url + "/members/me"
    r = requests.get(url, params={"key": ws.api_key, "token": ws.token}, timeout=5)
    assert r.status_code == 200
    assert r.json()["id"] == ws.me_id
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["x-rate-limit-api-token-max"] == "100"
    hdr = f'OAuth oauth_token="{ws.token}",oauth_consumer_key = "{ws.api_key}"'
    server.clear_log()
    r = requests.get(url, headers={"Authorization": hdr}, timeout=5)
    assert r.status_code == 200
    assert ws.token not in server.log[-1].request_line
    assert server.log[-1].request_line == "GET /1/members/me HTTP/1.1"
    r = requests.get(url, params={"key": ws.api_key, "token": "0" * 64}, timeout=5)
    assert (r.status_code, r.text) == (401, "invalid token")
    r = requests.get(url, params={"key": "0" * 32, "token": ws.token}, timeout=5)
    assert (r.status_code, r.text) == (401, "invalid key")
    r = requests.get(url, timeout=5)
    assert r.status_code == 401


def test_errors(ws: Workspace, api) -> None:
    r = api("/boards/" + "0" * 24)
    assert (r.status_code, r.text) == (404, "The requested resource was not found.")
    assert r.headers["Content-Type"].startswith("text/plain")
    assert api("/boards/not-an-id!").text == "invalid id"
    r = api(f"/boards/{ws.invisible_board_id}/cards")
    assert (r.status_code, r.text) == (401, "unauthorized permission requested")
    r = api(f"/boards/{ws.big_board_id}/cards", limit=1001)
    assert (r.status_code, r.text) == (400, "invalid value for limit")
    assert api(f"/boards/{ws.big_board_id}/actions", limit=-1).status_code == 400
    assert api(f"/boards/{ws.big_board_id}/actions", before="yesterday").text == "invalid date"
    r = api("/nothing/here")
    assert (r.status_code, r.text) == (404, "Cannot GET /1/nothing/here")


def test_short_link_accepted(ws: Workspace, api) -> None:
    board = ws.boards[ws.big_board_id]
    r = api(f"/boards/{board['shortLink']}")
    assert r.json()["id"] == board["id"]
    # Trello's default fields, in its order (a recorded answer: no activity dates).
    assert list(r.json()) == [
        "id",
        "name",
        "desc",
        "descData",
        "closed",
        "idOrganization",
        "idEnterprise",
        "pinned",
        "url",
        "shortUrl",
        "labelNames",
        "prefs",
    ]
    assert api(f"/boards/{board['id']}", fields="all").json() == board


def test_member_boards_and_orgs(ws: Workspace, api) -> None:
    assert [b["id"] for b in api("/members/me/boards").json()] == ws.visible_board_ids()
    open_ = api("/members/me/boards", filter="open", fields="name,closed").json()
    assert all(not b["closed"] for b in open_)
    assert len(open_) == 3
    assert set(open_[0]) == {"id", "name", "closed"}
    closed = api("/members/me/boards", filter="closed").json()
    assert len(closed) == 1
    orgs = api("/members/me/organizations").json()
    assert len(orgs) == 2
    for org in orgs:
        boards = api(f"/organizations/{org['id']}/boards").json()
        assert boards
        assert all(b["idOrganization"] == org["id"] for b in boards)


# ---------------------------------------------------------------- paging fidelity
def test_cards_cap_and_newest_unsorted(ws: Workspace, api) -> None:
    big = ws.big_board_id
    all_cards = ws.board_cards(big)  # sorted by id
    page = api(f"/boards/{big}/cards", filter="all").json()
    assert len(page) == 1000
    ids = [c["id"] for c in page]
    assert ids != sorted(ids)
    assert ids != sorted(ids, reverse=True)
    assert sorted(ids) == [c["id"] for c in all_cards[-1000:]]
    assert {c["id"]: c for c in page} == {c["id"]: c for c in all_cards[-1000:]}
    assert len(api(f"/boards/{big}/cards/all", limit=1000).json()) == 1000
    opened = api(f"/boards/{big}/cards", limit=10).json()  # default filter: open cards
    assert len(opened) == 10
    assert not any(c["closed"] for c in opened)
    assert len(api(f"/boards/{big}/cards/closed").json()) == sum(c["closed"] for c in all_cards)


def test_naive_before_id_paging_misses_same_second_cards(ws: Workspace, api) -> None:
    big = ws.big_board_id
    expected = {c["id"] for c in ws.board_cards(big)}
    naive: set[str] = set()
    params: dict = {"filter": "all", "limit": 1000}
    while True:
        page = api(f"/boards/{big}/cards", **params).json()
        naive.update(c["id"] for c in page)
        if len(page) < 1000:
            break
        params["before"] = min(c["id"] for c in page)
    assert naive < expected  # the boundary second is skipped
    assert len(expected - naive) > 100

    # second-aware paging + list fallback gets everything
    got: set[str] = set()
    before = None
    fallback = False
    while True:
        params = {"filter": "all", "limit": 1000}
        if before:
            params["before"] = before
        page = api(f"/boards/{big}/cards", **params).json()
        if len(page) < 1000:
            got.update(c["id"] for c in page)
            break
        secs = {_sec(c) for c in page}
        oldest = min(secs)
        if len(secs) == 1:
            fallback = True
            for lst in api(f"/boards/{big}/lists", filter="all").json():
                cards = api(f"/lists/{lst['id']}/cards", filter="all").json()
                got.update(c["id"] for c in cards if _sec(c) <= oldest)
            before = iso_ms(oldest * 1000)
            continue
        got.update(c["id"] for c in page if _sec(c) > oldest)
        before = iso_ms((oldest + 1) * 1000)
    assert fallback
    assert got == expected


def test_before_since_id_second_granularity(ws: Workspace, api) -> None:
    big = ws.big_board_id
    run_a = ws.runs["cards_a"]
    boundary = run_a["ids"][len(run_a["ids"]) // 2]
    older = api(f"/boards/{big}/cards", filter="all", before=boundary).json()
    assert older
    assert all(_sec(c) < run_a["second"] for c in older)
    newer = api(f"/boards/{big}/cards", filter="all", since=boundary, limit=1000).json()
    assert all(_sec(c) > run_a["second"] for c in newer)
    assert len(newer) == run_a["first_position"]
    # dates: since is strictly after (cards by id second)
    since = iso_ms(run_a["second"] * 1000)
    newer_d = api(f"/boards/{big}/cards", filter="all", since=since).json()
    assert {c["id"] for c in newer_d} == {c["id"] for c in newer}
    before_d = iso_ms(run_a["second"] * 1000 + 1)
    page = api(f"/boards/{big}/cards", filter="all", before=before_d, limit=1000).json()
    assert sum(_sec(c) == run_a["second"] for c in page) == run_a["size"]


def test_actions_newest_first_and_dates(ws: Workspace, api) -> None:
    big = ws.big_board_id
    expected = ws.board_actions(big)
    assert len(api(f"/boards/{big}/actions").json()) == 50
    page = api(f"/boards/{big}/actions", limit=1000).json()
    assert page == expected[:1000]
    keys = [(a["date"], a["id"]) for a in page]
    assert keys == sorted(keys, reverse=True)
    assert page[0]["data"]["board"]["id"] == big
    # before=<id> skips the rest of that id's second
    run_sec = ws.runs["actions_c"]["second"]
    inside = next(a for a in expected if _sec(a) == run_sec)
    after = api(f"/boards/{big}/actions", limit=1000, before=inside["id"]).json()
    assert all(_sec(a) < run_sec for a in after)
    # before/since by date: millisecond precision, strict
    d = inside["date"]
    older = api(f"/boards/{big}/actions", limit=1000, before=d).json()
    assert older
    assert all(a["date"] < d for a in older)
    newer = api(f"/boards/{big}/actions", limit=1000, since=d).json()
    assert newer == [a for a in expected if a["date"] > d][:1000]
    # page parameter
    p1 = api(f"/boards/{big}/actions", limit=100, page=1).json()
    assert p1 == expected[100:200]
    only = api(f"/boards/{big}/actions", filter="commentCard,createCard", limit=1000).json()
    assert {a["type"] for a in only} == {"commentCard", "createCard"}
    assert only == [a for a in expected if a["type"] in ("commentCard", "createCard")][:1000]
    fields = api(f"/boards/{big}/actions", limit=5, fields="type,date").json()
    assert all(
        set(a) == {"id", "type", "date", "memberCreator"} or set(a) == {"id", "type", "date"}
        for a in fields
    )


def test_labels_default_limit(ws: Workspace, api) -> None:
    big = ws.big_board_id
    assert len(api(f"/boards/{big}/labels").json()) == 50
    every = api(f"/boards/{big}/labels", limit=1000).json()
    assert every == ws.board_labels(big)
    assert len(every) > 50


def test_board_resources(ws: Workspace, api) -> None:
    big = ws.big_board_id
    assert api(f"/boards/{big}/lists", filter="all").json() == ws.board_lists(big)
    assert len(api(f"/boards/{big}/lists").json()) == len(ws.board_lists(big, "open"))
    assert api(f"/boards/{big}/members").json() == ws.board_members(big)
    assert api(f"/boards/{big}/memberships").json() == ws.board_memberships(big)
    assert api(f"/boards/{big}/checklists").json() == ws.board_checklists(big)
    assert api(f"/boards/{big}/customFields").json() == ws.board_custom_fields(big)
    nested = api(
        f"/boards/{big}",
        lists="all",
        labels="all",
        labels_limit=1000,
        members="all",
        memberships="all",
        checklists="all",
        customFields="true",
    ).json()
    assert nested["lists"] == ws.board_lists(big)
    assert nested["labels"] == ws.board_labels(big)
    assert nested["members"] == ws.board_members(big)
    assert nested["memberships"] == ws.board_memberships(big)
    assert nested["checklists"] == ws.board_checklists(big)
    assert nested["customFields"] == ws.board_custom_fields(big)
    assert len(api(f"/boards/{big}", labels="all").json()["labels"]) == 50
    lid = ws.runs["cards_b"]["lists"][0]
    cards = api(f"/lists/{lid}/cards", filter="all").json()
    assert cards == ws.list_cards(lid)


def test_card_extras(ws: Workspace, api) -> None:
    big = ws.big_board_id
    page = api(
        f"/boards/{big}/cards",
        filter="all",
        customFieldItems="true",
        attachments="true",
        checklists="all",
        members="true",
    ).json()
    expected = {
        c["id"]: c
        for c in ws.board_cards(
            big, custom_field_items=True, attachments=True, checklists=True, members=True
        )
    }
    assert all(expected[c["id"]] == c for c in page)
    assert any(c["customFieldItems"] for c in page)
    assert any(c["attachments"] for c in page)
    att = next(a for c in page for a in c["attachments"])
    assert set(att) == {
        "id",
        "bytes",
        "date",
        "edgeColor",
        "idMember",
        "isUpload",
        "mimeType",
        "name",
        "previews",
        "url",
        "pos",
        "fileName",
    }
    few = api(f"/boards/{big}/cards", limit=3, fields="name,idList").json()
    assert all(set(c) == {"id", "name", "idList"} for c in few)


# ---------------------------------------------------------------- knobs
def test_rate_limit_429(ws: Workspace) -> None:
    with EmulatorServer(ws, rate_limit=True, token_limit=5, window_s=10.0) as srv:
        params = {"key": ws.api_key, "token": ws.token}
        codes = [requests.get(srv.url + "/members/me", params=params, timeout=5) for _ in range(6)]
        assert [r.status_code for r in codes] == [200] * 5 + [429]
        assert codes[-1].json() == {
            "error": "API_TOKEN_LIMIT_EXCEEDED",
            "message": "Rate limit exceeded",
        }
        assert "Retry-After" not in codes[-1].headers
        assert codes[3].headers["x-rate-limit-api-token-remaining"] == "1"
        srv.retry_after = 2
        r = requests.get(srv.url + "/members/me", params=params, timeout=5)
        assert r.status_code == 429
        assert r.headers["Retry-After"] == "2"
        srv.rate_limit = False
        assert requests.get(srv.url + "/members/me", params=params, timeout=5).status_code == 200
    with EmulatorServer(ws, rate_limit=True, key_limit=2) as srv:
        params = {"key": ws.api_key, "token": ws.token}
        r = [requests.get(srv.url + "/members/me", params=params, timeout=5) for _ in range(3)][-1]
        assert r.json()["error"] == "API_KEY_LIMIT_EXCEEDED"


def test_faults_seen_by_client(ws: Workspace) -> None:
    schedule = {1: "5xx", 2: "reset", 3: "stall", 4: "truncated", 5: "garbage", 6: "short_json"}
    with EmulatorServer(ws, faults=FaultConfig(schedule=schedule, stall_s=1.0)) as srv:
        url = f"{srv.url}/boards/{ws.big_board_id}/actions"
        params = {"key": ws.api_key, "token": ws.token, "limit": 200}
        r = requests.get(url, params=params, timeout=5)
        assert r.status_code in (500, 502, 503, 504)
        assert "<html>" in r.text
        with pytest.raises(requests.ConnectionError):
            requests.get(url, params=params, timeout=5)
        with pytest.raises(requests.Timeout):
            requests.get(url, params=params, timeout=0.3)
        with pytest.raises(requests.RequestException):
            requests.get(url, params=params, timeout=5).json()
        r = requests.get(url, params=params, timeout=5)
        assert r.status_code == 200
        with pytest.raises(requests.JSONDecodeError):
            r.json()
        r = requests.get(url, params=params, timeout=5)
        with pytest.raises(requests.JSONDecodeError):
            r.json()
        assert len(requests.get(url, params=params, timeout=5).json()) == 200
        assert [e.fault for e in srv.log][:7] == [
            "5xx",
            "reset",
            "stall",
            "truncated",
            "garbage",
            "short_json",
            None,
        ]
        srv.faults = FaultConfig(rate=0.5, seed=3, kinds=("5xx",), paths=r"/actions$")
        codes = [requests.get(url, params=params, timeout=5).status_code for _ in range(20)]
        assert 200 in codes
        assert any(c >= 500 for c in codes)
        assert requests.get(srv.url + "/members/me", params=params, timeout=5).status_code == 200
        srv.faults = None
        srv.latency_s = 0.2
        r = requests.get(srv.url + "/members/me", params=params, timeout=5)
        assert r.elapsed.total_seconds() >= 0.2


# ---------------------------------------------------------------- mutations
def test_mutations() -> None:
    ws = Workspace.generate(seed=3, boards=2, cards=300, actions=300)
    bid = ws.big_board_id
    newest_before = max(a["date"] for a in ws.actions.values())
    with EmulatorServer(ws) as srv:
        params = {"key": ws.api_key, "token": ws.token}

        def get(path, **kw):
            return requests.get(srv.url + path, params={**params, **kw}, timeout=5).json()

        cards = ws.add_cards(bid, 5, same_second=True)
        assert len({_sec(c) for c in cards}) == 1
        newest = get(
            f"/boards/{bid}/cards", filter="all", since=iso_ms(parse_iso_ms(newest_before))
        )
        assert {c["id"] for c in newest} == {c["id"] for c in cards}
        acts = get(f"/boards/{bid}/actions", since=newest_before)
        assert len(acts) == 5
        assert {a["type"] for a in acts} == {"createCard"}
        new_actions = ws.add_actions(bid, 3, types=["commentCard"])
        assert get(f"/boards/{bid}/actions", limit=3) == new_actions[::-1]
        touched = ws.touch_card(cards[0]["id"])
        assert touched["dateLastActivity"] > new_actions[-1]["date"]
        assert (
            get(f"/boards/{bid}/cards/{touched['id']}")["dateLastActivity"]
            == touched["dateLastActivity"]
        )
        gone = ws.delete_card(cards[1]["id"])
        assert gone["type"] == "deleteCard"
        assert gone["data"]["card"] == {
            "id": cards[1]["id"],
            "idShort": cards[1]["idShort"],
            "shortLink": cards[1]["shortLink"],
        }
        assert gone["data"]["board"]["id"] == bid
        assert "list" in gone["data"]
        assert cards[1]["id"] not in {c["id"] for c in get(f"/boards/{bid}/cards", filter="all")}
        assert get(f"/boards/{bid}/actions", limit=1)[0] == gone
        archived = ws.archive_card(cards[2]["id"])
        assert archived["closed"] is True
        assert cards[2]["id"] in {c["id"] for c in get(f"/boards/{bid}/cards/closed")}
        board = ws.add_board(name="Fresh")
        assert board["id"] in [b["id"] for b in get("/members/me/boards")]


def test_small_boards_with_more_lists_than_cards_generate() -> None:
    # Board-level actions (createList, addMemberToBoard) index lists and members, not cards.
    small = Workspace.generate(seed=1, boards=4, cards=300, actions=500)
    assert sum(len(small.board_cards(b)) for b in small.visible_board_ids()) > 0


# ---------------------------------------------------------------- what real Trello does
def client(ws: Workspace, server: EmulatorServer):
    """``get(path, **params)`` against ``server`` with the workspace's credentials."""
    session = requests.Session()
    session.headers["Authorization"] = (
        f'OAuth oauth_consumer_key="{ws.api_key}", oauth_token="{ws.token}"'
    )

    def get(path: str, **params):
        return session.get(server.url + path, params=params, timeout=10)

    return get


def nested_count(ws: Workspace, cards: list[dict]) -> int:
    """Checklists + attachments + custom field items of ``cards``."""
    return sum(
        len(c["idChecklists"])
        + len(ws.card_attachments.get(c["id"], []))
        + len(ws.card_custom_field_items.get(c["id"], []))
        for c in cards
    )


NESTED = {"checklists": "all", "attachments": "true", "customFieldItems": "true"}


def test_cards_answer_with_too_many_nested_objects_is_refused(ws: Workspace) -> None:
    big = ws.big_board_id
    newest_100 = ws.board_cards(big)[-100:]
    cap = nested_count(ws, newest_100)
    assert cap > 0
    with EmulatorServer(ws, max_nested_objects=cap) as server:
        get = client(ws, server)
        # the whole page nests more than the cap: refused, as a whole
        r = get(f"/boards/{big}/cards", filter="all", limit=1000, **NESTED)
        assert (r.status_code, r.text) == (403, "Too many checklists")
        assert r.headers["Content-Type"].startswith("text/plain")
        # fewer cards a page, or the cards without nested objects: answered
        r = get(f"/boards/{big}/cards", filter="all", limit=100, **NESTED)
        assert r.status_code == 200
        assert sorted(c["id"] for c in r.json()) == [c["id"] for c in newest_100]
        r = get(f"/boards/{big}/cards", filter="all", limit=1000)
        assert r.status_code == 200
        assert len(r.json()) == 1000
        # only what is asked for counts
        checklists = sum(len(c["idChecklists"]) for c in ws.board_cards(big)[-1000:])
        r = get(f"/boards/{big}/cards", filter="all", limit=1000, checklists="all")
        assert r.status_code == (403 if checklists > cap else 200)
        # a list's cards are refused the same way
        lst = max(ws.board_lists(big), key=lambda x: nested_count(ws, ws.list_cards(x["id"])))
        assert nested_count(ws, ws.list_cards(lst["id"])) > cap
        r = get(f"/lists/{lst['id']}/cards", filter="all", **NESTED)
        assert r.status_code == 403
        assert get(f"/lists/{lst['id']}/cards", filter="all").status_code == 200

        server.too_big_answer = "cards"
        r = get(f"/boards/{big}/cards", filter="all", limit=1000, **NESTED)
        assert r.status_code == 403
        assert r.headers["Content-Type"].startswith("application/json")
        assert r.json()["error"] == "API_TOO_MANY_CARDS_REQUESTED"
        assert r.json()["message"]

        server.too_big_answer = "alternate"
        bodies = [
            get(f"/boards/{big}/cards", filter="all", limit=1000, **NESTED).text for _ in range(4)
        ]
        assert bodies[0] == bodies[2] == "Too many checklists"
        assert "API_TOO_MANY_CARDS_REQUESTED" in bodies[1]
        assert "API_TOO_MANY_CARDS_REQUESTED" in bodies[3]
        with pytest.raises(ValueError, match="too_big_answer"):
            server.too_big_answer = "sometimes"
        server.max_nested_objects = None
        r = get(f"/boards/{big}/cards", filter="all", limit=1000, **NESTED)
        assert r.status_code == 200


def test_db_limit_answers_429_to_the_first_asks_of_large_calls(ws: Workspace) -> None:
    big = ws.big_board_id
    with EmulatorServer(ws, db_limit_first=2, retry_after=1.5) as server:
        get = client(ws, server)
        for _ in range(2):
            r = get(f"/boards/{big}/actions", limit=1000)
            assert r.status_code == 429
            assert r.json()["error"] == "API_TOKEN_DB_LIMIT_EXCEEDED"
            assert r.headers["Retry-After"] == "1.5"
            assert "x-rate-limit-api-token-remaining" in r.headers
        assert get(f"/boards/{big}/actions", limit=1000).status_code == 200
        # counted per path; small calls are never refused
        assert get(f"/boards/{big}/cards", limit=10).status_code == 429
        assert get("/members/me/boards").status_code == 200
        assert get(f"/boards/{big}").status_code == 200
        assert [e.status for e in server.log] == [429, 429, 200, 429, 200, 200]


def test_date_bounds_in_whole_seconds_like_ids(ws: Workspace, api) -> None:
    big = ws.big_board_id
    sec = ws.runs["actions_c"]["second"]
    in_second = [a for a in ws.board_actions(big) if _sec(a["id"]) == sec]
    assert len(in_second) > 100
    middle = sorted(a["date"] for a in in_second)[len(in_second) // 2]
    any_id_of_second = in_second[0]["id"]
    with EmulatorServer(ws, date_bounds="second") as server:
        whole = client(ws, server)

        def ids(get, **params):
            r = get(f"/boards/{big}/actions", filter="all", limit=1000, **params)
            assert r.status_code == 200
            return {a["id"] for a in r.json()}

        by_ms_before, by_s_before = ids(api, before=middle), ids(whole, before=middle)
        by_ms_since, by_s_since = ids(api, since=middle), ids(whole, since=middle)
        # milliseconds (the default): part of the second on each side
        assert {a["id"] for a in in_second} & by_ms_before
        assert {a["id"] for a in in_second} & by_ms_since
        # whole seconds: none of that second on either side, exactly as an id bound
        assert not {a["id"] for a in in_second} & (by_s_before | by_s_since)
        assert by_s_before == ids(api, before=any_id_of_second)
        assert by_s_since == ids(api, since=any_id_of_second)
        assert all(_sec(a) < sec for a in by_s_before)
        # cards too: a date inside a second bounds like any id of that second
        card_sec = ws.runs["cards_a"]["second"]
        date = iso_ms(card_sec * 1000 + 500)
        some_card = ws.runs["cards_a"]["ids"][0]
        for bound in ("before", "since"):
            r = whole(f"/boards/{big}/cards", filter="all", limit=1000, **{bound: date})
            by_id = api(f"/boards/{big}/cards", filter="all", limit=1000, **{bound: some_card})
            assert {c["id"] for c in r.json()} == {c["id"] for c in by_id.json()}
        with pytest.raises(ValueError, match="date_bounds"):
            server.date_bounds = "minute"


def test_board_activity_dates_only_when_asked(ws: Workspace, api) -> None:
    big = ws.big_board_id
    default = api(f"/boards/{big}").json()
    assert "dateLastActivity" not in default
    assert "dateLastView" not in default
    every = api(f"/boards/{big}", fields="all").json()
    assert every["dateLastActivity"] == ws.boards[big]["dateLastActivity"]
    assert "dateLastView" in every
    named = api(f"/boards/{big}", fields="name,dateLastActivity").json()
    assert set(named) == {"id", "name", "dateLastActivity"}
    # the boards lists give every field
    listed = {b["id"]: b for b in api("/members/me/boards").json()}
    assert listed[big]["dateLastActivity"] == every["dateLastActivity"]
    assert all(isinstance(b["ixUpdate"], str) for b in listed.values())


def test_board_activity_date_is_its_newest_card_activity(ws: Workspace) -> None:
    for bid in ws.visible_board_ids():
        moved = [a["date"] for a in ws.board_actions(bid) if a["type"] != "updateBoard"]
        moved += [c["dateLastActivity"] for c in ws.board_cards(bid)]
        assert ws.boards[bid]["dateLastActivity"] == max(moved)


def test_untouched_boards_have_no_activity_date() -> None:
    many = Workspace.generate(seed=2, boards=12, cards=1200, actions=2400, bulk=False)
    boards = list(many.boards.values())[:12]
    untouched = [b for b in boards if b["dateLastActivity"] is None]
    assert [boards.index(b) for b in untouched] == [5]
    assert [boards.index(b) for b in boards if b["closed"]] == [9, 11]
    board = untouched[0]
    assert many.board_cards(board["id"]) == []
    assert {a["type"] for a in many.board_actions(board["id"])} <= {
        "createBoard",
        "createList",
        "addMemberToBoard",
        "updateBoard",
    }
    assert sum(len(many.board_cards(b["id"])) for b in boards) == 1200
    assert sum(len(many.board_actions(b["id"])) for b in boards) == 2400
    with EmulatorServer(many) as server:
        get = client(many, server)
        listed = {b["id"]: b for b in get("/members/me/boards").json()}
        assert listed[board["id"]]["dateLastActivity"] is None
        fresh = many.add_board(name="Nobody here yet")
        assert get(f"/boards/{fresh['id']}", fields="all").json()["dateLastActivity"] is None
        card = many.add_cards(fresh["id"], 1)[0]
        moved = get(f"/boards/{fresh['id']}", fields="dateLastActivity").json()
        assert moved["dateLastActivity"] == card["dateLastActivity"]


def test_board_activity_moves_with_cards_not_with_a_rename() -> None:
    ws = Workspace.generate(seed=4, boards=2, cards=200, actions=300, bulk=False)
    bid = ws.visible_board_ids()[1]
    with EmulatorServer(ws) as server:
        get = client(ws, server)

        def activity() -> str:
            return get(f"/boards/{bid}", fields="dateLastActivity").json()["dateLastActivity"]

        before = activity()
        renamed = ws.rename_board(bid, "Renamed board ✏️")
        assert renamed["type"] == "updateBoard"
        assert renamed["data"]["old"]["name"] != "Renamed board ✏️"
        assert renamed["data"]["board"]["name"] == "Renamed board ✏️"
        assert get(f"/boards/{bid}/actions", limit=1).json()[0]["id"] == renamed["id"]
        assert get(f"/boards/{bid}").json()["name"] == "Renamed board ✏️"
        assert activity() == before
        changes = [
            lambda: ws.add_cards(bid, 2)[-1]["dateLastActivity"],
            lambda: ws.add_actions(bid, 3)[-1]["date"],
            lambda: ws.touch_card(ws.board_cards(bid, "open")[0]["id"])["dateLastActivity"],
            lambda: ws.archive_card(ws.board_cards(bid, "open")[0]["id"])["dateLastActivity"],
            lambda: ws.delete_card(ws.board_cards(bid)[0]["id"])["date"],
        ]
        for change in changes:
            stamp = change()
            assert activity() == stamp > before
            before = stamp
        ws.add_actions(bid, 1, types=["updateBoard"])
        assert activity() == before
        ws.board_activity_lag_ms = 20
        action = ws.add_actions(bid, 1, types=["commentCard"])[0]
        assert activity() == iso_ms(parse_iso_ms(action["date"]) - 20)


def test_excluded_action_types_never_reach_the_feed() -> None:
    ws = Workspace.generate(seed=1, boards=4, cards=600, actions=1500)
    excluded = {
        "createLabel",
        "updateLabel",
        "deleteLabel",
        "addLabelToCard",
        "removeLabelFromCard",
        "createCheckItem",
        "updateCheckItem",
        "deleteCheckItem",
        "createChecklist",
        "copyChecklist",
        "deleteComment",
        "updateComment",
        "voteOnCard",
        "removeMemberFromBoard",
    }
    big = ws.big_board_id
    with EmulatorServer(ws) as server:
        get = client(ws, server)
        for bid in ws.visible_board_ids():
            types = {a["type"] for a in get(f"/boards/{bid}/actions", limit=1000).json()}
            assert types
            assert not types & excluded
        feed = get(f"/boards/{big}/actions", limit=1000).json()
        made = ws.add_actions(big, 4, types=["addLabelToCard", "createCheckItem"])
        assert [a["type"] for a in made] == ["addLabelToCard", "createCheckItem"] * 2
        assert get(f"/boards/{big}/actions", limit=1000).json() == feed
        # the card's date moved (as Trello's does when a check item is created)
        card_id = made[-1]["data"]["card"]["id"]
        card = get(f"/boards/{big}/cards/{card_id}").json()
        assert card["dateLastActivity"] == made[-1]["date"]
        assert (
            get(f"/boards/{big}", fields="dateLastActivity").json()["dateLastActivity"]
            == (made[-1]["date"])
        )


def test_custom_field_values_are_strings_and_dropdowns_carry_id_value(ws: Workspace, api) -> None:
    big = ws.big_board_id
    cards = api(f"/boards/{big}/cards", filter="all", customFieldItems="true").json()
    items = [item for c in cards for item in c["customFieldItems"]]
    types = {cf["id"]: cf["type"] for cf in api(f"/boards/{big}/customFields").json()}
    seen = set()
    for item in items:
        kind = types[item["idCustomField"]]
        seen.add(kind)
        if kind == "list":
            assert "value" not in item
            assert is_object_id(item["idValue"])
        else:
            assert "idValue" not in item
            (value,) = item["value"].values()
            assert isinstance(value, str)
    assert seen == {"text", "number", "date", "checkbox", "list"}


def test_many_small_boards_generate() -> None:
    # How fast it generates is the benchmark's business (bench/), not a test's.
    many = Workspace.many_boards(seed=61, boards=120)
    boards = many.visible_board_ids()
    assert len(boards) == 120
    assert all(len(many.board_lists(b)) == 3 for b in boards)
    cards = [len(many.board_cards(b)) for b in boards]
    actions = [len(many.board_actions(b)) for b in boards]
    touched = [i for i, b in enumerate(boards) if many.boards[b]["dateLastActivity"]]
    assert sum(cards) == 120 * 25
    assert sum(actions) == 120 * 60
    assert 25 <= sum(cards[i] for i in touched) / len(touched) < 30
    assert max(cards) < 120
    assert max(actions) < 150
    assert sum(many.boards[b]["closed"] for b in boards) == 12
    assert sum(many.boards[b]["dateLastActivity"] is None for b in boards) == 12
    # the generic form works as well (a big first board)
    assert len(Workspace.generate(seed=5, boards=150, cards=300, actions=300).boards) == 151
    with EmulatorServer(many) as server:
        listed = client(many, server)("/members/me/boards").json()
        assert len(listed) == 120
