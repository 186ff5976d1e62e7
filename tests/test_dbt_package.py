"""The dbt package (transform/) as a package: its version, its layout, and its Meltano wiring.

- Version: ``dbt_project.yml``'s ``version`` is the release's. transform/README.md pins the
  tag ``v<version>``, and no release tag of the repository carries another version (the
  check is also run on a throwaway repository with a wrong tag, so it can fail).
- Layout: each layer's YAML beside its models and named after it, every source table and
  model described, the sources' loader and freshness, the doc blocks used, the analyses
  listed.
- Wiring: what meltano.yml resolves for dbt-postgres and dbt-duckdb's ``trello_schema`` and
  ``schema`` in ``sandbox`` and ``prod``, with the loader's variable set (shell or .env),
  unset, and overridden; their ``trello_list_stages`` setting, handed to dbt as
  DBT_TRELLO_LIST_STAGES. tests/test_analytics.py builds through Meltano on each path.
- The stage rules: the examples of the package's unit test (``trello__lists_stage_rules``,
  which every ``dbt build`` runs) are the Python reading of the rules too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from devtools.analytics_oracle import stage_of
from tests.dbt_package_support import (
    PACKAGE_README,
    REPOSITORY_URL,
    TRANSFORM,
    git,
    load_yaml,
    package_version,
    readme_package_entry,
)
from tests.helpers import REPO_ROOT
from tests.meltano_support import meltano_env, run_meltano

if TYPE_CHECKING:
    from pathlib import Path

MODELS = TRANSFORM / "models"
ANALYSES = TRANSFORM / "analyses"
DOC_BLOCKS = REPO_ROOT / "transform/models/docs.md"
RELEASE_TAG = re.compile(r"v\d+\.\d+\.\d+")


def as_version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


# -- the version -------------------------------------------------------------------------
def test_the_readme_pins_the_packages_own_version() -> None:
    version = package_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    assert readme_package_entry() == {
        "git": REPOSITORY_URL,
        "revision": f"v{version}",
        "subdirectory": "transform",
    }
    # Any other page that shows a pin shows the same one.
    pages = [REPO_ROOT / "README.md", REPO_ROOT / "CONTRIBUTING.md", *REPO_ROOT.glob("docs/*.md")]
    for page in [PACKAGE_README, *pages]:
        if page.exists():
            pins = re.findall(r"revision:\s*(\S+)", page.read_text(encoding="utf-8"))
            assert set(pins) <= {f"v{version}"}, (page.name, pins)


def release_tag_problems(repo: Path, version: str) -> list[str]:
    """Release tags whose dbt_project.yml says another version, or newer than ``version``."""
    problems = []
    for tag in git(repo, "tag", "--list", "v*").split():
        if not RELEASE_TAG.fullmatch(tag):
            continue
        if as_version(tag[1:]) > as_version(version):
            problems.append(f"{tag} is newer than the package's version {version}")
        shown = subprocess.run(
            ["git", "-C", str(repo), "show", f"{tag}:transform/dbt_project.yml"],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        if shown.returncode == 0:  # tags from before the package have no file
            tagged = str(yaml.safe_load(shown.stdout)["version"])
            if tagged != tag[1:]:
                problems.append(f"{tag} carries the package at version {tagged}")
    return problems


def test_no_release_tag_carries_another_version() -> None:
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    assert release_tag_problems(REPO_ROOT, package_version()) == []


def test_the_tag_check_finds_a_wrong_tag(tmp_path: Path) -> None:
    (tmp_path / "transform").mkdir()
    project = tmp_path / "transform" / "dbt_project.yml"

    def release(version: str, tag: str) -> None:
        project.write_text(f"name: trello\nversion: '{version}'\n", encoding="utf-8")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-q", "--allow-empty", "-m", tag)
        git(tmp_path, "tag", tag)

    git(tmp_path, "init", "-q")
    release("0.1.0", "v0.1.0")
    assert release_tag_problems(tmp_path, "0.1.0") == []
    release("0.1.0", "v0.2.0")  # tagged without the bump
    assert release_tag_problems(tmp_path, "0.1.0") == [
        "v0.2.0 is newer than the package's version 0.1.0",
        "v0.2.0 carries the package at version 0.1.0",
    ]


# -- the layout --------------------------------------------------------------------------
def yaml_entries(path: Path, kind: str) -> list[dict[str, Any]]:
    return list((load_yaml(path) or {}).get(kind) or [])


def test_each_layer_documents_its_models_beside_them() -> None:
    layers = sorted(path.parent for path in MODELS.rglob("*.sql"))
    assert {layer.name for layer in layers} == {"staging", "intermediate", "marts"}
    for layer in set(layers):
        sql = {path.stem for path in layer.glob("*.sql")}
        yml = {path.name for path in layer.glob("*.yml")}
        expected = {f"{layer.name}.yml"} | (
            {"src_trello.yml"} if layer.name == "staging" else set()
        )
        assert yml == expected, layer
        documented = yaml_entries(layer / f"{layer.name}.yml", "models")
        assert {model["name"] for model in documented} == sql, layer
        for model in documented:
            assert model.get("description", "").strip(), model["name"]
    # no model is documented anywhere else
    for path in [*TRANSFORM.glob("*/*.yml"), *TRANSFORM.glob("tests/**/*.yml")]:
        if path.parent not in (*layers, TRANSFORM / "profiles"):
            assert not yaml_entries(path, "models"), path
    assert set(MODELS.glob("*.md")) == {DOC_BLOCKS}


def test_the_sources_are_described_with_their_loader_and_freshness() -> None:
    (source,) = yaml_entries(MODELS / "staging" / "src_trello.yml", "sources")
    assert source["loader"] == "tap-trello"
    assert source["config"]["loaded_at_field"] == "_sdc_batched_at"
    assert source["description"].strip()
    read = set()
    for path in MODELS.rglob("*.sql"):
        read |= set(re.findall(r"source\('trello', '(\w+)'\)", path.read_text(encoding="utf-8")))
    for path in (TRANSFORM / "macros").glob("*.sql"):
        read |= set(re.findall(r"source\('trello', '(\w+)'\)", path.read_text(encoding="utf-8")))
    optional = set()
    for path in MODELS.rglob("*.sql"):
        text = path.read_text(encoding="utf-8")
        optional |= set(re.findall(r"optional_source_rows\(\s*'(\w+)'", text))
    assert optional == {
        "plugin_data",
        "organization_members",
        "organization_memberships",
        "organization_actions",
    }
    read |= optional
    tables = {table["name"]: table for table in source["tables"]}
    assert set(tables) == read
    for name, table in tables.items():
        assert table["description"].strip(), name
        columns = {column["name"]: column for column in table["columns"]}
        assert "id" in columns, name
        for column in ("id", "_sdc_deleted_at", "_sdc_batched_at"):
            assert columns[column]["description"].strip(), (name, column)
    # a day without a new boards row is a warning; quiet tables are no alarm
    fresh = {name: t["config"]["freshness"] for name, t in tables.items() if "config" in t}
    assert fresh == {"boards": {"warn_after": {"count": 24, "period": "hour"}}}


def test_the_doc_blocks_hold_the_rules_and_are_shown() -> None:
    docs = DOC_BLOCKS.read_text(encoding="utf-8")
    blocks = dict(re.findall(r"{% docs (\w+) %}(.*?){% enddocs %}", docs, re.DOTALL))
    assert "createCard" in blocks["trello_stays"]
    assert "moveCardFromBoard" in blocks["trello_stays"]
    assert "day before it ends" in blocks["trello_daily_counts"]
    used = "".join(path.read_text(encoding="utf-8") for path in MODELS.rglob("*.yml"))
    for name in blocks:
        if name != "__trello__":  # the package's page in the docs site
            assert f"doc('{name}')" in used, name
    marts = {m["name"]: m for m in yaml_entries(MODELS / "marts" / "marts.yml", "models")}
    assert "doc('trello_stays')" in marts["trello__card_list_periods"]["description"]
    # the delivery marts: each its rules, the stage rules on each that uses stages
    stages = blocks["trello_stages"]
    for rule in ("trello_list_stages", "case-insensitive", "done, complete, completed", "Undone"):
        assert rule in stages, rule
    assert "Monday 00:00 UTC" in blocks["trello_weekly_flow"]
    assert "`data.old.due` not null" in blocks["trello_due_dates"]
    assert "opens none" in blocks["trello_custom_field_history"]
    for mart, block in (
        ("trello__lists", "trello_stages"),
        ("trello__card_cycle_times", "trello_cycle_times"),
        ("trello__card_cycle_times", "trello_stages"),
        ("trello__board_weekly_flow", "trello_weekly_flow"),
        ("trello__board_weekly_flow", "trello_stages"),
        ("trello__card_due_dates", "trello_due_dates"),
        ("trello__custom_field_history", "trello_custom_field_history"),
    ):
        assert f"doc('{block}')" in marts[mart]["description"], (mart, block)


def test_the_stage_rules_examples_are_the_python_readings_too() -> None:
    """The unit test's names and stages (run by dbt in every build, on both engines) are
    what devtools/analytics_oracle.py's own reading of the rules gives."""
    units = {u["name"]: u for u in load_yaml(MODELS / "marts" / "marts.yml")["unit_tests"]}
    unit = units["trello__lists_stage_rules"]
    assert unit["model"] == "trello__lists"
    stages = unit["overrides"]["vars"]["trello_list_stages"]
    (given,) = unit["given"]
    assert given["input"] == "ref('stg_trello__lists')"
    expected = {row["list_id"]: row["stage"] for row in unit["expect"]["rows"]}
    assert {
        row["list_id"]: stage_of(row["list_id"], row["list_name"], stages) for row in given["rows"]
    } == expected
    assert set(expected.values()) == {"backlog", "in_progress", "done"}


