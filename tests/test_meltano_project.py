"""meltano.yml and the Meltano Hub definition agree with what the tap really declares."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from importlib.metadata import entry_points, metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
import yaml

from tap_trello.streams import STREAM_TYPES
from tap_trello.tap import TapTrello
from tests.helpers import REPO_ROOT
from tests.meltano_shared import readme_select
from tests.meltano_support import PROD, meltano_env, run_meltano

if TYPE_CHECKING:
    from trello_emulator import Workspace

HUB_FILE = REPO_ROOT / "hub" / "extractors" / "tap-trello" / "tap-trello.yml"
MELTANO_YML = REPO_ROOT / "meltano.yml"
README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
# Every page that shows Meltano commands: the README, docs/, CONTRIBUTING.md, the dbt package's.
DOC_PAGES = [
    path
    for path in (
        README,
        *sorted(DOCS.glob("*.md")),
        REPO_ROOT / "CONTRIBUTING.md",
        REPO_ROOT / "transform" / "README.md",
    )
    if path.exists()
]
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
        # Whole hours (rescan_after_hours): Meltano 4.4 turns a `decimal` setting given by a
        # variable or .env into a Decimal and then cannot write the tap's config
        # ("Object of type Decimal is not JSON serializable").
        ("number", "integer"),
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
    assert f"Repository, {hub['repo']}" in (
        metadata(TapTrello.package_name).get_all("Project-URL") or []
    )
    assert hub["pip_url"] == TapTrello.package_name
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


def environment(project: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in project["environments"] if e["name"] == name)


def environment_plugin(env: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    return next(p for p in env["config"]["plugins"][kind] if p["name"] == name)


def test_default_environment_is_the_sandbox(project: dict[str, Any]) -> None:
    """`meltano run tap-trello target-jsonl` works in the clone as written (no --environment)."""
    assert project["default_environment"] == "sandbox"
    assert {e["name"] for e in project["environments"]} == {"sandbox", "prod", "demo"}


def test_sandbox_environment_points_at_the_emulator_cli(
    project: dict[str, Any], workspace: Workspace
) -> None:
    """`python -m trello_emulator` (port 8765, seed 1) is what the sandbox environment expects.

    The three are set through the environment's `env:`, which Meltano ranks above .env and
    shell variables: `meltano config set tap-trello token ...` (stored in .env) cannot replace
    them, and no `config:` value that .env would silently override is left.
    """
    tap = environment_plugin(environment(project, "sandbox"), "extractors", "tap-trello")
    assert tap["env"] == {
        "TAP_TRELLO_API_URL": "http://127.0.0.1:8765/1",
        "TAP_TRELLO_API_KEY": workspace.api_key,
        "TAP_TRELLO_TOKEN": workspace.token,
    }
    assert not {"api_url", "api_key", "token"} & set(tap.get("config", {}))


def test_sandbox_gives_target_postgres_a_complete_local_database(project: dict[str, Any]) -> None:
    target = environment_plugin(environment(project, "sandbox"), "loaders", "target-postgres")
    assert target["config"] == {
        "host": "localhost",
        "port": 5432,
        "user": "postgres",
        "password": "postgres",
        "database": "postgres",
    }


def test_prod_and_demo_take_everything_from_variables(project: dict[str, Any]) -> None:
    assert "config" not in environment(project, "demo")
    # prod's one config: dbt-postgres reads the loader's own TARGET_POSTGRES_* variables
    prod = environment(project, "prod")["config"]["plugins"]
    assert list(prod) == ["utilities"]
    dbt = environment_plugin(environment(project, "prod"), "utilities", "dbt-postgres")["config"]
    assert dbt == {
        "host": "$TARGET_POSTGRES_HOST",
        "port": "$TARGET_POSTGRES_PORT",
        "user": "$TARGET_POSTGRES_USER",
        "password": "$TARGET_POSTGRES_PASSWORD",
        "dbname": "$TARGET_POSTGRES_DATABASE",
    }


def test_sandbox_ignores_credentials_in_dotenv_and_the_shell(tmp_path: Path) -> None:
    """What the sandbox run receives, with wrong credentials in .env and in the shell.

    `--env-file` stands in for the project's .env (the one `meltano config set` writes), so a
    developer's own .env is never touched; tests/test_meltano_sandbox.py runs the sandbox.
    """
    dotenv = tmp_path / "wrong.env"
    dotenv.write_text(
        "TAP_TRELLO_API_KEY=wrong-key\nTAP_TRELLO_TOKEN=wrong-token\n"
        "TAP_TRELLO_API_URL=https://api.trello.com/1\nTARGET_POSTGRES_PORT=6543\n",
        encoding="utf-8",
    )
    env = meltano_env(database=tmp_path / "meltano.db")
    env["TAP_TRELLO_TOKEN"] = "wrong-shell-token"

    def printed(plugin: str) -> dict[str, Any]:
        output = run_meltano(
            "--env-file", str(dotenv), "--environment=sandbox", "config", "--unsafe", "print",
            plugin, env=env,
        )  # fmt: skip
        return json.loads(output[output.index("{") : output.rindex("}") + 1])

    tap = printed("tap-trello")
    sandbox = yaml.safe_load(MELTANO_YML.read_text(encoding="utf-8"))
    pinned = environment_plugin(environment(sandbox, "sandbox"), "extractors", "tap-trello")["env"]
    assert tap["api_url"] == pinned["TAP_TRELLO_API_URL"]
    assert tap["api_key"] == pinned["TAP_TRELLO_API_KEY"]
    assert tap["token"] == pinned["TAP_TRELLO_TOKEN"]
    # target-postgres takes TARGET_POSTGRES_* from .env or the shell, as docs/meltano.md says.
    target = printed("target-postgres")
    assert target["port"] == 6543
    assert target["host"] == "localhost"
    # dbt-postgres builds the models in the sandbox's database (its own DBT_POSTGRES_* replace it).
    local = environment_plugin(environment(sandbox, "sandbox"), "loaders", "target-postgres")
    dbt = printed("dbt-postgres")
    assert {key: dbt[key] for key in ("host", "port", "user", "password")} == {
        key: local["config"][key] for key in ("host", "port", "user", "password")
    }
    assert dbt["dbname"] == local["config"]["database"]
    # dbt follows the loader's TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA; unset, Meltano passes no
    # schema and dbt's own default, the loader's (tap_trello), applies (test_dbt_package.py).
    assert target["default_target_schema"] == "tap_trello"
    assert (dbt["schema"], dbt["trello_schema"]) == (None, None)


def test_prod_dbt_reads_the_target_postgres_variables(tmp_path: Path) -> None:
    env = meltano_env(
        database=tmp_path / "meltano.db",
        plugins={
            "target-postgres": {
                "host": "db.example.com",
                "port": 6432,
                "user": "loader",
                "password": "s3cret",
                "database": "warehouse",
            }
        },
    )
    output = run_meltano(
        *PROD, "config", "--unsafe", "print", "dbt-postgres", env=env,
    )  # fmt: skip
    dbt = json.loads(output[output.index("{") : output.rindex("}") + 1])
    assert (dbt["host"], dbt["port"], dbt["user"], dbt["password"], dbt["dbname"]) == (
        "db.example.com",
        6432,
        "loader",
        "s3cret",
        "warehouse",
    )
    assert dbt["project_dir"] == str(REPO_ROOT / "transform")


# -- the Meltano commands users read ------------------------------------------------------
def check_meltano_command(argv: list[str]) -> None:
    """Parse ``meltano ARGV`` with Meltano's own command line (no callback runs)."""
    import click  # noqa: PLC0415
    from meltano.cli import cli  # noqa: PLC0415

    ctx = click.Context(cli, info_name="meltano")
    command: click.Command = cli
    args = list(argv)
    while True:
        params, rest, _ = command.make_parser(ctx).parse_args(args=args)
        if isinstance(command, click.Group):
            assert rest, f"meltano {shlex.join(argv)}: no command"
            name, found, args = command.resolve_command(ctx, rest)
            assert found is not None, argv
            ctx = click.Context(found, info_name=name, parent=ctx)
            command = found
            continue
        assert not rest, f"meltano {shlex.join(argv)}: unexpected arguments {rest}"
        break
    if command.name == "add":
        # `meltano add extractor tap-trello` adds two plugins, the first a utility.
        types = {"extractor", "extractors", "loader", "loaders", "utility", "utilities"}
        assert not types & set(params["plugin"]), f"meltano {shlex.join(argv)}"


