"""The lint gates run with the tests, so CI fails on a wrong type or a style slip.

`make lint` runs the same tools; here they guard `make test` (what `.ci/run` runs) too:
mypy --strict over tap_trello and the emulator, ruff's checks and its formatter.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name
    if not found.exists():
        found = Path(shutil.which(name) or "")
    if not found.name:
        pytest.fail(f"{name} is not installed: install the dev extra (pip install -e '.[dev]')")
    return str(found)


@pytest.mark.parametrize(
    "command",
    [["mypy"], ["ruff", "check", "."], ["ruff", "format", "--check", "."]],
    ids=["mypy", "ruff-check", "ruff-format"],
)
def test_lint_is_clean(command) -> None:
    run = subprocess.run(
        [tool(command[0]), *command[1:]],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
