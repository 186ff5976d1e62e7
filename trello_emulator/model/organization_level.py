"""The workspace level: who is in each workspace (organization), as what, and its own feed.

Why a module of its own, drawn from ``ws.side_rng`` and ``ws.side_ids``: the boards, cards
and actions of a seed were fixed before the workspace level existed and other tests depend
on them byte for byte, so nothing here draws from ``ws.rng`` or mints with ``ws.ids``.

What the data follows (real recorded answers, copied in ``tests/cassettes/``):

* ``rt_organization_actions_2020-09-15.json``: ``/organizations/{id}/actions?filter=all``
  answered the workspace's ``createOrganization`` alone (``data.organization`` is ``{id,
  name}`` with the display name) although its boards had many actions: a workspace's feed
  holds workspace actions, never its boards' actions.
* ``rt_member_actions_filter_all_2020-08-20.json``: ``addToOrganizationBoard`` and
  ``removeFromOrganizationBoard`` carry ``data.board {id, name, shortLink}`` and
  ``data.organization``, stamped a few ms after the board's ``createBoard``. The workspace
  feed recorded a month later did not show them; they are generated here (the feature asks
  for them) and a tap must not count on seeing a board move in the workspace feed.
* ``rt_member_organizations_2020-08-20.json``: a membership is ``{id, idMember, memberType,
  unconfirmed, deactivated}`` in that order, its id minted in the workspace's creation
  second for its creator (an admin). That workspace was free (``products: []``) and its
  memberships had no ``lastActive``: the generated workspaces are Business Class
  (``products: [110]``), so theirs carry ``lastActive`` (null for an invitee who never
  signed up). A free workspace's memberships get none.
* ``webhook_actions/board-addmember.json`` (``idMemberAdded``, ``memberType``) and
  ``board-removemember.json`` (``idMember``, ``deactivated``): the workspace's member
  actions are shaped the same way, with the ``member {id, name}`` the board ones carry.

Each workspace gets: the token's member (admin since the creation), most of the members on
its boards and a few of the others, and people who share no board with the token's member
(``ws.org_only_members``): one who is on no board, an invitee who never signed up
(``confirmed: false``, member type ``ghost``, membership ``unconfirmed``), a deactivated one,
and one who left (known from the feed only). The feed explains the memberships: a
``createOrganization``, an ``addMemberToOrganization`` per member who joined,
``makeAdminOfOrganization`` for the admins made later, ``removeMemberFromOrganization`` for
who left, an ``addToOrganizationBoard`` per board created in the workspace, then about
``org_actions`` in all with ``updateOrganization`` (a description chain ending at the
current one), admin/normal round trips and boards moved out and back. ``org_burst`` puts
that many actions of the first workspace in one second (an admin's script), with actions
after it, recorded in ``ws.runs["org_burst"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .actions import build_action
from .common import DAY, END_S, pick, ri
from .ids import epoch_s, hex_string, id_second, iso_ms, parse_iso_ms
from .members import MEMBER_CREATOR_FIELDS, build_member, member_ref
from .state import FeedIndex
from .vocabulary import WORKSPACE_PEOPLE

if TYPE_CHECKING:
    import random

    from .state import WorkspaceState

ORGANIZATION_ACTION_TYPES = (
    "createOrganization",
    "updateOrganization",
    "addMemberToOrganization",
    "removeMemberFromOrganization",
    "makeAdminOfOrganization",
    "makeNormalMemberOfOrganization",
    "addToOrganizationBoard",
    "removeFromOrganizationBoard",
)
"""The types of a workspace's own feed (``/organizations/{id}/actions``)."""

ON_NO_BOARD, INVITEE, DEACTIVATED, FORMER, OUTSIDE_ADMIN = range(5)
"""The people of ``WORKSPACE_PEOPLE``, by role."""


@dataclass
class Seat:
    """One person's place in a workspace, and the dates of what happened to it."""

    member: str
    joined: int
    admin: bool = False
    made_admin: int | None = None
    """Second of a later ``makeAdminOfOrganization`` (None: admin from the start, or not)."""
    deactivated: bool = False
    unconfirmed: bool = False
    left: int | None = None


@dataclass
class Planned:
    """A feed action before its id is minted."""

    sec: int
    ms: int
    type: str
    data: dict[str, Any]
    creator: str
    burst: bool = False


def organization_ref(ws: WorkspaceState, org_id: str) -> dict[str, Any]:
    """The ``data.organization`` of workspace actions: ``{id, name}`` (the display name)."""
    return {"id": org_id, "name": ws.organizations[org_id]["displayName"]}


