"""The wheel is the tap alone, and it installs and runs in a clean virtual environment.

Why: the tests, the emulator and the benchmark live beside `tap_trello/` in the repository
but must not ship to users; and `pip install tap-trello` gets only what the wheel's
metadata declares, so a dependency the package forgot to declare (but this checkout has
installed for its tests) shows up only in an environment that holds the wheel and nothing
else. The wheel is built from this checkout exactly as the release workflow builds it
(PEP 517, isolated), then installed with its dependencies from the package index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import tomllib
import yaml

from tap_trello.tap import TapTrello

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BIN = "Scripts" if sys.platform == "win32" else "bin"
# Put in the environment of `--about`: neither may appear in what it prints.
SECRET_KEY = "packaging-test-secret-key-0123456789"
SECRET_TOKEN = "packaging-test-secret-token-9876543210"


def _pip_env() -> dict[str, str]:
    """The caller's environment (proxies, index settings) without its Python paths."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        env=_pip_env(),
        timeout=300,
    )
    (built,) = out.glob("singer_tap_trello-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (no system site-packages) holding the wheel and its deps."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True, clear=True)
    subprocess.run(
        [str(env_dir / BIN / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        env=_pip_env(),
        timeout=600,
    )
    return env_dir


def _run_tap(env_dir: Path, *args: str, cwd: Path) -> str:
    env = {
        "PATH": f"{env_dir / BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(cwd),
        "TAP_TRELLO_API_KEY": SECRET_KEY,
        "TAP_TRELLO_TOKEN": SECRET_TOKEN,
    }
    done = subprocess.run(
        [str(env_dir / BIN / "tap-trello"), *args],
        cwd=cwd,  # not the checkout, so its `tap_trello/` cannot be imported by accident
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert SECRET_KEY not in done.stdout + done.stderr
    assert SECRET_TOKEN not in done.stdout + done.stderr
    return done.stdout


def test_wheel_holds_the_tap_only(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(f"{dist_info}/METADATA").decode()
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()

    top_level = {name.split("/")[0] for name in names}
    assert top_level == {"tap_trello", dist_info}, sorted(top_level)
    for unwanted in ("tests/", "trello_emulator/", "bench/", "hub/", ".github/"):
        assert not [n for n in names if n.startswith(unwanted)], unwanted
    assert "tap_trello/tap.py" in names
    assert "tap_trello/__init__.py" in names
    assert "tap-trello = tap_trello.tap:main" in entry_points
    assert "Name: singer-tap-trello" in metadata
    # The version comes from git (hatch-vcs); 0.0.0 is only the fallback without git metadata.
    if (ROOT / ".git").exists():
        assert "\nVersion: 0.0.0\n" not in metadata


def test_wheel_installs_and_runs_about(installed: Path, tmp_path: Path) -> None:
    python = installed / BIN / "python"
    where = subprocess.run(
        [str(python), "-c", "import tap_trello; print(tap_trello.__file__)"],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(installed.resolve()), where

    text = _run_tap(installed, "--about", cwd=tmp_path)
    assert "Name: tap-trello" in text
    assert "Version: " in text
    for setting in ("api_key", "token", "start_date", "board_ids"):
        assert f"Name: {setting}" in text

    about = json.loads(_run_tap(installed, "--about", "--format=json", cwd=tmp_path))
    assert about["name"] == "tap-trello"
    assert about["version"]
    assert about["version"] != "0.0.0" or not (ROOT / ".git").exists()
    settings = about["settings"]["properties"]
    # The installed wheel declares every setting this checkout's tap declares.
    assert set(TapTrello.config_jsonschema["properties"]) <= set(settings)
    for secret in ("api_key", "token"):
        assert settings[secret].get("secret") is True
        assert settings[secret].get("writeOnly") is True
        assert "default" not in settings[secret]
        assert "examples" not in settings[secret]


def test_every_place_names_the_distribution_the_wheel_has(wheel: Path) -> None:
    """`tap-trello` on the package index is another tap: ours has a name of its own."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = project["name"]
    file_stem = name.replace("-", "_")
    with zipfile.ZipFile(wheel) as zf:
        dist_info = next(n.split("/")[0] for n in zf.namelist() if n.endswith("/METADATA"))
        metadata = zf.read(f"{dist_info}/METADATA").decode()
    assert f"\nName: {name}\n" in metadata
    assert wheel.name.startswith(f"{file_stem}-")
    assert TapTrello.package_name == name
    assert TapTrello.name == "tap-trello"  # the executable and the plugin keep the tap's name
    assert (
        "tap-trello = tap_trello.tap:main"
        in zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pip install {name}" in readme
    assert "pip install tap-trello" not in readme
    hub = yaml.safe_load((ROOT / "hub/extractors/tap-trello/tap-trello.yml").read_text())
    assert hub["pip_url"] == name
    assert hub["name"] == "tap-trello"
    assert hub["namespace"] == "tap_trello"
    release = (ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8")
    assert f"dist/{file_stem}-${{TAG#v}}-py3-none-any.whl" in release
    assert f"https://pypi.org/project/{name}/" in release
    assert f"pip_url: {name}" in (ROOT / "meltano.yml").read_text(encoding="utf-8")


def test_the_wheel_carries_the_license(wheel: Path) -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text
    assert "Version 2.0, January 2004" in license_text
    with zipfile.ZipFile(wheel) as zf:
        (path,) = [n for n in zf.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert zf.read(path).decode() == license_text
        dist_info = path.split("/")[0]
        metadata = zf.read(f"{dist_info}/METADATA").decode()
    assert "License-Expression: Apache-2.0" in metadata
    assert "License-File: LICENSE" in metadata
