"""The dbt package as a user meets it: its version, the pin its README gives, git.

Shared by the package's tests (tests/test_dbt_package.py) and the analytics tests that
install it from a git tag (tests/test_analytics.py).
"""

from __future__ import annotations

import re
import subprocess
from typing import TYPE_CHECKING, Any

import yaml

from tests.helpers import REPO_ROOT

if TYPE_CHECKING:
    from pathlib import Path

TRANSFORM = REPO_ROOT / "transform"
PACKAGE_README = TRANSFORM / "README.md"
REPOSITORY_URL = "https://github.com/tap-trello/tap-trello.git"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def package_version(project_dir: Path = TRANSFORM) -> str:
    """The ``version`` of a dbt_project.yml."""
    return str(load_yaml(project_dir / "dbt_project.yml")["version"])


def readme_package_entry() -> dict[str, Any]:
    """The packages.yml entry transform/README.md tells users to write."""
    blocks = re.findall(r"```yaml\n(.*?)```", PACKAGE_README.read_text(encoding="utf-8"), re.DOTALL)
    entries = [
        entry
        for block in blocks
        for entry in (yaml.safe_load(block) or {}).get("packages", [])
        if "git" in entry
    ]
    assert len(entries) == 1, entries
    return dict(entries[0])


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.invalid",
         "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return result.stdout