def test_the_analyses_are_listed_and_use_the_marts() -> None:
    names = {path.stem for path in ANALYSES.glob("*.sql")}
    assert len(names) >= 5
    assert {a["name"] for a in yaml_entries(ANALYSES / "analyses.yml", "analyses")} == names
    readme = PACKAGE_README.read_text(encoding="utf-8")
    for name in names:
        assert f"`{name}`" in readme, name
        sql = (ANALYSES / f"{name}.sql").read_text(encoding="utf-8")
        assert "ref('trello__" in sql, name
        assert "tap_trello" not in sql, name  # schemas come from ref()
    assert load_yaml(TRANSFORM / "dbt_project.yml")["analysis-paths"] == ["analyses"]


# -- the Meltano wiring ------------------------------------------------------------------
LOADER_DEFAULT = "tap_trello"


def test_unset_the_defaults_agree_with_the_loaders() -> None:
    """With the loader's variable unset Meltano passes no schema: dbt's defaults apply."""
    project = load_yaml(REPO_ROOT / "meltano.yml")
    plugins = {p["name"]: p for kind in ("loaders", "utilities") for p in project["plugins"][kind]}
    sources = (MODELS / "staging" / "src_trello.yml").read_text(encoding="utf-8")
    assert f"env_var('DBT_TRELLO_SCHEMA', '{LOADER_DEFAULT}')" in sources
    for target, utility in (("target-postgres", "dbt-postgres"), ("target-duckdb", "dbt-duckdb")):
        loader = {s["name"]: s for s in plugins[target]["settings"]}
        assert loader["default_target_schema"]["value"] == LOADER_DEFAULT
        settings = {s["name"]: s for s in plugins[utility]["settings"]}
        variable = f"${target.upper().replace('-', '_')}_DEFAULT_TARGET_SCHEMA"
        assert settings["schema"]["value"] == variable
        assert settings["trello_schema"]["value"] == variable
        assert settings["trello_schema"]["env"] == "DBT_TRELLO_SCHEMA"
        adapter = utility.removeprefix("dbt-")
        profile = (TRANSFORM / "profiles" / adapter / "profiles.yml").read_text(encoding="utf-8")
        assert f"env_var('DBT_{adapter.upper()}_SCHEMA', '{LOADER_DEFAULT}')" in profile


