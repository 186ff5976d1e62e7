"""The demo's analytics step: the dbt package (transform/) built in DuckDB, and its answers.

``meltano run ... dbt-duckdb:build`` builds the marts in the demo's DuckDB file; this module
installs the utility and reads the answers a team asks first: how long cards stay in each
list, the median of the closed stays per board and list (``trello__card_list_periods``); the
median and 85th percentile cycle time of the completed cards per board
(``trello__card_cycle_times``); and the cards completed per week over the last weeks of the
workspace's activity (``trello__board_weekly_flow``: the generated history lies in the past,
so the weeks up to now would be empty).
"""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

from devtools.meltano import MeltanoError, plugin_python, run_meltano

if TYPE_CHECKING:
    from pathlib import Path

UTILITY = "dbt-duckdb"
MARTS = (
    "trello__cards",
    "trello__card_list_periods",
    "trello__list_daily_cards",
    "trello__board_daily_activity",
    "trello__lists",
    "trello__card_cycle_times",
    "trello__board_weekly_flow",
    "trello__card_due_dates",
    "trello__custom_field_history",
)
THROUGHPUT_WEEKS = 4
READ_MARTS = """
import json, sys
import duckdb
db = duckdb.connect(sys.argv[1], read_only=True)
medians = db.execute('''
    select boards.board_name, periods.list_name, count(*),
        median(periods.seconds_in_list) / 86400
    from tap_trello_analytics.trello__card_list_periods as periods
    inner join tap_trello_staging.stg_trello__boards as boards using (board_id)
    where periods.seconds_in_list is not null
    group by 1, 2
    order by 1, 2
''').fetchall()
cycle = db.execute('''
    select boards.board_name, count(cycle.completed_at),
        quantile_cont(cast(cycle.cycle_time_seconds as double), 0.5) / 86400,
        quantile_cont(cast(cycle.cycle_time_seconds as double), 0.85) / 86400
    from tap_trello_analytics.trello__card_cycle_times as cycle
    inner join tap_trello_staging.stg_trello__boards as boards using (board_id)
    group by 1
    order by 1
''').fetchall()
weeks = int(sys.argv[2])
throughput = db.execute('''
    with last_active as (
        select max(week_start) as week_start
        from tap_trello_analytics.trello__board_weekly_flow
        where cards_started > 0 or cards_completed > 0
    )
    select boards.board_name, cast(flow.week_start as varchar), flow.cards_completed
    from tap_trello_analytics.trello__board_weekly_flow as flow
    inner join tap_trello_staging.stg_trello__boards as boards using (board_id)
    cross join last_active
    where flow.week_start > last_active.week_start - 7 * ?
        and flow.week_start <= last_active.week_start
    order by 1, 2
''', [weeks]).fetchall()
rows = {
    mart: db.execute(f'select count(*) from tap_trello_analytics.{mart}').fetchone()[0]
    for mart in sys.argv[3:]
}
print(json.dumps({
    'medians': [[board, lst, stays, float(days)] for board, lst, stays, days in medians],
    'cycle': [
        [board, done, None if p50 is None else float(p50), None if p85 is None else float(p85)]
        for board, done, p50, p85 in cycle
    ],
    'throughput': throughput,
    'rows': rows,
}))
"""


def install_dbt(env: dict[str, str]) -> bool:
    """Install the dbt-duckdb utility; False (and a line) when it cannot be."""
    try:
        run_meltano("install", UTILITY, env=env)
    except MeltanoError as exc:
        print(f"  could not install {UTILITY}: {str(exc).splitlines()[0]}", flush=True)
        return False
    return True


def read_marts(duckdb_file: Path) -> dict[str, Any]:
    """Median days per list, cycle times and throughput per board, the rows of each mart."""
    python = str(plugin_python("utilities", UTILITY))
    result = subprocess.run(
        [python, "-c", READ_MARTS, str(duckdb_file), str(THROUGHPUT_WEEKS), *MARTS],
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def report(duckdb_file: Path) -> None:
    """Print the marts' sizes and the median days a card stays in each list."""
    answer = read_marts(duckdb_file)
    for mart, count in answer["rows"].items():
        print(f"  tap_trello_analytics.{mart}: {count:,} rows")
    medians = answer["medians"]
    board_width = max([len("board"), *(len(row[0]) for row in medians)])
    list_width = max([len("list"), *(len(row[1]) for row in medians)])
    print("\n  Median days a card stays in a list (stays that ended):")
    print(f"  {'board':<{board_width}}  {'list':<{list_width}}  {'stays':>6}  {'median days':>11}")
    print(f"  {'-' * board_width}  {'-' * list_width}  {'-' * 6}  {'-' * 11}")
    for board, lst, stays, days in medians:
        print(f"  {board:<{board_width}}  {lst:<{list_width}}  {stays:>6}  {days:>11.2f}")
    report_delivery(answer)


def days_text(days: float | None) -> str:
    """Days with two decimals, or - for none."""
    return "-" if days is None else f"{days:.2f}"


def report_delivery(answer: dict[str, Any]) -> None:
    """Print the cycle time percentiles per board and the last weeks' throughput."""
    cycle = answer["cycle"]
    width = max([len("board"), *(len(row[0]) for row in cycle)])
    print(
        "\n  Cycle time per board (completed cards: days from the first stay outside the"
        " backlog to done):"
    )
    print(f"  {'board':<{width}}  {'completed':>9}  {'median days':>11}  {'p85 days':>8}")
    print(f"  {'-' * width}  {'-' * 9}  {'-' * 11}  {'-' * 8}")
    for board, completed, p50, p85 in cycle:
        print(f"  {board:<{width}}  {completed:>9}  {days_text(p50):>11}  {days_text(p85):>8}")
    weeks = sorted({week for _, week, _ in answer["throughput"]})
    if not weeks:
        print("\n  Throughput: no card was started or completed yet.")
        return
    completed_in: dict[str, dict[str, int]] = {}
    for board, week, cards in answer["throughput"]:
        completed_in.setdefault(board, {})[week] = cards
    print(
        f"\n  Throughput (cards completed per week, weeks from Monday), the last {len(weeks)}"
        " weeks of activity:"
    )
    print(f"  {'board':<{width}}  " + "  ".join(f"{week:>10}" for week in weeks))
    print(f"  {'-' * width}  " + "  ".join("-" * 10 for _ in weeks))
    for board, by_week in completed_in.items():
        counts = "  ".join(f"{by_week.get(week, 0):>10}" for week in weeks)
        print(f"  {board:<{width}}  {counts}")
