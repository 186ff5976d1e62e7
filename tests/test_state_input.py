"""The state and catalog a run is given: bookmarks are instants, bad input is one line.

A bookmark written another way for the same instant (an offset, no fraction, six
digits) reads as that instant and is written back in Trello's form; one that is no date,
a state or catalog of the wrong shape, stop the run with one line before any request.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from tap_trello.errors import SettingsError
from tap_trello.saved_state import normalized_state
from tap_trello.timestamps import parse_iso
from tests.helpers import catalog_selecting, parse_messages, run_cli, run_tap, tap_config
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

SMALL = {"seed": 47, "boards": 2, "cards": 60, "actions": 90, "bulk": False}
TRELLO_FORM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
PLUS_5 = timezone(timedelta(hours=5))
MINUS_3 = timezone(timedelta(hours=-3))


# -- the same instant, written another way ---------------------------------------------------
def with_offset(moment: datetime) -> str:
    return moment.astimezone(PLUS_5).isoformat(timespec="milliseconds")


def six_digits(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def no_fraction(moment: datetime) -> str:
    # Only a whole second can be written without a fraction; the others keep theirs.
    spec = "seconds" if moment.microsecond == 0 else "milliseconds"
    return moment.astimezone(MINUS_3).isoformat(timespec=spec)


def rewritten(state: dict[str, Any], form: Callable[[datetime], str]) -> dict[str, Any]:
    """``state`` with every bookmark and board mark date written in ``form``."""
    state = copy.deepcopy(state)
    for stream_state in state["bookmarks"].values():
        for entry in [stream_state, *stream_state.get("partitions", [])]:
            if "replication_key_value" in entry:
                entry["replication_key_value"] = form(parse_iso(entry["replication_key_value"]))
    for mark in state["bookmarks"]["boards"]["board_scans"]["boards"].values():
        for key in ("activity", "scanned_at"):
            mark[key] = form(parse_iso(mark[key]))
    return state


def bookmarks(state: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Every partition's bookmark, by stream and board."""
    return {
        (name, partition["context"]["board_id"]): partition["replication_key_value"]
        for name, stream_state in state["bookmarks"].items()
        for partition in stream_state.get("partitions", [])
        if "replication_key_value" in partition
    }


@pytest.mark.parametrize("form", [with_offset, six_digits, no_fraction])
def test_a_bookmark_is_an_instant_however_it_is_written(make_emulator, form) -> None:
    workspace, server, config = make_emulator(**SMALL)
    first = run_tap(config)
    # The board synced last: new actions come seconds after its bookmark.
    board, other = sorted(
        workspace.visible_board_ids(),
        key=lambda b: bookmarks(first.state)[("actions", b)],
        reverse=True,
    )
    # A bookmark on a whole second (ms 0), which can be written without a fraction too.
    (whole_second,) = workspace.add_actions(board, 1, same_second=True)
    second = run_tap(config, state=first.state)
    assert second.ids("actions") == [whole_second["id"]]
    assert bookmarks(second.state)[("actions", board)] == whole_second["date"]
    assert whole_second["date"].endswith(".000Z")

    given = rewritten(second.state, form)
    assert bookmarks(given)[("actions", board)] != whole_second["date"]  # written otherwise
    new_actions = workspace.add_actions(board, 5)
    server.clear_log()
    third = run_tap(config, state=given)

    assert sorted(third.ids("actions")) == sorted(a["id"] for a in new_actions)
    assert [e.path for e in server.entries() if other in e.path] == []  # its mark still holds
    written = bookmarks(third.state)
    assert written[("actions", board)] == max(a["date"] for a in new_actions)
    for key, value in written.items():
        assert TRELLO_FORM.fullmatch(value), (key, value)
        if key[1] == other:
            assert value == bookmarks(second.state)[key]
    marks = third.state["bookmarks"]["boards"]["board_scans"]["boards"]
    assert marks[other] == second.state["bookmarks"]["boards"]["board_scans"]["boards"][other]
    assert TRELLO_FORM.fullmatch(marks[board]["activity"])


