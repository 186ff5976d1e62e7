"""The tap's settings, and the checks that stop a wrong one before any request.

JSON schema validation leaves ``format`` unchecked, accepts an empty token and ignores
a misspelt setting; the files named on the command line are read by the SDK with a
traceback for every mistake. Each check here turns one of those into one clear line.
"""

from __future__ import annotations

import difflib
import ipaddress
import logging
import typing as t
from dataclasses import dataclass, fields
from datetime import date, datetime, timezone
from urllib.parse import urlparse

import pendulum
from jsonschema import Draft7Validator
from singer_sdk import typing as th

from tap_trello.timestamps import iso_ms

#: Trello's API, unless ``api_url`` points elsewhere (the emulator).
DEFAULT_API_URL = "https://api.trello.com/1"


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
            "such as a board rename do not move the date). A rescan reads and sends the "
            "board whole, which is also when deletions Trello does not announce reach the "
            "warehouse. 0 syncs every board every run."
        ),
    ),
    th.Property(
        "emit_activate_version_messages",
        th.BooleanType,
        default=True,
        title="Emit ACTIVATE_VERSION messages",
        description=(
            "At the end of a complete, unfiltered run, tell the target which rows Trello "
            "no longer has (ACTIVATE_VERSION per stream, below the oldest board's last "
            "whole read), so a deleted check item, label or attachment stops being live. "
            "The target needs its _sdc_* metadata columns (add_record_metadata)."
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


@dataclass(frozen=True)
class Settings:
    """The settings as the tap uses them, read once; every default is the config schema's."""

    api_key: str
    token: str
    api_url: str
    start_date: str | None
    board_ids: tuple[str, ...]
    organization_ids: tuple[str, ...]
    include_closed: bool
    #: Trello action types to extract; empty: all.
    action_types: tuple[str, ...]
    rescan_after_hours: float
    emit_activate_version_messages: bool
    max_requests_per_10s: int
    request_timeout: int
    max_retries: int

    @classmethod
    def read(cls, config: t.Mapping[str, t.Any]) -> Settings:
        """The settings of ``config`` (checked before: :func:`check_settings`)."""
        values: dict[str, t.Any] = {}
        for setting in fields(cls):
            value = config.get(setting.name)
            if value is None or value == "":
                value = CONFIG_SCHEMA["properties"][setting.name].get("default")
            if setting.type.startswith("tuple"):
                value = tuple(value or ())
            elif setting.type == "str":
                value = str(value or "")
            values[setting.name] = value
        return cls(**values)

    @property
    def start(self) -> str | None:
        """``start_date`` in Trello's timestamp format (None: all history)."""
        moment = parse_start_date(self.start_date) if self.start_date else None
        return iso_ms(moment) if moment else None

    @property
    def filtered(self) -> bool:
        """Whether the run reads only some boards (``board_ids`` or ``organization_ids``)."""
        return bool(self.board_ids or self.organization_ids)


def check_settings(config: t.Mapping[str, t.Any]) -> list[str]:
    """What JSON schema validation leaves unchecked (``format``, empty strings)."""
    errors = [
        f"{name} is empty"
        for name in ("api_key", "token")
        if name in config and not str(config[name] or "").strip()
    ]
    start_date = config.get("start_date")
    if start_date is not None and parse_start_date(start_date) is None:
        errors.append(f"start_date {start_date!r} is not an ISO 8601 date or date-time")
    api_url = urlparse(str(config.get("api_url") or DEFAULT_API_URL))
    if api_url.scheme not in {"http", "https"} or not api_url.netloc:
        errors.append(f"api_url {config.get('api_url')!r} is not an http(s) URL")
    elif api_url.scheme == "http" and not is_loopback(api_url.hostname or ""):
        # The credentials travel in a header: over plain HTTP anyone on the way reads them.
        errors.append(
            f"api_url {config.get('api_url')!r} is plain http: use https (plain http is "
            "accepted only on the loopback, e.g. the emulator)"
        )
    if _number(config, "max_requests_per_10s") < 1:
        errors.append("max_requests_per_10s must be at least 1")
    if _number(config, "request_timeout") < 1:
        errors.append("request_timeout must be at least 1 (seconds)")
    if _number(config, "max_retries") < 0:
        errors.append("max_retries must be 0 (no retry) or more")
    if _number(config, "rescan_after_hours") < 0:
        errors.append("rescan_after_hours must be 0 (every board every run) or more")
    return errors


def _number(config: t.Mapping[str, t.Any], name: str) -> float:
    """A numeric setting, or its default when of another type (the schema check says so)."""
    default: float = CONFIG_SCHEMA["properties"][name]["default"]
    value = config.get(name, default)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def schema_errors(config: t.Mapping[str, t.Any], schema: dict[str, t.Any]) -> list[str]:
    """What JSON Schema finds wrong in ``config``, one short phrase each."""
    errors = []
    for error in Draft7Validator(schema).iter_errors(dict(config)):
        where = "".join(f"[{part!r}]" for part in error.path)
        errors.append(f"{error.message} in config{where}" if where else error.message)
    return errors


def parse_start_date(value: object) -> datetime | None:
    """``start_date`` as a moment, or None if it is not an ISO 8601 date or date-time.

    pendulum also reads durations (``P1D``), which are no start date.
    """
    try:
        parsed: object = pendulum.parse(str(value), strict=False)
    except (ValueError, TypeError, pendulum.parsing.exceptions.ParserError):
        return None
    if isinstance(parsed, datetime):
        return parsed
    if isinstance(parsed, date):
        return datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)
    return None


def unknown_settings(config: t.Mapping[str, t.Any], schema: dict[str, t.Any]) -> list[str]:
    """One warning per setting the tap does not know, with the likely intended one."""
    known = list(schema.get("properties", {}))
    warnings = []
    for name in sorted(set(config) - set(known)):
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        warnings.append(f"Unknown setting {name!r} is ignored{hint}")
    return warnings


def quiet_selection_logs() -> None:
    """The SDK logs a DEBUG line per field of the catalog; keep it for who asks for it.

    A logging config (``SINGER_SDK_LOG_CONFIG``) that sets this logger's level wins.
    """
    selection = logging.getLogger("singer_sdk.singerlib.catalog")
    if selection.level == logging.NOTSET:
        selection.setLevel(logging.INFO)
