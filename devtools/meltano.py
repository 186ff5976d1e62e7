"""Run the repository's Meltano project (meltano.yml): for the demo, the benchmark, the tests.

Meltano comes with the ``test`` extra (``pip install -e '.[test]'``, which ``make test`` and
``make demo`` do), so its console script sits next to this interpreter. Meltano builds each
plugin's virtual environment with uv under ``.meltano/`` in the repository (gitignored), so
only the first run pays for the installs. Tests point ``MELTANO_DATABASE_URI`` at a
temporary SQLite file so that their state never meets a user's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

REPO_ROOT = Path(__file__).resolve().parent.parent
MELTANO_YML = REPO_ROOT / "meltano.yml"
#: ``meltano`` options of a run in ``prod`` that takes everything from variables (no .env).
PROD = ("--env-file", os.devnull, "--environment=prod")

# The tap's last line: "Sync done in 1.2 s: 1,392 records (actions 600, cards 400, …), …".
_SUMMARY = re.compile(r"Sync done in [\d,.]+ s: [\d,]+ records \(([^)]*)\)")
# One line per board read: "Board 3 of 20 read: 'Name' (<id>): 1,147 rows; …".
_BOARD_ROWS = re.compile(r"Board \d+ of \d+ read: .* \([0-9a-f]{24}\): ([\d,]+) rows;")


class MeltanoError(RuntimeError):
    """A meltano command failed."""


def meltano_executable() -> str:
    """The ``meltano`` of this interpreter's environment (or the one on PATH)."""
    beside = Path(sys.executable).parent / "meltano"
    if beside.exists():
        return str(beside)
    found = shutil.which("meltano")
    if found:
        return found
    msg = "meltano is not installed: run `pip install -e '.[test]'` (make test does it)"
    raise MeltanoError(msg)


def setting_env(plugin: str, config: Mapping[str, Any]) -> dict[str, str]:
    """Meltano's environment variables for a plugin's settings (``TAP_TRELLO_API_KEY``...)."""
    prefix = plugin.upper().replace("-", "_")
    env = {}
    for name, value in config.items():
        key = f"{prefix}_{name.upper()}"
        if isinstance(value, bool):
            env[key] = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            env[key] = json.dumps(value)
        else:
            env[key] = str(value)
    return env


def meltano_env(
    *,
    database: Path | None = None,
    plugins: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, str]:
    """The process environment for meltano: no telemetry, settings from ``plugins``."""
    env = {
        key: value
        for key, value in os.environ.items()
        # A user's own settings must not leak into a test or the demo.
        if not key.startswith(
            ("TAP_TRELLO_", "TARGET_POSTGRES_", "TARGET_DUCKDB_", "DBT_", "MELTANO_")
        )
    }
    env.update(
        {
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "MELTANO_PROJECT_READONLY": "false",
            "MELTANO_CLI_LOG_LEVEL": "info",
            "NO_COLOR": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if database is not None:
        env["MELTANO_DATABASE_URI"] = f"sqlite:///{database}"
    for plugin, config in (plugins or {}).items():
        env.update(setting_env(plugin, config))
    return env


def run_meltano(
    *args: str,
    env: Mapping[str, str],
    timeout: float = 600,
    on_line: Callable[[str], None] | None = None,
    cwd: Path = REPO_ROOT,
) -> str:
    """Run ``meltano ARGS`` in ``cwd`` (the repository); its combined output, or MeltanoError.

    ``on_line`` sees each output line as it arrives (the demo's progress).
    """
    command = [meltano_executable(), *args]
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        lines = []
        if process.stdout is None:  # pragma: no cover - stdout=PIPE always gives one
            msg = "meltano's output could not be read"
            raise MeltanoError(msg)
        try:
            for line in process.stdout:
                lines.append(line)
                if on_line is not None:
                    on_line(line.rstrip("\n"))
            process.wait(timeout=timeout)
        except BaseException:
            process.kill()
            raise
    output = "".join(lines)
    if process.returncode != 0:
        tail = "".join(lines[-60:])
        msg = f"`meltano {' '.join(args)}` failed with exit code {process.returncode}:\n{tail}"
        raise MeltanoError(msg)
    return output


def record_counts(output: str) -> dict[str, int]:
    """Records per stream, from the tap's summary line in meltano's output."""
    counts: dict[str, int] = {}
    for match in _SUMMARY.finditer(output):
        for part in filter(None, match.group(1).split(", ")):
            stream, count = part.rsplit(" ", 1)
            counts[stream] = counts.get(stream, 0) + int(count.replace(",", ""))
    return counts


def board_rows(line: str) -> int:
    """The rows a "Board … read" line of the tap reports (0 for any other line)."""
    match = _BOARD_ROWS.search(line)
    return int(match.group(1).replace(",", "")) if match else 0


def plugin_python(plugin_type: str, name: str) -> Path:
    """The interpreter of an installed plugin's virtual environment."""
    return REPO_ROOT / ".meltano" / plugin_type / name / "venv" / "bin" / "python"
