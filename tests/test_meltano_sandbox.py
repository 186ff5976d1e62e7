# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""The clone's sandbox, as the README and docs/meltano.md write it: `meltano run tap-trello
target-jsonl` and `meltano run tap-trello target-postgres`, no `--environment`, with wrong
credentials in `.env`.

The emulator runs as its CLI starts it for the sandbox (port 8765, seed 1: a small
workspace, the same credentials). `--env-file` stands in for the project's `.env`, as
`meltano --environment=prod config set tap-trello token ...` would have left it (plus the
`TARGET_POSTGRES_*` a user sets for a database on another port), so a developer's own
`.env` is neither read nor touched. The sandbox must ignore those credentials, and
target-postgres must take the variables over the sandbox's local defaults (user, password
and database `postgres`). Under any other environment the tap would have Trello's URL or
those credentials and fail: that both runs land every row shows that the sandbox was the
default and kept its own.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

import pytest

from tests.helpers import run_tap, tap_config
from tests.meltano_support import meltano_env, run_meltano
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from pathlib import Path

    from devtools.postgres import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SANDBOX_PORT = 8765
DATA = {"seed": 1, "boards": 2, "cards": 120, "actions": 180}
SCHEMA = "tap_trello"  # the project's default_target_schema, in the database `postgres`


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_sandbox_runs_as_written_despite_wrong_credentials_in_dotenv(
    meltano_plugins: None, postgres: PostgresServer, tmp_path: Path
) -> None:
    if not port_is_free(SANDBOX_PORT):
        message = f"port {SANDBOX_PORT} is taken: the sandbox's emulator cannot start"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "TAP_TRELLO_API_KEY='0123456789abcdef0123456789abcdef'\n"
        "TAP_TRELLO_TOKEN='a-real-token-saved-for-prod'\n"
        f"TARGET_POSTGRES_HOST='{postgres.host}'\n"
        f"TARGET_POSTGRES_PORT='{postgres.port}'\n"
        f"TARGET_JSONL_DESTINATION_PATH='{tmp_path / 'jsonl'}'\n",
        encoding="utf-8",
    )
    env = meltano_env(database=tmp_path / "meltano.db")
    env["TAP_TRELLO_TOKEN"] = "and-one-in-the-shell"
    workspace = Workspace.generate(**DATA)
    with EmulatorServer(workspace, port=SANDBOX_PORT) as emulator:
        expected = run_tap(tap_config(workspace, emulator)).counts()
        for loader in ("target-jsonl", "target-postgres"):
            run_meltano("--env-file", str(dotenv), "run", "tap-trello", loader, env=env)

    landed_jsonl = {}
    for file in sorted((tmp_path / "jsonl").glob("*.jsonl")):
        with file.open(encoding="utf-8") as lines:
            landed_jsonl[file.stem] = sum(1 for line in lines if line.strip())
    assert landed_jsonl == expected

    def in_postgres(sql: str) -> list[list[str]]:
        return postgres.psql(sql, database="postgres")

    tables = [
        row[0]
        for row in in_postgres(
            f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{SCHEMA}'"
        )
    ]
    landed_postgres = {
        table: int(in_postgres(f'SELECT count(*) FROM {SCHEMA}."{table}"')[0][0])
        for table in tables
    }
    assert {t: n for t, n in landed_postgres.items() if n} == expected
