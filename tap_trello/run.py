"""What one sync run shares across its streams, built once by the tap.

Trello's rate limit is per token, a board's nested call serves several streams, and rows
derived from card or action pages wait for their own stream's turn: all of that belongs
to the run, not to any one stream. Streams reach it through ``TrelloStream.run``.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from tap_trello.spool import SpoolRegistry
from tap_trello.throttle import RequestThrottle, ThrottledSession

if t.TYPE_CHECKING:
    from collections.abc import Mapping

    from singer_sdk.helpers.types import Context

    from tap_trello.client import TrelloStream


@dataclass
class SyncRun:
    """The throttled session, the spools, the nested board call and ``start_date``."""

    max_requests_per_10s: int
    #: ``start_date`` in Trello's timestamp format, or None for all history.
    start_date: str | None
    #: Rows of derived streams (attachments, deleted cards...) waiting for their turn.
    spools: SpoolRegistry = field(default_factory=SpoolRegistry)
    #: The tap's streams by name, set once they are discovered.
    streams: Mapping[str, TrelloStream] = field(default_factory=dict)
    _session: ThrottledSession | None = None
    _board_details: dict[str, dict[str, t.Any]] = field(default_factory=dict)

    @property
    def session(self) -> ThrottledSession:
        """The one HTTP session of the run, throttled at ``max_requests_per_10s``."""
        if self._session is None:
            self._session = ThrottledSession(RequestThrottle(self.max_requests_per_10s))
        return self._session

    def selected(self, name: str) -> bool:
        """Whether the stream called ``name`` is selected in this run."""
        return self.streams[name].selected

    def nested_board_params(self) -> dict[str, str]:
        """Nested-resource parameters of every selected stream read from the board call."""
        params: dict[str, str] = {}
        for stream in self.streams.values():
            if stream.selected:
                params.update(stream.nested_board_params())
        return params

    def remember_board_details(self, details: dict[str, t.Any]) -> None:
        """Keep one board's nested details for its streams (only the latest board)."""
        self._board_details = {details["id"]: details}

    def board_details(self, stream: TrelloStream, context: Context) -> dict[str, t.Any]:
        """The nested board object: one request per board for all its selected streams."""
        board_id = context["board_id"]
        if board_id not in self._board_details:
            params = {"fields": "id", **self.nested_board_params()}
            details = stream.fetch(f"/boards/{board_id}", params, context)
            self.remember_board_details({**details, "id": board_id})
        return self._board_details[board_id]
