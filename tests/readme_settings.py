"""The README's settings table, generated from ``tap-trello --about --format=markdown``.

    python -m tests.readme_settings           # exit 1 if README.md is stale
    python -m tests.readme_settings --write   # rewrite the table between the markers

Only the lines between ``<!-- settings:start … -->`` and ``<!-- settings:end -->`` change.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
README = REPO_ROOT / "README.md"
START = re.compile(r"^<!-- settings:start\b.*-->$", re.MULTILINE)
END = "<!-- settings:end -->"


def about_markdown() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tap_trello", "--about", "--format=markdown"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    return result.stdout


def settings_table(markdown: str) -> str:
    """The table of the ``## Settings`` section of the tap's about text."""
    lines = markdown.splitlines()
    start = lines.index("## Settings")
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            table.append(line)
        elif table or line.startswith("#"):
            break
    if not table:
        msg = "no settings table in `tap-trello --about --format=markdown`"
        raise ValueError(msg)
    return "\n".join(table)


def render(readme: str, table: str) -> str:
    """``readme`` with ``table`` between the settings markers."""
    start = START.search(readme)
    end = readme.find(END)
    if start is None or end < start.end():
        msg = f"README.md lacks the markers `<!-- settings:start … -->` and `{END}`"
        raise ValueError(msg)
    return f"{readme[: start.end()]}\n{table}\n{readme[end:]}"


def expected_readme() -> str:
    return render(README.read_text(encoding="utf-8"), settings_table(about_markdown()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.readme_settings")
    parser.add_argument("--write", action="store_true", help="update README.md in place")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    expected = expected_readme()
    if current == expected:
        print("README.md settings table is up to date")
        return 0
    if args.write:
        README.write_text(expected, encoding="utf-8")
        print("README.md settings table rewritten")
        return 0
    print("README.md settings table is stale: run `python -m tests.readme_settings --write`")
    return 1


if __name__ == "__main__":
    sys.exit(main())
