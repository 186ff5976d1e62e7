"""HTTP layer of the Trello emulator: Trello's REST semantics under ``/1`` on loopback.

``EmulatorServer(workspace, host="127.0.0.1", port=0, *, rate_limit=False, token_limit=100,
key_limit=300, window_s=10.0, retry_after=None, faults=None, latency_s=0.0)`` runs a real
threaded werkzeug server in a daemon thread (``start()``/``stop()`` or ``with``).

* ``server.url`` - ``http://127.0.0.1:PORT/1``; ``server.base_url`` without ``/1``.
* ``server.log`` - list of :class:`LogEntry` (method, path, query_string, query, headers,
  status, time, request_line, fault, duration); ``server.clear_log()``;
  ``server.count(path_prefix=None)`` (prefix compared with ``entry.path``, e.g.
  ``"/1/boards/"``).
* Runtime knobs: ``rate_limit``, ``token_limit``, ``key_limit``, ``window_s``,
  ``retry_after``, ``latency_s``, ``faults`` (assigning a :class:`FaultConfig` restarts its
  request counter, so ``schedule={1: "reset"}`` hits the next matching request).

Auth: ``Authorization: OAuth oauth_consumer_key="KEY", oauth_token="TOKEN"`` or the
``key``/``token`` query parameters. Every response carries the
``x-rate-limit-api-token-*`` and ``x-rate-limit-api-key-*`` headers.
"""

from __future__ import annotations

import bisect
import json
import random
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from typing_extensions import Self
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .ids import id_second, is_object_id, is_short_link, parse_iso_ms
from .workspace import BOARD_DEFAULT_FIELDS, MEMBER_DEFAULT_FIELDS, Workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

FAULT_KINDS = ("5xx", "reset", "stall", "truncated", "garbage")
"""Default fault kinds. Also available: ``"short_json"`` (200 with half a JSON body and a
matching Content-Length, so ``response.json()`` raises)."""

_KEY_RE = re.compile(r'oauth_consumer_key\s*=\s*"?([^",\s]*)"?', re.IGNORECASE)
_TOKEN_RE = re.compile(r'oauth_token\s*=\s*"?([^",\s]*)"?', re.IGNORECASE)
_NOT_FOUND = "The requested resource was not found."
_MAX_LIMIT = 1000
_SLASHES = re.compile(r"/{2,}")
_GARBAGE = (
    b"<!DOCTYPE html><html><head><title>Trello</title></head><body>"
    b"<h1>We're having trouble right now</h1><p>Please try again later.</p></body></html>"
)


@dataclass
class FaultConfig:
    """Injected faults: each matching request faults with probability ``rate``.

    ``kinds``: chosen uniformly among "5xx" (500/502/503/504 with an HTML body),
    "reset" (connection closed without a response), "stall" (sleep ``stall_s`` then answer),
    "truncated" (full Content-Length but half the JSON body, then close: requests raises
    ChunkedEncodingError), "garbage" (200 with an HTML page), "short_json" (200, half the
    JSON with a matching Content-Length: ``.json()`` raises).
    ``paths``: regex searched in the request path (None = every path).
    ``schedule``: {n: kind} faults the n-th matching request (1-based, counted since this
    config was installed), deterministically, in addition to ``rate``.
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    stall_s: float = 3.0
    paths: str | None = None
    schedule: dict[int, str] | None = None
    _rng: random.Random = field(init=False, repr=False)
    _count: int = field(init=False, default=0, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        """Validate and seed."""
        self._rng = random.Random(self.seed)
        self._re = re.compile(self.paths) if self.paths else None
        unknown = [
            k
            for k in (*self.kinds, *(self.schedule or {}).values())
            if k not in (*FAULT_KINDS, "short_json")
        ]
        if unknown:
            msg = f"unknown fault kinds: {unknown}"
            raise ValueError(msg)

    def reset(self) -> None:
        """Restart the request counter and the random sequence."""
        with self._lock:
            self._count = 0
            self._rng = random.Random(self.seed)

    def pick(self, path: str) -> str | None:
        """The fault for this request (None = answer normally)."""
        if self._re is not None and not self._re.search(path):
            return None
        with self._lock:
            self._count += 1
            if self.schedule and self._count in self.schedule:
                return self.schedule[self._count]
            if self.rate > 0 and self._rng.random() < self.rate:
                return self._rng.choice(self.kinds)
            return None

    @property
    def count(self) -> int:
        """Matching requests seen since installed."""
        return self._count


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


class _ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _QuietHandler(WSGIRequestHandler):
    """Request handler that never prints (request lines, dropped connections)."""

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        return

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:
            return


class _LoudHandler(WSGIRequestHandler):
    pass


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _project(rec: dict[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    if fields is None:
        return rec
    out = {"id": rec["id"]}
    for f in fields:
        if f in rec:
            out[f] = rec[f]
    return out


def _fields(value: str | None, default: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Parsed ``fields`` parameter; None means every field."""
    if value is None:
        return default
    if value.strip() == "all":
        return None
    return tuple(f.strip() for f in value.split(",") if f.strip())