def test_start_date_and_bookmark_compare_as_instants(make_emulator) -> None:
    workspace, _server, config = make_emulator(**SMALL)
    first = run_tap(config)
    board = max(workspace.visible_board_ids(), key=lambda b: bookmarks(first.state)[("actions", b)])
    workspace.add_actions(board, 1)  # the bookmark a second before the new actions
    second = run_tap(config, state=first.state)
    new_actions = workspace.add_actions(board, 6)
    start = parse_iso(new_actions[2]["date"])
    # The bookmark reads 5 hours later than it is, start_date 3 hours earlier: as text,
    # the bookmark would win and hide every new action.
    given = copy.deepcopy(second.state)
    partitions = given["bookmarks"]["actions"]["partitions"]
    bookmark = next(p for p in partitions if p["context"]["board_id"] == board)
    bookmark["replication_key_value"] = with_offset(parse_iso(bookmark["replication_key_value"]))
    result = run_tap({**config, "start_date": no_fraction(start)}, state=given)
    assert sorted(result.ids("actions")) == sorted(
        a["id"] for a in new_actions if parse_iso(a["date"]) >= start
    )


def test_a_stream_the_tap_does_not_have_keeps_its_state(make_emulator) -> None:
    _workspace, _server, config = make_emulator(**SMALL)
    first = run_tap(config)
    foreign = {
        "replication_key_value": "not ours to read",
        "partitions": [{"context": {"id": [1]}, "replication_key_value": 5}],
    }
    given = copy.deepcopy(first.state)
    given["bookmarks"]["tickets"] = foreign
    second = run_tap(config, state=given)
    assert second.state["bookmarks"]["tickets"] == foreign
    assert second.records.get("actions", []) == []


# -- a state that cannot be read: one line, before any request --------------------------------
@pytest.fixture(scope="module")
def synced() -> Iterator[tuple[EmulatorServer, dict[str, Any], dict[str, Any], str]]:
    """A small workspace served, its tap config, the state of a first run and a board."""
    workspace = Workspace.generate(**SMALL)
    with EmulatorServer(workspace) as server:
        config = tap_config(workspace, server)
        yield server, config, run_tap(config).state, workspace.visible_board_ids()[0]


def actions_of(state: dict[str, Any], board: str) -> dict[str, Any]:
    partitions = state["bookmarks"]["actions"]["partitions"]
    return next(p for p in partitions if p["context"]["board_id"] == board)


def mark_of(state: dict[str, Any], board: str) -> dict[str, Any]:
    return state["bookmarks"]["boards"]["board_scans"]["boards"][board]


def bookmark_is(value: object) -> Callable[[dict[str, Any], str], None]:
    def mutate(state: dict[str, Any], board: str) -> None:
        actions_of(state, board)["replication_key_value"] = value

    return mutate


def mark_field_is(key: str, value: object) -> Callable[[dict[str, Any], str], None]:
    def mutate(state: dict[str, Any], board: str) -> None:
        mark_of(state, board)[key] = value

    return mutate


FIX = "fix it with meltano state set"
OR_PARTITION = f"{FIX} or drop the board's partition"
OR_MARK = f"{FIX} or drop the board's mark"
NOT_A_DATE = "not an ISO 8601 date-time"


def _duplicate(state: dict[str, Any], board: str) -> None:
    state["bookmarks"]["actions"]["partitions"].append(dict(actions_of(state, board)))


def _progress_marker(state: dict[str, Any], board: str) -> None:
    actions_of(state, board)["progress_markers"] = {"replication_key_value": "soon"}


def _starting_value(state: dict[str, Any], board: str) -> None:
    actions_of(state, board)["starting_replication_value"] = "12/03/2026"


def _top_level_bookmark(state: dict[str, Any], _board: str) -> None:
    state["bookmarks"]["cards"]["replication_key_value"] = "yesterday"


def _set(path: str, value: object) -> Callable[[dict[str, Any], str], None]:
    """Set the value at a dotted path of the state (``{board}`` is the board's id)."""

    def mutate(state: dict[str, Any], board: str) -> None:
        *parents, last = path.format(board=board).split(".")
        where: Any = state
        for key in parents:
            where = where[int(key)] if isinstance(where, list) else where[key]
        if isinstance(where, list):
            where[int(last)] = value
        else:
            where[last] = value

    return mutate


def _drop_context(state: dict[str, Any], _board: str) -> None:
    del state["bookmarks"]["actions"]["partitions"][0]["context"]


