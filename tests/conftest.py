"""Fixtures: the Trello emulator over real HTTP on loopback, and tap configs for it."""

from __future__ import annotations

import os
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

from devtools.postgres import PostgresServer, PostgresUnavailableError
from tests.meltano_shared import install_shared_plugins
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@pytest.fixture(scope="session")
def workspace() -> Workspace:
    """The default data set: a big board with bulk-created runs, and smaller boards.

    Shared by every test that only reads it: never mutate it.
    """
    return Workspace.generate(seed=1)


@pytest.fixture(scope="session")
def emulator(workspace: Workspace) -> Iterator[EmulatorServer]:
    """The default workspace served once for the whole test session."""
    with EmulatorServer(workspace) as server:
        yield server


@pytest.fixture
def config(workspace: Workspace, emulator: EmulatorServer) -> dict[str, Any]:
    return emulator.tap_config()


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., tuple[Workspace, EmulatorServer, dict[str, Any]]]]:
    """A private workspace and server, for tests that mutate data or turn on faults."""
    with ExitStack() as stack:

        def make(
            server_options: dict[str, Any] | None = None, **generate: Any
        ) -> tuple[Workspace, EmulatorServer, dict[str, Any]]:
            workspace = Workspace.generate(**generate)
            server = stack.enter_context(EmulatorServer(workspace, **(server_options or {})))
            return workspace, server, server.tap_config()

        yield make


# -- Meltano ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def meltano_plugins(tmp_path_factory: pytest.TempPathFactory) -> None:
    """tap-trello, target-postgres and target-jsonl installed once for the whole run.

    Every Meltano test asks for this fixture and reuses these virtual environments
    (tests/meltano_shared.py) instead of installing its own.
    """
    install_shared_plugins(tmp_path_factory.mktemp("meltano") / "meltano.db")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the Meltano tests (each uses its own schema)."""
    try:
        server = PostgresServer()
    except PostgresUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL for the Meltano end-to-end tests: {exc}")
        pytest.skip(str(exc))
    with server:
        yield server
