"""The two taps' commands, configs and catalogs; singer-io's virtual environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trello_emulator import EmulatorServer, Workspace

REPO_ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = Path(__file__).resolve().parent / "singer_io_launcher.py"
SINGER_IO_PACKAGE = "tap-trello==1.1.3"

# Like for like: singer-io's 8 streams that match this tap's 7 (its `members` and `users`
# are both this tap's `members`; its `board_labels` is `labels`).
OUR_STREAMS = ("boards", "lists", "labels", "members", "checklists", "cards", "actions")
SINGER_IO_STREAMS = (
    "boards",
    "lists",
    "board_labels",
    "members",
    "users",
    "checklists",
    "cards",
    "actions",
)
# Rows of the records table: (label, this tap's stream, singer-io's stream).
STREAM_ROWS = (
    ("boards", "boards", "boards"),
    ("lists", "lists", "lists"),
    ("labels | board_labels", "labels", "board_labels"),
    ("members | members", "members", "members"),
    ("- | users", None, "users"),
    ("checklists", "checklists", "checklists"),
    ("cards", "cards", "cards"),
    ("actions", "actions", "actions"),
)


def our_command(config: Path, catalog: Path | None = None) -> list[str]:
    """``tap-trello`` from this interpreter's environment (the repo's .venv)."""
    script = Path(sys.executable).parent / "tap-trello"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "tap_trello"]
    base += ["--config", str(config)]
    return [*base, "--catalog", str(catalog)] if catalog else [*base, "--discover"]


def our_config(ws: Workspace, server: EmulatorServer) -> dict[str, Any]:
    return {"api_key": ws.api_key, "token": ws.token, "api_url": server.url}


def singer_io_python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


def ensure_singer_io(venv_dir: Path, *, quiet: bool = False) -> Path:
    """Install singer-io's tap-trello into its own virtual environment, once."""
    python = singer_io_python(venv_dir)
    marker = venv_dir / ".installed"
    if marker.exists() and marker.read_text().strip() == SINGER_IO_PACKAGE and python.exists():
        return python
    if not quiet:
        print(f"installing {SINGER_IO_PACKAGE} into {venv_dir} (once) ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    pip = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SINGER_IO_PACKAGE,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if pip.returncode != 0:
        msg = f"could not install {SINGER_IO_PACKAGE} (use --no-singer-io to skip it):\n{pip.stderr[-3000:]}"
        raise RuntimeError(msg)
    marker.write_text(SINGER_IO_PACKAGE + "\n")
    return python


def singer_io_command(python: Path, config: Path, catalog: Path | None = None) -> list[str]:
    base = [str(python), str(LAUNCHER), "--config", str(config)]
    return [*base, "--catalog", str(catalog)] if catalog else [*base, "--discover"]


def singer_io_env(server: EmulatorServer) -> dict[str, str]:
    return {**os.environ, "SINGER_IO_TRELLO_BASE_URL": server.url}


def singer_io_config(ws: Workspace) -> dict[str, Any]:
    # start_date is required; one before all of the emulator's data.
    return {"api_key": ws.api_key, "api_token": ws.token, "start_date": "2000-01-01T00:00:00Z"}


def discover(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    proc = subprocess.run(
        command, capture_output=True, text=True, env=env, check=False, timeout=120
    )
    if proc.returncode != 0:
        msg = f"discovery failed: {' '.join(command)}\n{proc.stderr[-2000:]}"
        raise RuntimeError(msg)
    return json.loads(proc.stdout)


def select(catalog: dict[str, Any], streams: tuple[str, ...] | None) -> dict[str, Any]:
    """Mark ``streams`` selected (None = every stream) and the others not."""
    names = {entry["tap_stream_id"] for entry in catalog["streams"]}
    missing = set(streams or ()) - names
    if missing:
        msg = f"streams not in the catalog: {sorted(missing)}"
        raise RuntimeError(msg)
    for entry in catalog["streams"]:
        chosen = streams is None or entry["tap_stream_id"] in streams
        roots = [m for m in entry.get("metadata", []) if m.get("breadcrumb") == []]
        if not roots:
            roots = [{"breadcrumb": [], "metadata": {}}]
            entry.setdefault("metadata", []).append(roots[0])
        roots[0]["metadata"]["selected"] = chosen
    return catalog


def singer_io_sync(  # noqa: PLR0913
    cache_dir: Path,
    files: Path,
    ws: Workspace,
    server: EmulatorServer,
    streams: tuple[str, ...] | None,
    *,
    state: dict[str, Any] | None = None,
    quiet: bool = False,
) -> tuple[list[str], dict[str, str]]:
    """The command and environment of a singer-io sync of ``streams`` (None: all) against
    ``server``; its config, catalog and state are written beside ``files``."""
    python = ensure_singer_io(cache_dir / "singer-io-venv", quiet=quiet)
    env = singer_io_env(server)
    config = write_json(files.parent / f"{files.name}.config.json", singer_io_config(ws))
    catalog = select(discover(singer_io_command(python, config), env), streams)
    command = singer_io_command(
        python, config, write_json(files.parent / f"{files.name}.catalog.json", catalog)
    )
    if state is not None:
        command += ["--state", str(write_json(files.parent / f"{files.name}.state.json", state))]
    return command, env


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
