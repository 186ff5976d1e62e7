"""Generators of members and organizations (Trello workspaces), with every field Trello sends.

The first member is the token's own (``me_id``), the only one with an email and login
types; the others share boards with it. Organizations are the two workspaces the token's
member belongs to; who else is in them, and people known through a workspace only, come
from ``organization_level.py`` (:func:`build_member` builds their records too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import DAY, initials, ri, slug
from .ids import epoch_s, hex_string
from .vocabulary import PEOPLE

if TYPE_CHECKING:
    import random

    from .state import WorkspaceState

MEMBER_DEFAULT_FIELDS = ("fullName", "username")
"""What ``/boards/{id}/members`` and ``/organizations/{id}/members`` give without ``fields``."""
CARD_MEMBER_FIELDS = ("avatarHash", "fullName", "initials", "username")
"""What a card's nested ``members`` carry."""
MEMBER_CREATOR_FIELDS = (
    "id",
    "activityBlocked",
    "avatarHash",
    "avatarUrl",
    "fullName",
    "idMemberReferrer",
    "initials",
    "nonPublic",
    "nonPublicAvailable",
    "username",
)
"""What an action's ``memberCreator`` carries."""


def generate_members(ws: WorkspaceState, rng: random.Random) -> None:
    """Thirteen members; the first is the token's (``ws.me_id``)."""
    for i, (full, user) in enumerate(PEOPLE[:13]):
        mid = ws.ids.new(epoch_s(2018, 1, 1) + ri(rng, 0, 4 * 365 * DAY))
        avatar = hex_string(rng, 32) if i % 4 != 3 else None
        member = build_member(
            mid,
            full,
            user,
            avatar=avatar,
            bio="" if i % 3 else "Hi! 👋",
            confirmed=i != 11,
            me=i == 0,
        )
        ws.members[mid] = member
        ws.member_creators[mid] = {k: member[k] for k in MEMBER_CREATOR_FIELDS}
        if i == 0:
            ws.me_id = mid


def build_member(  # noqa: PLR0913
    member_id: str,
    full_name: str,
    username: str,
    *,
    avatar: str | None,
    bio: str = "",
    confirmed: bool = True,
    me: bool = False,
    member_type: str = "normal",
) -> dict[str, Any]:
    """A member record with every field ``/members/{id}`` returns (only ``me`` has an email).

    ``member_type`` is ``"ghost"`` for a person invited by email who never signed up.
    """
    return {
        "id": member_id,
        "activityBlocked": False,
        "avatarHash": avatar,
        "avatarUrl": f"https://trello-members.s3.amazonaws.com/{member_id}/{avatar}"
        if avatar
        else None,
        "bio": bio,
        "bioData": None,
        "confirmed": confirmed,
        "fullName": full_name,
        "idEnterprise": None,
        "idEnterprisesDeactivated": [],
        "idMemberReferrer": None,
        "idPremOrgsAdmin": [],
        "initials": initials(full_name),
        "memberType": member_type,
        "nonPublic": {},
        "nonPublicAvailable": True,
        "products": [],
        "url": f"https://trello.com/{username}",
        "username": username,
        "status": "disconnected",
        "aaEmail": None,
        "aaEnrolledDate": None,
        "aaId": None,
        "avatarSource": "upload" if avatar else "none",
        "email": f"{username}@example.com" if me else None,
        "gravatarHash": None,
        "idBoards": [],
        "idOrganizations": [],
        "idEnterprisesAdmin": [],
        "loginTypes": ["password"] if me else None,
        "oneTimeMessagesDismissed": [],
        "premiumFeatures": [],
        "trophies": [],
        "idBoardsPinned": None,
    }


def generate_organizations(ws: WorkspaceState, rng: random.Random) -> None:
    """Two organizations created by the token's member, which belongs to both."""
    for name, display in (
        ("acmeworkspace", "ACME Workspace"),
        ("équipe_nord", "Équipe Nord 🧭"),
    ):
        oid = ws.ids.new(epoch_s(2022, 3, 1) + ri(rng, 0, 200 * DAY))
        short = slug(name) or "team"
        acme = short.startswith("acme")
        ws.organizations[oid] = {
            "id": oid,
            "name": short + hex_string(rng, 4),
            "displayName": display,
            "desc": "" if acme else "Nordic team — ops & support",
            "descData": None if acme else {"emoji": {}},
            "url": f"https://trello.com/w/{short}",
            "website": None,
            "teamType": "engineering-it" if acme else None,
            "logoHash": None,
            "logoUrl": None,
            "offering": "trello.business_class",
            "products": [110],
            "powerUps": [],
            "idBoards": [],
            "idMemberCreator": ws.me_id,
            "idEnterprise": None,
            "premiumFeatures": [],
            "memberships": [],
        }
        ws.members[ws.me_id]["idOrganizations"].append(oid)


def member_ref(ws: WorkspaceState, member_id: str) -> dict[str, Any]:
    """The ``member`` object of member actions: ``{id, name}``."""
    return {"id": member_id, "name": ws.member_record(member_id)["fullName"]}
