"""The one Trello client every stream shares: URL, auth, throttle, retries, errors."""

from __future__ import annotations

import logging
import random
import re
import typing as t
from http import HTTPStatus
from urllib.parse import urlparse

import msgspec
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.streams import RESTStream
from typing_extensions import override

from tap_trello.answers import VALUE, decode_items, keep_payload, payload
from tap_trello.errors import (
    AnswerTooLargeError,
    BoardUnavailableError,
    TrelloError,
    WorkspaceUnavailableError,
)
from tap_trello.logs import REPEATED_LINES
from tap_trello.schemas import Schema, with_deletions
from tap_trello.stream_output import StreamOutput, TapParts
from tap_trello.throttle import retry_after_seconds

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator, Mapping

    import requests
    from backoff.types import Details
    from singer_sdk import Tap
    from singer_sdk.helpers.types import Context
    from singer_sdk.pagination import BaseAPIPaginator

    from tap_trello.settings import Settings

MAX_RETRY_WAIT_S = 60.0

#: What Trello's 403 says when an answer would be too large (not a permission).
TOO_LARGE_ANSWERS = ("too many checklists", "api_too_many_cards_requested")


def oauth_header(api_key: str, token: str) -> str:
    """Trello's OAuth header value, which keeps both credentials out of every URL."""
    return f'OAuth oauth_consumer_key="{api_key}", oauth_token="{token}"'


