"""Files and settings a user gets wrong, and what the logs say (issue: quiet, true logs).

Every mistake stops with one line naming the file or setting and what is wrong, exit 1,
no traceback, before any request; a normal sync's log says only what is true.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import parse_messages, run_cli
from trello_emulator import FaultConfig

SMALL = {"seed": 43, "boards": 2, "cards": 60, "actions": 80, "bulk": False}


@pytest.fixture
def small(make_emulator):
    return make_emulator(**SMALL)


def one_error_line(run) -> str:
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("tap-trello: error:")]
    assert len(errors) == 1, run.stderr[-2000:]
    return errors[0]


def test_missing_config_file(tmp_path) -> None:
    missing = tmp_path / "missing.json"
    run = run_cli(None, "--config", str(missing))
    assert one_error_line(run) == f"tap-trello: error: --config file '{missing}' does not exist"
    assert run.stderr.count("\n") == 1


@pytest.mark.parametrize("option", ["--config", "--state", "--catalog"])
def test_truncated_json_file(small, tmp_path, option) -> None:
    _workspace, server, config = small
    broken = tmp_path / "broken.json"
    broken.write_text('{"bookmarks": {"actions": ')
    run = (
        run_cli(config, option, str(broken))
        if option != "--config"
        else run_cli(None, option, str(broken))
    )
    line = one_error_line(run)
    assert line.startswith(f"tap-trello: error: {option} file '{broken}' is not valid JSON:")
    assert server.count() == 0


def test_unreadable_state_file(small, tmp_path) -> None:
    _workspace, server, config = small
    folder = tmp_path / "state.json"
    folder.mkdir()  # a folder where a file should be
    run = run_cli(config, "--state", str(folder))
    assert "--state file" in one_error_line(run)
    assert server.count() == 0


@pytest.mark.parametrize("setting", ["api_key", "token"])
def test_empty_credential_is_refused_before_any_request(small, setting) -> None:
    workspace, server, config = small
    run = run_cli({**config, setting: "  "})
    assert one_error_line(run) == f"tap-trello: error: invalid settings: {setting} is empty"
    assert server.count() == 0
    assert workspace.token not in run.stderr


def test_a_misspelt_setting_is_named_once_and_the_run_goes_on(small) -> None:
    _workspace, _server, config = small
    run = run_cli({**config, "max_requests_per_10": 50})
    assert run.returncode == 0, run.stderr[-2000:]
    warnings = [line for line in run.stderr.splitlines() if "Unknown setting" in line]
    assert len(warnings) == 1
    assert "'max_requests_per_10' is ignored (did you mean 'max_requests_per_10s'?)" in warnings[0]
    assert parse_messages(run.stdout).records["boards"]


def test_a_normal_sync_logs_nothing_untrue(small) -> None:
    _workspace, _server, config = small
    run = run_cli(config)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "not resumable" not in run.stderr
    assert "WARNING" not in run.stderr
    # The state says how resuming really works.
    notes = json.dumps(parse_messages(run.stdout).states)
    assert "not resumable" not in notes


def test_a_handled_failure_has_no_unhandled_error_line(small) -> None:
    _workspace, _server, config = small
    run = run_cli({**config, "token": "0" * 64})
    assert "rejected the API key or token" in one_error_line(run)
    assert "unhandled error" not in run.stderr


def test_one_line_per_retry_with_the_real_path(small) -> None:
    workspace, server, config = small
    board = workspace.visible_board_ids()[0]
    server.faults = FaultConfig(rate=0.0, paths=rf"/boards/{board}$", schedule={1: "5xx"})
    run = run_cli(config)
    assert run.returncode == 0, run.stderr[-2000:]
    retries = [
        line for line in run.stderr.splitlines() if "Retrying" in line or "Backing off" in line
    ]
    assert len(retries) == 1, retries
    assert re.search(rf"Retrying GET /1/boards/{board} in [0-9.]+ s \(try 1\)", retries[0])
    assert workspace.token not in run.stderr
    assert workspace.api_key not in run.stderr


def test_debug_logs_leave_out_the_selection_chatter(small) -> None:
    _workspace, _server, config = small
    run = run_cli(config, env={"LOGLEVEL": "DEBUG"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Selection metadata omitted" not in run.stderr
    assert "DEBUG" in run.stderr
    assert len(run.stderr.splitlines()) < 2000
