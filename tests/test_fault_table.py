"""The fault table: every bad input a scheduled run can meet ends one of two ways.

Either exit 0 with exactly Trello's rows, or exit 1 with one line that says what is
wrong: never a traceback, never a silent loss. Each probe is run as a user runs the tap
(the console script, a subprocess) against the emulator over HTTP. Bad states and
catalogs are probed in tests/test_state_input.py, odd values in tests/test_conform.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tap_trello import throttle
from tests.helpers import REPO_ROOT, parse_messages, run_cli, run_tap
from tests.mirror_target import trello_objects

if TYPE_CHECKING:
    from collections.abc import Callable

DATA = {"seed": 7, "boards": 3, "cards": 120, "actions": 200, "bulk": False}


def assert_one_line_failure(run: subprocess.CompletedProcess[str], text: str) -> str:
    """Exit 1, no traceback, and one error line that contains ``text``."""
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    errors = [line for line in run.stderr.splitlines() if line.startswith("tap-trello: error:")]
    assert len(errors) == 1, run.stderr[-2000:]
    assert text in errors[0], errors[0]
    return errors[0]


def assert_exact(run: subprocess.CompletedProcess[str], workspace: Any) -> None:
    """Exit 0 and every one of Trello's objects sent, nothing else."""
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    result = parse_messages(run.stdout)
    for stream, ids in trello_objects(workspace).items():
        assert set(result.ids(stream)) == ids, stream


# -- settings -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("settings", "line"),
    [
        ({"request_timeout": 0}, "request_timeout must be at least 1 (seconds)"),
        ({"request_timeout": -5}, "request_timeout must be at least 1 (seconds)"),
        ({"max_retries": -1}, "max_retries must be 0 (no retry) or more"),
        ({"api_url": "http://api.trello.example/1"}, "is plain http: use https"),
        ({"request_timeout": "soon"}, "'soon' is not of type 'integer'"),
    ],
    ids=["timeout 0", "timeout negative", "retries negative", "plain http", "timeout text"],
)
def test_bad_settings_stop_before_any_request(make_emulator, settings, line) -> None:
    _workspace, server, config = make_emulator(**DATA)
    run = run_cli({**config, **settings})
    assert_one_line_failure(run, line)
    assert server.count() == 0


def test_plain_http_is_fine_on_the_loopback(make_emulator) -> None:
    workspace, server, config = make_emulator(**DATA)
    run = run_cli({**config, "api_url": server.url.replace("127.0.0.1", "localhost")})
    assert_exact(run, workspace)


# -- answers Trello should not give -------------------------------------------------------
def _null_lists(path: str, body: Any) -> Any:
    if path.startswith("/1/boards/") and isinstance(body, dict) and "lists" in body:
        body["lists"] = None
    return body


def _numbers_for_boards(path: str, body: Any) -> Any:
    return [1, 2, 3] if path == "/1/members/me/boards" else body


def _label_without_id(path: str, body: Any) -> Any:
    if path.startswith("/1/boards/") and isinstance(body, dict) and body.get("labels"):
        del body["labels"][0]["id"]
    return body


def _object_for_a_list(path: str, body: Any) -> Any:
    return {"boards": body} if path == "/1/members/me/boards" else body


@pytest.mark.parametrize(
    ("rewrite", "line"),
    [
        (_null_lists, "with 'null' for 'lists', expected a list"),
        (_numbers_for_boards, "Trello answered something of a shape this tap cannot read"),
        (_label_without_id, "Trello answered a list item without an id"),
        (_object_for_a_list, "Trello answered GET /1/members/me/boards with an object"),
    ],
    ids=["null list", "numbers for boards", "item without id", "object for a list"],
)
def test_odd_answers_stop_with_one_line(
    make_emulator, rewrite: Callable[[str, Any], Any], line: str
) -> None:
    _workspace, server, config = make_emulator(**DATA)
    server.rewrite = rewrite
    run = run_cli(config)
    assert_one_line_failure(run, line)
    # Nothing of the answer that could not be read was sent, and no state moved past it.
    messages = parse_messages(run.stdout)
    for state in messages.states:
        assert (
            "board_scans" not in json.dumps(state)
            or not state["bookmarks"]["boards"]["board_scans"]["boards"]
        )


# -- long waits ---------------------------------------------------------------------------
def test_a_long_retry_after_is_capped(make_emulator, monkeypatch, caplog) -> None:
    workspace, server, config = make_emulator(
        {"rate_limit": True, "token_limit": 2, "window_s": 1.0, "retry_after": 3600}, **DATA
    )
    server.rate_headers = False  # the tap learns of the limit only from the 429s
    monkeypatch.setattr(throttle, "RETRY_AFTER_CEILING_S", 0.5)
    monkeypatch.setattr(throttle.CEILING_NOTICE, "said", False)
    result = run_tap(config)
    assert 429 in {entry.status for entry in server.log}
    for stream, ids in trello_objects(workspace).items():
        assert set(result.ids(stream)) == ids, stream
    said = [r.getMessage() for r in caplog.records if "Retry-After" in r.getMessage()]
    assert said == [
        "Trello asked to wait 3600 s (Retry-After); waiting at most 0.5 s before each retry instead"
    ]
    waits = [
        float(r.getMessage().split(" in ")[1].split(" s ")[0])
        for r in caplog.records
        if r.getMessage().startswith("Retrying GET")
    ]
    assert waits
    assert max(waits) <= 0.5 + 0.05  # the ceiling and at most 10% jitter


# -- the target stops reading -------------------------------------------------------------
def test_a_target_that_stops_reading(make_emulator) -> None:
    _workspace, _server, config = make_emulator(**DATA)
    with tempfile.TemporaryDirectory() as folder:
        config_path = Path(folder, "config.json")
        config_path.write_text(json.dumps(config))
        tap = subprocess.Popen(
            [sys.executable, "-m", "tap_trello", "--config", str(config_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO_ROOT,
            text=True,
        )
        assert tap.stdout is not None
        tap.stdout.read(1000)  # a target that read a little, then stopped
        tap.stdout.close()
        _, stderr = tap.communicate(timeout=120)
    run = subprocess.CompletedProcess(tap.args, tap.returncode, "", stderr)
    assert_one_line_failure(run, "the target stopped reading the tap's output (broken pipe)")


# -- board_ids ----------------------------------------------------------------------------
def test_an_unknown_board_id_stops_the_run_before_any_board_row(make_emulator) -> None:
    workspace, _server, config = make_emulator(**DATA)
    named = [*workspace.visible_board_ids()[:2], "0123456789abcdef01234567"]
    run = run_cli({**config, "board_ids": named})
    assert_one_line_failure(
        run, "Board '0123456789abcdef01234567' in board_ids does not exist or is not visible"
    )
    sent = parse_messages(run.stdout)
    assert set(sent.records) <= {"organizations"}


def test_a_filtered_run_keeps_the_other_boards_marks(make_emulator) -> None:
    workspace, server, config = make_emulator(**DATA)
    first = run_tap(config)
    filtered = run_tap(
        {**config, "board_ids": workspace.visible_board_ids()[:1]}, state=first.state
    )
    marks = filtered.state["bookmarks"]["boards"]["board_scans"]["boards"]
    assert set(marks) == set(workspace.visible_board_ids())
    server.clear_log()
    quiet = run_tap(config, state=filtered.state)
    # The whole-account run after it skips every board: the boards list and workspaces.
    assert sorted(entry.path for entry in server.log) == [
        "/1/members/me/boards",
        "/1/members/me/organizations",
    ]
    assert set(quiet.records) == {"boards", "organizations"}