SCANS = "bookmarks.boards.board_scans"
BAD_STATES = {
    "not a date": (
        bookmark_is("not-a-date"),
        f"bookmark of actions for board {{board}} is 'not-a-date', {NOT_A_DATE}; {OR_PARTITION}",
    ),
    "a number": (
        bookmark_is(1767268800),
        f"bookmark of actions for board {{board}} is 1767268800, {NOT_A_DATE}; {OR_PARTITION}",
    ),
    "a boolean": (
        bookmark_is(True),
        f"bookmark of actions for board {{board}} is true, {NOT_A_DATE}; {OR_PARTITION}",
    ),
    "a list": (
        bookmark_is(["2026-01-01T00:00:00Z"]),
        (
            f'bookmark of actions for board {{board}} is ["2026-01-01T00:00:00Z"], {NOT_A_DATE}; '
            f"{OR_PARTITION}"
        ),
    ),
    "empty": (
        bookmark_is(""),
        f"bookmark of actions for board {{board}} is '', {NOT_A_DATE}; {OR_PARTITION}",
    ),
    "a date alone": (
        bookmark_is("2026-01-01"),
        f"bookmark of actions for board {{board}} is '2026-01-01', {NOT_A_DATE}; {OR_PARTITION}",
    ),
    "before 1970": (
        bookmark_is("0001-01-01T00:00:00Z"),
        (
            f"bookmark of actions for board {{board}} is '0001-01-01T00:00:00Z', before 1970, "
            f"older than any Trello date; {OR_PARTITION}"
        ),
    ),
    "top level": (
        _top_level_bookmark,
        f"bookmark of cards is 'yesterday', {NOT_A_DATE}; {FIX}",
    ),
    "progress marker": (
        _progress_marker,
        f"progress marker of actions for board {{board}} is 'soon', {NOT_A_DATE}; {OR_PARTITION}",
    ),
    "starting value": (
        _starting_value,
        (
            f"starting value of actions for board {{board}} is '12/03/2026', {NOT_A_DATE}; "
            f"{OR_PARTITION}"
        ),
    ),
    "bookmarks not an object": (
        _set("bookmarks", []),
        f"bookmarks is a list, not an object; {FIX}",
    ),
    "stream state not an object": (
        _set("bookmarks.actions", "x"),
        f"bookmarks.actions is a string, not an object; {FIX}",
    ),
    "unknown stream's state not an object": (
        _set("bookmarks.tickets", 3),
        f"bookmarks.tickets is a number, not an object; {FIX}",
    ),
    "partitions not a list": (
        _set("bookmarks.actions.partitions", {}),
        f"bookmarks.actions.partitions is an object, not a list; {FIX}",
    ),
    "partition not an object": (
        _set("bookmarks.actions.partitions.0", "x"),
        f"bookmarks.actions.partitions[0] is a string, not an object; {FIX}",
    ),
    "partition without context": (
        _drop_context,
        f"bookmarks.actions.partitions[0] has no context; {FIX}",
    ),
    "context not an object": (
        _set("bookmarks.actions.partitions.0.context", "{board}"),
        f"bookmarks.actions.partitions[0].context is a string, not an object; {FIX}",
    ),
    "board id not a string": (
        _set("bookmarks.actions.partitions.0.context.board_id", [1]),
        f"bookmarks.actions.partitions[0].context.board_id is a list, not a string; {FIX}",
    ),
    "two partitions for a board": (
        _duplicate,
        f"bookmarks.actions has two partitions for board {{board}}; {FIX} and keep one",
    ),
    "progress markers not an object": (
        _set("bookmarks.cards.progress_markers", "x"),
        f"bookmarks.cards.progress_markers is a string, not an object; {FIX}",
    ),
    "board scans not an object": (
        _set(SCANS, []),
        f"{SCANS} is a list, not an object; {FIX}",
    ),
    "board marks not an object": (
        _set(f"{SCANS}.boards", "x"),
        f"{SCANS}.boards is a string, not an object; {FIX}",
    ),
    "a mark not an object": (
        _set(SCANS + ".boards.{board}", 7),
        f"board_scans mark of board {{board}} is a number, not an object; {OR_MARK}",
    ),
    "activity a number": (
        mark_field_is("activity", 5),
        f"board_scans mark of board {{board}}: activity is 5, {NOT_A_DATE}; {OR_MARK}",
    ),
    "activity not a date": (
        mark_field_is("activity", "today"),
        f"board_scans mark of board {{board}}: activity is 'today', {NOT_A_DATE}; {OR_MARK}",
    ),
    "scanned_at not a date": (
        mark_field_is("scanned_at", "2026-13-01T00:00:00Z"),
        (
            f"board_scans mark of board {{board}}: scanned_at is '2026-13-01T00:00:00Z', "
            f"{NOT_A_DATE}; {OR_MARK}"
        ),
    ),
    "scanned_at null": (
        mark_field_is("scanned_at", None),
        f"board_scans mark of board {{board}}: scanned_at is null, {NOT_A_DATE}; {OR_MARK}",
    ),
    "version a string": (
        mark_field_is("version", "1796285748530"),
        (
            f"board_scans mark of board {{board}}: version is '1796285748530', not an integer; "
            f"{OR_MARK}"
        ),
    ),
    "history a boolean": (
        mark_field_is("history", True),
        f"board_scans mark of board {{board}}: history is true, not an integer; {OR_MARK}",
    ),
}


