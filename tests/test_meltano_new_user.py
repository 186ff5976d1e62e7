"""The path a new user takes with Meltano 4.4, end to end, in a throwaway directory.

`meltano init`, `meltano add tap-trello --from-ref <URL of the Hub file>` (the repository's
hub/extractors/tap-trello/tap-trello.yml with its `pip_url` pointed at this checkout,
served over HTTP as GitHub would serve the raw file), a loader added the same way (Meltano
Hub cannot be reached from here), `meltano config set` for the emulator's URL and
credentials, `meltano install`, `meltano run tap-trello target-jsonl` with exact rows per
stream, then new actions in the emulator and a second `meltano run` that brings exactly
them, from the state Meltano kept.

The plugins' virtual environments are the session's (tests/meltano_shared.py): the new
project's `meltano install` finds them built and only checks them.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tap_trello.streams import STREAM_TYPES
from tests.helpers import run_tap, tap_config
from tests.meltano_shared import (
    hub_definition,
    link_shared_venvs,
    readme_select,
    shared_venv,
    tap_hub_definition,
)
from tests.meltano_support import REPO_ROOT, meltano_env, run_meltano
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DATA = {"seed": 7, "boards": 3, "cards": 300, "actions": 450}
NEW_ACTIONS = 25
SHARED = (shared_venv("extractors", "tap-trello"), shared_venv("loaders", "target-jsonl"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on loopback, as raw.githubusercontent.com serves a repository."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def jsonl_rows(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """target-jsonl's files: one per stream, one record a line."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for file in sorted(folder.glob("*.jsonl")):
        with file.open(encoding="utf-8") as lines:
            rows[file.stem] = [json.loads(line) for line in lines if line.strip()]
    return rows


def action_ids(workspace: Workspace) -> set[str]:
    return {a["id"] for b in workspace.visible_board_ids() for a in workspace.board_actions(b)}


def selected_streams(output: str) -> set[str]:
    """The streams ``meltano select <tap> --json`` lists as selected."""
    start = output.index('{\n  "enabled_patterns"')
    listing, _ = json.JSONDecoder().raw_decode(output[start:])
    return {entry["stream"] for entry in listing["streams"]}


def test_a_hub_listed_definition_brings_its_selection(
    meltano_plugins: None, tmp_path: Path
) -> None:
    """Added from Hub, the definition's `select` applies; added with --from-ref, it does not."""
    hub = tmp_path / "hub"
    api = hub / "api" / "plugins" / "extractors"
    api.mkdir(parents=True)
    definition = yaml.safe_load(tap_hub_definition(f"-e {REPO_ROOT}"))
    (api / "tap-trello--tap-trello").write_text(json.dumps(definition), encoding="utf-8")
    by_default = {kind.name for kind in STREAM_TYPES if kind.selected_by_default}
    assert by_default < {kind.name for kind in STREAM_TYPES}

    with serve_folder(hub) as hub_url:
        ref = f"{hub_url}/api/plugins/extractors/tap-trello--tap-trello"
        index = {"tap-trello": {"default_variant": "tap-trello", "logo_url": None}}
        index["tap-trello"]["variants"] = {"tap-trello": {"ref": ref}}  # type: ignore[index]
        (api / "index").write_text(json.dumps(index), encoding="utf-8")
        env = {**meltano_env(), "MELTANO_HUB_API_ROOT": f"{hub_url}/api"}
        for how, args in (
            ("hub", ("--variant", "tap-trello")),
            (
                "from-ref",
                ("--from-ref", f"{hub_url}/api/plugins/extractors/tap-trello--tap-trello"),
            ),
        ):
            project = tmp_path / how
            run_meltano("init", str(project), "--no-usage-stats", env=env, cwd=tmp_path)
            link_shared_venvs(project, [("extractors", "tap-trello")])
            run_meltano("add", "tap-trello", *args, "--no-install", env=env, cwd=project)
            run_meltano("install", env=env, cwd=project)
            listed = run_meltano("select", "tap-trello", "--json", env=env, cwd=project)
            if how == "hub":
                assert selected_streams(listed) == by_default
            else:
                assert selected_streams(listed) == {kind.name for kind in STREAM_TYPES}


