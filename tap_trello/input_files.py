"""The files named on the command line: each checked before the SDK reads it.

The SDK reads ``--config``, ``--state`` and ``--catalog`` with a traceback for every
mistake (a missing file, a folder, truncated JSON, a catalog of the wrong shape); each
check here turns one of those into one clear line.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

from tap_trello.catalog_check import catalog_problem
from tap_trello.errors import SettingsError

#: The options whose value is a JSON file the SDK reads.
FILE_OPTIONS = ("--config", "--state", "--catalog")


def check_input_files(argv: list[str]) -> None:
    """Stop with one line when a file named by --config, --state or --catalog is unusable."""
    for option, path in _file_arguments(argv):
        if path == "ENV":  # the SDK's "settings from the environment"
            continue
        file = Path(path)
        if not file.is_file():
            msg = f"{option} file {path!r} does not exist"
            raise SettingsError(msg)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"{option} file {path!r} cannot be read: {getattr(exc, 'strerror', exc)}"
            raise SettingsError(msg) from exc
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            msg = f"{option} file {path!r} is not valid JSON: {exc.msg} at line {exc.lineno}"
            raise SettingsError(msg) from exc
        if not isinstance(value, dict):
            msg = f"{option} file {path!r} holds {type(value).__name__}, not a JSON object"
            raise SettingsError(msg)
        if option == "--catalog" and (problem := catalog_problem(value)):
            msg = f"{option} file {path!r}: {problem}"
            raise SettingsError(msg)


def _file_arguments(argv: list[str]) -> t.Iterator[tuple[str, str]]:
    for i, argument in enumerate(argv):
        option, equals, value = argument.partition("=")
        if option in FILE_OPTIONS:
            if equals:
                yield option, value
            elif i + 1 < len(argv):
                yield option, argv[i + 1]
