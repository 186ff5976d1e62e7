"""tap-trello: the Tap class, its settings and the console entry point."""

from __future__ import annotations

import logging
import os
import sys
import typing as t
from functools import cached_property

import msgspec
import requests
from singer_sdk import Tap
from singer_sdk.exceptions import (
    AbortedSyncFailedException,
    AbortedSyncPausedException,
    FatalAPIError,
    RetriableAPIError,
)
from typing_extensions import override

from tap_trello.board_plan import BoardPlan
from tap_trello.board_scans import run_version
from tap_trello.catalog_check import unknown_selected
from tap_trello.errors import AnswerTooLargeError, SettingsError, TrelloError
from tap_trello.input_files import check_input_files
from tap_trello.logs import REPEATED_LINES, quiet_sdk_detail
from tap_trello.output import SingerOutput
from tap_trello.progress import Progress
from tap_trello.run import SyncRun
from tap_trello.saved_state import normalized_state
from tap_trello.settings import (
    CONFIG_SCHEMA,
    Settings,
    check_settings,
    quiet_selection_logs,
    schema_errors,
    unknown_settings,
)
from tap_trello.streams import BOARD_STREAM_TYPES, STREAM_TYPES
from tap_trello.throttle import RequestThrottle, ThrottledSession

if t.TYPE_CHECKING:
    from singer_sdk.streams import Stream

    from tap_trello.streams.workspace import BoardsStream


class TapTrello(Tap):
    """Singer tap for Trello."""

    name = "tap-trello"
    #: The distribution the version is read from (the executable keeps the tap's name).
    package_name = "singer-tap-trello"
    config_jsonschema = CONFIG_SCHEMA
    message_writer_class = SingerOutput

    @override
    def discover_streams(self) -> list[Stream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]

    def __init__(self, *args: t.Any, validate_config: bool = True, **kwargs: t.Any) -> None:
        """Create the tap; bad settings end it here, in one line, before any request.

        The SDK's own report of a bad config is many lines: it is asked not to raise,
        and the tap says everything wrong at once (the schema's errors and its own checks).
        """
        quiet_selection_logs()
        quiet_sdk_detail()
        logging.getLogger(self.name).addFilter(REPEATED_LINES)
        super().__init__(*args, validate_config=False, **kwargs)
        for warning in unknown_settings(self.config, self.config_jsonschema):
            self.logger.warning(warning)
        for warning in unknown_selected(self.input_catalog):
            self.logger.warning(warning)
        if validate_config:
            errors = [*schema_errors(self.config, self.config_jsonschema)]
            errors += check_settings(self.config)
            if errors:
                raise SettingsError("invalid settings: " + "; ".join(errors))

    @override
    def load_state(self, state: dict[str, t.Any]) -> None:
        # Checked, every date in Trello's form, before any request (saved_state.py).
        super().load_state(normalized_state(state, {stream.name for stream in STREAM_TYPES}))

    @cached_property
    def settings(self) -> Settings:
        """The settings, read once, defaults from the config schema."""
        return Settings.read(self.config)

    @cached_property
    def run(self) -> SyncRun:
        """What this run's streams share: session, board plan, look-ahead; made at sync.

        The plan reads the selection, so it is made once the catalog is applied; the
        run's version, once the state is loaded.
        """
        selected = frozenset(name for name, stream in self.streams.items() if stream.selected)
        plan = BoardPlan(
            streams=BOARD_STREAM_TYPES,
            names=selected,
            include_closed=self.settings.include_closed,
            action_types=frozenset(self.settings.action_types),
            start_date=self.settings.start,
        )
        session = ThrottledSession(RequestThrottle(self.settings.max_requests_per_10s))
        # The boards stream reads the boards: their nested calls and pages are its requests.
        boards = t.cast("BoardsStream", self.streams["boards"])
        return SyncRun(boards, plan, session, run_version(self.state))

    @cached_property
    def progress(self) -> Progress:
        """The run's counts, for the lines a person reads."""
        return Progress()


EXPECTED_FAILURES = (
    TrelloError,
    AnswerTooLargeError,
    FatalAPIError,
    RetriableAPIError,
    requests.RequestException,
    AbortedSyncFailedException,
    AbortedSyncPausedException,
    BrokenPipeError,
    # An answer of a shape Trello never sends (a number where a board should be).
    msgspec.ValidationError,
)


def root_cause(exc: BaseException) -> BaseException:
    """What an aborted sync was aborted by.

    The first link of the chain that is not an abort, or the last abort when the chain
    holds nothing else (cycles included).
    """
    seen = {id(exc)}
    cause = exc
    while isinstance(cause, (AbortedSyncFailedException, AbortedSyncPausedException)):
        inner = cause.__cause__ or cause.__context__
        if inner is None or id(inner) in seen:
            break
        seen.add(id(inner))
        cause = inner
    return cause


def main() -> None:
    """Run the tap; an expected failure ends it with one line and exit code 1."""
    try:
        check_input_files(sys.argv[1:])
        TapTrello.cli()
    except SystemExit:
        # Click ends a run whose output pipe broke with exit 1 and no word: say why.
        if SingerOutput.target_gone:
            _stop(BrokenPipeError())
        raise
    except EXPECTED_FAILURES as exc:
        _stop(exc)


def _stop(exc: BaseException) -> t.NoReturn:
    """End the run on an expected failure: one line, exit code 1."""
    cause = root_cause(exc)
    message = " ".join(str(cause).split()) or type(cause).__name__
    if isinstance(cause, BrokenPipeError):
        # Nothing more can reach the target: quiet the flush at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        message = "the target stopped reading the tap's output (broken pipe); see its log"
    elif isinstance(cause, msgspec.ValidationError):
        message = f"Trello answered something of a shape this tap cannot read: {message}"
    elif isinstance(cause, RetriableAPIError):
        message = f"gave up after retries: {message}"
    elif isinstance(cause, requests.RequestException):
        message = f"gave up after retries, Trello could not be reached: {message}"
    sys.stderr.write(f"tap-trello: error: {message}\n")
    sys.exit(1)


if __name__ == "__main__":
    main()
