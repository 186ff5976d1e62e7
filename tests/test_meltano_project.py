"""meltano.yml and the Meltano Hub definition agree with what the tap really declares."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points, metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
import yaml

from tap_trello.tap import TapTrello
from tests.helpers import REPO_ROOT

if TYPE_CHECKING:
    from trello_emulator import Workspace

HUB_FILE = REPO_ROOT / "hub" / "extractors" / "tap-trello" / "tap-trello.yml"
MELTANO_YML = REPO_ROOT / "meltano.yml"
HUB_REQUIRED = (
    "name",
    "namespace",
    "variant",
    "label",
    "description",
    "pip_url",
    "repo",
    "executable",
    "capabilities",
    "settings",
    "settings_group_validation",
    "keywords",
)


@pytest.fixture(scope="module")
def about() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tap_trello", "--about", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def hub() -> dict[str, Any]:
    return yaml.safe_load(HUB_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project() -> dict[str, Any]:
    return yaml.safe_load(MELTANO_YML.read_text(encoding="utf-8"))


def plugin(project: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    return next(p for p in project["plugins"][kind] if p["name"] == name)


def expected_kind(prop: dict[str, Any]) -> str:
    """The Meltano setting kind of a JSON schema property."""
    types = prop.get("type", [])
    types = [types] if isinstance(types, str) else types
    if "string" in types and prop.get("format") in {"date-time", "date"}:
        return "date_iso8601"
    for json_type, kind in (
        ("boolean", "boolean"),
        ("integer", "integer"),
        ("number", "decimal"),
        ("array", "array"),
        ("object", "object"),
        ("string", "string"),
    ):
        if json_type in types:
            return kind
    msg = f"no Meltano kind for {prop}"
    raise AssertionError(msg)


def words(text: str | None) -> str:
    return " ".join((text or "").split())


def check_settings(settings: list[dict[str, Any]], about: dict[str, Any]) -> None:
    """Every setting the tap declares, with its kind, secrecy, label and description."""
    declared = about["settings"]["properties"]
    by_name = {s["name"]: s for s in settings}
    assert len(by_name) == len(settings), "a setting is listed twice"
    assert set(by_name) == set(declared)
    for name, prop in declared.items():
        setting = by_name[name]
        assert setting["kind"] == expected_kind(prop), name
        assert bool(setting.get("sensitive")) == bool(prop.get("secret")), name
        assert setting.get("label"), name
        assert words(setting.get("description")), name
        assert words(setting["description"]) == words(prop.get("description")), name
        if "default" in prop:
            assert setting.get("value") == prop["default"], name
        else:
            assert "value" not in setting, name


def test_hub_definition_has_the_hub_fields(hub: dict[str, Any]) -> None:
    for key in HUB_REQUIRED:
        assert hub.get(key), key
    assert hub["name"] == TapTrello.name
    assert hub["namespace"] == "tap_trello"
    scripts = {
        ep.name for ep in entry_points(group="console_scripts") if ep.value.startswith("tap_trello")
    }
    assert hub["executable"] in scripts
    assert f"Repository, {hub['repo']}" in (metadata("tap-trello").get_all("Project-URL") or [])
    assert hub["pip_url"].startswith(("git+", "tap-trello"))
    assert "meltano_sdk" in hub["keywords"]


def test_hub_definition_matches_the_tap(hub: dict[str, Any], about: dict[str, Any]) -> None:
    assert sorted(hub["capabilities"]) == sorted(about["capabilities"])
    check_settings(hub["settings"], about)
    required = about["settings"].get("required", [])
    assert hub["settings_group_validation"] == [required]


def test_meltano_yml_is_valid_for_meltano(project: dict[str, Any]) -> None:
    import meltano  # noqa: PLC0415

    schema_path = Path(next(iter(meltano.__path__))) / "schemas" / "meltano.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(project, schema)
    assert "version" not in project
    assert project["send_anonymous_usage_stats"] is False


def test_meltano_yml_extractor_matches_the_tap(
    project: dict[str, Any], hub: dict[str, Any], about: dict[str, Any]
) -> None:
    tap = plugin(project, "extractors", "tap-trello")
    assert tap["namespace"] == hub["namespace"]
    assert tap["executable"] == hub["executable"]
    assert "${MELTANO_PROJECT_ROOT}" in tap["pip_url"]
    assert sorted(tap["capabilities"]) == sorted(about["capabilities"])
    assert tap["settings_group_validation"] == hub["settings_group_validation"]
    check_settings(tap["settings"], about)
    assert tap["settings"] == hub["settings"]


def test_meltano_yml_loaders_are_declared_in_full(project: dict[str, Any]) -> None:
    names = {p["name"] for p in project["plugins"]["loaders"]}
    assert {"target-jsonl", "target-postgres"} <= names
    for loader in project["plugins"]["loaders"]:
        for key in ("namespace", "pip_url", "executable", "settings"):
            assert loader.get(key), (loader["name"], key)
    postgres = plugin(project, "loaders", "target-postgres")
    assert postgres["pip_url"].startswith("meltanolabs-target-postgres")
    assert {"host", "port", "user", "password", "database"} <= {
        s["name"] for s in postgres["settings"]
    }
    assert next(s for s in postgres["settings"] if s["name"] == "password")["sensitive"]


def test_sandbox_environment_points_at_the_emulator_cli(
    project: dict[str, Any], workspace: Workspace
) -> None:
    """`python -m trello_emulator` (port 8765, seed 1) is what the sandbox environment expects."""
    sandbox = next(e for e in project["environments"] if e["name"] == "sandbox")
    config = next(
        p["config"] for p in sandbox["config"]["plugins"]["extractors"] if p["name"] == "tap-trello"
    )
    assert config["api_url"] == "http://127.0.0.1:8765/1"
    assert config["api_key"] == workspace.api_key
    assert config["token"] == workspace.token
