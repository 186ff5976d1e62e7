"""tap-trello: the Tap class, its settings and the console entry point."""

from __future__ import annotations

import atexit
import sys
import typing as t
from functools import cached_property
from urllib.parse import urlparse

import pendulum
import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.exceptions import (
    AbortedSyncFailedException,
    AbortedSyncPausedException,
    FatalAPIError,
    RetriableAPIError,
)
from singer_sdk.singerlib import SingerMessageType
from typing_extensions import override

from tap_trello.client import (
    DEFAULT_API_URL,
    RequestThrottle,
    ThrottledSession,
    TrelloError,
    TrelloStream,
)
from tap_trello.paging import iso_ms
from tap_trello.spool import SpoolRegistry
from tap_trello.streams import STREAM_TYPES, BoardResourceStream

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


class StateFlushingWriter(MsgSpecWriter):
    """The SDK's msgspec writer, writing records in 64 KiB blocks instead of one by one.

    Every other message (SCHEMA, STATE...) flushes the output, so a target never sees a
    state before the records it covers; what is pending at exit is flushed too.
    """

    block_bytes = 64 * 1024

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start with nothing pending."""
        super().__init__(*args, **kwargs)
        self._pending = bytearray()
        atexit.register(self.flush)

    @override
    def write_message(self, message: t.Any) -> None:
        self._pending += self.format_message(message)
        if message.type != SingerMessageType.RECORD or len(self._pending) >= self.block_bytes:
            self.flush()

    def flush(self) -> None:
        """Write out what is pending."""
        if self._pending:
            sys.stdout.buffer.write(self._pending)
            self._pending.clear()
            sys.stdout.flush()


class SettingsError(TrelloError):
    """The settings are wrong: nothing was requested."""


class TapTrello(Tap):
    """Singer tap for Trello."""

    name = "tap-trello"
    config_jsonschema = CONFIG_SCHEMA
    message_writer_class = StateFlushingWriter

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Create the tap; one board's nested details are kept while its streams run."""
        self._board_details: dict[str, t.Any] = {}
        #: Rows of derived streams (attachments, deleted cards...) waiting for their turn.
        self.spools = SpoolRegistry()
        super().__init__(*args, **kwargs)

    @override
    def discover_streams(self) -> list[Stream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]

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
    def session(self) -> ThrottledSession:
        """The one HTTP session of the run, throttled at ``max_requests_per_10s``."""
        limit = int(self.config.get("max_requests_per_10s", 90))
        return ThrottledSession(RequestThrottle(limit))

    @cached_property
    def start_date(self) -> str | None:
        """``start_date`` in Trello's timestamp format, or None."""
        value = self.config.get("start_date")
        return iso_ms(t.cast("t.Any", pendulum.parse(str(value), strict=False))) if value else None

    def nested_board_params(self) -> dict[str, str]:
        """Nested-resource parameters of every selected board-level stream."""
        params: dict[str, str] = {}
        for stream in self.streams.values():
            if (
                isinstance(stream, BoardResourceStream)
                and stream.selected
                and stream.reads_nested_call()
            ):
                params.update(stream.board_call_params())
        return params

    def remember_board_details(self, details: dict[str, t.Any]) -> None:
        """Keep one board's nested details for its streams (only the latest board)."""
        self._board_details = {details["id"]: details}

    def board_details(self, stream: TrelloStream, board_id: str) -> dict[str, t.Any]:
        """The nested board object: one request per board for all its selected streams."""
        if board_id not in self._board_details:
            params = {"fields": "id", **self.nested_board_params()}
            details = stream.fetch(f"/boards/{board_id}", params, {"board_id": board_id})
            self.remember_board_details({**details, "id": board_id})
        return self._board_details[board_id]


EXPECTED_FAILURES = (
    TrelloError,
    FatalAPIError,
    RetriableAPIError,
    requests.RequestException,
    AbortedSyncFailedException,
    AbortedSyncPausedException,
)


def main() -> None:
    """Run the tap; an expected failure ends it with one line and exit code 1."""
    try:
        TapTrello.cli()
    except EXPECTED_FAILURES as exc:
        cause: BaseException = exc
        while isinstance(cause, (AbortedSyncFailedException, AbortedSyncPausedException)):
            cause = cause.__cause__ or cause.__context__ or cause
            if cause is exc:
                break
        message = " ".join(str(cause).split()) or type(cause).__name__
        if isinstance(cause, RetriableAPIError):
            message = f"gave up after retries: {message}"
        elif isinstance(cause, requests.RequestException):
            message = f"gave up after retries, Trello could not be reached: {message}"
        sys.stderr.write(f"tap-trello: error: {message}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