def is_premium(org: dict[str, Any]) -> bool:
    """Whether a workspace is paid (Business Class...): its memberships carry ``lastActive``."""
    return bool(org.get("products"))


def membership_record(
    org: dict[str, Any], seat: Seat, membership_id: str, last_active_ms: int | None
) -> dict[str, Any]:
    """A workspace membership as Trello lists it (``lastActive`` on paid workspaces only)."""
    out: dict[str, Any] = {
        "id": membership_id,
        "idMember": seat.member,
        "memberType": "admin" if seat.admin else "normal",
        "unconfirmed": seat.unconfirmed,
        "deactivated": seat.deactivated,
    }
    if is_premium(org):
        out["lastActive"] = None if last_active_ms is None else iso_ms(last_active_ms)
    return out


def member_added_data(ws: WorkspaceState, org_id: str, member_id: str) -> dict[str, Any]:
    """``addMemberToOrganization``: like ``addMemberToBoard`` (``idMemberAdded``...)."""
    return {
        "idMemberAdded": member_id,
        "memberType": "normal",
        "organization": organization_ref(ws, org_id),
        "member": member_ref(ws, member_id),
    }


def member_data(
    ws: WorkspaceState, org_id: str, member_id: str, *, removed: bool = False
) -> dict[str, Any]:
    """Data of the actions on a member of a workspace (``idMember``, ``member``...)."""
    data: dict[str, Any] = {
        "idMember": member_id,
        "organization": organization_ref(ws, org_id),
        "member": member_ref(ws, member_id),
    }
    if removed:  # as removeMemberFromBoard
        data["deactivated"] = False
    return data


def board_moved_data(ws: WorkspaceState, org_id: str, board_id: str) -> dict[str, Any]:
    """``addToOrganizationBoard`` / ``removeFromOrganizationBoard``: the board and workspace."""
    return {"board": ws.board_refs[board_id], "organization": organization_ref(ws, org_id)}


def generate_organization_level(ws: WorkspaceState, *, org_actions: int, org_burst: int) -> None:
    """Memberships, people and feed of every workspace (see the module docstring)."""
    rng, ids = ws.side_rng, ws.side_ids
    people = generate_workspace_people(ws, rng)
    for k, org_id in enumerate(ws.organizations):
        seats = plan_seats(ws, rng, k, org_id, people)
        org = ws.organizations[org_id]
        org["memberships"] = [
            membership_record(org, s, ids.new(s.joined), last_active(rng, s))
            for s in seats
            if s.left is None
        ]
        for s in seats:
            if s.member in ws.org_only_members and s.left is None:
                ws.org_only_members[s.member]["idOrganizations"].append(org_id)
        plan = plan_feed(ws, rng, org_id, seats, org_actions, org_burst if k == 0 else 0)
        ws.org_feeds[org_id] = mint_feed(ws, plan)
    ws.side_process = ids.process()


def last_active(rng: random.Random, seat: Seat) -> int | None:
    """When a member was last active (ms): never for an invitee, early for a deactivated one."""
    if seat.unconfirmed:
        return None
    end = END_S * 1000 - 1
    if seat.deactivated:
        end = min(end, (seat.joined + 200 * DAY) * 1000)
    return ri(rng, seat.joined * 1000, end)


def generate_workspace_people(ws: WorkspaceState, rng: random.Random) -> list[str]:
    """The people known through workspaces only, registered in ``ws.org_only_members``."""
    out = []
    for i, (full, user) in enumerate(WORKSPACE_PEOPLE):
        mid = ws.side_ids.new(epoch_s(2019, 1, 1) + ri(rng, 0, 3 * 365 * DAY))
        invitee = i == INVITEE
        avatar = None if invitee or i == FORMER else hex_string(rng, 32)
        member = build_member(
            mid,
            full,
            user,
            avatar=avatar,
            confirmed=not invitee,
            member_type="ghost" if invitee else "normal",
        )
        ws.org_only_members[mid] = member
        ws.member_creators[mid] = {k: member[k] for k in MEMBER_CREATOR_FIELDS}
        out.append(mid)
    return out


