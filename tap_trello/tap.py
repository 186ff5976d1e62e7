"""tap-trello: the Tap class, its settings and the console entry point."""

from __future__ import annotations

import sys
import typing as t
from datetime import datetime  # noqa: TC003 - named in a cast
from functools import cached_property
from urllib.parse import urlparse

import pendulum
import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import (
    AbortedSyncFailedException,
    AbortedSyncPausedException,
    FatalAPIError,
    RetriableAPIError,
)
from typing_extensions import override

from tap_trello.client import DEFAULT_API_URL, TrelloError
from tap_trello.output import SingerOutput
from tap_trello.run import SyncRun
from tap_trello.streams import STREAM_TYPES
from tap_trello.timestamps import iso_ms

if t.TYPE_CHECKING:
    from singer_sdk.streams import Stream

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "api_key",
        th.StringType,
        required=True,
        secret=True,
        title="API key",
        description="Trello API key (from a Power-Up's API key page).",
    ),
    th.Property(
        "token",
        th.StringType,
        required=True,
        secret=True,
        title="API token",
        description="Trello API token; a read-only token is enough and recommended.",
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        title="API URL",
        description="Base URL of the Trello API (point it at the emulator for tests and demos).",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description=(
            "Oldest action to extract (ISO 8601). Cards are current state and are never "
            "filtered by it. Default: all history."
        ),
    ),
    th.Property(
        "board_ids",
        th.ArrayType(th.StringType),
        title="Board IDs",
        description="Only these boards (ids or short links). Default: every board the token sees.",
    ),
    th.Property(
        "organization_ids",
        th.ArrayType(th.StringType),
        title="Workspace IDs",
        description="Also (or, without board_ids, only) the boards of these workspaces.",
    ),
    th.Property(
        "include_closed",
        th.BooleanType,
        default=True,
        title="Include closed",
        description="Extract archived boards, lists and cards too.",
    ),
    th.Property(
        "action_types",
        th.ArrayType(th.StringType),
        title="Action types",
        description="Trello action types to extract (its `filter` values). Default: all.",
    ),
    th.Property(
        "rescan_after_hours",
        th.IntegerType,
        default=24,
        title="Rescan after hours",
        description=(
            "An incremental run skips a board whose activity date has not moved since its "
            "last complete sync, unless that sync is older than this many hours (edits "
            "such as a board rename do not move the date). 0 syncs every board every run."
        ),
    ),
    th.Property(
        "max_requests_per_10s",
        th.IntegerType,
        default=90,
        title="Max requests per 10 s",
        description="Client-side throttle, below Trello's 100 requests per 10 s per token.",
    ),
    th.Property(
        "request_timeout",
        th.IntegerType,
        default=60,
        title="Request timeout",
        description="Seconds to wait for one Trello answer before retrying it.",
    ),
    th.Property(
        "max_retries",
        th.IntegerType,
        default=5,
        title="Max retries",
        description="Retries of one request on 429, 5xx, timeouts and resets before failing.",
    ),
).to_dict()


class SettingsError(TrelloError):
    """The settings are wrong: nothing was requested."""


class TapTrello(Tap):
    """Singer tap for Trello."""

    name = "tap-trello"
    config_jsonschema = CONFIG_SCHEMA
    message_writer_class = SingerOutput

    @override
    def discover_streams(self) -> list[Stream]:
        streams = [stream_type(tap=self) for stream_type in STREAM_TYPES]
        self.run.streams = {stream.name: stream for stream in streams}
        return list(streams)

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        errors = super()._validate_config(raise_errors=False)
        errors.extend(self._check_settings())
        if errors and raise_errors:
            # One line for the user, not the SDK's multi-line report.
            raise SettingsError("invalid settings: " + "; ".join(errors))
        return errors

    def _check_settings(self) -> list[str]:
        """What JSON schema validation leaves unchecked (it ignores ``format``)."""
        errors = []
        start_date = self.config.get("start_date")
        if start_date is not None:
            try:
                pendulum.parse(str(start_date), strict=False)
            except (ValueError, TypeError, pendulum.parsing.exceptions.ParserError):
                errors.append(f"start_date {start_date!r} is not an ISO 8601 date or date-time")
        api_url = urlparse(str(self.config.get("api_url") or DEFAULT_API_URL))
        if api_url.scheme not in {"http", "https"} or not api_url.netloc:
            errors.append(f"api_url {self.config.get('api_url')!r} is not an http(s) URL")
        if int(self.config.get("max_requests_per_10s", 90)) < 1:
            errors.append("max_requests_per_10s must be at least 1")
        return errors

    @cached_property
    def run(self) -> SyncRun:
        """What this run's streams share: session, spools, nested board call, start date."""
        start_date = self.config.get("start_date")
        return SyncRun(
            max_requests_per_10s=int(self.config.get("max_requests_per_10s", 90)),
            start_date=iso_ms(t.cast("datetime", pendulum.parse(str(start_date), strict=False)))
            if start_date
            else None,
        )


EXPECTED_FAILURES = (
    TrelloError,
    FatalAPIError,
    RetriableAPIError,
    requests.RequestException,
    AbortedSyncFailedException,
    AbortedSyncPausedException,
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
        TapTrello.cli()
    except EXPECTED_FAILURES as exc:
        cause = root_cause(exc)
        message = " ".join(str(cause).split()) or type(cause).__name__
        if isinstance(cause, RetriableAPIError):
            message = f"gave up after retries: {message}"
        elif isinstance(cause, requests.RequestException):
            message = f"gave up after retries, Trello could not be reached: {message}"
        sys.stderr.write(f"tap-trello: error: {message}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
