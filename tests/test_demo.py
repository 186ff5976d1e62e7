"""`make demo` works: a real Meltano pipeline from the emulator into DuckDB, and a report.

The analytics step's medians, cycle time percentiles and weekly throughput are checked
against the figures devtools/analytics_oracle.py computes from the same workspace (the demo's
seed 1): the models give the same answer in DuckDB as in PostgreSQL
(tests/test_analytics.py).
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

from devtools.analytics_oracle import (
    expected_board_weekly_flow,
    expected_card_cycle_times,
    expected_cards,
    expected_list_daily_cards,
    expected_lists,
    expected_stays,
    percentile_cont,
)
from devtools.demo import DELIVERY_WEEKS, add_recent_delivery
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
        [sys.executable, "-m", "devtools.demo", *size, "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "[4/5] What landed" in out
    # the sample, and the weeks of recent work the demo adds to it (replayed here)
    workspace = Workspace.generate(seed=1, boards=3, cards=200, actions=300)
    added = re.search(
        rf"^  \+ ([\d,]+) actions: {DELIVERY_WEEKS} weeks of work from (\S+) ", out, re.MULTILINE
    )
    assert added is not None, out[:3000]
    start = datetime.fromisoformat(added.group(2)).replace(tzinfo=timezone.utc)
    assert start.weekday() == 0
    assert add_recent_delivery(workspace, start) == int(added.group(1).replace(",", "")) > 0
    rows = dict(re.findall(r"^  (\w+) +[\d,]+ +([\d,]+)$", out, re.MULTILINE))
    assert rows["cards"] == "200"
    assert rows["actions"] == f"{300 + int(added.group(1).replace(',', '')):,}"
    assert rows["boards"] == "3"
    total = re.search(r"^  total +([\d,]+) +([\d,]+)$", out, re.MULTILINE)
    assert total is not None
    assert total.group(1) == total.group(2)
    assert str(tmp_path / "trello.duckdb") in out
    assert (tmp_path / "trello.duckdb").stat().st_size > 0

    # [5/5] the analytics: the marts' sizes and the median days per board and list
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
    cycle_times = expected_card_cycle_times(workspace)
    assert marts["trello__lists"] == f"{len(expected_lists(workspace)):,}"
    assert marts["trello__card_cycle_times"] == f"{len(cycle_times):,}"
    report = out.split("[5/5]")[1]
    lines = report.split("Cycle time per board")[0].splitlines()
    printed = [x for x in lines if re.fullmatch(r"  .+ +\d+ +\d+\.\d\d", x)]
    assert len(printed) == len(closed) > 0
    for (board, list_name), seconds in closed.items():
        line = next(x for x in lines if x.startswith(f"  {board}  ") and f"  {list_name}  " in x)
        count, median_days = line.split()[-2:]
        assert int(count) == len(seconds), line
        assert abs(float(median_days) - float(statistics.median(seconds)) / 86400) <= 0.006, line

    # the median and 85th percentile cycle time per board, over its completed cards
    completed: dict[str, list[float]] = defaultdict(list)
    for card in cycle_times.values():
        days = completed[workspace.boards[card["board_id"]]["name"]]
        if card["completed_at"] is not None:
            days.append(float(card["cycle_time_seconds"]) / 86400)
    cycle_lines = report.split("Cycle time per board")[1].split("Throughput")[0].splitlines()
    assert any(days for days in completed.values()), "the sample has completed cards"
    for board, days in completed.items():
        line = next(x for x in cycle_lines if x.startswith(f"  {board}  "))
        count, p50, p85 = line.split()[-3:]
        assert int(count) == len(days), line
        for shown, fraction in ((p50, 0.5), (p85, 0.85)):
            figure = percentile_cont(days, fraction)
            if figure is None:
                assert shown == "-", line
            else:
                assert abs(float(shown) - figure) <= 0.006, line

    # the cards completed per week over the last 4 weeks with activity
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    flow = expected_board_weekly_flow(workspace, now)
    last = max(week for week, row in ((k[1], v) for k, v in flow.items())
               if row["cards_started"] or row["cards_completed"])  # fmt: skip
    weeks = [last - timedelta(days=7 * k) for k in range(3, -1, -1)]
    throughput = report.split("Throughput")[1].splitlines()
    header = next(x for x in throughput if x.startswith("  board "))
    assert header.split()[1:] == [week.isoformat() for week in weeks]
    boards = {board_id for board_id, week in flow if week in weeks}
    assert boards
    for board_id in boards:
        line = next(
            x for x in throughput if x.startswith(f"  {workspace.boards[board_id]['name']}  ")
        )
        counts = [flow.get((board_id, week), {}).get("cards_completed", 0) for week in weeks]
        assert [int(x) for x in line.split()[-4:]] == counts, line