def plan_seats(
    ws: WorkspaceState, rng: random.Random, k: int, org_id: str, people: list[str]
) -> list[Seat]:
    """Who joined workspace number ``k``, when, and as what (the token's member first)."""
    created = id_second(org_id)
    seats = [Seat(ws.me_id, created, admin=True)]
    boards = [b for b, rec in ws.boards.items() if rec["idOrganization"] == org_id]
    on_board = {m for b in boards for m in ws.index[b].members}
    for mid in ws.members:
        if mid != ws.me_id and rng.random() < (0.85 if mid in on_board else 0.25):
            joined = ri(rng, created + DAY, created + 400 * DAY)
            seats.append(Seat(mid, joined, unconfirmed=not ws.members[mid]["confirmed"]))
    plain = [s for s in seats[1:] if not s.unconfirmed]
    if plain and k == 0:  # an existing member made admin later
        plain[0].admin = True
        plain[0].made_admin = ri(rng, plain[0].joined + 1, plain[0].joined + 90 * DAY)
    if len(plain) > 1:
        pick(rng, plain[1:]).deactivated = True
    roles = [ON_NO_BOARD, INVITEE, DEACTIVATED, FORMER] if k == 0 else [OUTSIDE_ADMIN, ON_NO_BOARD]
    for role in roles:
        joined = ri(rng, created + DAY, created + 500 * DAY)
        seat = Seat(people[role], joined)
        seat.unconfirmed = role == INVITEE
        seat.deactivated = role == DEACTIVATED
        if role == FORMER:
            seat.left = ri(rng, joined + DAY, joined + 200 * DAY)
        if role == OUTSIDE_ADMIN:
            seat.admin = True
            seat.made_admin = ri(rng, joined + 1, joined + 30 * DAY)
        seats.append(seat)
    seats[1:] = sorted(seats[1:], key=lambda s: s.joined)
    return seats


def plan_feed(  # noqa: PLR0913, PLR0917
    ws: WorkspaceState,
    rng: random.Random,
    org_id: str,
    seats: list[Seat],
    org_actions: int,
    burst: int,
) -> list[Planned]:
    """The workspace's actions, unminted: the ones its state implies, extras, a burst."""
    planner = FeedPlanner(ws, rng, org_id, seats)
    plan = planner.implied()
    burst_sec = ri(rng, max(s.joined for s in seats) + 1, END_S - 30 * DAY) if burst else None
    extras, round_trips = planner.extras(max(0, org_actions - len(plan)), burst_sec)
    plan += extras
    if burst_sec is not None:
        plan += planner.burst(burst_sec, burst, round_trips)
        ws.runs["org_burst"] = {"organization": org_id, "second": burst_sec, "size": burst}
    return plan


