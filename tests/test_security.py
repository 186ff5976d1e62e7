"""Credentials travel in the OAuth header only, never in a URL, a log line or output."""

from __future__ import annotations

import re

from tests.helpers import run_cli

SMALL = {"seed": 7, "boards": 2, "cards": 120, "actions": 150, "bulk": False}


def test_credentials_only_in_the_authorization_header(make_emulator) -> None:
    workspace, server, config = make_emulator(**SMALL)
    run = run_cli(config, env={"LOGLEVEL": "DEBUG"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert '"type":"RECORD"' in run.stdout.replace(" ", "")
    assert server.log, "the tap made no request"
    header = re.compile(
        r'^OAuth oauth_consumer_key="(?P<key>[^"]+)", oauth_token="(?P<token>[^"]+)"$'
    )
    for entry in server.log:
        assert workspace.token not in entry.request_line
        assert workspace.api_key not in entry.request_line
        assert "token=" not in entry.request_line
        match = header.match(entry.headers.get("Authorization", ""))
        assert match, entry.request_line
        assert match["key"] == workspace.api_key
        assert match["token"] == workspace.token
    for output in (run.stdout, run.stderr):
        assert workspace.token not in output
        assert workspace.api_key not in output


def test_about_does_not_show_secrets(make_emulator) -> None:
    workspace, _, config = make_emulator(**SMALL)
    run = run_cli(config, "--about", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert workspace.token not in run.stdout + run.stderr
    assert workspace.api_key not in run.stdout + run.stderr