def utility_config(utility: str, *options: str, env: dict[str, str]) -> dict[str, Any]:
    output = run_meltano(*options, "config", "--unsafe", "print", utility, env=env)
    config: dict[str, Any] = json.loads(output[output.index("{") : output.rindex("}") + 1])
    return config


def resolved(utility: str, *options: str, env: dict[str, str]) -> dict[str, Any]:
    config = utility_config(utility, *options, env=env)
    return {key: config[key] for key in ("schema", "trello_schema")}


def test_the_list_stages_setting_reaches_dbt(tmp_path: Path) -> None:
    """Each utility's trello_list_stages (an object, unset by default) goes to dbt as the
    JSON variable DBT_TRELLO_LIST_STAGES, which the package reads when its dbt variable
    trello_list_stages is not set."""
    project = load_yaml(REPO_ROOT / "meltano.yml")
    utilities = {p["name"]: p for p in project["plugins"]["utilities"]}
    macro = (TRANSFORM / "macros" / "list_stages.sql").read_text(encoding="utf-8")
    assert "var('trello_list_stages', none)" in macro
    assert "env_var('DBT_TRELLO_LIST_STAGES', '')" in macro
    env = meltano_env(database=tmp_path / "meltano.db")
    stages = {"Waiting for customer ⏳": "in_progress", "5f1c0d3e4b5a6c7d8e9f0a1b": "done"}
    for utility in ("dbt-postgres", "dbt-duckdb"):
        setting = {s["name"]: s for s in utilities[utility]["settings"]}["trello_list_stages"]
        assert (setting["kind"], setting["env"]) == ("object", "DBT_TRELLO_LIST_STAGES")
        assert "value" not in setting
        assert utility_config(utility, "--environment=prod", env=env)["trello_list_stages"] is None
        variable = f"{utility.upper().replace('-', '_')}_TRELLO_LIST_STAGES"
        configured = {**env, variable: json.dumps(stages)}
        config = utility_config(utility, "--environment=prod", env=configured)
        assert config["trello_list_stages"] == stages