def meltano_commands(text: str) -> list[list[str]]:
    """Every `meltano ...` command in code spans, code blocks and comment lines of ``text``."""
    candidates = re.findall(r"`(meltano [^`]+)`", text)
    for raw_line in text.splitlines():
        line = raw_line.strip().lstrip("#").strip()
        words = line.split()
        # leading VAR=value assignments, as in `TAP_TRELLO_BOARD_IDS=... meltano run ...`
        while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", words[0]):
            words.pop(0)
        if words[:1] == ["meltano"] and "`" not in line:
            candidates.append(" ".join(words))
    commands = []
    for candidate in candidates:
        code = re.split(r"\s#|\s+->|\s{3,}", candidate)[0]  # drop trailing comments
        commands.append(shlex.split(code)[1:])
    return commands


@pytest.mark.parametrize(
    "path",
    [*DOC_PAGES, MELTANO_YML, HUB_FILE],
    ids=lambda path: path.relative_to(REPO_ROOT).as_posix(),
)
def test_every_meltano_command_is_a_meltano_4_4_form(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    commands = meltano_commands(text)
    if path in (README, DOCS / "meltano.md", DOCS / "sharding.md", MELTANO_YML):
        assert commands
    for forbidden in (r"meltano config [\w-]+ set", r"meltano add (extractor|loader)s? "):
        assert not re.search(forbidden, text), (path.name, forbidden)
    for argv in commands:
        check_meltano_command(argv)


def test_readme_shows_the_new_user_path() -> None:
    text = README.read_text(encoding="utf-8")
    raw = (
        "https://raw.githubusercontent.com/tap-trello/tap-trello/main/"
        "hub/extractors/tap-trello/tap-trello.yml"
    )
    assert f"meltano add tap-trello --from-ref {raw}" in text
    assert "meltano config set tap-trello token" in text
    assert "meltano run tap-trello target-postgres" in text
    for variable in ("HOST", "PORT", "USER", "PASSWORD", "DATABASE"):
        assert f"TARGET_POSTGRES_{variable}" in text


def test_every_meltano_path_selects_what_the_tap_selects_by_default(
    project: dict[str, Any], hub: dict[str, Any]
) -> None:
    tap = plugin(project, "extractors", "tap-trello")
    assert tap["select"] == hub["select"] == readme_select()
    first, *rules = hub["select"]
    assert first == "*.*"
    left_out = {rule.removeprefix("!").removesuffix(".*") for rule in rules}
    assert all(rule.startswith("!") for rule in rules)
    assert left_out == {kind.name for kind in STREAM_TYPES if not kind.selected_by_default}
