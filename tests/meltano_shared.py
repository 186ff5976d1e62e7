"""One Meltano plugin install per test run, shared by every Meltano test.

``install_shared_plugins()`` runs ``meltano install`` once for the plugins the Meltano tests
use, into the repository's ``.meltano/`` as meltano.yml declares them (the demo and a
developer's own runs use the same virtual environments, so a second test run starts warm).
Tests that run in the repository's project reuse them as they are; a throwaway project (the
new-user test) has its plugin virtual environments linked to them by
``link_shared_venvs()`` before its own ``meltano install``. Meltano keeps a virtual
environment whose fingerprint (the ``pip install`` arguments and the interpreter) has not
changed, so that install only checks it.
"""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING, Any

import yaml

from tests.meltano_support import MELTANO_YML, REPO_ROOT, meltano_env, run_meltano

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

HUB_FILE = REPO_ROOT / "hub" / "extractors" / "tap-trello" / "tap-trello.yml"
README = REPO_ROOT / "README.md"
# (plugin type folder in .meltano, plugin name)
SHARED_PLUGINS = (
    ("extractors", "tap-trello"),
    ("loaders", "target-postgres"),
    ("loaders", "target-jsonl"),
)


def shared_venv(plugin_type: str, name: str) -> Path:
    """The plugin's virtual environment in the repository's ``.meltano/``."""
    return REPO_ROOT / ".meltano" / plugin_type / name / "venv"


def install_shared_plugins(database: Path) -> None:
    """``meltano install`` the shared plugins once, in the repository's project."""
    run_meltano(
        "install",
        *(name for _, name in SHARED_PLUGINS),
        env=meltano_env(database=database),
    )


def link_shared_venvs(project: Path, plugins: Iterable[tuple[str, str]] = SHARED_PLUGINS) -> None:
    """Point ``project``'s plugin virtual environments at the shared ones.

    Only plugins declared with the same ``pip_url`` as in meltano.yml keep their shared
    environment (same fingerprint); any other is rebuilt in place by ``meltano install``.
    """
    for plugin_type, name in plugins:
        link = project / ".meltano" / plugin_type / name / "venv"
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.is_symlink():
            link.symlink_to(shared_venv(plugin_type, name), target_is_directory=True)


def project_plugin(kind: str, name: str) -> dict[str, Any]:
    """A plugin's definition in the repository's meltano.yml."""
    project = yaml.safe_load(MELTANO_YML.read_text(encoding="utf-8"))
    return next(p for p in project["plugins"][kind] if p["name"] == name)


def hub_definition(kind: str, name: str) -> dict[str, Any]:
    """A Meltano Hub style definition of a loader that meltano.yml declares (``--from-ref``).

    The Hub itself cannot be reached from the test machines; this is what its page for the
    plugin would serve, with the same ``pip_url`` as meltano.yml so the install is shared.
    """
    plugin = dict(project_plugin(kind, name))
    plugin.setdefault("variant", "default")
    return plugin


def tap_hub_definition(pip_url: str) -> str:
    """The repository's Hub file for tap-trello, its ``pip_url`` pointed elsewhere."""
    text = HUB_FILE.read_text(encoding="utf-8")
    lines = [
        f"pip_url: {pip_url}" if line.startswith("pip_url:") else line for line in text.splitlines()
    ]
    return "\n".join(lines) + "\n"


def readme_select() -> list[str]:
    """The selection of the README's ``meltano config set tap-trello _select '[…]'`` line."""
    prefix = "meltano config set tap-trello _select "
    line = next(line for line in README.read_text(encoding="utf-8").splitlines() if prefix in line)
    rules: list[str] = json.loads(shlex.split(line.split(prefix, 1)[1])[0])
    return rules
