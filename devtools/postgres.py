"""A throwaway PostgreSQL server for the Meltano end-to-end test.

``PostgresServer()`` (a context manager) runs Debian's PostgreSQL server binaries
(``/usr/lib/postgresql/*/bin``, or the folder ``pg_config --bindir`` names) in a temporary
folder, on 127.0.0.1 with a free port and trust authentication, and removes everything on
exit. ``initdb`` refuses to run as root: as root the server runs as the ``postgres`` user
(created if missing).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typing_extensions import Self

if TYPE_CHECKING:
    from types import TracebackType

SEPARATOR = "\x1f"


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    """The folder of ``initdb``, ``pg_ctl`` and ``psql``: the newest installed version."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if bindir and Path(bindir, "initdb").exists():
            return Path(bindir)
    msg = (
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql-15 "
        "(apt-get install postgresql-15), as .ci/run does"
    )
    raise PostgresUnavailableError(msg)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster with one database, ``database``, owned by ``user``."""

    def __init__(self, database: str = "trello") -> None:
        self.bindir = find_bindir()
        self.database = database
        self.user = "postgres"
        self.password = "postgres"  # trust auth: any value works, the target needs one
        self.host = "127.0.0.1"
        self.port = 0
        self.folder: Path | None = None
        self._run_as: str | None = None
        self._started = False

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> Self:
        self.folder = Path(tempfile.mkdtemp(prefix="tap-trello-pg-"))
        if os.geteuid() == 0:
            self._run_as = self._os_user()
            account = pwd.getpwnam(self._run_as)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        data = self.folder / "data"
        self._run(
            [
                str(self.bindir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                self.user,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-sync",
            ]
        )
        self.port = free_port()
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses={self.host} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "--pgdata",
                str(data),
                "--log",
                str(self.folder / "server.log"),
                "--options",
                options,
                "--wait",
                "--timeout",
                "60",
                "start",
            ]
        )
        self._started = True
        self.psql(f'CREATE DATABASE "{self.database}"', database="postgres")
        return self

    def stop(self) -> None:
        if self.folder is None:
            return
        if self._started:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run(
                    [
                        str(self.bindir / "pg_ctl"),
                        "--pgdata",
                        str(self.folder / "data"),
                        "--mode",
                        "immediate",
                        "--wait",
                        "stop",
                    ]
                )
            self._started = False
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- queries --------------------------------------------------------------------
    def psql(self, sql: str, *, database: str | None = None) -> list[list[str]]:
        """Run ``sql`` with psql; rows of text fields (NULL as the empty string)."""
        result = subprocess.run(
            [
                str(self.bindir / "psql"),
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--username",
                self.user,
                "--dbname",
                database or self.database,
                "--no-psqlrc",
                "--tuples-only",
                "--no-align",
                "--field-separator",
                SEPARATOR,
                "--set",
                "ON_ERROR_STOP=1",
                "--command",
                sql,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            env={**os.environ, "PGPASSWORD": self.password, "PGCONNECT_TIMEOUT": "10"},
        )
        if result.returncode != 0:
            msg = f"psql failed ({result.returncode}) on {sql!r}: {result.stderr.strip()}"
            raise RuntimeError(msg)
        return [line.split(SEPARATOR) for line in result.stdout.splitlines() if line]

    def scalar(self, sql: str) -> str:
        rows = self.psql(sql)
        return rows[0][0] if rows else ""

    def target_config(self, schema: str) -> dict[str, Any]:
        """Settings of MeltanoLabs target-postgres for this server."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "database": self.database,
            "default_target_schema": schema,
        }

    def log_tail(self, lines: int = 30) -> str:
        if self.folder is None or not (self.folder / "server.log").exists():
            return ""
        text = (self.folder / "server.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    # -- internals ------------------------------------------------------------------
    @staticmethod
    def _os_user() -> str:
        """The account that runs the server when we are root."""
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "postgres"],
                check=True,
                capture_output=True,
            )
        return "postgres"

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            cwd=self.folder,
            user=self._run_as,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        )
        if result.returncode != 0:
            msg = (
                f"{Path(command[0]).name} failed ({result.returncode}): "
                f"{(result.stderr or result.stdout).strip()}\n{self.log_tail()}"
            )
            raise RuntimeError(msg)
