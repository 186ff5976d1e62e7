"""What a workspace holds, and how the routes read it.

:class:`WorkspaceState` is the emulator's database: dicts of raw Trello records by id, one
:class:`BoardIndex` per board that keeps its cards and actions sorted the way paging needs
them, and the read API the HTTP routes call. It knows nothing of HTTP and nothing of how the
data was made (``generate.py`` fills it, :class:`~trello_emulator.model.workspace.Workspace`
adds the mutations). Every read takes ``lock``; records handed out are the stored dicts:
callers must not mutate them.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from .common import END_S
from .ids import ObjectIdFactory, id_second
from .members import CARD_MEMBER_FIELDS, MEMBER_DEFAULT_FIELDS


@dataclass
class BoardIndex:
    """One board's children, sorted for paging: cards by id, actions by (date, id)."""

    lists: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    custom_fields: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    card_secs: list[int] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    action_ms: list[int] = field(default_factory=list)
    action_secs: list[int] = field(default_factory=list)
    next_id_short: int = 1
    cache: dict[Any, Any] = field(default_factory=dict)
    """Filtered views of ``cards``/``actions``; cleared on every change to the board."""


@dataclass
class FeedIndex:
    """A feed that is not a board's (a workspace's): actions sorted by (date, id)."""

    actions: list[dict[str, Any]] = field(default_factory=list)
    action_ms: list[int] = field(default_factory=list)
    action_secs: list[int] = field(default_factory=list)
    cache: dict[Any, Any] = field(default_factory=dict)
    """Views of ``actions`` by type; cleared on every change to the feed."""


def feed_view(
    idx: BoardIndex | FeedIndex, types: tuple[str, ...] | None
) -> tuple[list[dict[str, Any]], list[int], list[int]]:
    """(actions sorted by (date, id) asc, their date ms, their id seconds) of ``types``."""
    if not types:
        return idx.actions, idx.action_ms, idx.action_secs
    key = ("actions", types)
    hit: tuple[list[dict[str, Any]], list[int], list[int]] | None = idx.cache.get(key)
    if hit is None:
        wanted = set(types)
        pos = [i for i, a in enumerate(idx.actions) if a["type"] in wanted]
        hit = (
            [idx.actions[i] for i in pos],
            [idx.action_ms[i] for i in pos],
            [idx.action_secs[i] for i in pos],
        )
        idx.cache[key] = hit
    return hit


