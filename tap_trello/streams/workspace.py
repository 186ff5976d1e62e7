"""Workspace-level streams: organizations, and boards (the parent of every board stream)."""

from __future__ import annotations

import re
import typing as t

import msgspec
from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

from tap_trello.answers import decode_items, nested_list
from tap_trello.board_plan import BoardTerms
from tap_trello.board_read import NestedAnswer, nested_call
from tap_trello.board_scans import BoardScans
from tap_trello.client import TrelloStream
from tap_trello.errors import BoardUnavailableError, TrelloError, WorkspaceUnavailableError
from tap_trello.mirror import DELETED_AT, Scope, is_deletion, oldest_mark
from tap_trello.run import LOOK_AHEAD_BOARDS
from tap_trello.schemas import BOARDS, ORGANIZATIONS
from tap_trello.timestamps import iso_ms

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from singer_sdk.helpers.types import Context, Record

    from tap_trello.output import SingerOutput


class OrganizationsStream(TrelloStream):
    """Workspaces the token can see, or those named by ``organization_ids``.

    ``/members/me/organizations``, or ``/organizations/{id}`` for each named one.
    """

    name = "organizations"
    object_schema = ORGANIZATIONS
    path = "/members/me/organizations"

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        return {"fields": "all"}

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        return self.known_fields(self.organization_rows(context))

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start a run with no workspace's people read."""
        super().__init__(*args, **kwargs)
        self._people: dict[str, dict[str, msgspec.Raw]] = {}
        #: Workspaces that vanished while their streams ran: their rows were not all sent.
        self.unavailable: set[str] = set()

    @property
    def workspace_streams(self) -> list[TrelloStream]:
        """The streams synced once per workspace."""
        return t.cast("list[TrelloStream]", self.child_streams)

    @override
    def generate_child_contexts(
        self, record: Record, context: Context | None
    ) -> Iterable[Context | None]:
        # A board_ids-only run is about boards: no workspace's people or feed.
        if self.settings.board_ids and not self.settings.organization_ids:
            return
        yield {"organization_id": record["id"]}

    def people(self, organization_id: str, key: str) -> list[msgspec.Raw]:
        """The raw items under ``key`` of the workspace's nested call (members, memberships).

        One call serves every selected stream of the workspace's people; only the
        workspace being synced is kept.
        """
        if organization_id not in self._people:
            params = {"fields": "id"}
            for child in self.workspace_streams:
                if child.selected:
                    params.update(child.nested_params)
            path = f"/organizations/{organization_id}"
            context: Context = {"organization_id": organization_id}
            self._people = {organization_id: self.fetch_object(path, params, context)}
        path = f"/organizations/{organization_id}"
        items = nested_list(self._people[organization_id], key, path)
        if items is None:
            msg = f"Trello answered GET {path} without its {key!r}"
            raise TrelloError(msg)
        return items

    @override
    def activation_versions(self) -> dict[str, int]:
        # Every workspace the token sees was sent, its people whole; but a filtered run is
        # a shard, whose token may see other workspaces than the other shards' tokens.
        if self.settings.filtered or self.ABORT_AT_RECORD_COUNT is not None:
            return {}
        versions = {self.name: self.run.version}
        if self.unavailable:
            return versions
        for child in self.workspace_streams:
            if child.nested_key:  # read whole every run; a feed is history
                versions[child.name] = self.run.version
        return versions

    def organization_rows(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        """The workspaces, all or those the settings name."""
        organization_ids = self.settings.organization_ids
        if not organization_ids:
            yield from self.request_records(context)
            return
        for organization_id in organization_ids:
            yield fetch_named(
                self,
                f"/organizations/{organization_id}",
                {"fields": "all"},
                f"Workspace '{organization_id}' in organization_ids",
            )


class BoardsStream(TrelloStream):
    """Boards the token can see, or those ``board_ids`` and ``organization_ids`` name.

    ``/members/me/boards``; ``/boards/{id}`` (the nested call) for each named board and
    ``/organizations/{id}/boards`` for each named workspace. Full table, every run.
    """

    name = "boards"
    object_schema = BOARDS
    path = "/members/me/boards"
    carries_deletions = True  # a board no longer listed

    def board_params(self) -> dict[str, t.Any]:
        """Every board the token sees (archived ones too, unless excluded), all fields."""
        return {"filter": "all" if self.include_closed else "open", "fields": "all"}

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        self.scans = BoardScans(
            self.stream_state,
            self.extracted_below(),
            self.settings.rescan_after_hours,
        )
        #: Boards that vanished while their streams ran: not complete, not marked scanned.
        self._unavailable: set[str] = set()
        #: The nested calls of the boards ``board_ids`` names, answered before any row.
        self._known: dict[str, NestedAnswer] = {}
        if self.settings.board_ids:
            # Each named board is its own nested call: no list to look ahead in.
            self._to_scan: list[str] = []
            self._scan_position: dict[str, int] = {}
            self.scope = Scope(frozenset(), whole_account=False)
            return self.known_fields(self.named_boards())
        if self.settings.organization_ids:
            boards = list(self.named_boards())
            self._plan_scans(boards)
            return self._with_vanished(self.known_fields(boards))
        # The whole list is needed ahead (which boards to read, and in what order), but
        # each board is built only when it is emitted: a board's prefs, limits and
        # memberships weigh far more than the two fields the plan reads.
        listed = self.list_payload(self.fetch_response(self.path, self.board_params(), context))
        self._plan_scans([_activity(item) for item in listed])
        return self._with_vanished(self.known_fields(decode_items(listed)))

    def _with_vanished(self, boards: Iterable[dict[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        """The listed boards, then a deletion record for each synced board no longer listed.

        Without ``organization_ids`` a board not listed is one the token no longer sees.
        With them it may only have moved to another workspace: it is asked for, and only
        one Trello will not show is said deleted. Archived boards are not listed when
        ``include_closed`` is false, so then nothing is said.
        """
        yield from boards
        # With organization_ids, only boards last seen in those workspaces: the other
        # boards' marks belong to other runs of the same state.
        organizations = self._organizations_read if self.settings.organization_ids else None
        marked = self.scans.marked_boards(organizations)
        for board_id in sorted(marked - self.scope.listed):
            self.scans.forget(board_id)
            if self.include_closed and not self._still_visible(board_id):
                yield {"id": board_id, DELETED_AT: iso_ms(self.scans.now)}

    def _still_visible(self, board_id: str) -> bool:
        if not self.settings.organization_ids:
            return False
        try:
            self.fetch(f"/boards/{board_id}", {"fields": "id"}, None)
        except (FatalAPIError, BoardUnavailableError):
            return False
        return True

    def _plan_scans(self, boards: list[dict[str, t.Any]]) -> None:
        """The boards to read, in the order they are emitted, for the look-ahead."""
        self._to_scan = [board["id"] for board in boards if self.scans.needs_scan(board)]
        self._scan_position = {board_id: i for i, board_id in enumerate(self._to_scan)}
        self.scope = Scope(
            frozenset(board["id"] for board in boards),
            whole_account=self.include_closed and not self.settings.organization_ids,
        )

    def extracted_below(self) -> dict[str, t.Any]:
        """What the streams below the boards extract: a board scanned for less is not done."""
        return {
            "streams": sorted(
                child.name
                for child in self.child_streams
                if child.selected or child.has_selected_descendents
            ),
            "include_closed": self.include_closed,
            "action_types": sorted(self.settings.action_types),
            # Marks say what was read under this date; which boards a run reads does not
            # change what a board's mark says (a filtered run keeps the others' marks).
            "start_date": self.settings.start_date,
        }

    @override
    def generate_child_contexts(
        self, record: Record, context: Context | None
    ) -> Iterable[Context | None]:
        if is_deletion(record):
            return
        if not self.scans.needs_scan(record):
            self.progress.boards_skipped += 1
            return  # unchanged since its last complete sync: no request at all
        board_id = record["id"]
        at = self._scan_position.get(board_id, len(self._to_scan))
        output = t.cast("SingerOutput", self._tap.message_writer)
        rows = output.records.total()
        known = self._known.pop(board_id, None)  # a board board_ids names: read already
        ahead = [] if known else [board_id]
        ahead += self._to_scan[at + 1 : at + LOOK_AHEAD_BOARDS]
        self.run.look_ahead([(ahead_id, self.terms(ahead_id)) for ahead_id in ahead])
        terms = self.terms(board_id)
        history = self._reads_history_from_start(board_id)
        board = self.run.open_board(board_id, terms, known)
        yield {"board_id": board_id}
        # Resumed only once every stream below synced this board without failing.
        if board.unavailable:
            self._unavailable.add(board_id)
        else:
            self.scans.mark_scanned(record, self.run.version, whole=terms.whole, history=history)
            if terms.whole:
                self.scans.remember_paged_cards(board_id, paged=board.cards_paged)
            read = self.progress.boards_read
            self.progress.board_read(
                self.logger,
                position=at + 1 if board_id in self._scan_position else read + 1,
                total=len(self._to_scan) or len(self.settings.board_ids) or read + 1,
                board=record,
                rows=output.records.total() - rows,
                requests=self.run.session.requests_sent,
            )

    @property
    def board_streams(self) -> list[TrelloStream]:
        """The streams synced once per board."""
        return t.cast("list[TrelloStream]", self.child_streams)

    @override
    def _sync_children(self, child_context: Context | None) -> None:
        try:
            super()._sync_children(child_context)
        except BaseException:
            # The run ends on this failure: what the look-ahead still has queued or
            # retrying would delay the exit.
            self.run.close()
            raise

    def terms(self, board_id: str) -> BoardTerms:
        """What the board's marks and its streams' bookmarks say before it is read."""
        whole = self.scans.reads_whole({"id": board_id})
        context: Context = {"board_id": board_id}
        bookmarks = {
            child.name: bookmark
            for child in self.board_streams
            if child.selected and child.replication_key and (bookmark := child.bookmark(context))
        }
        return BoardTerms(
            whole=whole,
            # Trello refused its cards whole at its last whole read: paged at once when
            # read whole again (a read of what changed asks only those, which fit).
            cards_refused=whole and self.scans.pages_cards(board_id),
            bookmarks=bookmarks,
            synced_through=self.scans.synced_through(board_id),
            scope=self.scope,
        )

    def _reads_history_from_start(self, board_id: str) -> bool:
        """Whether every selected history stream reads this board's actions from the start."""
        history = [child for child in self.board_streams if child.selected and child.is_history]
        context: Context = {"board_id": board_id}
        return bool(history) and all(child.bookmark(context) is None for child in history)

    @override
    def activation_versions(self) -> dict[str, int]:
        if (
            not self.scope.whole_account
            or self.settings.board_ids
            or self._unavailable
            or self.ABORT_AT_RECORD_COUNT is not None  # a dry run stops streams short
        ):
            return {}
        listed = self.scope.listed
        whole = oldest_mark(self.scans.versions(listed, "version"))
        history = oldest_mark(self.scans.versions(listed, "history"))
        versions = {self.name: self.run.version}
        for child in self.board_streams:
            version = history if child.is_history else whole
            if version is not None:
                versions[child.name] = version
        return versions

    def named_boards(self) -> Iterator[dict[str, t.Any]]:
        """The boards of ``organization_ids``, then those of ``board_ids``, each once."""
        organization_ids = self.settings.organization_ids
        # Every named board is read before the first row of any: an unknown id stops the
        # run before anything of the others is sent.
        named = [self._read_named_board(board_id) for board_id in self.settings.board_ids]
        emitted: set[str] = set()
        self._organizations_read = set(organization_ids)
        for organization_id in organization_ids:
            for board in fetch_named(
                self,
                f"/organizations/{organization_id}/boards",
                self.board_params(),
                f"Workspace '{organization_id}' in organization_ids",
            ):
                self._organizations_read.add(board.get("idOrganization"))
                if board["id"] not in emitted and (self.include_closed or not board["closed"]):
                    emitted.add(board["id"])
                    yield board
        for answer in named:
            board = {
                key: msgspec.json.decode(value)
                for key, value in answer.values.items()
                if key in self.schema["properties"]
            }
            self._known[board["id"]] = answer
            if board["id"] not in emitted and (self.include_closed or not board["closed"]):
                emitted.add(board["id"])
                yield board

    def _read_named_board(self, board_id: str) -> NestedAnswer:
        """The nested call of a board ``board_ids`` names: the board and its objects.

        Its cards and actions come too when it is named by id (a short link has no
        bookmark yet).
        """
        by_id = _OBJECT_ID.fullmatch(board_id) is not None
        terms = self.terms(board_id) if by_id else BoardTerms(scope=self.scope)
        try:
            return nested_call(self, self.run.plan, board_id, terms, "all", with_lists=by_id)
        except (FatalAPIError, BoardUnavailableError) as exc:
            what = f"Board '{board_id}' in board_ids"
            msg = f"{what} does not exist or is not visible to this token ({exc})"
            raise TrelloError(msg) from exc


def fetch_named(stream: TrelloStream, path: str, params: dict[str, t.Any], what: str) -> t.Any:
    """GET an object the settings name: a 4xx says clearly that it is not there."""
    try:
        return stream.fetch(path, params, None)
    except (FatalAPIError, WorkspaceUnavailableError) as exc:
        msg = f"{what} does not exist or is not visible to this token ({exc})"
        raise TrelloError(msg) from exc


_OBJECT_ID = re.compile(r"[0-9a-f]{24}")


class _Activity(msgspec.Struct):
    """The two fields of a listed board that say whether to read it."""

    id: str
    dateLastActivity: str | msgspec.UnsetType | None = msgspec.UNSET  # noqa: N815


def _activity(item: msgspec.Raw) -> dict[str, t.Any]:
    board = msgspec.json.decode(item, type=_Activity)
    if board.dateLastActivity is msgspec.UNSET:
        return {"id": board.id}
    return {"id": board.id, "dateLastActivity": board.dateLastActivity}
