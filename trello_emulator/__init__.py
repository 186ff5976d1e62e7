"""A Trello API emulator: a seeded workspace served over HTTP with Trello's semantics.

The tests, the benchmark (``bench/``) and the demo (``python -m devtools.demo``) all
sync against it, so that no Trello account is needed. Split the way moto splits a service:

* :mod:`trello_emulator.model` - the state and one generator per Trello object (no HTTP);
* :mod:`trello_emulator.server` - the HTTP layer: lifecycle, auth, rate limit, faults
  (:mod:`trello_emulator.faults`), latency and the request log;
* :mod:`trello_emulator.routes` - one small handler per Trello endpoint.

Usage::

    from trello_emulator import EmulatorServer, FaultConfig, Workspace

    ws = Workspace.generate(seed=1)
    with EmulatorServer(ws) as server:
        requests.get(f"{server.url}/members/me", params={"key": ws.api_key, "token": ws.token})

From a shell: ``python -m trello_emulator --port 8765 --print-config config.json``.
"""

from .faults import FaultConfig
from .model import Workspace
from .server import EmulatorServer, LogEntry

__all__ = ["EmulatorServer", "FaultConfig", "LogEntry", "Workspace"]
