"""What real Trello does beyond its documentation, and the tap's answer to each.

- over-large cards answers are refused (403), not truncated: the tap asks smaller;
- a token that used too much database time gets 429 API_TOKEN_DB_LIMIT_EXCEEDED;
- ISO ``before``/``since`` dates may be compared at whole seconds, like ids.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.helpers import parse_messages, run_cli, run_tap

BIG = {"seed": 71, "boards": 3, "cards": 2600, "actions": 1500, "bulk": False}
CARD_STREAMS = ("cards", "checklists", "check_items", "attachments", "card_custom_field_items")
BULK = {"seed": 72, "boards": 2, "cards": 400, "actions": 5200, "bulk": True}


def counted(result, stream: str) -> Counter:
    return Counter(row["id"] for row in result.records.get(stream, []))


@pytest.mark.parametrize("body", ["checklists", "cards", "alternate"])
def test_a_refused_big_answer_is_asked_again_smaller(make_emulator, body) -> None:
    workspace, server, config = make_emulator(**BIG)
    expected = run_tap(config)
    server.api.max_nested_objects = 900
    server.api.too_big_answer = body
    server.clear_log()
    run = run_cli(config)
    assert run.returncode == 0, run.stderr[-2000:]
    refused = [e for e in server.log if e.status == 403]
    assert refused, "the cap refused nothing: the test proves nothing"
    result = parse_messages(run.stdout)
    for stream in CARD_STREAMS:
        assert counted(result, stream) == counted(expected, stream), stream
        assert max(counted(result, stream).values()) == 1
    # One warning per board whose pages were refused, naming the smaller size.
    boards = {e.path.split("/")[3] for e in refused}
    warnings = [line for line in run.stderr.splitlines() if "refused a page" in line]
    assert len(warnings) == len(boards)
    assert all("asking for 500 a page" in line for line in warnings)
    assert workspace.token not in run.stderr


def test_a_forbidden_board_is_still_a_clear_failure(make_emulator) -> None:
    workspace, _server, config = make_emulator(**BIG)
    hidden = workspace.invisible_board_id
    run = run_cli({**config, "board_ids": [hidden]})
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"Board '{hidden}' in board_ids does not exist or is not visible" in run.stderr


def test_database_limit_429_backs_off_and_loses_nothing(make_emulator) -> None:
    _workspace, server, config = make_emulator(**BIG)
    expected = run_tap(config)
    server.db_limit_first = 1
    server.clear_log()
    result = run_tap(config)
    limited = [e for e in server.log if e.status == 429]
    assert len(limited) >= 2  # one per card and action path of each board
    for stream in expected.records:
        assert counted(result, stream) == counted(expected, stream), stream


@pytest.mark.parametrize("bounds", ["ms", "second"])
def test_every_action_once_whatever_the_bound_granularity(make_emulator, bounds) -> None:
    workspace, _server, config = make_emulator({"date_bounds": bounds}, **BULK)
    big = workspace.big_board_id
    seconds = Counter(a["date"][:19] for a in workspace.board_actions(big))
    assert max(seconds.values()) >= 200  # bulk runs of hundreds of actions in one second
    first = run_tap(config)
    everything = [
        a["id"] for b in workspace.visible_board_ids() for a in workspace.board_actions(b)
    ]
    assert counted(first, "actions") == Counter(everything)
    # A new bulk run inside one second, then a re-sync: exactly it, nothing twice.
    added = workspace.add_actions(big, 450, same_second=True)
    again = run_tap(config, state=first.state)
    assert counted(again, "actions") == Counter(a["id"] for a in added)
