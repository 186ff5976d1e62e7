"""`make demo` works: a real Meltano pipeline from the emulator into DuckDB, and a report.

The analytics step's medians are checked against the stays tests/analytics_expected.py
computes from the same workspace (the demo's seed 1): the models give the same answer in
DuckDB as in PostgreSQL (tests/test_analytics.py).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from tests.analytics_expected import expected_cards, expected_list_daily_cards, expected_stays
from tests.helpers import REPO_ROOT
from trello_emulator import Workspace

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
    assert "[4/5] What landed" in out
    rows = dict(re.findall(r"^  (\w+) +[\d,]+ +([\d,]+)$", out, re.MULTILINE))
    assert rows["cards"] == "200"
    assert rows["actions"] == "300"
    assert rows["boards"] == "3"
    total = re.search(r"^  total +([\d,]+) +([\d,]+)$", out, re.MULTILINE)
    assert total is not None
    assert total.group(1) == total.group(2)
    assert str(tmp_path / "trello.duckdb") in out
    assert (tmp_path / "trello.duckdb").stat().st_size > 0

    # [5/5] the analytics: the marts' sizes and the median days per board and list
    workspace = Workspace.generate(seed=1, boards=3, cards=200, actions=300)
    marts = dict(re.findall(r"^  tap_trello_analytics\.(\w+): ([\d,]+) rows$", out, re.MULTILINE))
    assert marts["trello__cards"] == f"{len(expected_cards(workspace)):,}"
    stays = expected_stays(workspace)
    assert marts["trello__card_list_periods"] == f"{len(stays):,}"
    today = datetime.now(timezone.utc).date()
    daily = {
        f"{len(expected_list_daily_cards(workspace, day)):,}"
        for day in (today - timedelta(days=1), today)  # the demo may straddle midnight UTC
    }
    assert marts["trello__list_daily_cards"] in daily
    closed = defaultdict(list)
    for stay in stays.values():
        if stay["seconds_in_list"] is not None:
            board = workspace.boards[stay["board_id"]]["name"]
            closed[board, stay["list_name"]].append(stay["seconds_in_list"])
    lines = out.split("[5/5]")[1].splitlines()
    printed = [x for x in lines if re.fullmatch(r"  .+ +\d+ +\d+\.\d\d", x)]
    assert len(printed) == len(closed) > 0
    for (board, list_name), seconds in closed.items():
        line = next(x for x in lines if x.startswith(f"  {board}  ") and f"  {list_name}  " in x)
        count, median_days = line.split()[-2:]
        assert int(count) == len(seconds), line
        assert abs(float(median_days) - float(statistics.median(seconds)) / 86400) <= 0.006, line
