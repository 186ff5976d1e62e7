"""Generators of a board and the objects created with it: memberships, lists and labels.

A board record carries every field ``/members/me/boards`` returns (``fields=all``);
``BOARD_DEFAULT_FIELDS`` is the smaller set ``/boards/{id}`` gives when no ``fields`` is
asked. Lists and labels are laid a little after the board's creation second; a board starts
with Trello's six colour labels, most of them unnamed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import DAY, END_S, node_id, pick, ri, slug
from .ids import short_link
from .state import BoardIndex
from .vocabulary import COLORS, DESCRIPTIONS, LABEL_NAMES, LIST_NAMES

if TYPE_CHECKING:
    import random

    from .state import WorkspaceState

BOARD_DEFAULT_FIELDS = (
    "name",
    "desc",
    "descData",
    "closed",
    "idOrganization",
    "idEnterprise",
    "pinned",
    "url",
    "shortUrl",
    "labelNames",
    "prefs",
)
"""What ``/boards/{id}`` returns (besides ``id``) when no ``fields`` is asked, in Trello's
order: no ``dateLastActivity`` or ``dateLastView`` (ask ``fields=all`` or name them)."""


def _limit(disable: int) -> dict[str, Any]:
    return {"status": "ok", "disableAt": disable, "warnAt": int(disable * 0.8)}


BOARD_LIMITS = {
    "attachments": {"perBoard": _limit(36000), "perCard": _limit(1000)},
    "boards": {"totalMembersPerBoard": _limit(1600), "totalAccessRequestsPerBoard": _limit(4000)},
    "cards": {
        "openPerBoard": _limit(5000),
        "openPerList": _limit(5000),
        "totalPerBoard": _limit(2000000),
        "totalPerList": _limit(1000000),
    },
    "checklists": {"perBoard": _limit(1800000), "perCard": _limit(500)},
    "checkItems": {"perChecklist": _limit(200)},
    "customFields": {"perBoard": _limit(50)},
    "customFieldOptions": {"perField": _limit(50)},
    "labels": {"perBoard": _limit(1000)},
    "lists": {"openPerBoard": _limit(500), "totalPerBoard": _limit(3000)},
    "stickers": {"perCard": _limit(70)},
    "reactions": {"perAction": _limit(900), "uniquePerAction": _limit(17)},
}
"""A board's ``limits`` (Trello's object limits per board, card, list...)."""


def board_prefs(rng: random.Random, private: bool) -> dict[str, Any]:
    """A board's ``prefs`` (background, permission level, views...)."""
    bg = pick(rng, ["blue", "orange", "green", "red", "purple", "pink", "lime", "sky", "grey"])
    return {
        "permissionLevel": "private" if private else pick(rng, ["org", "private"]),
        "hideVotes": False,
        "voting": "disabled",
        "comments": "members",
        "invitations": "members",
        "selfJoin": True,
        "cardCovers": True,
        "cardCounts": False,
        "isTemplate": False,
        "cardAging": "regular",
        "calendarFeedEnabled": False,
        "hiddenPluginBoardButtons": [],
        "switcherViews": [
            {"viewType": "Board", "enabled": True},
            {"viewType": "Table", "enabled": True},
            {"viewType": "Calendar", "enabled": False},
            {"viewType": "Timeline", "enabled": False},
        ],
        "autoArchive": None,
        "background": bg,
        "backgroundColor": "#0079BF",
        "backgroundDarkColor": None,
        "backgroundImage": None,
        "backgroundDarkImage": None,
        "backgroundImageScaled": None,
        "backgroundTile": False,
        "backgroundBrightness": "dark",
        "sharedSourceUrl": None,
        "backgroundBottomColor": "#0079bf",
        "backgroundTopColor": "#0079bf",
        "canBePublic": True,
        "canBeEnterprise": True,
        "canBeOrg": True,
        "canBePrivate": True,
        "canInvite": True,
    }