def last_line_is_the_only_error(run, expected: str) -> None:
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[-1] == expected
    assert [line for line in lines if line.startswith("tap-trello: error:")] == [expected]


@pytest.mark.parametrize("case", list(BAD_STATES))
def test_a_state_that_cannot_be_read_stops_the_run_before_any_request(synced, case) -> None:
    server, config, state, board = synced
    mutate, message = BAD_STATES[case]
    given = copy.deepcopy(state)
    mutate(given, board)
    requests_before = server.count()
    run = run_cli(config, state=given)
    last_line_is_the_only_error(run, "tap-trello: error: state: " + message.format(board=board))
    assert run.stdout == ""
    assert server.count() == requests_before


def test_a_state_file_that_is_no_object_is_one_line(synced) -> None:
    server, config, _state, _board = synced
    requests_before = server.count()
    run = run_cli(config, state=[{"bookmarks": {}}])
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert re.fullmatch(
        r"tap-trello: error: --state file '.*state\.json' holds list, not a JSON object",
        run.stderr.splitlines()[-1],
    )
    assert server.count() == requests_before


def test_a_state_given_in_code_that_is_no_object_is_one_error() -> None:
    with pytest.raises(SettingsError) as raised:
        normalized_state(["bookmarks"], {"actions"})
    assert str(raised.value) == f"state: the state is a list, not an object; {FIX}"


def test_normalized_dates_and_the_state_given_is_left_as_it_was() -> None:
    given = {
        "bookmarks": {
            "actions": {
                "partitions": [
                    {
                        "context": {"board_id": "b1"},
                        "replication_key_value": "2026-01-01T12:00:00+05:00",
                        "starting_replication_value": "2025-06-01",
                        "progress_markers": {"replication_key_value": "2026-01-01T07:00:01.5Z"},
                    },
                    {"context": {"board_id": "b2"}, "replication_key_value": None},
                ]
            },
            "boards": {"board_scans": {"boards": {"b1": {"activity": None}}}},
        },
        "not bookmarks": {"kept": "by the SDK's rules, not here"},
    }
    before = copy.deepcopy(given)
    state = normalized_state(given, {"actions", "boards"})
    assert given == before
    first, second = state["bookmarks"]["actions"]["partitions"]
    assert first == {
        "context": {"board_id": "b1"},
        "replication_key_value": "2026-01-01T07:00:00.000Z",
        "starting_replication_value": "2025-06-01T00:00:00.000Z",
        "progress_markers": {"replication_key_value": "2026-01-01T07:00:01.500Z"},
    }
    assert second == {"context": {"board_id": "b2"}, "replication_key_value": None}
    assert state["bookmarks"]["boards"] == before["bookmarks"]["boards"]


# -- a catalog that cannot be read: one line, before any request --------------------------------
@pytest.fixture(scope="module")
def catalog(synced) -> dict[str, Any]:
    _server, config, _state, _board = synced
    return catalog_selecting(config, {"boards", "lists", "cards"})


def entry(catalog: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in catalog["streams"] if e["tap_stream_id"] == name)


