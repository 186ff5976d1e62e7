"""Trello API emulator: a seeded workspace served over HTTP with Trello's semantics.

Usage::

    from tests.emulator import Workspace, EmulatorServer, FaultConfig

    ws = Workspace.generate(seed=1)
    with EmulatorServer(ws) as server:
        requests.get(f"{server.url}/members/me", params={"key": ws.api_key, "token": ws.token})
"""

from .server import EmulatorServer, FaultConfig, LogEntry
from .workspace import Workspace

__all__ = ["EmulatorServer", "FaultConfig", "LogEntry", "Workspace"]