def new_board(  # noqa: PLR0913
    ws: WorkspaceState,
    rng: random.Random,
    *,
    name: str,
    org: str | None,
    closed: bool,
    members: list[str],
    bstart: int,
    source: str | None,
    starred: bool,
    me_type: str | None,
) -> dict[str, Any]:
    """A board created at ``bstart`` with its memberships, registered in ``ws``.

    ``members[0]`` created it; ``me_type`` is the token's member's role (None: the token's
    member is not on it). ``source`` is the board it was copied from.
    """
    ids = ws.ids
    bid = ids.new(bstart)
    link = short_link(rng, ws.used_short_links)
    ws.short_links[link] = bid
    desc = pick(rng, DESCRIPTIONS)
    memberships = []
    for j, mid in enumerate(members):
        mtype = (
            me_type
            if mid == ws.me_id
            else ("admin" if j == 1 else pick(rng, ["normal", "normal", "observer"]))
        )
        memberships.append(
            {
                "id": ids.new(bstart + j),
                "idMember": mid,
                "memberType": mtype or "normal",
                "unconfirmed": j == 4,
                "deactivated": j == 5,
            }
        )
    board: dict[str, Any] = {
        "id": bid,
        "nodeId": node_id("board", org, bid),
        "name": name,
        "desc": desc,
        "descData": {"emoji": {}} if desc else None,
        "closed": closed,
        "dateClosed": None,
        "idOrganization": org,
        "idEnterprise": None,
        "limits": BOARD_LIMITS,
        "pinned": False,
        "starred": starred,
        "url": f"https://trello.com/b/{link}/{slug(name) or 'board'}",
        "prefs": board_prefs(rng, me_type is None),
        "shortLink": link,
        "subscribed": False,
        "labelNames": {},
        "powerUps": [],
        "dateLastActivity": None,
        "dateLastView": None,
        "shortUrl": f"https://trello.com/b/{link}",
        "idTags": [],
        "datePluginDisable": None,
        "creationMethod": None if source is None else "copy",
        "ixUpdate": str(ri(rng, 100, 99999)),
        "templateGallery": None,
        "enterpriseOwned": False,
        "idBoardSource": source,
        "premiumFeatures": [],
        "idMemberCreator": members[0],
        "type": "board",
        "memberships": memberships,
    }
    ws.boards[bid] = board
    ws.memberships[bid] = memberships
    ws.board_refs[bid] = {"id": bid, "name": name, "shortLink": link}
    if org:
        ws.organizations[org]["idBoards"].append(bid)
    for mid in members:
        ws.members[mid]["idBoards"].append(bid)
    ws.index[bid] = BoardIndex(members=list(members))
    return board


def generate_lists(  # noqa: PLR0913
    ws: WorkspaceState,
    rng: random.Random,
    board_id: str,
    bstart: int,
    *,
    big: bool,
    count: int | None = None,
) -> list[str]:
    """The board's lists, a few seconds apart after its creation; the last may be archived.

    ``count`` lists if given, else 8 on the big board and 3-6 on the others.
    """
    n_lists = count if count is not None else (8 if big else ri(rng, 3, 6))
    list_ids: list[str] = []
    t = bstart
    for j in range(n_lists):
        t += ri(rng, 1, 90)
        lid = ws.ids.new(t)
        closed = (big and j >= n_lists - 2) or (not big and j == n_lists - 1 and rng.random() < 0.4)
        ws.lists[lid] = {
            "id": lid,
            "name": LIST_NAMES[j % len(LIST_NAMES)],
            "closed": closed,
            "color": None,
            "idBoard": board_id,
            "pos": 16384 * (j + 1),
            "subscribed": False,
            "softLimit": None,
            "type": None,
            "datasource": {"filter": False},
        }
        list_ids.append(lid)
    ws.index[board_id].lists = list_ids
    return list_ids


def generate_labels(
    ws: WorkspaceState, rng: random.Random, board: dict[str, Any], bstart: int, *, big: bool
) -> None:
    """Trello's six colour labels (created with the board) and more, some without colour."""
    bid, org = board["id"], board["idOrganization"]
    idx = ws.index[bid]
    n_labels = 62 if big else ri(rng, 6, 12)
    label_names: dict[str, str] = dict.fromkeys(COLORS, "")
    for j in range(n_labels):
        if j < 6:
            color: str | None = COLORS[j]
            name = "" if j % 2 else LABEL_NAMES[1 + j]
            sec = bstart
        else:
            color = None if rng.random() < 0.1 else pick(rng, COLORS)
            name = LABEL_NAMES[j % len(LABEL_NAMES)] + ("" if j < len(LABEL_NAMES) else f" {j}")
            sec = ri(rng, bstart, bstart + 200 * DAY) if bstart < END_S else bstart
        label_id = ws.ids.new(sec)
        ws.labels[label_id] = {
            "id": label_id,
            "idBoard": bid,
            "idOrganization": org,
            "name": name,
            "nodeId": node_id("label", org, label_id),
            "color": color,
            "uses": 0,
        }
        idx.labels.append(label_id)
        if color and not label_names[color]:
            label_names[color] = name
    board["labelNames"] = label_names
    idx.labels.sort()
