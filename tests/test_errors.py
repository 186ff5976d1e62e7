"""Bad input ends the run with one clear line and exit code 1: no traceback, no secret."""

from __future__ import annotations

import pytest
from singer_sdk.exceptions import AbortedSyncFailedException, AbortedSyncPausedException

from tap_trello.errors import TrelloError
from tap_trello.tap import TapTrello, main, root_cause
from tests.helpers import parse_messages, run_cli
from trello_emulator import FaultConfig

SMALL = {"seed": 41, "boards": 2, "cards": 120, "actions": 150, "bulk": False}
DEBUG = {"LOGLEVEL": "DEBUG"}


def assert_clean_failure(run, expected: str, secrets: tuple[str, ...]) -> None:
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("tap-trello: error:")]
    assert len(errors) == 1, run.stderr[-2000:]
    assert expected in errors[0]
    for secret in secrets:
        assert secret not in run.stdout
        assert secret not in run.stderr
    # Whatever reached stdout is whole Singer messages.
    parse_messages(run.stdout)


@pytest.fixture
def small(make_emulator):
    return make_emulator(**SMALL)


@pytest.mark.parametrize("missing", ["api_key", "token"])
def test_missing_credentials(small, missing: str) -> None:
    workspace, server, config = small
    del config[missing]
    run = run_cli(config, env=DEBUG)
    assert_clean_failure(
        run, f"'{missing}' is a required property", (workspace.token, workspace.api_key)
    )
    assert server.log == []  # stopped before any request


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("start_date", "last tuesday", "start_date 'last tuesday' is not an ISO 8601"),
        ("start_date", "2024-13-45", "start_date '2024-13-45' is not an ISO 8601"),
        ("start_date", "P1D", "start_date 'P1D' is not an ISO 8601"),
        ("api_url", "api.trello.com/1", "api_url 'api.trello.com/1' is not an http(s) URL"),
        ("api_url", "ftp://example.com", "api_url 'ftp://example.com' is not an http(s) URL"),
    ],
)
def test_malformed_settings(small, setting: str, value: str, expected: str) -> None:
    workspace, server, config = small
    run = run_cli({**config, setting: value}, env=DEBUG)
    assert_clean_failure(run, expected, (workspace.token, workspace.api_key))
    assert server.log == []


def test_token_rejected_by_trello(small) -> None:
    workspace, _, config = small
    bad_token = "f" * 64
    run = run_cli({**config, "token": bad_token}, env=DEBUG)
    assert_clean_failure(
        run,
        "Trello rejected the API key or token (401: invalid token)",
        (bad_token, workspace.api_key),
    )


def test_unknown_board_in_board_ids(small) -> None:
    workspace, _, config = small
    unknown = "5f" + "0" * 22
    run = run_cli({**config, "board_ids": [unknown]}, env=DEBUG)
    assert_clean_failure(
        run,
        f"Board '{unknown}' in board_ids does not exist or is not visible to this token",
        (workspace.token, workspace.api_key),
    )


def test_board_not_visible_to_the_token(small) -> None:
    workspace, _, config = small
    run = run_cli({**config, "board_ids": [workspace.invisible_board_id]}, env=DEBUG)
    assert_clean_failure(
        run,
        f"Board '{workspace.invisible_board_id}' in board_ids does not exist or is not visible",
        (workspace.token, workspace.api_key),
    )
    assert "401" in run.stderr


def test_api_answering_html(small) -> None:
    workspace, server, config = small
    server.faults = FaultConfig(rate=1.0, kinds=("garbage",))
    run = run_cli({**config, "max_retries": 1}, env=DEBUG)
    assert_clean_failure(
        run,
        "gave up after retries: Trello answered GET /1/members/me/boards with a body that is not JSON",
        (workspace.token, workspace.api_key),
    )
    assert server.count() == 2  # the first try and one retry


def test_server_errors_give_up_after_the_cap(small) -> None:
    workspace, server, config = small
    server.faults = FaultConfig(rate=1.0, kinds=("5xx",))
    run = run_cli({**config, "max_retries": 2}, env=DEBUG)
    assert_clean_failure(
        run, "gave up after retries: Trello answered 50", (workspace.token, workspace.api_key)
    )
    assert server.count() == 3


def test_nothing_listens_at_api_url(small) -> None:
    workspace, _, config = small
    run = run_cli({**config, "api_url": "http://127.0.0.1:9/1", "max_retries": 1}, env=DEBUG)
    assert_clean_failure(run, "Trello could not be reached", (workspace.token, workspace.api_key))


def test_failure_mid_sync_keeps_what_was_emitted(small) -> None:
    workspace, server, config = small
    # The first board's one call succeeds, the second board's fails.
    first_board, second_board = workspace.visible_board_ids()[:2]
    server.faults = FaultConfig(rate=1.0, paths=rf"/boards/{second_board}$", kinds=("5xx",))
    run = run_cli({**config, "max_retries": 1}, env=DEBUG)
    assert_clean_failure(run, "gave up after retries", (workspace.token, workspace.api_key))
    result = parse_messages(run.stdout)
    assert len(result.records["actions"]) == len(workspace.board_actions(first_board))
    assert len(result.records["cards"]) == len(workspace.board_cards(first_board))
    # Nothing of the second board was emitted, so it has no bookmark; nothing is said gone.
    for stream in ("actions", "cards"):
        partitions = result.state.get("bookmarks", {}).get(stream, {}).get("partitions", [])
        bookmarked = {p["context"]["board_id"] for p in partitions if "replication_key_value" in p}
        assert bookmarked == {first_board}, stream
    assert not [m for m in result.messages if m["type"] == "ACTIVATE_VERSION"]


def _aborted_by(inner: BaseException | None) -> AbortedSyncFailedException:
    try:
        try:
            if inner is not None:
                raise inner
            raise AbortedSyncPausedException
        except BaseException as exc:
            raise AbortedSyncFailedException("Sync operation aborted") from exc
    except AbortedSyncFailedException as outer:
        return outer


def test_root_cause_ends_for_every_chain() -> None:
    # An abort caused by an abort with no cause: the loop used to spin forever here.
    nested = _aborted_by(None)
    assert isinstance(root_cause(nested), AbortedSyncPausedException)
    real = TrelloError("Board abc is gone")
    assert root_cause(_aborted_by(real)) is real
    # A cycle ends too.
    first, second = AbortedSyncFailedException("a"), AbortedSyncPausedException("b")
    first.__cause__, second.__cause__ = second, first
    assert root_cause(first) in {first, second}


def test_main_reports_an_abort_chain_in_one_line(monkeypatch, capsys) -> None:
    def abort() -> None:
        raise _aborted_by(TrelloError("Trello rejected the API key or token"))

    monkeypatch.setattr(TapTrello, "cli", abort)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == ("tap-trello: error: Trello rejected the API key or token\n")
