"""`make demo` works: a real Meltano pipeline from the emulator into DuckDB, and a report."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.helpers import REPO_ROOT

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_demo_syncs_the_sample_workspace_and_reports_what_landed(
    meltano_plugins: None, tmp_path: Path
) -> None:
    # tap-trello is the session's install (tests/meltano_shared.py): the demo's own
    # `meltano install` finds it built and only adds target-duckdb.
    size = ["--boards", "3", "--cards", "200", "--actions", "300"]
    result = subprocess.run(
        [sys.executable, "-m", "trello_emulator.demo", *size, "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "[4/4] What landed" in out
    rows = dict(re.findall(r"^  (\w+) +[\d,]+ +([\d,]+)$", out, re.MULTILINE))
    assert rows["cards"] == "200"
    assert rows["actions"] == "300"
    assert rows["boards"] == "3"
    total = re.search(r"^  total +([\d,]+) +([\d,]+)$", out, re.MULTILINE)
    assert total is not None
    assert total.group(1) == total.group(2)
    assert str(tmp_path / "trello.duckdb") in out
    assert (tmp_path / "trello.duckdb").stat().st_size > 0
