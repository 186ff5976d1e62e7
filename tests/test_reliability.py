"""Rate limits, faults, retries and resume: the tap keeps going and loses nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

import pytest

from tap_trello.paging import MAX_EXTRA_WINDOWS
from tap_trello.run import LOOK_AHEAD_THREADS
from tests.helpers import REPO_ROOT, SyncResult, parse_messages, run_cli, run_tap
from trello_emulator import FaultConfig

if TYPE_CHECKING:
    from trello_emulator import EmulatorServer

SMALL = {"seed": 31, "boards": 2, "cards": 200, "actions": 300, "bulk": False}
PAGED = {"seed": 32, "boards": 3, "cards": 2600, "actions": 3300, "bulk": True}


def most_in_any_window(server: EmulatorServer, window_s: float = 10.0) -> int:
    times = sorted(entry.time for entry in server.log)
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window_s:
            start += 1
        most = max(most, end - start + 1)
    return most


def record_keys(result: SyncResult) -> set[tuple[str, str]]:
    return {(stream, row["id"]) for stream, rows in result.records.items() for row in rows}


@pytest.mark.slow
def test_throttle_keeps_every_10s_window_under_the_setting(make_emulator) -> None:
    # The emulator enforces exactly the tap's setting: one request too many would be a 429.
    workspace, server, config = make_emulator({"rate_limit": True, "token_limit": 3}, **SMALL)
    result = run_tap({**config, "max_requests_per_10s": 3})
    assert len(server.log) > 3
    assert most_in_any_window(server) <= 3
    assert {entry.status for entry in server.log} == {200}
    assert len(result.records["cards"]) == sum(
        len(workspace.board_cards(b)) for b in workspace.visible_board_ids()
    )


def test_rate_limit_headers_pause_the_tap_before_any_429(make_emulator) -> None:
    workspace, server, config = make_emulator(
        {"rate_limit": True, "token_limit": 3, "window_s": 2.0}, **SMALL
    )
    result = run_tap(config)
    assert len(server.log) > 3
    assert {entry.status for entry in server.log} == {200}
    assert len(result.records["boards"]) == len(workspace.visible_board_ids())


def test_429_is_retried_and_retry_after_is_honoured(make_emulator) -> None:
    workspace, server, config = make_emulator(
        {"rate_limit": True, "token_limit": 3, "window_s": 2.0, "retry_after": 1}, **SMALL
    )
    server.rate_headers = False  # the tap learns of the limit only from the 429s
    result = run_tap(config)
    statuses = [entry.status for entry in server.log]
    assert 429 in statuses
    assert len(result.records["actions"]) == sum(
        len(workspace.board_actions(b)) for b in workspace.visible_board_ids()
    )
    # Once the tap has a 429 in hand, nothing leaves it for the second Trello asked for:
    # within that second Trello sees at most the requests already on their way when the
    # 429 was answered, one per thread that sends (however fast this machine is).
    senders = 1 + MAX_EXTRA_WINDOWS + LOOK_AHEAD_THREADS
    for refused in (entry for entry in server.log if entry.status == 429):
        answered = refused.time + refused.duration
        too_early = [e for e in server.log if answered < e.time < refused.time + 1.0]
        assert len(too_early) <= senders


@pytest.mark.slow
def test_faulty_api_gives_the_same_records_and_state(make_emulator) -> None:
    _workspace, server, config = make_emulator(**PAGED)
    config = {**config, "request_timeout": 1}
    clean = run_tap(config)
    server.clear_log()
    # 10% of answers faulty, of every kind, plus one of each kind for certain.
    server.faults = FaultConfig(
        rate=0.1,
        seed=4,
        stall_s=2.0,
        kinds=("5xx", "reset", "stall", "truncated", "garbage", "short_json"),
        schedule={2: "5xx", 3: "reset", 5: "stall", 7: "truncated", 9: "garbage", 11: "short_json"},
    )
    faulty = run_tap(config)
    faults = [entry.fault for entry in server.log if entry.fault]
    assert {"5xx", "reset", "stall", "truncated", "garbage", "short_json"} <= set(faults)
    assert record_keys(faulty) == record_keys(clean)
    assert faulty.counts() == clean.counts()
    assert without_scan_times(faulty.state) == without_scan_times(clean.state)


def without_scan_times(state: dict) -> dict:
    """The state, with the time and version of each board's sync (all that differs) cut."""
    state = json.loads(json.dumps(state))
    marks = state["bookmarks"]["boards"]["board_scans"]["boards"]
    assert marks
    for mark in marks.values():
        assert mark.pop("scanned_at")
        assert mark.pop("version") == mark.pop("history")
    return state


