"""Run tap-trello against the emulator and collect what it emitted."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tap_trello.tap import TapTrello

if TYPE_CHECKING:
    from trello_emulator import EmulatorServer, Workspace

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class SyncResult:
    """The Singer messages of one run, grouped."""

    records: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    schemas: dict[str, dict] = field(default_factory=dict)
    states: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)

    @property
    def state(self) -> dict:
        """The last STATE message's value."""
        return self.states[-1] if self.states else {}

    def ids(self, stream: str) -> list[str]:
        return [row["id"] for row in self.records.get(stream, [])]

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.records.items()}


def tap_config(workspace: Workspace, server: EmulatorServer, **overrides: Any) -> dict[str, Any]:
    """A tap config pointing at ``server`` with the workspace's valid credentials."""
    assert server.ws is workspace
    return server.tap_config(**overrides)


def parse_messages(lines: str | list[str]) -> SyncResult:
    result = SyncResult()
    for line in lines.splitlines() if isinstance(lines, str) else lines:
        if not line.strip():
            continue
        message = json.loads(line)
        result.messages.append(message)
        if message["type"] == "RECORD":
            result.records[message["stream"]].append(message["record"])
        elif message["type"] == "SCHEMA":
            result.schemas[message["stream"]] = message["schema"]
        elif message["type"] == "STATE":
            result.states.append(message["value"])
    return result


def discover_catalog(config: dict) -> dict:
    return TapTrello(config=config, validate_config=False).catalog_dict


def catalog_selecting(config: dict, streams: set[str]) -> dict:
    """A catalog in which only ``streams`` are selected."""
    catalog = discover_catalog(config)
    for entry in catalog["streams"]:
        selected = entry["tap_stream_id"] in streams
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = selected
    return catalog


def catalog_selecting_all(config: dict) -> dict:
    """A catalog in which every stream is selected, the opt-in ones too."""
    every = {entry["tap_stream_id"] for entry in discover_catalog(config)["streams"]}
    return catalog_selecting(config, every)


def catalog_selecting_defaults(
    config: dict, *, but: frozenset[str] | set[str] = frozenset()
) -> dict:
    """A catalog selecting what a run without one syncs, but ``but``."""
    defaults = {
        entry["tap_stream_id"]
        for entry in discover_catalog(config)["streams"]
        if next(m for m in entry["metadata"] if m["breadcrumb"] == [])["metadata"].get(
            "selected-by-default", True
        )
    }
    return catalog_selecting(config, defaults - set(but))


def run_tap(config: dict, *, state: dict | None = None, catalog: dict | None = None) -> SyncResult:
    """Sync in this process and parse stdout."""
    # The SDK updates the state it is given in place: keep the caller's copy intact.
    state = copy.deepcopy(state)
    tap = TapTrello(config=config, state=state, catalog=catalog, validate_config=True)
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with redirect_stdout(buffer):
        tap.sync_all()
    buffer.seek(0)
    return parse_messages(buffer.read())


def run_cli(
    config: dict | None,
    *args: str,
    state: dict | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run the ``tap-trello`` console script as a user would."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "tap_trello"]
        if config is not None:
            config_path = Path(folder, "config.json")
            config_path.write_text(json.dumps(config))
            command += ["--config", str(config_path)]
        if state is not None:
            state_path = Path(folder, "state.json")
            state_path.write_text(json.dumps(state))
            command += ["--state", str(state_path)]
        return subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            check=False,
        )