def test_new_user_adds_configures_installs_and_runs_then_resumes_from_state(
    meltano_plugins: None, tmp_path: Path
) -> None:
    # The Hub file and a loader definition, served as the raw GitHub URLs would be.
    hub = tmp_path / "hub"
    (hub / "extractors" / "tap-trello").mkdir(parents=True)
    (hub / "extractors" / "tap-trello" / "tap-trello.yml").write_text(
        tap_hub_definition(f"-e {REPO_ROOT}"), encoding="utf-8"
    )
    (hub / "loaders" / "target-jsonl").mkdir(parents=True)
    (hub / "loaders" / "target-jsonl" / "target-jsonl.yml").write_text(
        yaml.safe_dump(hub_definition("loaders", "target-jsonl"), sort_keys=False),
        encoding="utf-8",
    )
    project = tmp_path / "my-meltano-project"
    env = meltano_env()  # no user settings, no telemetry; the project's own system database
    workspace = Workspace.generate(**DATA)

    with serve_folder(hub) as hub_url, EmulatorServer(workspace) as emulator:
        config = tap_config(workspace, emulator)

        def meltano(*args: str) -> str:
            return run_meltano(*args, env=env, cwd=project)

        run_meltano("init", str(project), "--no-usage-stats", env=env, cwd=tmp_path)
        link_shared_venvs(project)
        meltano(
            "add",
            "tap-trello",
            "--from-ref",
            f"{hub_url}/extractors/tap-trello/tap-trello.yml",
            "--no-install",
        )
        meltano(
            "add",
            "target-jsonl",
            "--from-ref",
            f"{hub_url}/loaders/target-jsonl/target-jsonl.yml",
            "--no-install",
        )
        for name in ("api_url", "api_key", "token"):
            meltano("config", "set", "tap-trello", name, config[name])
        # `--from-ref` leaves out the definition's `select`; the README's one command puts
        # it back, so the workspace level stays opt-in as in the tap's own catalog.
        meltano("config", "set", "tap-trello", "_select", json.dumps(readme_select()))
        built = {venv: (venv / "pyvenv.cfg").stat().st_mtime_ns for venv in SHARED}
        meltano("install")
        # The session's environments, checked and kept, not built again.
        assert {venv: (venv / "pyvenv.cfg").stat().st_mtime_ns for venv in SHARED} == built

        # What `meltano add` and `meltano config set` wrote: the plugins in meltano.yml,
        # the secrets in .env only.
        written = yaml.safe_load((project / "meltano.yml").read_text(encoding="utf-8"))
        assert [p["name"] for p in written["plugins"]["extractors"]] == ["tap-trello"]
        assert [p["name"] for p in written["plugins"]["loaders"]] == ["target-jsonl"]
        assert "utilities" not in written["plugins"]
        assert workspace.token not in (project / "meltano.yml").read_text(encoding="utf-8")
        assert workspace.token in (project / ".env").read_text(encoding="utf-8")

        # First run: every stream, exactly the rows the tap emits in process.
        meltano("run", "tap-trello", "target-jsonl")
        first = run_tap(config)
        landed = jsonl_rows(project / "output")
        assert {s: len(rows) for s, rows in landed.items()} == first.counts()
        assert len(landed["actions"]) == len(action_ids(workspace))
        assert len(landed["boards"]) == len(workspace.visible_board_ids())

        state_output = meltano("state", "get", "dev:tap-trello-to-target-jsonl")
        state = json.loads(next(x for x in reversed(state_output.splitlines()) if x[:1] == "{"))
        bookmarks = state["singer_state"]["bookmarks"]
        assert {p["context"]["board_id"] for p in bookmarks["actions"]["partitions"]} == set(
            workspace.visible_board_ids()
        )

        # New actions; the second run starts from Meltano's state and brings exactly them.
        before = action_ids(workspace)
        workspace.add_actions(workspace.visible_board_ids()[-1], NEW_ACTIONS)
        new_actions = action_ids(workspace) - before
        assert len(new_actions) == NEW_ACTIONS

        meltano("run", "tap-trello", "target-jsonl")
        expected = run_tap(config, state=state["singer_state"])
        after = jsonl_rows(project / "output")
        appended = {s: rows[len(landed.get(s, [])) :] for s, rows in after.items()}
        assert {s: len(rows) for s, rows in appended.items() if rows} == {
            s: n for s, n in expected.counts().items() if n
        }
        assert [row["id"] for row in appended["actions"]] == expected.ids("actions")
        assert {row["id"] for row in appended["actions"]} == new_actions
