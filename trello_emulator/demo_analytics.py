"""The demo's analytics step: the dbt package (transform/) built in DuckDB, and one answer.

``meltano run ... dbt-duckdb:build`` builds the marts in the demo's DuckDB file; this module
installs the utility and reads the answer a team asks first: how long cards stay in each
list, the median of the closed stays per board and list (``trello__card_list_periods``).
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
)
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
rows = {
    mart: db.execute(f'select count(*) from tap_trello_analytics.{mart}').fetchone()[0]
    for mart in sys.argv[2:]
}
print(json.dumps({
    'medians': [[board, lst, stays, float(days)] for board, lst, stays, days in medians],
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
    """Median days per board and list, and the rows of each mart."""
    result = subprocess.run(
        [str(plugin_python("utilities", UTILITY)), "-c", READ_MARTS, str(duckdb_file), *MARTS],
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