@pytest.mark.parametrize("utility", ["dbt-postgres", "dbt-duckdb"])
def test_unset_dbt_gets_no_schema_from_meltano(utility: str, tmp_path: Path) -> None:
    env = meltano_env(database=tmp_path / "meltano.db")
    assert resolved(utility, "--environment=sandbox", env=env) == {
        "schema": None,
        "trello_schema": None,
    }


def test_dbt_follows_the_loaders_variable(tmp_path: Path) -> None:
    env = meltano_env(database=tmp_path / "meltano.db")
    env["TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA"] = "trello"
    env["TARGET_DUCKDB_DEFAULT_TARGET_SCHEMA"] = "trello_duck"
    assert resolved("dbt-postgres", "--environment=prod", env=env) == {
        "schema": "trello",
        "trello_schema": "trello",
    }
    assert resolved("dbt-duckdb", "--environment=prod", env=env) == {
        "schema": "trello_duck",
        "trello_schema": "trello_duck",
    }
    # The README's override names another schema for the raw tables, whatever the loader's.
    env["DBT_POSTGRES_TRELLO_SCHEMA"] = "raw"
    assert resolved("dbt-postgres", "--environment=prod", env=env) == {
        "schema": "trello",
        "trello_schema": "raw",
    }


def test_dbt_follows_the_loaders_variable_from_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / "project.env"
    dotenv.write_text("TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA=from_dotenv\n", encoding="utf-8")
    env = meltano_env(database=tmp_path / "meltano.db")
    options = ("--env-file", str(dotenv), "--environment=sandbox")
    assert resolved("dbt-postgres", *options, env=env) == {
        "schema": "from_dotenv",
        "trello_schema": "from_dotenv",
    }
