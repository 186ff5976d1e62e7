"""The README's settings table matches what the tap declares."""

from __future__ import annotations

from tap_trello.tap import TapTrello
from tests.readme_settings import README, about_markdown, expected_readme, settings_table


def test_readme_settings_table_is_current() -> None:
    assert README.read_text(encoding="utf-8") == expected_readme(), (
        "README.md's settings table is stale: run `python -m tests.readme_settings --write`"
    )


def test_settings_table_lists_every_setting() -> None:
    table = settings_table(about_markdown())
    names = {row.split("|")[1].strip() for row in table.splitlines()[2:]}
    assert set(TapTrello.config_jsonschema["properties"]) <= names
