"""The HTTP layer: a real server on loopback that answers like ``api.trello.com/1``.

``EmulatorServer(workspace, host="127.0.0.1", port=0, *, rate_limit=False, token_limit=100,
key_limit=300, window_s=10.0, retry_after=None, faults=None, latency_s=0.0, quiet=True,
date_bounds="ms", max_nested_objects=None, too_big_answer="checklists", max_nested_cards=1000,
db_limit_first=0,
db_limit_paths=DB_LIMIT_PATHS)`` runs a threaded werkzeug server in a daemon thread
(``start()``/``stop()`` or ``with``).
What Trello answers is in :mod:`trello_emulator.routes`; this module owns what surrounds
every answer:

* lifecycle: ``server.url`` is ``http://127.0.0.1:PORT/1``, ``server.base_url`` the same
  without ``/1``;
* auth: ``Authorization: OAuth oauth_consumer_key="KEY", oauth_token="TOKEN"`` or the
  ``key``/``token`` query parameters; 401 ``invalid key`` / ``invalid token`` otherwise;
* rate limit: with ``rate_limit``, 429 ``API_TOKEN_LIMIT_EXCEEDED`` past ``token_limit``
  requests per ``window_s`` per token (``API_KEY_LIMIT_EXCEEDED`` past ``key_limit`` per
  key), ``Retry-After`` only when ``retry_after`` is set; every answer carries the
  ``x-rate-limit-api-token-*`` and ``x-rate-limit-api-key-*`` headers unless
  ``rate_headers`` is False;
* database load: with ``db_limit_first=N``, the first N requests to each path matching
  ``db_limit_paths`` (cards and actions pages by default) answer 429
  ``{"error": "API_TOKEN_DB_LIMIT_EXCEEDED", ...}``, as Trello does when a token used too
  much database time;
* faults (:class:`~trello_emulator.faults.FaultConfig`; assigning one restarts its counter)
  and added latency (``latency_s``);
* odd answers (``rewrite``: a function of the path and the JSON answer, returning the
  answer to send: a null list, a value of another type);
* Trello's behaviour switches, kept by the routes' :class:`~trello_emulator.routes.TrelloApi`
  and settable here (``server.api``): ``date_bounds`` (``"ms"`` or ``"second"``),
  ``max_nested_objects`` and ``too_big_answer`` (refused over-large cards answers),
  ``max_nested_cards`` (refused over-large nested board calls);
* the request log: ``server.log`` (:class:`LogEntry` list), ``clear_log()``,
  ``count(path_prefix=None)`` and ``entries(path_prefix=None)`` (prefix compared with
  ``entry.path``, e.g. ``"/1/boards/"``).

Every knob can be changed while the server runs.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from typing_extensions import Self
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .faults import GARBAGE_PAGE, FaultConfig, reset_connection
from .routes import URLS, ApiError, TrelloApi
from .routes.params import dumps

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .model import Workspace

_KEY_RE = re.compile(r'oauth_consumer_key\s*=\s*"?([^",\s]*)"?', re.IGNORECASE)
_TOKEN_RE = re.compile(r'oauth_token\s*=\s*"?([^",\s]*)"?', re.IGNORECASE)
_SLASHES = re.compile(r"/{2,}")
_JSON = "application/json; charset=utf-8"
DB_LIMIT_PATHS = r"/(cards|actions)$"
"""The large calls that ``db_limit_first`` refuses: cards and actions pages."""


@dataclass
class LogEntry:
    """One request as the server saw it."""

    method: str
    path: str
    query_string: str
    query: dict[str, str]
    headers: dict[str, str]
    request_line: str
    time: float
    status: int | None = None
    fault: str | None = None
    duration: float = 0.0


class _QuietHandler(WSGIRequestHandler):
    """Request handler that never prints (request lines, dropped connections)."""

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002, ARG002
        return

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:  # noqa: ARG002
        return

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:
            return


class _LoudHandler(WSGIRequestHandler):
    """Request handler that prints each request line (the CLI's ``--verbose``)."""


class EmulatorServer:
    """Threaded werkzeug server answering like api.trello.com/1 from a ``Workspace``."""

    def __init__(  # noqa: PLR0913
        self,
        workspace: Workspace,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        rate_limit: bool = False,
        token_limit: int = 100,
        key_limit: int = 300,
        window_s: float = 10.0,
        retry_after: float | None = None,
        faults: FaultConfig | None = None,
        latency_s: float = 0.0,
        quiet: bool = True,
        date_bounds: str = "ms",
        max_nested_objects: int | None = None,
        too_big_answer: str = "checklists",
        max_nested_cards: int | None = 1000,
        db_limit_first: int = 0,
        db_limit_paths: str = DB_LIMIT_PATHS,
    ) -> None:
        """Configure (``start()`` binds the port)."""
        self.ws = workspace
        self.api = TrelloApi(
            workspace,
            date_bounds=date_bounds,
            max_nested_objects=max_nested_objects,
            too_big_answer=too_big_answer,
            max_nested_cards=max_nested_cards,
        )
        #: The first N requests to each path matching ``db_limit_paths`` answer 429.
        self.db_limit_first = db_limit_first
        self.db_limit_paths = db_limit_paths
        self._db_hits: dict[str, int] = {}
        self.host = host
        self.port = port
        self.rate_limit = rate_limit
        self.token_limit = token_limit
        #: Send Trello's x-rate-limit-* headers (off: the client learns only from 429s).
        self.rate_headers = True
        self.key_limit = key_limit
        self.window_s = window_s
        self.retry_after = retry_after
        self.latency_s = latency_s
        self.quiet = quiet
        #: Odd answers on demand: given a request path and the JSON answer Trello would
        #: give, returns the answer to send instead (a null list, a value of another type).
        self.rewrite: Callable[[str, Any], Any] | None = None
        self._faults: FaultConfig | None = None
        self.faults = faults
        self.log: list[LogEntry] = []
        self._log_lock = threading.Lock()
        self._rl_lock = threading.Lock()
        self._token_hits: dict[str, deque[float]] = {}
        self._key_hits: dict[str, deque[float]] = {}
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._map = Map(
            [Rule(path, endpoint=handler) for path, handler in URLS],
            strict_slashes=False,
            merge_slashes=False,
        )

    # ------------------------------------------------------------------ lifecycle
    @property
    def faults(self) -> FaultConfig | None:
        """The active fault configuration (assigning one restarts its counter)."""
        return self._faults

    @faults.setter
    def faults(self, value: FaultConfig | None) -> None:
        if value is not None:
            value.reset()
        self._faults = value

    @property
    def date_bounds(self) -> str:
        """How ISO ``before``/``since`` dates bound: ``"ms"`` or ``"second"`` (like ids)."""
        return self.api.date_bounds

    @date_bounds.setter
    def date_bounds(self, value: str) -> None:
        self.api.date_bounds = value

    @property
    def max_nested_objects(self) -> int | None:
        """Cards answers nesting more objects than this are refused with 403 (None: never)."""
        return self.api.max_nested_objects

    @max_nested_objects.setter
    def max_nested_objects(self, value: int | None) -> None:
        self.api.max_nested_objects = value

    @property
    def too_big_answer(self) -> str:
        """The refusal's body: ``"checklists"``, ``"cards"`` or ``"alternate"``."""
        return self.api.too_big_answer

    @too_big_answer.setter
    def too_big_answer(self, value: str) -> None:
        self.api.too_big_answer = value

    @property
    def base_url(self) -> str:
        """``http://host:port`` (no ``/1``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The API base URL, ``http://host:port/1``."""
        return f"{self.base_url}/1"

    def start(self) -> Self:
        """Bind and serve in a daemon thread."""
        handler = _QuietHandler if self.quiet else _LoudHandler
        handler.protocol_version = "HTTP/1.1"
        self._server = make_server(
            self.host, self.port, self, threaded=True, request_handler=handler
        )
        self._server.daemon_threads = True
        if self.quiet:
            self._server.handle_error = lambda *_a: None
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"trello-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        """Start on entering the block."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving the block."""
        self.stop()

    def serve_forever(self) -> None:
        """Block until interrupted (CLI)."""
        if self._server is None:
            self.start()
        try:
            while True:
                time.sleep(3600)
        finally:
            self.stop()

    def tap_config(self, **overrides: Any) -> dict[str, Any]:
        """A tap-trello config pointing at this server with the workspace's credentials."""
        return {
            "api_key": self.ws.api_key,
            "token": self.ws.token,
            "api_url": self.url,
            **overrides,
        }

    # ------------------------------------------------------------------ log
    def clear_log(self) -> None:
        """Forget logged requests."""
        with self._log_lock:
            self.log.clear()

    def count(self, path_prefix: str | None = None) -> int:
        """Logged requests (whose path starts with ``path_prefix``)."""
        with self._log_lock:
            if path_prefix is None:
                return len(self.log)
            return sum(1 for e in self.log if e.path.startswith(path_prefix))

    def entries(self, path_prefix: str | None = None) -> list[LogEntry]:
        """A snapshot of the log (filtered by path prefix)."""
        with self._log_lock:
            return [e for e in self.log if path_prefix is None or e.path.startswith(path_prefix)]

    # ------------------------------------------------------------------ WSGI
    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """WSGI entry point: log, then latency, faults, and the answer."""
        t0 = time.monotonic()
        req = Request(environ)
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or req.full_path
        entry = LogEntry(
            method=req.method,
            path=req.path,
            query_string=req.query_string.decode("latin-1"),
            query=dict(req.args.items()),
            headers=dict(req.headers.items()),
            request_line=f"{req.method} {raw_uri} {environ.get('SERVER_PROTOCOL', 'HTTP/1.1')}",
            time=t0,
        )
        with self._log_lock:
            self.log.append(entry)
        try:
            if self.latency_s:
                time.sleep(self.latency_s)
            faults = self._faults
            kind = faults.pick(req.path) if faults is not None else None
            entry.fault = kind
            if kind == "reset":
                reset_connection(environ)
            if kind == "stall":
                time.sleep(faults.stall_s if faults else 3.0)
            if kind == "5xx" and faults is not None:
                code = faults.server_error_status()
                resp = Response(
                    f"<html><body><h1>{code} Server Error</h1><p>upstream error</p></body></html>",
                    status=code,
                    content_type="text/html; charset=utf-8",
                )
            elif kind == "garbage":
                resp = Response(GARBAGE_PAGE, status=200, content_type="text/html; charset=utf-8")
            else:
                resp = self._dispatch(req)
                if self.rewrite is not None and resp.status_code == 200:
                    resp.set_data(json.dumps(self.rewrite(req.path, json.loads(resp.get_data()))))
                if kind in ("truncated", "short_json") and resp.status_code == 200:
                    body = resp.get_data()
                    half = body[: max(1, len(body) // 2)]
                    resp.set_data(half)
                    if kind == "truncated":
                        resp.headers["Content-Length"] = str(len(body))
                    resp.headers["Connection"] = "close"
            entry.status = resp.status_code
            entry.duration = time.monotonic() - t0
            return resp(environ, start_response)
        except ConnectionError:
            entry.duration = time.monotonic() - t0
            raise

    def _dispatch(self, req: Request) -> Response:
        """Route, authenticate, rate-limit, then let the route answer."""
        key, token = self._credentials(req)
        rl_headers: dict[str, str] = {}
        try:
            handler, args = self._route(req)
            limited, rl_headers = self._rate(*self._authenticate(key, token))
            if limited:
                return self._rate_limited(limited, rl_headers)
            self._check_db_load(req.path)
            with self.ws.lock:
                body = handler(self.api, req, **args)
            resp = Response(body, status=200, content_type=_JSON)
        except ApiError as err:
            resp = Response(err.body, status=err.status, content_type=err.content_type)
            if err.status == 429 and self.retry_after is not None:
                resp.headers["Retry-After"] = str(self.retry_after)
        resp.headers.update(rl_headers)
        return resp

    def _route(self, req: Request) -> tuple[Callable[..., bytes], dict[str, Any]]:
        """The handler of the request's path and its path arguments (404 when none)."""
        if req.method != "GET":
            raise ApiError(404, f"Cannot {req.method} {req.path}")
        try:
            # Trello answers ``/1//boards/...`` like ``/1/boards/...`` (singer-io's tap
            # sends such paths): match with repeated slashes collapsed.
            path = _SLASHES.sub("/", req.path)
            return self._map.bind("localhost").match(path, method="GET")  # type: ignore[return-value]
        except HTTPException:
            raise ApiError(404, f"Cannot GET {req.path}") from None

    def _authenticate(self, key: str | None, token: str | None) -> tuple[str, str]:
        """The key and token when they are the workspace's; 401 otherwise."""
        if key != self.ws.api_key:
            raise ApiError(401, "invalid key")
        if token != self.ws.token:
            raise ApiError(401, "invalid token")
        return self.ws.api_key, self.ws.token

    def _check_db_load(self, path: str) -> None:
        """429 ``API_TOKEN_DB_LIMIT_EXCEEDED`` for the first ``db_limit_first`` asks of a path."""
        if self.db_limit_first <= 0 or not re.search(self.db_limit_paths, path):
            return
        with self._rl_lock:
            seen = self._db_hits.get(path, 0)
            self._db_hits[path] = seen + 1
        if seen < self.db_limit_first:
            raise ApiError(
                429,
                "Token used too much database time: back off large requests",
                error="API_TOKEN_DB_LIMIT_EXCEEDED",
            )

    def _rate_limited(self, error: str, rl_headers: dict[str, str]) -> Response:
        """Trello's 429: a JSON body naming the limit, and Retry-After if configured."""
        resp = Response(
            dumps({"error": error, "message": "Rate limit exceeded"}),
            status=429,
            content_type=_JSON,
        )
        if self.retry_after is not None:
            resp.headers["Retry-After"] = str(self.retry_after)
        resp.headers.update(rl_headers)
        return resp

    @staticmethod
    def _credentials(req: Request) -> tuple[str | None, str | None]:
        auth = req.headers.get("Authorization", "")
        if auth.strip().lower().startswith("oauth"):
            km = _KEY_RE.search(auth)
            tm = _TOKEN_RE.search(auth)
            return (km.group(1) if km else None), (tm.group(1) if tm else None)
        return req.args.get("key"), req.args.get("token")

    def _rate(self, key: str, token: str) -> tuple[str | None, dict[str, str]]:
        """The 429 error name if this request is over a limit, and the rate headers."""
        now = time.monotonic()
        with self._rl_lock:
            th = self._token_hits.setdefault(token, deque())
            kh = self._key_hits.setdefault(key, deque())
            for q in (th, kh):
                while q and q[0] <= now - self.window_s:
                    q.popleft()
            limited = None
            if self.rate_limit:
                if len(th) >= self.token_limit:
                    limited = "API_TOKEN_LIMIT_EXCEEDED"
                elif len(kh) >= self.key_limit:
                    limited = "API_KEY_LIMIT_EXCEEDED"
            if limited is None:
                th.append(now)
                kh.append(now)
            interval = str(int(self.window_s * 1000))
            headers = {
                "x-rate-limit-api-token-interval-ms": interval,
                "x-rate-limit-api-token-max": str(self.token_limit),
                "x-rate-limit-api-token-remaining": str(max(0, self.token_limit - len(th))),
                "x-rate-limit-api-key-interval-ms": interval,
                "x-rate-limit-api-key-max": str(self.key_limit),
                "x-rate-limit-api-key-remaining": str(max(0, self.key_limit - len(kh))),
            }
            return limited, headers if self.rate_headers else {}