def _no_properties(catalog: dict[str, Any]) -> None:
    del entry(catalog, "lists")["schema"]["properties"]


def _no_replication_key(catalog: dict[str, Any]) -> None:
    del entry(catalog, "cards")["schema"]["properties"]["dateLastActivity"]


def _garbage_property(catalog: dict[str, Any]) -> None:
    entry(catalog, "lists")["schema"]["properties"]["name"] = 5


def _no_boards(catalog: dict[str, Any]) -> None:
    catalog["streams"].remove(entry(catalog, "boards"))


def _metadata_not_a_list(catalog: dict[str, Any]) -> None:
    entry(catalog, "cards")["metadata"] = {"selected": True}


def _crumbless_metadata(catalog: dict[str, Any]) -> None:
    entry(catalog, "cards")["metadata"][0] = {"metadata": {"selected": True}}


BAD_CATALOGS = {
    "streams an object": (
        lambda c: c.update(streams={"cards": {}}),
        "streams is an object, not a list (run tap-trello --discover for a catalog)",
    ),
    "no streams": (
        lambda c: c.pop("streams"),
        "streams is missing, not a list (run tap-trello --discover for a catalog)",
    ),
    "an entry not an object": (
        lambda c: c["streams"].insert(0, "cards"),
        "streams[0] is a string, not an object",
    ),
    "an entry without tap_stream_id": (
        lambda c: c["streams"][1].pop("tap_stream_id"),
        "streams[1] has no tap_stream_id",
    ),
    "a schema without properties": (
        _no_properties,
        "stream 'lists': its schema has no properties",
    ),
    "a schema without the replication key": (
        _no_replication_key,
        "stream 'cards': its schema lacks 'dateLastActivity', the replication key",
    ),
    "a property's schema not an object": (
        _garbage_property,
        (
            "stream 'lists': the SDK cannot read it (AttributeError: 'int' object has no attribute "
            "'get')"
        ),
    ),
    "metadata not a list": (
        _metadata_not_a_list,
        "stream 'cards': metadata is an object, not a list",
    ),
    "metadata without a breadcrumb": (
        _crumbless_metadata,
        "stream 'cards': metadata[0] is not a breadcrumb and its metadata",
    ),
    "no boards stream": (
        _no_boards,
        (
            "it selects cards, lists but has no stream 'boards', through which every board is "
            "read (run tap-trello --discover for a whole catalog)"
        ),
    ),
}


@pytest.mark.parametrize("case", list(BAD_CATALOGS))
def test_a_catalog_that_cannot_be_read_stops_the_run_before_any_request(
    synced, catalog, tmp_path: Path, case
) -> None:
    server, config, _state, _board = synced
    mutate, problem = BAD_CATALOGS[case]
    given = copy.deepcopy(catalog)
    mutate(given)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(given))
    requests_before = server.count()
    run = run_cli(config, "--catalog", str(path))
    last_line_is_the_only_error(run, f"tap-trello: error: --catalog file '{path}': {problem}")
    assert run.stdout == ""
    assert server.count() == requests_before


def test_a_stream_the_tap_does_not_have_is_named_once_and_the_run_goes_on(
    make_emulator, tmp_path: Path
) -> None:
    workspace, _server, config = make_emulator(**SMALL)
    given = catalog_selecting(config, {"boards", "cards"})
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    for name, selected in (("tickets", True), ("invoices", False)):
        given["streams"].append(
            {
                "tap_stream_id": name,
                "schema": schema,
                "metadata": [{"breadcrumb": [], "metadata": {"selected": selected}}],
            }
        )
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(given))
    run = run_cli(config, "--catalog", str(path))

    assert run.returncode == 0, run.stderr[-2000:]
    named = [line for line in run.stderr.splitlines() if "tickets" in line or "invoices" in line]
    assert len(named) == 1, named
    assert "WARNING" in named[0]
    assert named[0].endswith(
        "Catalog selects stream 'tickets', which tap-trello does not have; ignored"
    )
    result = parse_messages(run.stdout)
    boards = workspace.visible_board_ids()
    assert set(result.records) == {"boards", "cards"}
    assert sorted(result.ids("boards")) == sorted(boards)
    assert sorted(result.ids("cards")) == sorted(
        card["id"] for board in boards for card in workspace.board_cards(board)
    )