class WorkspaceState:
    """The records of one Trello workspace and the queries the API answers from them.

    Attributes (dicts id -> raw record, as Trello returns it with every field): ``boards``,
    ``lists``, ``labels``, ``cards`` (without nested extras), ``checklists`` (with
    ``checkItems``), ``actions``, ``members`` (as ``/members/me``), ``organizations``,
    ``custom_fields``; ``memberships`` (board id -> list), ``card_custom_field_items`` and
    ``card_attachments`` (card id -> list), ``deleted_cards`` (card id -> {id, idShort,
    shortLink, idBoard, idList} of cards only known from ``deleteCard`` actions).

    The workspace level (``organization_level.py``, ``plugin_data.py``):
    ``org_only_members`` (people in a workspace who share no board with the token's
    member), ``org_feeds`` (organization id -> its own action feed; each organization
    record's ``memberships`` list is the workspace's memberships), ``plugin_data`` (board or
    card id -> its Power-Up data entries) and ``power_ups`` (name -> ``idPlugin``). They
    come from ``side_rng`` and ``side_ids``, a random stream of their own, so that
    everything else is what it was before they existed.
    """

    def __init__(self, seed: int) -> None:
        """An empty workspace whose generation and mutations draw from ``seed``."""
        self.seed = seed
        self.lock = threading.RLock()
        self.me_id = ""
        self.api_key = ""
        self.token = ""
        self.big_board_id = ""
        self.invisible_board_id = ""
        self.runs: dict[str, dict[str, Any]] = {}
        self.boards: dict[str, dict[str, Any]] = {}
        self.lists: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, dict[str, Any]] = {}
        self.cards: dict[str, dict[str, Any]] = {}
        self.checklists: dict[str, dict[str, Any]] = {}
        self.actions: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, Any]] = {}
        self.organizations: dict[str, dict[str, Any]] = {}
        self.custom_fields: dict[str, dict[str, Any]] = {}
        self.memberships: dict[str, list[dict[str, Any]]] = {}
        self.card_custom_field_items: dict[str, list[dict[str, Any]]] = {}
        self.card_attachments: dict[str, list[dict[str, Any]]] = {}
        self.deleted_cards: dict[str, dict[str, Any]] = {}
        self.short_links: dict[str, str] = {}  # board shortLink -> board id
        self.label_version = 0
        """Bumped when label records change (cards embed them, so cached card JSON is stale)."""
        self.index: dict[str, BoardIndex] = {}
        self.used_short_links: set[str] = set()
        self.member_creators: dict[str, dict[str, Any]] = {}
        """Member id -> the ``memberCreator`` object actions embed."""
        self.board_refs: dict[str, dict[str, Any]] = {}
        """Board id -> the ``data.board`` object actions embed."""
        self.card_refs: dict[str, dict[str, Any]] = {}
        """Card id -> the ``data.card`` object actions embed."""
        self.rng = random.Random(seed)
        self.ids = ObjectIdFactory(self.rng)
        self.clock_s = END_S
        """The logical clock of mutations: each one ticks it past all existing data."""
        self.mutation_process = ""
        """The one "server" that mints mutation ids, so they sort by creation in a second."""
        self.org_only_members: dict[str, dict[str, Any]] = {}
        self.org_feeds: dict[str, FeedIndex] = {}
        self.plugin_data: dict[str, list[dict[str, Any]]] = {}
        self.power_ups: dict[str, str] = {}
        """Power-Up name -> its ``idPlugin`` (the Power-Ups the generated data uses)."""
        self.side_rng = random.Random(f"{seed}:workspace-level")
        """The workspace level's own random stream: drawing from it leaves ``rng`` alone."""
        self.side_ids = ObjectIdFactory(self.side_rng)
        self.side_ids.processes = [
            p for p in self.side_ids.processes if p not in self.ids.processes
        ] or self.side_ids.processes
        self.side_process = ""
        """The "server" that mints the ids of the workspace level's mutations."""

    # ------------------------------------------------------------------ boards
    def resolve_board(self, board_ref: str) -> str | None:
        """Board id for an id or a shortLink (None when unknown)."""
        if board_ref in self.boards:
            return board_ref
        return self.short_links.get(board_ref)

    def is_visible(self, board_id: str, member_id: str | None = None) -> bool:
        """Whether ``member_id`` (default: the token's member) is on the board."""
        return (member_id or self.me_id) in self.index[board_id].members

    def visible_board_ids(self, include_closed: bool = True) -> list[str]:
        """Ids of the boards ``/members/me/boards`` returns, in creation order."""
        with self.lock:
            return [
                b
                for b, rec in self.boards.items()
                if self.is_visible(b) and (include_closed or not rec["closed"])
            ]

    # ------------------------------------------------------------------ cards
    def board_cards(  # noqa: PLR0913
        self,
        board_id: str,
        filter: str = "all",  # noqa: A002
        *,
        custom_field_items: bool = False,
        attachments: bool = False,
        checklists: bool = False,
        members: bool = False,
    ) -> list[dict[str, Any]]:
        """Cards of a board sorted by id ascending (``filter``: all|open|visible|closed)."""
        with self.lock:
            cards = self.cards_index(board_id, filter)[0]
            if not (custom_field_items or attachments or checklists or members):
                return list(cards)
            return [
                self.card_with_extras(
                    c,
                    custom_field_items=custom_field_items,
                    attachments=attachments,
                    checklists=checklists,
                    members=members,
                )
                for c in cards
            ]

    def card_with_extras(  # noqa: PLR0913
        self,
        card: dict[str, Any],
        *,
        custom_field_items: bool = False,
        attachments: bool = False,
        checklists: bool = False,
        members: bool = False,
        plugin_data: bool = False,
    ) -> dict[str, Any]:
        """A shallow copy of ``card`` with the nested resources Trello adds on request."""
        out = dict(card)
        if attachments:
            out["attachments"] = self.card_attachments.get(card["id"], [])
        if custom_field_items:
            out["customFieldItems"] = self.card_custom_field_items.get(card["id"], [])
        if checklists:
            out["checklists"] = [self.checklists[c] for c in card["idChecklists"]]
        if members:
            out["members"] = [self.member_view(m, CARD_MEMBER_FIELDS) for m in card["idMembers"]]
        if plugin_data:
            out["pluginData"] = self.plugin_data.get(card["id"], [])
        return out

    def cards_index(
        self,
        board_id: str,
        filter: str = "all",  # noqa: A002
    ) -> tuple[list[dict[str, Any]], list[int]]:
        """(cards sorted by id asc, their creation seconds) for a card filter."""
        idx = self.index[board_id]
        if filter == "all":
            return idx.cards, idx.card_secs
        key = ("cards", filter)
        hit = idx.cache.get(key)
        if hit is None:
            want_closed = filter == "closed"
            cards = [c for c in idx.cards if c["closed"] == want_closed]
            hit = (cards, [id_second(c["id"]) for c in cards])
            idx.cache[key] = hit
        return hit

    def list_cards(self, list_id: str, filter: str = "all") -> list[dict[str, Any]]:  # noqa: A002
        """Cards of one list (``/lists/{id}/cards``; never capped), by pos."""
        with self.lock:
            bid = self.lists[list_id]["idBoard"]
            cards = [
                c
                for c in self.cards_index(bid, "all" if filter == "all" else filter)[0]
                if c["idList"] == list_id
            ]
            cards.sort(key=lambda c: (c["pos"], c["id"]))
            return cards

    # ------------------------------------------------------------------ actions
    def actions_index(
        self, board_id: str, types: tuple[str, ...] | None = None
    ) -> tuple[list[dict[str, Any]], list[int], list[int]]:
        """(actions sorted by (date, id) asc, their date ms, their id seconds)."""
        return feed_view(self.index[board_id], types)

    def board_actions(self, board_id: str, types: list[str] | None = None) -> list[dict[str, Any]]:
        """All actions of a board, newest first (date desc, then id desc)."""
        with self.lock:
            acts = self.actions_index(board_id, tuple(types) if types else None)[0]
            return acts[::-1]

    # ------------------------------------------------------------------ the rest of a board
    def board_lists(self, board_id: str, filter: str = "all") -> list[dict[str, Any]]:  # noqa: A002
        """Lists of a board by pos (filter all|open|closed)."""
        with self.lock:
            out = [self.lists[x] for x in self.index[board_id].lists]
            if filter == "open":
                out = [x for x in out if not x["closed"]]
            elif filter == "closed":
                out = [x for x in out if x["closed"]]
            return out

    def board_labels(self, board_id: str) -> list[dict[str, Any]]:
        """All labels of a board (``/labels?limit=1000``), in creation order."""
        with self.lock:
            return [self.labels[x] for x in self.index[board_id].labels]

    def member_view(
        self, member_id: str, fields: tuple[str, ...] | None = MEMBER_DEFAULT_FIELDS
    ) -> dict[str, Any]:
        """A member projected on ``fields`` (id always; None = every field)."""
        m = self.member_record(member_id)
        if fields is None:
            return m
        out = {"id": member_id}
        for f in fields:
            if f in m:
                out[f] = m[f]
        return out

    def member_record(self, member_id: str) -> dict[str, Any]:
        """A member's record, whether it shares a board with the token's member or not."""
        member = self.members.get(member_id)
        return member if member is not None else self.org_only_members[member_id]

    def board_members(
        self, board_id: str, fields: tuple[str, ...] | None = MEMBER_DEFAULT_FIELDS
    ) -> list[dict[str, Any]]:
        """Members of a board ({id, fullName, username} by default)."""
        with self.lock:
            return [self.member_view(m, fields) for m in self.index[board_id].members]

    def board_memberships(self, board_id: str) -> list[dict[str, Any]]:
        """Board memberships: id, idMember, memberType, unconfirmed, deactivated."""
        with self.lock:
            return list(self.memberships[board_id])

    def board_checklists(self, board_id: str) -> list[dict[str, Any]]:
        """Checklists (with checkItems) of every card on the board, by id."""
        with self.lock:
            out: list[dict[str, Any]] = []
            for c in self.index[board_id].cards:
                out.extend(self.checklists[x] for x in c["idChecklists"])
            out.sort(key=lambda c: c["id"])
            return out

    def check_items(self, board_id: str) -> list[dict[str, Any]]:
        """All check items of a board, flattened (each carries idChecklist)."""
        return [it for cl in self.board_checklists(board_id) for it in cl["checkItems"]]

    def board_custom_fields(self, board_id: str) -> list[dict[str, Any]]:
        """Custom field definitions of a board."""
        with self.lock:
            return [self.custom_fields[x] for x in self.index[board_id].custom_fields]

    # ------------------------------------------------------------------ the workspace level
    def organization_memberships(self, org_id: str) -> list[dict[str, Any]]:
        """A workspace's memberships: id, idMember, memberType, unconfirmed, deactivated..."""
        with self.lock:
            return list(self.organizations[org_id]["memberships"])

    def organization_actions_index(
        self, org_id: str, types: tuple[str, ...] | None = None
    ) -> tuple[list[dict[str, Any]], list[int], list[int]]:
        """A workspace feed's (actions by (date, id) asc, their date ms, their id seconds)."""
        return feed_view(self.org_feeds[org_id], types)

    def organization_actions(
        self, org_id: str, types: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """A workspace's own feed, newest first (date desc, then id desc)."""
        with self.lock:
            return self.organization_actions_index(org_id, tuple(types) if types else None)[0][::-1]

    def model_plugin_data(self, model_id: str) -> list[dict[str, Any]]:
        """The Power-Up data entries of a board or a card (``scope`` board or card)."""
        with self.lock:
            return list(self.plugin_data.get(model_id, []))
