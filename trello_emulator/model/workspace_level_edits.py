"""Edits of the workspace level: people joining, leaving or deactivated, and Power-Up data.

Why these traces (``organization_level.py`` and ``plugin_data.py`` say what they follow):

* a member added, removed or made admin/normal leaves its action in the workspace's own
  feed (``addMemberToOrganization``, ``removeMemberFromOrganization``,
  ``makeAdminOfOrganization``, ``makeNormalMemberOfOrganization``); the person stays on the
  boards they were on (a board membership is the board's own: taking them off is
  ``remove_member``, which the board feed never shows);
* a membership deactivated leaves no action: no action type is known for it, so a tap
  only sees it by reading the memberships again;
* ``updateOrganization`` records the old description, as ``updateBoard`` does;
* a Power-Up writing a card's data leaves no action in any feed (there is no action type
  for it) but it is a change of the card: like a custom field value set (recorded moving
  the card's and the board's ``dateLastActivity``; Power-Up data is where custom fields
  lived before they were built in), it moves both dates to the entry's new
  ``dateLastUpdated``. ``plugin_data_moves_activity = False`` on a workspace
  makes it move nothing, to check a tap under the pessimistic reading. A board's own
  entry is a board setting and, like a rename or a prefs change, moves no activity date.

Every dated edit runs on the workspace's logical clock; ids come from ``side_ids`` (one server,
``side_process``) and milliseconds from ``side_rng``, so these edits leave the ids and
draws of the board edits as they were.
"""

from __future__ import annotations

from typing import Any

from .actions import build_action
from .common import ri
from .edits import DeletionEdits
from .ids import iso_ms
from .members import MEMBER_CREATOR_FIELDS, build_member
from .organization_level import (
    board_moved_data,
    is_premium,
    member_added_data,
    member_data,
    organization_ref,
)
from .plugin_data import STORY_POINTS, plugin_entry, plugin_value

DEFAULT_ORG_ACTION_TYPES = (
    "updateOrganization",
    "makeAdminOfOrganization",
    "makeNormalMemberOfOrganization",
)


