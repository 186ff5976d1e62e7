# SQL here names our own tables in a throwaway server: no injection surface.
# ruff: noqa: S608
"""Deletions through the real target: `meltano run tap-trello target-postgres`, as configured.

A full sync, the team's edits (tests/test_deletions.make_edits: one of each deletion Trello
can make, a board deleted), an hourly incremental run, then a run that reads every board
whole. After it, the live rows of every table (``where _sdc_deleted_at is null``) are the
emulator's objects, table by table; with ``hard_delete`` the gone rows are really gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.deletion_story import DATA, HISTORY, make_edits
from tests.helpers import tap_config
from tests.meltano_support import PROD, meltano_env, run_meltano
from tests.mirror_target import trello_objects
from trello_emulator import EmulatorServer, Workspace

if TYPE_CHECKING:
    from pathlib import Path

    from devtools.postgres import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def live_ids(pg: PostgresServer, schema: str, table: str) -> set[str]:
    rows = pg.psql(f'SELECT id FROM {schema}."{table}" WHERE _sdc_deleted_at IS NULL')
    return {row[0] for row in rows}


def all_ids(pg: PostgresServer, schema: str, table: str) -> set[str]:
    return {row[0] for row in pg.psql(f'SELECT id FROM {schema}."{table}"')}


@pytest.mark.parametrize("hard_delete", [False, True], ids=["soft delete", "hard delete"])
def test_deletions_reach_postgres(
    meltano_plugins: None, postgres: PostgresServer, tmp_path: Path, hard_delete: bool
) -> None:
    schema = f"mirror_{'hard' if hard_delete else 'soft'}"
    workspace = Workspace.generate(**DATA)
    with EmulatorServer(workspace) as emulator:
        config = tap_config(workspace, emulator)
        target = {**postgres.target_config(schema), "hard_delete": hard_delete}

        def run(**settings: object) -> None:
            env = meltano_env(
                database=tmp_path / "meltano.db",
                plugins={"tap-trello": {**config, **settings}, "target-postgres": target},
            )
            run_meltano(*PROD, "run", "tap-trello", "target-postgres", env=env)

        run()
        expected = trello_objects(workspace)
        for table, ids in expected.items():
            assert live_ids(postgres, schema, table) == ids, table

        edits = make_edits(workspace)
        run()  # the next hourly run: what the feed announced is no longer live
        for key, table in (
            ("deleted_card", "cards"),
            ("moved_out", "cards"),
            ("removed_checklist", "checklists"),
            ("cleared_value", "card_custom_field_items"),
            ("moved_list", "lists"),
            ("deleted_board", "boards"),
        ):
            assert edits[key] not in live_ids(postgres, schema, table), key
            # Deletion records are kept as soft deletes, even with hard_delete (sdk#3444).
            assert edits[key] in all_ids(postgres, schema, table), key
        expected = trello_objects(workspace)
        for table, ids in expected.items():
            assert ids <= live_ids(postgres, schema, table), table

        run(rescan_after_hours=0)  # a run that reads every board whole
        for table, ids in expected.items():
            live = live_ids(postgres, schema, table)
            if table in HISTORY:
                assert ids <= live, table  # history: a full refresh drops a deleted board's
            else:
                assert live == ids, table
                if hard_delete:
                    # What only ACTIVATE_VERSION said is gone is deleted outright.
                    assert edits["deleted_check_item"] not in all_ids(
                        postgres, schema, "check_items"
                    )