class TrelloStream(StreamOutput, RESTStream[t.Any]):
    """Base stream: owns the base URL, auth, throttle, retries and error wording.

    What it writes (one SCHEMA per run, conformed records, linear state, the tap's
    ACTIVATE_VERSION) is :class:`~tap_trello.stream_output.StreamOutput`'s.
    """

    #: Every Trello object has an id.
    primary_keys: t.ClassVar[tuple[str, ...]] = ("id",)
    #: The schema of its objects (schemas.py), sent with ``_sdc_deleted_at`` when it
    #: carries deletion records.
    object_schema: t.ClassVar[Schema]
    #: It carries deletion records (``_sdc_deleted_at`` set): see mirror.py.
    carries_deletions: t.ClassVar[bool] = False
    #: History (actions): a run reads only what is new, never the past again.
    is_history: t.ClassVar[bool] = False
    #: What it adds to its parent's nested call (a board's, a workspace's), if any.
    nested_params: t.ClassVar[Mapping[str, str]] = {}
    #: The key of that call's answer that holds its rows ("": none).
    nested_key: t.ClassVar[str] = ""
    #: Set once a stream has said that Trello sent fields its schema lacks.
    _warned_unknown_fields = False

    def __init__(self, tap: Tap, **kwargs: t.Any) -> None:
        """A stream of ``tap`` that sends the schema its class declares."""
        schema = self.object_schema
        kwargs.setdefault("schema", with_deletions(schema) if self.carries_deletions else schema)
        super().__init__(tap, **kwargs)
        # The SDK's retries are logged once, by backoff_handler, not also by backoff.
        self.logger.addFilter(REPEATED_LINES)
        #: The settings, read once by the tap.
        self.settings: Settings = t.cast("TapParts", tap).settings

    def bookmark(self, context: Context | None) -> str | None:
        """The replication value of the last complete run for this partition."""
        value = self.get_context_state(context).get("replication_key_value")
        return str(value) if value else None

    @property
    @override
    def url_base(self) -> str:
        return self.settings.api_url.rstrip("/")

    @property
    @override
    def authenticator(self) -> APIKeyAuthenticator:
        return APIKeyAuthenticator(
            key="Authorization",
            value=oauth_header(self.settings.api_key, self.settings.token),
            location="header",
        )

    @property
    @override
    def requests_session(self) -> requests.Session:
        # One throttled session for the whole tap: Trello's limit is per token.
        return self.run.session

    @property
    @override
    def timeout(self) -> int:
        return self.settings.request_timeout

    @property
    def include_closed(self) -> bool:
        """Whether archived boards, lists and cards are extracted too."""
        return self.settings.include_closed

    @override
    def get_new_paginator(self) -> BaseAPIPaginator[t.Any] | None:
        # Trello sends no paging links; streams that page say how in paging.py.
        return None

    @override
    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        """Exponential waits capped at a minute; a 429's Retry-After wins."""
        exception = yield 0.0  # primed by backoff before the first retry
        attempt = 0
        while True:
            response = getattr(exception, "response", None)
            asked = retry_after_seconds(response)
            wait = asked if asked is not None else min(2.0**attempt, MAX_RETRY_WAIT_S)
            attempt += 1
            exception = yield wait

    @override
    def backoff_max_tries(self) -> int:
        return self.settings.max_retries + 1

    @override
    def backoff_jitter(self, value: float) -> float:
        # A little jitter, never below what Trello asked for.
        return value + random.uniform(0.0, min(1.0, value * 0.1))  # noqa: S311

    @override
    def backoff_handler(self, details: Details) -> None:
        request = details.get("args", (None,))[0]
        url = getattr(request, "url", None) or ""
        self.logger.warning(
            "Retrying GET %s in %.1f s (try %d): %s",
            urlparse(url).path or self.path,
            details.get("wait", 0.0),
            details.get("tries", 0),
            _one_line(details.get("exception")),
        )

    @override
    def log(self, message: str, *args: t.Any, level: int = logging.INFO, **kwargs: t.Any) -> None:
        # The SDK says this before any error leaves a stream; the tap's main() words the
        # failures it expects in one line, and an unexpected one still shows its traceback.
        if message.startswith("An unhandled error occurred while syncing"):
            return
        super().log(message, *args, level=level, **kwargs)

    @override
    def response_error_message(self, response: requests.Response) -> str:
        path = urlparse(response.url).path
        body = response.text.strip().replace("\n", " ")[:200] if response.content else ""
        message = f"Trello answered {response.status_code} {response.reason} for GET {path}"
        return f"{message}: {body}" if body else message

    @override
    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise RetriableAPIError(self.response_error_message(response), response)
        if status >= HTTPStatus.BAD_REQUEST:
            raise self.client_error(response)
        try:
            keep_payload(response)
        except msgspec.DecodeError as exc:
            path = urlparse(response.url).path
            kind = response.headers.get("Content-Type", "no content type")
            msg = f"Trello answered GET {path} with a body that is not JSON ({kind})"
            raise RetriableAPIError(msg, response) from exc

    def client_error(self, response: requests.Response) -> Exception:
        """The exception for a 4xx answer: clear, one line, never the credentials."""
        error = self._client_error(response)
        in_path = _OWNER_PATH.search(urlparse(response.url).path)
        if isinstance(error, FatalAPIError) and response.status_code in {401, 404} and in_path:
            # A board's or a workspace's read: it vanished while the run read it.
            kind, owner_id = in_path.groups()
            if kind == "boards":
                msg = f"Board {owner_id} is no longer available ({response.status_code})"
                return BoardUnavailableError(msg)
            msg = f"Workspace {owner_id} is no longer available ({response.status_code})"
            return WorkspaceUnavailableError(msg)
        return error

    def _client_error(self, response: requests.Response) -> Exception:
        body = response.text.strip().lower()
        if response.status_code == HTTPStatus.FORBIDDEN and any(
            refusal in body for refusal in TOO_LARGE_ANSWERS
        ):
            return AnswerTooLargeError(self.response_error_message(response))
        if response.status_code == HTTPStatus.UNAUTHORIZED and (
            "invalid token" in body or "invalid key" in body or "expired" in body
        ):
            return TrelloError(
                f"Trello rejected the API key or token ({response.status_code}: {body[:80]}); "
                "check the api_key and token settings"
            )
        return FatalAPIError(self.response_error_message(response))

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        yield from decode_items(self.list_payload(response))

    def list_rows(self, response: requests.Response) -> list[dict[str, t.Any]]:
        """The rows of a list answer."""
        return list(self.parse_response(response))

    @staticmethod
    def list_payload(response: requests.Response) -> list[msgspec.Raw]:
        """The items of an answer that must be a list."""
        body = payload(response)
        if not isinstance(body, list):
            msg = f"Trello answered GET {urlparse(response.url).path} with an object"
            raise TrelloError(msg + ", expected a list")
        return body

    def known_fields(self, rows: Iterable[dict[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        """``rows`` without top-level fields the schema does not declare (said once)."""
        declared = self.schema["properties"].keys()
        for row in rows:
            if unknown := row.keys() - declared:
                for field in unknown:
                    del row[field]
                if not self._warned_unknown_fields:
                    self._warned_unknown_fields = True
                    self.logger.warning(
                        "Trello sent %s fields this tap does not declare; dropped: %s",
                        self.name,
                        ", ".join(sorted(unknown)),
                    )
            yield row

    def fetch(self, path: str, params: dict[str, t.Any], context: Context | None) -> t.Any:
        """GET ``path`` (relative to the base URL) with retries; return the JSON body."""
        body = payload(self.fetch_response(path, params, context))
        if isinstance(body, list):
            return list(decode_items(body))
        return {key: VALUE.decode(value) for key, value in body.items()}

    def fetch_object(
        self, path: str, params: dict[str, t.Any], context: Context | None
    ) -> dict[str, msgspec.Raw]:
        """GET an object whose values are left raw, decoded only when used."""
        body = payload(self.fetch_response(path, params, context))
        if not isinstance(body, dict):
            msg = f"Trello answered GET {urlparse(self.url_base + path).path} with a list"
            raise TrelloError(msg + ", expected an object")
        return body

    def fetch_items(
        self,
        path: str,
        params: dict[str, t.Any],
        context: Context | None,
        keep_id: Callable[[str], bool],
    ) -> Iterator[dict[str, t.Any]]:
        """GET a list; decode only the items whose id ``keep_id`` accepts."""
        response = self.fetch_response(path, params, context)
        return decode_items(self.list_payload(response), keep_id)

    def fetch_response(
        self, path: str, params: dict[str, t.Any], context: Context | None
    ) -> requests.Response:
        """GET ``path`` (relative to the base URL) with retries."""
        request = self.prepare(path, params)
        with self.get_http_request_counter() as counter:
            counter.with_context(context)
            response = self.send(request, context)
            counter.increment()
        return response

    def prepare(self, path: str, params: dict[str, t.Any]) -> requests.PreparedRequest:
        """A GET of ``path`` (relative to the base URL), with auth."""
        return self.build_prepared_request(
            method="GET", url=f"{self.url_base}{path}", params=params, headers=self.http_headers
        )

    def send(self, request: requests.PreparedRequest, context: Context | None) -> requests.Response:
        """Send with retries, through the run's throttled session."""
        response: requests.Response = self.request_decorator(self._request)(request, context)
        return response


#: A board's or a workspace's own path (``/1/boards/{id}``, its pages), not a list of them.
_OWNER_PATH = re.compile(r"/(boards|organizations)/([^/?]+)")


def _one_line(exception: object) -> str:
    text = str(exception) if exception is not None else "unknown error"
    return " ".join(text.split())[:300]