class WorkspaceLevelEdits(DeletionEdits):
    """Edits of workspaces (organizations) and of Power-Up data."""

    plugin_data_moves_activity = True
    """Whether a card's Power-Up data written moves the card's and board's activity dates."""

    # ------------------------------------------------------------------ building blocks
    def _ms(self) -> int:
        return ri(self.side_rng, 0, 999)

    def _org_action(  # noqa: PLR0913, PLR0917
        self,
        org_id: str,
        atype: str,
        data: dict[str, Any],
        sec: int,
        ms: int,
        creator: str | None = None,
    ) -> dict[str, Any]:
        """Record an action as the newest of a workspace's feed."""
        action = build_action(
            self,
            action_id=self.side_ids.new(sec, self.side_process),
            action_type=atype,
            data=data,
            date_ms=sec * 1000 + ms,
            creator=creator or self.me_id,
        )
        feed = self.org_feeds[org_id]
        feed.actions.append(action)
        feed.action_ms.append(sec * 1000 + ms)
        feed.action_secs.append(sec)
        feed.cache.clear()
        return action

    def _membership(self, org_id: str, member_id: str) -> dict[str, Any]:
        """The membership of ``member_id`` in a workspace (KeyError: none)."""
        for m in self.organizations[org_id]["memberships"]:
            if m["idMember"] == member_id:
                return m  # type: ignore[no-any-return]
        msg = f"{member_id} is not in workspace {org_id}"
        raise KeyError(msg)

    def _set_membership(self, org_id: str, member_id: str, **changes: Any) -> dict[str, Any]:
        """Replace a membership by a changed copy (copy-on-write, as cards)."""
        org = self.organizations[org_id]
        new = dict(self._membership(org_id, member_id), **changes)
        org["memberships"] = [new if m["idMember"] == member_id else m for m in org["memberships"]]
        return new

    def _new_person(self, sec: int) -> str:
        """A person who signs up now and shares no board with the token's member."""
        n = len(self.org_only_members) + 1
        mid = self.side_ids.new(sec, self.side_process)
        member = build_member(mid, f"New teammate {n} 👋", f"newteammate{n}", avatar=None)
        self.org_only_members[mid] = member
        self.member_creators[mid] = {k: member[k] for k in MEMBER_CREATOR_FIELDS}
        return mid

    def _add_member(self, org_id: str, member_id: str | None, sec: int, ms: int) -> dict[str, Any]:
        org = self.organizations[org_id]
        mid = member_id or self._new_person(sec)
        if any(m["idMember"] == mid for m in org["memberships"]):
            msg = f"{mid} is already in workspace {org_id}"
            raise ValueError(msg)
        membership: dict[str, Any] = {
            "id": self.side_ids.new(sec, self.side_process),
            "idMember": mid,
            "memberType": "normal",
            "unconfirmed": not self.member_record(mid)["confirmed"],
            "deactivated": False,
        }
        if is_premium(org):
            membership["lastActive"] = iso_ms(sec * 1000 + ms)
        org["memberships"] = [*org["memberships"], membership]
        orgs = self.member_record(mid)["idOrganizations"]
        if (mid in self.org_only_members or mid == self.me_id) and org_id not in orgs:
            orgs.append(org_id)
        data = member_added_data(self, org_id, mid)
        return self._org_action(org_id, "addMemberToOrganization", data, sec, ms)

    def _set_type(
        self, org_id: str, member_id: str, admin: bool, sec: int, ms: int
    ) -> dict[str, Any]:
        self._set_membership(org_id, member_id, memberType="admin" if admin else "normal")
        atype = "makeAdminOfOrganization" if admin else "makeNormalMemberOfOrganization"
        return self._org_action(org_id, atype, member_data(self, org_id, member_id), sec, ms)

    def _update(self, org_id: str, desc: str, sec: int, ms: int) -> dict[str, Any]:
        org = self.organizations[org_id]
        old = org["desc"]
        org["desc"] = desc
        org["descData"] = {"emoji": {}} if desc else None
        data = {
            "organization": {**organization_ref(self, org_id), "desc": desc},
            "old": {"desc": old},
        }
        return self._org_action(org_id, "updateOrganization", data, sec, ms)

    def _remove(self, org_id: str, member_id: str, sec: int, ms: int) -> dict[str, Any]:
        self._membership(org_id, member_id)  # KeyError when not in it
        org = self.organizations[org_id]
        org["memberships"] = [m for m in org["memberships"] if m["idMember"] != member_id]
        orgs = self.member_record(member_id)["idOrganizations"]
        if org_id in orgs:
            orgs.remove(org_id)
        data = member_data(self, org_id, member_id, removed=True)
        return self._org_action(org_id, "removeMemberFromOrganization", data, sec, ms)

    # ------------------------------------------------------------------ workspaces
    def add_organization_member(self, org_id: str, member_id: str | None = None) -> dict[str, Any]:
        """Add a person (None: a new one) to a workspace: ``addMemberToOrganization``."""
        with self.lock:
            return self._add_member(org_id, member_id, self._tick(), self._ms())

    def remove_organization_member(self, org_id: str, member_id: str) -> dict[str, Any]:
        """A member leaves a workspace: membership gone, ``removeMemberFromOrganization``."""
        with self.lock:
            return self._remove(org_id, member_id, self._tick(), self._ms())

    def deactivate_organization_member(self, org_id: str, member_id: str) -> dict[str, Any]:
        """Deactivate a member's membership (no action); the new membership."""
        with self.lock:
            return self._set_membership(org_id, member_id, deactivated=True)

    def set_organization_member_type(
        self, org_id: str, member_id: str, admin: bool
    ) -> dict[str, Any]:
        """Make a member admin or normal: ``makeAdminOfOrganization`` / ``…NormalMember…``."""
        with self.lock:
            return self._set_type(org_id, member_id, admin, self._tick(), self._ms())

    def update_organization(self, org_id: str, desc: str) -> dict[str, Any]:
        """Change a workspace's description: ``updateOrganization`` with ``old.desc``."""
        with self.lock:
            return self._update(org_id, desc, self._tick(), self._ms())

    def add_organization_actions(
        self,
        org_id: str,
        n: int,
        same_second: bool = False,
        types: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """``n`` workspace actions, oldest first, each doing what it says.

        ``types`` (cycled) among ``updateOrganization`` (a new description),
        ``makeAdminOfOrganization`` / ``makeNormalMemberOfOrganization`` (a member other
        than the token's; a no-op when nobody fits, still logged), ``addMemberToOrganization``
        (a new person), ``removeMemberFromOrganization`` (the newest member but the token's)
        and ``addToOrganizationBoard`` / ``removeFromOrganizationBoard`` (a board of the
        workspace leaving and coming back: the pair's data only). ``same_second`` puts them
        all in one second, milliseconds in creation order.
        """
        cycle = types or list(DEFAULT_ORG_ACTION_TYPES)
        with self.lock:
            sec = self._tick()
            out = []
            for k in range(n):
                if k and not same_second:
                    sec = self._tick()
                ms = min(999, k * 1000 // n) if same_second else self._ms()
                out.append(self._one_org_action(org_id, cycle[k % len(cycle)], sec, ms))
            return out

    def _one_org_action(self, org_id: str, atype: str, sec: int, ms: int) -> dict[str, Any]:
        org = self.organizations[org_id]
        others = [
            m
            for m in org["memberships"]
            if m["idMember"] != self.me_id and not (m["deactivated"] or m["unconfirmed"])
        ]
        if atype == "updateOrganization":
            return self._update(org_id, f"Edited at {iso_ms(sec * 1000 + ms)}", sec, ms)
        if atype in ("makeAdminOfOrganization", "makeNormalMemberOfOrganization"):
            admin = atype == "makeAdminOfOrganization"
            wanted = "normal" if admin else "admin"
            fits = [m for m in others if m["memberType"] == wanted] or others
            if not fits:  # nobody but the token's member: logged, nothing changes
                data = member_data(self, org_id, self.me_id)
                return self._org_action(org_id, atype, data, sec, ms)
            return self._set_type(org_id, fits[0]["idMember"], admin, sec, ms)
        if atype == "addMemberToOrganization":
            return self._add_member(org_id, None, sec, ms)
        if atype == "removeMemberFromOrganization":
            newest = max(others, key=lambda m: m["id"])["idMember"]
            return self._remove(org_id, newest, sec, ms)
        if atype in ("addToOrganizationBoard", "removeFromOrganizationBoard"):
            board = next(b for b in org["idBoards"] if b in self.boards)
            return self._org_action(org_id, atype, board_moved_data(self, org_id, board), sec, ms)
        msg = f"not a workspace action type: {atype}"
        raise ValueError(msg)

    # ------------------------------------------------------------------ Power-Up data
    def set_plugin_data(
        self,
        model_id: str,
        value: str | dict[str, Any],
        plugin_id: str | None = None,
        access: str = "shared",
    ) -> dict[str, Any]:
        """A Power-Up writes its data on a card or a board; the entry.

        ``value`` a JSON string or an object (written as compact JSON); ``plugin_id``
        default: the Story Points Power-Up. The entry of that Power-Up and ``access`` on the
        model gets the new value and ``dateLastUpdated`` (created when there is none). A
        card's change moves its and its board's ``dateLastActivity`` (see the module
        docstring); a board's moves nothing.
        """
        with self.lock:
            is_card = model_id in self.cards
            mid = model_id if is_card else (self.resolve_board(model_id) or model_id)
            if not is_card and mid not in self.boards:
                raise KeyError(model_id)
            plugin = plugin_id or self.power_ups[STORY_POINTS]
            sec, ms = self._tick(), self._ms()
            text = value if isinstance(value, str) else plugin_value(value)
            entries = self.plugin_data.get(mid, [])
            old = next(
                (e for e in entries if e["idPlugin"] == plugin and e["access"] == access), None
            )
            entry = plugin_entry(
                entry_id=old["id"] if old else self.side_ids.new(sec, self.side_process),
                plugin_id=plugin,
                scope="card" if is_card else "board",
                model_id=mid,
                value=text,
                access=access,
                updated_ms=sec * 1000 + ms,
            )
            self.plugin_data[mid] = [entry if e is old else e for e in entries] + (
                [] if old else [entry]
            )
            if is_card and self.plugin_data_moves_activity:
                self._card_activity(mid, entry["dateLastUpdated"])
                self._board_activity(self.cards[mid]["idBoard"], sec * 1000 + ms)
            return entry