def test_resume_from_the_last_state_after_a_kill(make_emulator, tmp_path) -> None:
    workspace, _server, config = make_emulator({"latency_s": 0.01}, **PAGED)
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    big = workspace.big_board_id
    process = subprocess.Popen(
        [sys.executable, "-m", "tap_trello", "--config", str(config_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=REPO_ROOT,
        text=True,
    )
    lines: list[str] = []
    big_cards = 0
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        message = json.loads(line)
        # A board's actions come first, then its objects: killed mid-board, in its cards.
        if message.get("stream") == "cards" and message["type"] == "RECORD":
            big_cards += message["record"]["board_id"] == big
        if big_cards >= 1000:  # the big board has more than 2000 cards
            break
    process.kill()
    process.wait()
    process.stdout.close()
    first = parse_messages(lines)
    assert first.states, "the first run emitted no STATE before it was killed"

    second = run_tap(config, state=first.state)
    for stream, key in (("cards", "dateLastActivity"), ("actions", "date")):
        expected = {
            row["id"]
            for b in workspace.visible_board_ids()
            for row in (
                workspace.board_cards(b) if stream == "cards" else workspace.board_actions(b)
            )
        }
        assert set(first.ids(stream)) | set(second.ids(stream)) == expected
        # No STATE ever bookmarks a board past a row not yet emitted.
        for run in (first, second):
            emitted: set[str] = set(first.ids(stream)) if run is second else set()
            for message in run.messages:
                if message["type"] == "RECORD" and message["stream"] == stream:
                    emitted.add(message["record"]["id"])
                if message["type"] != "STATE":
                    continue
                bookmarks = message["value"].get("bookmarks", {}).get(stream, {})
                for partition in bookmarks.get("partitions", []):
                    value = partition.get("replication_key_value")
                    if value is None:
                        continue
                    board = partition["context"]["board_id"]
                    rows = (
                        workspace.board_cards(board)
                        if stream == "cards"
                        else workspace.board_actions(board)
                    )
                    missing = {r["id"] for r in rows if r[key] <= value} - emitted
                    assert not missing, (run is first, stream, board, value, len(missing))


def test_a_board_deleted_during_the_sync_is_skipped_with_a_warning(make_emulator) -> None:
    workspace, server, config = make_emulator(
        {"latency_s": 0.02}, seed=33, boards=3, cards=300, actions=300, bulk=False
    )
    doomed = workspace.visible_board_ids()[-1]
    survivors = workspace.visible_board_ids()[:-1]

    def delete_after_listing() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # The listing has been answered once the tap asks for anything else.
            if len(server.log) >= 2 and server.log[0].path == "/1/members/me/boards":
                with workspace.lock:
                    workspace.boards.pop(doomed)
                return
            time.sleep(0.001)

    watcher = threading.Thread(target=delete_after_listing)
    watcher.start()
    run = run_cli(config)
    watcher.join()
    assert run.returncode == 0, run.stderr[-1500:]
    assert f"Board {doomed} is no longer available (404)" in run.stderr
    result = parse_messages(run.stdout)
    assert {r["board_id"] for r in result.records["cards"]} == set(survivors)
    assert len(result.records["cards"]) == sum(len(workspace.board_cards(b)) for b in survivors)
    partitions = result.state["bookmarks"]["actions"]["partitions"]
    assert {p["context"]["board_id"] for p in partitions if "replication_key_value" in p} == set(
        survivors
    )
