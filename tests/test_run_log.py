"""A run says where it is: a line per board read, a summary as its last line.

Run as a user runs it (the console script) against the emulator; the lines are checked
against what the run really sent (its stdout) and asked (the emulator's request log).
"""

from __future__ import annotations

import json
import re

from tests.helpers import parse_messages, run_cli

DATA = {"seed": 7, "boards": 3, "cards": 120, "actions": 200, "bulk": False}
BOARD_LINE = re.compile(
    r"Board (\d+) of (\d+) read: '(.*)' \(([0-9a-f]{24})\): ([\d,]+) rows; ([\d,]+) requests so far$"
)
SUMMARY = re.compile(
    r"Sync done in [\d,.]+ s: ([\d,]+) records \((.*)\), ([\d,]+) requests, "
    r"([\d,]+) boards read, ([\d,]+) skipped as unchanged$"
)


def number(text: str) -> int:
    return int(text.replace(",", ""))


def test_a_line_per_board_and_a_summary_last(make_emulator) -> None:
    workspace, server, config = make_emulator(**DATA)
    run = run_cli(config)
    assert run.returncode == 0, run.stderr[-2000:]
    sent = parse_messages(run.stdout)
    lines = run.stderr.splitlines()

    boards = [m.groups() for line in lines if (m := BOARD_LINE.search(line))]
    listed = [row["id"] for row in sent.records["boards"]]
    assert [board[3] for board in boards] == listed
    assert [(number(b[0]), number(b[1])) for b in boards] == [
        (i + 1, len(listed)) for i in range(len(listed))
    ]
    names = {row["id"]: row["name"] for row in sent.records["boards"]}
    assert all(board[2] == names[board[3]] for board in boards)
    # Rows of each board: every record of the streams below the boards, once.
    below = sum(
        len(rows)
        for stream, rows in sent.records.items()
        if stream not in {"boards", "organizations"}
    )
    assert sum(number(board[4]) for board in boards) == below
    for _position, _total, _name, board_id, rows, _requests in boards:
        cards = sum(1 for card in sent.records["cards"] if card["board_id"] == board_id)
        assert number(rows) > cards > 0

    summary = SUMMARY.search(lines[-1])
    assert summary is not None, lines[-1]
    total, per_stream, requests, read, skipped = summary.groups()
    assert number(total) == sum(len(records) for records in sent.records.values())
    assert dict(part.rsplit(" ", 1) for part in per_stream.split(", ")) == {
        stream: f"{len(records):,}" for stream, records in sent.records.items()
    }
    assert number(requests) == server.count()
    assert (number(read), number(skipped)) == (len(workspace.visible_board_ids()), 0)
    # The SDK's per-stream, per-board lines are detail, below the default level.
    assert "METRIC" not in run.stderr
    assert "Beginning sync" not in run.stderr
    assert "Starting incremental sync" not in run.stderr


def test_a_quiet_run_says_it_skipped_every_board(make_emulator) -> None:
    workspace, server, config = make_emulator(**DATA)
    first = run_cli(config)
    state = parse_messages(first.stdout).state
    server.clear_log()
    run = run_cli(config, state=state)
    assert run.returncode == 0, run.stderr[-2000:]
    assert not [line for line in run.stderr.splitlines() if BOARD_LINE.search(line)]
    summary = SUMMARY.search(run.stderr.splitlines()[-1])
    assert summary is not None
    _total, _per_stream, requests, read, skipped = summary.groups()
    assert number(requests) == server.count() == 2
    assert (number(read), number(skipped)) == (0, len(workspace.visible_board_ids()))


def test_debug_brings_the_sdk_detail_back(make_emulator) -> None:
    _workspace, _server, config = make_emulator(**DATA)
    run = run_cli(config, env={"LOGLEVEL": "DEBUG"})
    assert run.returncode == 0
    metrics = [line for line in run.stderr.splitlines() if "METRIC: " in line]
    assert metrics
    assert json.loads(metrics[0].split("METRIC: ", 1)[1])["type"] in {"timer", "counter"}
    assert "Beginning sync of 'boards'" in run.stderr


def test_a_failed_run_still_ends_with_its_one_line_error(make_emulator) -> None:
    _workspace, _server, config = make_emulator(**DATA)
    run = run_cli({**config, "board_ids": ["0123456789abcdef01234567"]})
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1].startswith(
        "tap-trello: error: Board '0123456789abcdef01234567'"
    )
    assert not SUMMARY.search(run.stderr)