@dataclass
class FeedPlanner:
    """Plans one workspace's feed from its seats (who joined, when, as what)."""

    ws: WorkspaceState
    rng: random.Random
    org_id: str
    seats: list[Seat]

    def _at(self, sec: int, atype: str, data: dict[str, Any]) -> Planned:
        """An action of the token's member (the workspace's creator) at ``sec``."""
        return Planned(sec, ri(self.rng, 0, 999), atype, data, self.ws.me_id)

    @property
    def boards(self) -> list[str]:
        """The workspace's boards, in creation order (the invisible one too)."""
        return [b for b, rec in self.ws.boards.items() if rec["idOrganization"] == self.org_id]

    @property
    def plain(self) -> list[Seat]:
        """Seats of confirmed, active, normal members who stayed (not the token's member)."""
        return [
            s for s in self.seats[1:] if not (s.admin or s.unconfirmed or s.deactivated or s.left)
        ]

    def implied(self) -> list[Planned]:
        """The creation, each member's joining (and promotion, leaving), each board added."""
        ws, org_id = self.ws, self.org_id
        org_ref = organization_ref(ws, org_id)
        plan = [self._at(id_second(org_id), "createOrganization", {"organization": org_ref})]
        for s in self.seats[1:]:
            added = member_added_data(ws, org_id, s.member)
            plan.append(self._at(s.joined, "addMemberToOrganization", added))
            if s.made_admin is not None:
                data = member_data(ws, org_id, s.member)
                plan.append(self._at(s.made_admin, "makeAdminOfOrganization", data))
            if s.left is not None:
                data = member_data(ws, org_id, s.member, removed=True)
                plan.append(self._at(s.left, "removeMemberFromOrganization", data))
        for b in self.boards:  # a few ms after the board's createBoard, by its creator
            idx = ws.index[b]
            ms = idx.action_ms[0] if idx.actions else id_second(b) * 1000
            creator = idx.actions[0]["idMemberCreator"] if idx.actions else ws.me_id
            sec, milli = divmod(min(ms + ri(self.rng, 2, 9), (ms // 1000) * 1000 + 999), 1000)
            data = board_moved_data(ws, org_id, b)
            plan.append(Planned(sec, milli, "addToOrganizationBoard", data, creator))
        return plan

    def extras(self, count: int, after: int | None) -> tuple[list[Planned], set[str]]:
        """``count`` more actions, and the members who had an admin round trip.

        Descriptions, admin round trips and boards out and back; two descriptions come
        ``after`` that second (a burst's), so that a burst is never the feed's head.
        """
        rng, ws, org_id = self.rng, self.ws, self.org_id
        updates = [ri(rng, after + 1, END_S - 1) for _ in range(min(2, count))] if after else []
        count -= len(updates)
        plan: list[Planned] = []
        round_trips: set[str] = set()
        boards = self.boards
        while count > 0:
            kind = pick(rng, ["update", "update", "update", "role", "role", "board"])
            plain = self.plain
            if kind == "role" and count >= 2 and plain:
                s = pick(rng, plain)
                round_trips.add(s.member)
                t1 = ri(rng, s.joined + 1, END_S - 2)
                data = member_data(ws, org_id, s.member)
                plan.append(self._at(t1, "makeAdminOfOrganization", data))
                plan.append(
                    self._at(ri(rng, t1 + 1, END_S - 1), "makeNormalMemberOfOrganization", data)
                )
                count -= 2
            elif kind == "board" and count >= 2 and boards:
                b = pick(rng, boards)
                t1 = ri(rng, id_second(b) + DAY, END_S - 2)
                data = board_moved_data(ws, org_id, b)
                plan.append(self._at(t1, "removeFromOrganizationBoard", data))
                t2 = ri(rng, t1 + 1, min(t1 + DAY, END_S - 1))
                plan.append(self._at(t2, "addToOrganizationBoard", data))
                count -= 2
            else:
                updates.append(ri(rng, id_second(org_id) + DAY, END_S - 1))
                count -= 1
        return plan + self.description_chain(sorted(updates)), round_trips

    def description_chain(self, secs: list[int]) -> list[Planned]:
        """``updateOrganization`` at each of ``secs``: descriptions leading to the current one."""
        org = self.ws.organizations[self.org_id]
        texts = [
            "New workspace",
            *(f"Draft {j} — {org['displayName']}" for j in range(1, len(secs))),
            org["desc"],
        ]
        ref = organization_ref(self.ws, self.org_id)
        return [
            self._at(
                sec,
                "updateOrganization",
                {"organization": {**ref, "desc": texts[j + 1]}, "old": {"desc": texts[j]}},
            )
            for j, sec in enumerate(secs)
        ]

    def burst(self, second: int, size: int, round_trips: set[str]) -> list[Planned]:
        """``size`` role changes in one ``second``: admin then normal again, member by member.

        Members without an admin round trip of their own first, then any normal member; with
        none, admins are made admin again (no-ops, still logged): the roles stay as planned.
        """
        plain = [s.member for s in self.plain if s.joined < second]
        fits = [m for m in plain if m not in round_trips] or plain
        admins = [s.member for s in self.seats if s.admin and s.joined < second]
        out = []
        for j in range(size):
            if fits:  # an odd last one: normal again, a no-op
                admin = j % 2 == 0 and j != size - 1
                member = fits[(j // 2) % len(fits)]
            else:
                admin, member = True, admins[j % len(admins)]
            atype = "makeAdminOfOrganization" if admin else "makeNormalMemberOfOrganization"
            data = member_data(self.ws, self.org_id, member)
            out.append(Planned(second, j * 1000 // size, atype, data, self.ws.me_id, burst=True))
        return out


def mint_feed(ws: WorkspaceState, plan: list[Planned]) -> FeedIndex:
    """Ids for the planned actions (in date order; a burst from one server) and the feed."""
    ids = ws.side_ids
    burst_process = ids.process()
    plan.sort(key=lambda p: (p.sec, p.ms))
    actions = [
        build_action(
            ws,
            action_id=ids.new(p.sec, burst_process if p.burst else None),
            action_type=p.type,
            data=p.data,
            date_ms=p.sec * 1000 + p.ms,
            creator=p.creator,
        )
        for p in plan
    ]
    return feed_index(actions)


def feed_index(actions: list[dict[str, Any]]) -> FeedIndex:
    """A feed of ``actions``, sorted by (date, id)."""
    actions = sorted(actions, key=lambda a: (a["date"], a["id"]))
    return FeedIndex(
        actions=actions,
        action_ms=[parse_iso_ms(a["date"]) for a in actions],
        action_secs=[id_second(a["id"]) for a in actions],
    )