def _limit(value: str | None, default: int, name: str = "limit") -> int:
    if value is None:
        return default
    try:
        n = int(value)
    except ValueError:
        raise _ApiError(400, f"invalid value for {name}") from None
    if n < 0 or n > _MAX_LIMIT:
        raise _ApiError(400, f"invalid value for {name}")
    return n


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("true", "1", "all", "yes")


class EmulatorServer:
    """Threaded werkzeug server answering like api.trello.com/1 from a :class:`Workspace`."""

    def __init__(
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
    ) -> None:
        """Configure (``start()`` binds the port)."""
        self.ws = workspace
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
        self._faults: FaultConfig | None = None
        self.faults = faults
        self.log: list[LogEntry] = []
        self._log_lock = threading.Lock()
        self._rl_lock = threading.Lock()
        self._token_hits: dict[str, deque[float]] = {}
        self._key_hits: dict[str, deque[float]] = {}
        self._server: Any = None
        self._card_cache: dict[str, tuple[dict[str, Any], bytes]] = {}
        self._label_version = 0
        self._thread: threading.Thread | None = None
        self._map = Map(
            [
                Rule("/1/members/<mid>", endpoint="member"),
                Rule("/1/members/<mid>/boards", endpoint="member_boards"),
                Rule("/1/members/<mid>/organizations", endpoint="member_orgs"),
                Rule("/1/organizations/<oid>/boards", endpoint="org_boards"),
                Rule("/1/organizations/<oid>", endpoint="org"),
                Rule("/1/organizations/<oid>/members", endpoint="org_members"),
                Rule("/1/organizations/<oid>/memberships", endpoint="org_memberships"),
                Rule("/1/organizations/<oid>/actions", endpoint="org_actions"),
                Rule("/1/boards/<bid>", endpoint="board"),
                Rule("/1/boards/<bid>/cards", endpoint="board_cards"),
                Rule("/1/boards/<bid>/cards/<filt>", endpoint="board_cards"),
                Rule("/1/boards/<bid>/lists", endpoint="board_lists"),
                Rule("/1/boards/<bid>/labels", endpoint="board_labels"),
                Rule("/1/boards/<bid>/members", endpoint="board_members"),
                Rule("/1/boards/<bid>/memberships", endpoint="board_memberships"),
                Rule("/1/boards/<bid>/checklists", endpoint="board_checklists"),
                Rule("/1/boards/<bid>/customFields", endpoint="board_custom_fields"),
                Rule("/1/boards/<bid>/actions", endpoint="board_actions"),
                Rule("/1/lists/<lid>", endpoint="list"),
                Rule("/1/lists/<lid>/cards", endpoint="list_cards"),
                Rule("/1/cards/<cid>", endpoint="card"),
                Rule("/1/cards/<cid>/attachments", endpoint="card_attachments"),
                Rule("/1/cards/<cid>/customFieldItems", endpoint="card_custom_field_items"),
            ],
            strict_slashes=False,
            merge_slashes=False,
        )
        self._handlers: dict[str, Callable[..., Any]] = {
            "member": self._h_member,
            "member_boards": self._h_member_boards,
            "member_orgs": self._h_member_orgs,
            "org_boards": self._h_org_boards,
            "org": self._h_org,
            "org_members": self._h_org_members,
            "org_memberships": self._h_org_memberships,
            "org_actions": self._h_org_actions,
            "board": self._h_board,
            "board_cards": self._h_board_cards,
            "board_lists": self._h_board_lists,
            "board_labels": self._h_board_labels,
            "board_members": self._h_board_members,
            "board_memberships": self._h_board_memberships,
            "board_checklists": self._h_board_checklists,
            "board_custom_fields": self._h_board_custom_fields,
            "board_actions": self._h_board_actions,
            "list": self._h_list,
            "list_cards": self._h_list_cards,
            "card": self._h_card,
            "card_attachments": self._h_card_attachments,
            "card_custom_field_items": self._h_card_custom_field_items,
        }

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
    def base_url(self) -> str:
        """``http://host:port`` (no ``/1``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The API base URL, ``http://host:port/1``."""
        return f"{self.base_url}/1"

    def start(self) -> EmulatorServer:
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
        """WSGI entry point."""
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
                self._reset(environ)
            if kind == "stall":
                time.sleep(faults.stall_s if faults else 3.0)
            if kind == "5xx":
                code = (faults._rng if faults else random).choice([500, 502, 503, 504])
                resp = Response(
                    f"<html><body><h1>{code} Server Error</h1><p>upstream error</p></body></html>",
                    status=code,
                    content_type="text/html; charset=utf-8",
                )
            elif kind == "garbage":
                resp = Response(_GARBAGE, status=200, content_type="text/html; charset=utf-8")
            else:
                resp = self._dispatch(req)
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

    @staticmethod
    def _reset(environ: dict[str, Any]) -> None:
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        msg = "emulated connection reset"
        raise ConnectionResetError(msg)

    def _dispatch(self, req: Request) -> Response:
        key, token = self._credentials(req)
        rl_headers: dict[str, str] = {}
        try:
            if req.method != "GET":
                raise _ApiError(404, f"Cannot {req.method} {req.path}")
            try:
                # Trello answers ``/1//boards/...`` like ``/1/boards/...`` (singer-io's tap
                # sends such paths): match with repeated slashes collapsed.
                path = _SLASHES.sub("/", req.path)
                endpoint, args = self._map.bind("localhost").match(path, method="GET")
            except HTTPException:
                raise _ApiError(404, f"Cannot GET {req.path}") from None
            if key != self.ws.api_key:
                raise _ApiError(401, "invalid key")
            if token != self.ws.token:
                raise _ApiError(401, "invalid token")
            limited, rl_headers = self._rate(key, token)
            if limited:
                resp = Response(
                    _dumps({"error": limited, "message": "Rate limit exceeded"}),
                    status=429,
                    content_type="application/json; charset=utf-8",
                )
                if self.retry_after is not None:
                    resp.headers["Retry-After"] = str(self.retry_after)
                resp.headers.update(rl_headers)
                return resp
            with self.ws.lock:
                body = self._handlers[endpoint](req, **args)
            resp = Response(body, status=200, content_type="application/json; charset=utf-8")
        except _ApiError as err:
            resp = Response(
                err.message, status=err.status, content_type="text/plain; charset=utf-8"
            )
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

    # ------------------------------------------------------------------ resolution
    def _board(self, ref: str) -> str:
        if not (is_object_id(ref) or is_short_link(ref)):
            raise _ApiError(400, "invalid id")
        bid = self.ws.resolve_board(ref)
        if bid is None:
            raise _ApiError(404, _NOT_FOUND)
        if not self.ws.is_visible(bid):
            raise _ApiError(401, "unauthorized permission requested")
        return bid

    def _member(self, mid: str) -> str:
        ws = self.ws
        if mid == "me":
            return ws.me_id
        if mid in ws.members:
            return mid
        for m in ws.members.values():
            if m["username"] == mid:
                return m["id"]
        if not is_object_id(mid):
            raise _ApiError(400, "invalid id")
        raise _ApiError(404, _NOT_FOUND)

    @staticmethod
    def _time_arg(value: str) -> tuple[str, int]:
        """("id", second) or ("date", epoch ms) for a before/since value."""
        if is_object_id(value):
            return "id", id_second(value)
        try:
            return "date", parse_iso_ms(value)
        except ValueError:
            raise _ApiError(400, "invalid date") from None

    # ------------------------------------------------------------------ handlers
    def _h_member(self, req: Request, mid: str) -> bytes:
        member = self.ws.members[self._member(mid)]
        return _dumps(_project(member, _fields(req.args.get("fields"), None)))

    def _board_filter(self, boards: list[str], filt: str) -> list[str]:
        recs = self.ws.boards
        if filt in ("all", "members", "organization", "public"):
            return boards
        if filt == "open":
            return [b for b in boards if not recs[b]["closed"]]
        if filt == "closed":
            return [b for b in boards if recs[b]["closed"]]
        if filt == "starred":
            return [b for b in boards if recs[b]["starred"]]
        if filt in ("pinned", "unpinned"):
            return [b for b in boards if recs[b]["pinned"] == (filt == "pinned")]
        raise _ApiError(400, "invalid value for filter")

    def _h_member_boards(self, req: Request, mid: str) -> bytes:
        member_id = self._member(mid)
        boards = [b for b in self.ws.boards if self.ws.is_visible(b, member_id)]
        boards = self._board_filter(boards, req.args.get("filter", "all"))
        fields = _fields(req.args.get("fields"), None)
        return _dumps([_project(self.ws.boards[b], fields) for b in boards])

    def _h_member_orgs(self, req: Request, mid: str) -> bytes:
        member = self.ws.members[self._member(mid)]
        fields = _fields(req.args.get("fields"), None)
        return _dumps(
            [_project(self.ws.organizations[o], fields) for o in member["idOrganizations"]]
        )

    def _org(self, oid: str) -> str:
        ws = self.ws
        org_id = next((o for o, rec in ws.organizations.items() if oid in (o, rec["name"])), None)
        if org_id is None:
            if not is_object_id(oid):
                raise _ApiError(400, "invalid id")
            raise _ApiError(404, _NOT_FOUND)
        return org_id

    def _h_org(self, req: Request, oid: str) -> bytes:
        fields = _fields(req.args.get("fields"), None)
        return _dumps(_project(self.ws.organizations[self._org(oid)], fields))

    def _h_org_members(self, req: Request, oid: str) -> bytes:
        org_id = self._org(oid)
        fields = _fields(req.args.get("fields"), MEMBER_DEFAULT_FIELDS)
        return _dumps(
            [
                self.ws.member_view(m, fields)
                for m, rec in self.ws.members.items()
                if org_id in rec.get("idOrganizations", [])
            ]
        )

    def _h_org_memberships(self, req: Request, oid: str) -> bytes:
        return _dumps(self.ws.organizations[self._org(oid)].get("memberships", []))

    def _h_org_actions(self, req: Request, oid: str) -> bytes:
        """Actions of the workspace's visible boards, newest first (``limit``, ``since``)."""
        ws = self.ws
        org_id = self._org(oid)
        limit = _limit(req.args.get("limit"), 50)
        acts = [
            a
            for b in ws.organizations[org_id]["idBoards"]
            if ws.is_visible(b)
            for a in ws.board_actions(b)
        ]
        since = req.args.get("since")
        if since and since != "null":
            kind, val = self._time_arg(since)
            if kind == "id":
                acts = [a for a in acts if id_second(a["id"]) > val]
            else:
                acts = [a for a in acts if parse_iso_ms(a["date"]) > val]
        acts.sort(key=lambda a: (a["date"], a["id"]), reverse=True)
        return _dumps(acts[:limit])

    def _h_org_boards(self, req: Request, oid: str) -> bytes:
        ws = self.ws
        org_id = self._org(oid)
        boards = [b for b in ws.organizations[org_id]["idBoards"] if ws.is_visible(b)]
        boards = self._board_filter(boards, req.args.get("filter", "all"))
        fields = _fields(req.args.get("fields"), None)
        return _dumps([_project(ws.boards[b], fields) for b in boards])

    def _h_board(self, req: Request, bid: str) -> bytes:
        bid = self._board(bid)
        ws = self.ws
        a = req.args
        out = dict(_project(ws.boards[bid], _fields(a.get("fields"), BOARD_DEFAULT_FIELDS)))
        if a.get("actions", "none") != "none":
            types = None if a["actions"] == "all" else tuple(a["actions"].split(","))
            out["actions"] = self._actions_page(
                bid, types, a, "actions_limit", a.get("actions_fields"), prefix="actions_"
            )
        cards = a.get("cards", "none")
        if cards != "none":
            out["cards"] = self._cards_page(bid, cards, a, prefix="card_", fields_key="card_fields")
        lists = a.get("lists", "none")
        if lists != "none":
            if lists not in ("all", "open", "closed"):
                raise _ApiError(400, "invalid value for lists")
            lf = _fields(a.get("list_fields"), None)
            out["lists"] = [_project(x, lf) for x in ws.board_lists(bid, lists)]
        if a.get("labels", "none") != "none":
            limit = _limit(a.get("labels_limit"), 50, "labels_limit")
            lf = _fields(a.get("label_fields"), None)
            out["labels"] = [_project(x, lf) for x in ws.board_labels(bid)[:limit]]
        if a.get("members", "none") != "none":
            mf = _fields(a.get("member_fields"), MEMBER_DEFAULT_FIELDS)
            out["members"] = ws.board_members(bid, mf)
        ms = a.get("memberships", "none")
        if ms != "none":
            recs = ws.board_memberships(bid)
            if ms == "active":
                recs = [m for m in recs if not m["deactivated"]]
            elif ms == "admin":
                recs = [m for m in recs if m["memberType"] == "admin"]
            out["memberships"] = recs
        if a.get("checklists", "none") != "none":
            out["checklists"] = ws.board_checklists(bid)
        if _truthy(a.get("customFields")):
            out["customFields"] = ws.board_custom_fields(bid)
        return _dumps(out)

    def _cards_page(
        self,
        bid: str,
        filt: str,
        a: Any,
        prefix: str = "",
        fields_key: str = "fields",
        *,
        as_json: bool = False,
    ) -> Any:
        ws = self.ws
        if filt == "visible":
            filt = "open"
        if filt == "none":
            return []
        if filt not in ("all", "open", "closed"):
            raise _ApiError(400, "invalid value for filter")
        limit = _limit(a.get(prefix + "limit") if prefix else a.get("limit"), _MAX_LIMIT)
        cards, secs = ws.cards_index(bid, filt)
        lo, hi = 0, len(cards)
        before = a.get("before")
        since = a.get("since")
        if before and before != "null":
            kind, val = self._time_arg(before)
            sec_bound = val if kind == "id" else -(-val // 1000)
            hi = bisect.bisect_left(secs, sec_bound)
        if since and since != "null":
            kind, val = self._time_arg(since)
            lo = bisect.bisect_right(secs, val if kind == "id" else val // 1000)
        page = cards[max(lo, hi - limit) : hi] if hi > lo else []
        if len(page) > 1:
            page = list(page)
            random.Random(f"{page[0]['id']}:{page[-1]['id']}:{len(page)}").shuffle(page)
        if as_json:
            return self._cards_json(page, a)
        return self._card_views(page, a, prefix, fields_key)

    def _card_views(
        self, cards: list[dict[str, Any]], a: Any, prefix: str = "", fields_key: str = "fields"
    ) -> list[dict[str, Any]]:
        fields = _fields(a.get(fields_key), None)
        cfi = _truthy(a.get(prefix + "customFieldItems"))
        att_arg = a.get(prefix + "attachments", "false")
        att = att_arg.lower() not in ("false", "none", "0")
        chk = a.get(prefix + "checklists", "none") != "none"
        mem = _truthy(a.get(prefix + "members"))
        if fields is None and not (cfi or att or chk or mem):
            return cards
        ws = self.ws
        out = []
        for c in cards:
            v = _project(c, fields)
            if cfi or att or chk or mem:
                v = ws.card_with_extras(
                    v
                    if fields is None
                    else {**v, "idChecklists": c["idChecklists"], "idMembers": c["idMembers"]},
                    custom_field_items=cfi,
                    attachments=att,
                    checklists=chk,
                    members=mem,
                )
                if fields is not None:
                    for k in ("idChecklists", "idMembers"):
                        if k not in fields:
                            v.pop(k, None)
            out.append(v)
        return out

    def _cards_json(self, cards: list[dict[str, Any]], a: Any) -> bytes:
        """Serialize cards; the common case (every field) reuses cached per-card JSON."""
        if a.get("fields") not in (None, "all"):
            return _dumps(self._card_views(cards, a))
        ws = self.ws
        cfi = _truthy(a.get("customFieldItems"))
        att = a.get("attachments", "false").lower() not in ("false", "none", "0")
        chk = a.get("checklists", "none") != "none"
        mem = _truthy(a.get("members"))
        if self._label_version != ws.label_version:
            self._card_cache.clear()
            self._label_version = ws.label_version
        cache = self._card_cache
        parts = []
        for c in cards:
            hit = cache.get(c["id"])
            if hit is None or hit[0] is not c:
                hit = (c, _dumps(c))
                cache[c["id"]] = hit
            body = hit[1]
            if att or cfi or chk or mem:
                extra = {}
                if att:
                    extra["attachments"] = ws.card_attachments.get(c["id"], [])
                if cfi:
                    extra["customFieldItems"] = ws.card_custom_field_items.get(c["id"], [])
                if chk:
                    extra["checklists"] = [ws.checklists[x] for x in c["idChecklists"]]
                if mem:
                    extra["members"] = ws.card_with_extras(c, members=True)["members"]
                body = body[:-1] + b"," + _dumps(extra)[1:]
            parts.append(body)
        return b"[" + b",".join(parts) + b"]"

    def _h_board_cards(self, req: Request, bid: str, filt: str | None = None) -> bytes:
        bid = self._board(bid)
        filt = filt or req.args.get("filter", "visible")
        if is_object_id(filt):
            card = self.ws.cards.get(filt)
            if card is None or card["idBoard"] != bid:
                raise _ApiError(404, _NOT_FOUND)
            return _dumps(self._card_views([card], req.args)[0])
        return self._cards_page(bid, filt, req.args, as_json=True)

    def _actions_page(  # noqa: PLR0917
        self,
        bid: str,
        types: tuple[str, ...] | None,
        a: Any,
        limit_key: str = "limit",
        fields_arg: str | None = None,
        prefix: str = "",
    ) -> list[dict[str, Any]]:
        limit = _limit(a.get(limit_key), 50, limit_key)
        acts, ms_arr, secs = self.ws.actions_index(bid, types)
        lo, hi = 0, len(acts)
        before = a.get(prefix + "before")
        since = a.get(prefix + "since")
        if before and before != "null":
            kind, val = self._time_arg(before)
            hi = bisect.bisect_left(secs, val) if kind == "id" else bisect.bisect_left(ms_arr, val)
        if since and since != "null":
            kind, val = self._time_arg(since)
            lo = (
                bisect.bisect_right(secs, val) if kind == "id" else bisect.bisect_right(ms_arr, val)
            )
        try:
            page_no = int(a.get(prefix + "page", "0"))
        except ValueError:
            raise _ApiError(400, "invalid value for page") from None
        if page_no < 0:
            raise _ApiError(400, "invalid value for page")
        end = hi - page_no * limit
        start = max(lo, end - limit)
        page = acts[start:end][::-1] if end > start else []
        fields = _fields(fields_arg, None)
        out = [_project(x, fields) for x in page] if fields is not None else page
        if a.get(prefix + "memberCreator", "true") == "false":
            out = [{k: v for k, v in x.items() if k != "memberCreator"} for x in out]
        return out

    def _h_board_actions(self, req: Request, bid: str) -> bytes:
        bid = self._board(bid)
        filt = req.args.get("filter", "all")
        types = (
            None
            if filt in ("all", "")
            else tuple(sorted(t.strip() for t in filt.split(",") if t.strip()))
        )
        return _dumps(self._actions_page(bid, types, req.args, fields_arg=req.args.get("fields")))

    def _h_board_lists(self, req: Request, bid: str) -> bytes:
        bid = self._board(bid)
        filt = req.args.get("filter", "open")
        if filt not in ("all", "open", "closed", "none"):
            raise _ApiError(400, "invalid value for filter")
        lists = [] if filt == "none" else self.ws.board_lists(bid, filt)
        fields = _fields(req.args.get("fields"), None)
        out = []
        for lst in lists:
            v = _project(lst, fields)
            cards = req.args.get("cards", "none")
            if cards != "none":
                v = {
                    **v,
                    "cards": self._card_views(
                        list(self.ws.list_cards(lst["id"], "all" if cards == "all" else "open")),
                        req.args,
                        "card_",
                        "card_fields",
                    ),
                }
            out.append(v)
        return _dumps(out)

    def _h_board_labels(self, req: Request, bid: str) -> bytes:
        bid = self._board(bid)
        limit = _limit(req.args.get("limit"), 50)
        fields = _fields(req.args.get("fields"), None)
        return _dumps([_project(x, fields) for x in self.ws.board_labels(bid)[:limit]])

    def _h_board_members(self, req: Request, bid: str) -> bytes:
        bid = self._board(bid)
        return _dumps(
            self.ws.board_members(bid, _fields(req.args.get("fields"), MEMBER_DEFAULT_FIELDS))
        )

    def _h_board_memberships(self, req: Request, bid: str) -> bytes:
        bid = self._board(bid)
        recs = self.ws.board_memberships(bid)
        filt = req.args.get("filter", "all")
        if filt == "active":
            recs = [m for m in recs if not m["deactivated"]]
        elif filt == "admin":
            recs = [m for m in recs if m["memberType"] == "admin"]
        elif filt == "none":
            recs = []
        if _truthy(req.args.get("member")):
            recs = [{**m, "member": self.ws.member_view(m["idMember"])} for m in recs]
        return _dumps(recs)

    def _h_board_checklists(self, req: Request, bid: str) -> bytes:
        bid = self._board(bid)
        cls = self.ws.board_checklists(bid)
        if req.args.get("checkItems", "all") == "none":
            cls = [{k: v for k, v in c.items() if k != "checkItems"} for c in cls]
        fields = _fields(req.args.get("fields"), None)
        if fields is not None:
            keep = set(fields) | {"id", "checkItems"}
            cls = [{k: v for k, v in c.items() if k in keep} for c in cls]
        return _dumps(cls)

    def _h_board_custom_fields(self, req: Request, bid: str) -> bytes:
        bid = self._board(bid)
        return _dumps(self.ws.board_custom_fields(bid))

    def _on_visible_board(self, records: dict[str, dict[str, Any]], oid: str) -> dict[str, Any]:
        """A list or card by id, with Trello's 400 / 404 / 401 answers."""
        if not is_object_id(oid):
            raise _ApiError(400, "invalid id")
        record = records.get(oid)
        if record is None:
            raise _ApiError(404, _NOT_FOUND)
        if not self.ws.is_visible(record["idBoard"]):
            raise _ApiError(401, "unauthorized permission requested")
        return record

    def _list(self, lid: str) -> dict[str, Any]:
        return self._on_visible_board(self.ws.lists, lid)

    def _h_list(self, req: Request, lid: str) -> bytes:
        return _dumps(_project(self._list(lid), _fields(req.args.get("fields"), None)))

    def _h_list_cards(self, req: Request, lid: str) -> bytes:
        lst = self._list(lid)
        filt = req.args.get("filter", "open")
        if filt == "visible":
            filt = "open"
        if filt not in ("all", "open", "closed", "none"):
            raise _ApiError(400, "invalid value for filter")
        cards = [] if filt == "none" else self.ws.list_cards(lst["id"], filt)
        return self._cards_json(cards, req.args)

    def _card(self, cid: str) -> dict[str, Any]:
        return self._on_visible_board(self.ws.cards, cid)

    def _h_card_attachments(self, req: Request, cid: str) -> bytes:
        return _dumps(self.ws.card_attachments.get(self._card(cid)["id"], []))

    def _h_card_custom_field_items(self, req: Request, cid: str) -> bytes:
        return _dumps(self.ws.card_custom_field_items.get(self._card(cid)["id"], []))

    def _h_card(self, req: Request, cid: str) -> bytes:
        if not is_object_id(cid):
            raise _ApiError(400, "invalid id")
        card = self.ws.cards.get(cid)
        if card is None:
            raise _ApiError(404, _NOT_FOUND)
        if not self.ws.is_visible(card["idBoard"]):
            raise _ApiError(401, "unauthorized permission requested")
        return _dumps(self._card_views([card], req.args)[0])
