"""A seeded, deterministic Trello workspace for the emulator.

``Workspace.generate(seed=1, boards=4, cards=3000, actions=4200, bulk=True)`` builds the
whole data set with ``random.Random(seed)`` (no wall clock, no global random). Times lie
between 2023-01-01 and 2026-06-01 UTC. Every id is a Mongo ObjectId whose first 4 bytes
are the object's creation second; an action's ``date`` lies in its id's second.

Shape of the data set
---------------------
* ``me_id``: the token's member; ~12 other members shared across boards.
* 2 organizations; ``boards`` visible boards: board 0 is the BIG board
  (``big_board_id``, about ``big_share`` of all cards and actions, > 50 labels), board 1
  (if any) has ``idOrganization`` null, the last board (if >= 3 boards) is closed, board 2
  (if >= 4 boards) was created by ``copyBoard`` from board 0. One more board,
  ``invisible_board_id``, exists but the token's member is not on it.
* Bulk runs (``bulk=True``, big board): cards ``run_a`` (~600 created in one second,
  newest-first positions 700..1299 of ``filter=all``), ``run_b`` (1,200 cards in one
  second over several lists, positions 1400..2599), actions ``run_c`` (~800 actions in one
  second, positions 600..1399, dates spread over that second's milliseconds with ties).
  ``ws.runs`` describes them: ``{"cards_a": {"second", "ids", "positions"}, ...}``.

Public read API (what the HTTP API returns for the matching request)
--------------------------------------------------------------------
Attributes: ``seed``, ``me_id``, ``api_key`` (32 hex), ``token`` (64 hex),
``big_board_id``, ``invisible_board_id``, ``runs``, ``lock`` (an RLock guarding all data),
and dicts id -> raw record: ``boards`` (every board field, as ``fields=all``), ``lists``,
``labels``, ``cards`` (the card as ``/boards/{id}/cards`` returns it, without extras),
``checklists`` (with ``checkItems``), ``actions``, ``members`` (full member, as
``/members/me``), ``organizations``, ``custom_fields``, ``memberships`` (board id -> list),
``card_custom_field_items``, ``card_attachments`` (card id -> list), ``deleted_cards``
(card id -> {id, idShort, shortLink, idBoard, idList} of cards only known from
``deleteCard`` actions or ``delete_card()``).

Methods (lists are fresh lists of the stored dicts; do not mutate them):
* ``visible_board_ids(include_closed=True)`` - boards of ``/members/me/boards``.
* ``board_cards(board_id, filter="all", *, custom_field_items=False, attachments=False,
  checklists=False, members=False)`` - sorted by id ascending (the API shuffles pages).
* ``board_actions(board_id, types=None)`` - newest first (date desc, then id desc).
* ``board_lists(board_id, filter="all")``, ``board_labels(board_id)``,
  ``board_members(board_id)`` ({id, fullName, username}), ``board_memberships``,
  ``board_checklists``, ``board_custom_fields``, ``list_cards(list_id, filter="all")``,
  ``check_items(board_id)`` (flattened, each with idChecklist).

Mutation API (uses a logical clock strictly after all existing data; thread-safe):
* ``add_cards(board_id, n, same_second=False, list_id=None) -> list[card]`` (oldest
  first; also adds one ``createCard`` action per card in the card's second).
* ``add_actions(board_id, n, types=None, same_second=False) -> list[action]`` (oldest
  first; card actions bump the card's ``dateLastActivity``).
* ``touch_card(card_id) -> card`` (new desc, ``updateCard`` action, dateLastActivity).
* ``archive_card(card_id) -> card`` (closed=True, ``updateCard`` with ``data.old.closed``).
* ``delete_card(card_id) -> action`` (card gone, ``deleteCard`` action with data.card
  {id, idShort, shortLink}, data.board, data.list).
* ``add_board(name=None, organization_id=None) -> board`` (token's member is admin).
Records are copy-on-write: a mutated card is a new dict.
"""

from __future__ import annotations

import bisect
import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from .ids import ObjectIdFactory, epoch_s, hex_string, id_second, iso_ms, parse_iso_ms, short_link

START_S = epoch_s(2023, 1, 1)
END_S = epoch_s(2026, 6, 1)
DAY = 86_400
COLORS = ["green", "yellow", "orange", "red", "purple", "blue", "sky", "lime", "pink", "black"]
BOARD_DEFAULT_FIELDS = (
    "name",
    "desc",
    "descData",
    "closed",
    "idOrganization",
    "pinned",
    "url",
    "shortUrl",
    "prefs",
    "labelNames",
)
MEMBER_DEFAULT_FIELDS = ("fullName", "username")
CARD_MEMBER_FIELDS = ("avatarHash", "fullName", "initials", "username")

_PEOPLE = [
    ("Dana Whitfield", "danawhitfield"),
    ("José Núñez", "josenunez"),
    ("Zoë Ødegaard", "zoeodegaard"),
    ("李小龙", "xiaolongli"),
    ("Ægir Þórsson", "aegirthorsson"),
    ("Siobhán O'Brien", "siobhanobrien"),
    ("Renée Lévesque", "reneelevesque"),
    ("Олег Петров", "olegpetrov"),
    ("Priya Raman", "priyaraman"),
    ("Kwame Mensah", "kwamemensah"),
    ("Łucja Wróbel", "lucjawrobel"),
    ("Mateo García", "mateogarcia"),
    ("Yuki Tanaka 🌸", "yukitanaka"),
    ("Fatima Al-Sayed", "fatimaalsayed"),
    ("Björn Åkesson", "bjornakesson"),
]
_BOARD_NAMES = [
    "Product Roadmap 🚀",
    "Marketing — Q3",
    "Support Escalations",
    "Équipe Design",
    "Hiring Pipeline",
    "Infra & Ops",
    "Kundenprojekte",
    "研究开发",
    "Personal TODO",
    "Launch Checklist ✅",
    "Data Platform",
    "Sales Pipeline",
    "Mobile App",
    "Événements",
    "Content Calendar",
    "Security Reviews",
    "Partner Integrations",
    "Finance Close",
    "Website Redesign",
    "Customer Research",
]
_LIST_NAMES = [
    "Backlog 📥",
    "To Do",
    "Doing",
    "Review / QA",
    "Done ✔",
    "Blocked ⛔",
    "Ideas 💡",
    "Später",
    "Próximo sprint",
    "Archive 2023",
]
_LABEL_NAMES = [
    "",
    "bug 🐛",
    "feature",
    "urgent",
    "backend",
    "frontend",
    "design",
    "docs",
    "tech debt",
    "customer",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "blocked",
    "needs review",
    "wontfix",
    "priorité",
    "größer",
    "小さい",
    "infra",
    "security",
    "performance",
    "UX",
    "API",
    "mobile",
    "",
]
_CARD_WORDS = [
    "Fix",
    "Add",
    "Update",
    "Review",
    "Design",
    "Migrate",
    "Refactor",
    "Write",
    "Plan",
    "Investigate",
    "Ship",
    "Test",
    "Document",
    "Überprüfen",
    "Préparer",
    "Revisar",
    "整理",
]
_CARD_OBJECTS = [
    "login flow",
    "billing page",
    "onboarding email",
    "API rate limits",
    "dashboard 📊",
    "release notes",
    "café menu",
    "naïve résumé parser",
    "search index",
    "CSV export",
    "webhooks",
    "dark mode 🌙",
    "Straße address form",
    "日本語 translation",
    "mobile nav",
    "invoice PDF",
    "SSO (SAML)",
    "report for 🇫🇷 team",
    "cache layer",
    "S3 backups",
]
_DESCS = [
    "",
    "",
    "",
    "See the spec in the shared drive.\n\n- step 1\n- step 2",
    "Customer reported this twice 😬",
    "Blocked until the API team ships v2.",
    "Acceptance criteria:\n* works on mobile\n* <200 ms",
    "Voir le ticket précédent.",
    "Ünïcödé désc with emoji 🎉 and CJK 漢字",
]
_COMMENTS = [
    "LGTM 👍",
    "Can we ship this Friday?",
    "Moved to next sprint.",
    "@dana please review",
    "Done — merci !",
    "Needs more info from the customer.",
    "Tested on staging ✅",
    "見積もりは3日です",
    "Blocked by infra ⛔",
]
_CF_TYPES = ["text", "number", "date", "checkbox", "list"]
_CF_NAMES = {
    "text": "Notes 📝",
    "number": "Story points",
    "date": "Deadline",
    "checkbox": "Approved?",
    "list": "Priority 🏔",
}
_ATT_KINDS = [
    ("image/png", "screenshot.png", True),
    ("application/pdf", "spec-v2.pdf", True),
    ("", "https://github.com/acme/app/pull/42", False),
    ("image/jpeg", "whiteboard.jpg", True),
    ("text/csv", "données.csv", True),
    ("", "https://docs.google.com/document/d/abc", False),
]
_ACTION_WEIGHTS = [
    ("updateCard", 26),
    ("commentCard", 16),
    ("addMemberToCard", 6),
    ("removeMemberFromCard", 2),
    ("addLabelToCard", 6),
    ("removeLabelFromCard", 1),
    ("addChecklistToCard", 4),
    ("updateCheckItemStateOnCard", 6),
    ("addAttachmentToCard", 4),
    ("deleteCard", 2),
    ("updateList", 1),
    ("updateCustomFieldItem", 3),
    ("updateBoard", 1),
]
_EMPTY: dict[str, Any] = {}
_COMMENT_LIMITS = {
    "reactions": {
        "perAction": {"status": "ok", "disableAt": 900, "warnAt": 720},
        "uniquePerAction": {"status": "ok", "disableAt": 17, "warnAt": 14},
    }
}


def _lim(disable: int) -> dict[str, Any]:
    return {"status": "ok", "disableAt": disable, "warnAt": int(disable * 0.8)}


_BOARD_LIMITS = {
    "attachments": {"perBoard": _lim(36000), "perCard": _lim(1000)},
    "boards": {"totalMembersPerBoard": _lim(1600), "totalAccessRequestsPerBoard": _lim(4000)},
    "cards": {
        "openPerBoard": _lim(5000),
        "openPerList": _lim(5000),
        "totalPerBoard": _lim(2000000),
        "totalPerList": _lim(1000000),
    },
    "checklists": {"perBoard": _lim(1800000), "perCard": _lim(500)},
    "checkItems": {"perChecklist": _lim(200)},
    "customFields": {"perBoard": _lim(50)},
    "customFieldOptions": {"perField": _lim(50)},
    "labels": {"perBoard": _lim(1000)},
    "lists": {"openPerBoard": _lim(500), "totalPerBoard": _lim(3000)},
    "stickers": {"perCard": _lim(70)},
    "reactions": {"perAction": _lim(900), "uniquePerAction": _lim(17)},
}


def _ri(rng: random.Random, a: int, b: int) -> int:
    """Fast ``rng.randint(a, b)``."""
    return a + int(rng.random() * (b - a + 1))


def _pick(rng: random.Random, seq: Any) -> Any:
    """Fast ``rng.choice(seq)``."""
    return seq[int(rng.random() * len(seq))]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _initials(name: str) -> str:
    parts = [p for p in name.split() if p[:1].isalpha()]
    return "".join(p[0] for p in parts[:3]).upper() or name[:1]


@dataclass
class _BoardIndex:
    """Per-board sorted indexes (cards by id asc; actions by (date, id) asc)."""

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
    version: int = 0
    cache: dict[Any, Any] = field(default_factory=dict)


class Workspace:
    """A Trello workspace: records plus per-board indexes and a mutation API."""

    def __init__(self, seed: int) -> None:
        """Empty workspace; use :meth:`generate`."""
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
        self._idx: dict[str, _BoardIndex] = {}
        self._used_links: set[str] = set()
        self._member_creator: dict[str, dict[str, Any]] = {}
        self._board_ref: dict[str, dict[str, Any]] = {}
        self._card_ref: dict[str, dict[str, Any]] = {}
        self._rng = random.Random(seed)
        self._idf = ObjectIdFactory(self._rng)
        self._clock_s = END_S
        self._mut_proc = ""

    # ------------------------------------------------------------------ generation
    @classmethod
    def generate(  # noqa: PLR0917
        cls,
        seed: int = 1,
        boards: int = 4,
        cards: int = 3000,
        actions: int = 4200,
        bulk: bool = True,
        big_share: float = 0.88,
    ) -> Workspace:
        """Build a deterministic workspace for ``seed``."""
        ws = cls(seed)
        rng = ws._rng
        ws.api_key = hex_string(rng, 32)
        ws.token = hex_string(rng, 64)
        ws._gen_members(rng)
        ws._gen_orgs(rng)
        n_boards = max(1, boards)
        if n_boards == 1:
            card_split, action_split = [cards], [actions]
        else:
            card_split = cls._split(rng, cards, n_boards, big_share)
            action_split = cls._split(rng, actions, n_boards, big_share)
        org_ids = list(ws.organizations)
        others = [m for m in ws.members if m != ws.me_id]
        for i in range(n_boards):
            if i == 0:
                org: str | None = org_ids[0]
            elif i == 1:
                org = None
            else:
                org = org_ids[i % 2]
            closed = n_boards >= 3 and i == n_boards - 1
            size = 9 if i == 0 else _ri(rng, 3, 7)
            board_members = [ws.me_id, *rng.sample(others, min(size, len(others)))]
            bstart = START_S + DAY + (0 if i == 0 else _ri(rng, DAY, 300 * DAY))
            name = _BOARD_NAMES[i % len(_BOARD_NAMES)] + ("" if i < len(_BOARD_NAMES) else f" {i}")
            bid = ws._gen_board(
                rng,
                name=name,
                org=org,
                closed=closed,
                members=board_members,
                bstart=bstart,
                n_cards=card_split[i],
                n_actions=action_split[i],
                big=(i == 0),
                bulk=bulk and i == 0,
                source=(ws.big_board_id if i == 2 and n_boards >= 4 else None),
                me_type="observer" if i == 3 else "admin",
            )
            if i == 0:
                ws.big_board_id = bid
        hidden_members = rng.sample(others, 3)
        ws.invisible_board_id = ws._gen_board(
            rng,
            name="Private — HR 🔒",
            org=org_ids[1],
            closed=False,
            members=hidden_members,
            bstart=START_S + 40 * DAY,
            n_cards=12,
            n_actions=20,
            big=False,
            bulk=False,
            source=None,
            me_type=None,
        )
        ws._finish()
        return ws

    @staticmethod
    def _split(rng: random.Random, total: int, n: int, big_share: float) -> list[int]:
        big = round(total * big_share)
        rest = total - big
        weights = [rng.uniform(0.5, 1.5) for _ in range(n - 1)]
        sw = sum(weights)
        parts = [int(rest * w / sw) for w in weights]
        parts[0] += rest - sum(parts)
        return [big, *parts]

    def _gen_members(self, rng: random.Random) -> None:
        for i, (full, user) in enumerate(_PEOPLE[:13]):
            mid = self._idf.new(epoch_s(2018, 1, 1) + _ri(rng, 0, 4 * 365 * DAY))
            avatar = hex_string(rng, 32) if i % 4 != 3 else None
            member = {
                "id": mid,
                "activityBlocked": False,
                "avatarHash": avatar,
                "avatarUrl": f"https://trello-members.s3.amazonaws.com/{mid}/{avatar}"
                if avatar
                else None,
                "bio": "" if i % 3 else "Hi! 👋",
                "bioData": None,
                "confirmed": i != 11,
                "fullName": full,
                "idEnterprise": None,
                "idEnterprisesDeactivated": [],
                "idMemberReferrer": None,
                "idPremOrgsAdmin": [],
                "initials": _initials(full),
                "memberType": "normal",
                "nonPublic": {},
                "nonPublicAvailable": True,
                "products": [],
                "url": f"https://trello.com/{user}",
                "username": user,
                "status": "disconnected",
                "aaEmail": None,
                "aaEnrolledDate": None,
                "aaId": None,
                "avatarSource": "upload" if avatar else "none",
                "email": f"{user}@example.com" if i == 0 else None,
                "gravatarHash": None,
                "idBoards": [],
                "idOrganizations": [],
                "idEnterprisesAdmin": [],
                "loginTypes": ["password"] if i == 0 else None,
                "oneTimeMessagesDismissed": [],
                "premiumFeatures": [],
                "trophies": [],
                "idBoardsPinned": None,
            }
            self.members[mid] = member
            self._member_creator[mid] = {
                k: member[k]
                for k in (
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
            }
            if i == 0:
                self.me_id = mid

    def _gen_orgs(self, rng: random.Random) -> None:
        for name, display in (
            ("acmeworkspace", "ACME Workspace"),
            ("équipe_nord", "Équipe Nord 🧭"),
        ):
            oid = self._idf.new(epoch_s(2022, 3, 1) + _ri(rng, 0, 200 * DAY))
            slug = _slug(name) or "team"
            self.organizations[oid] = {
                "id": oid,
                "name": slug + hex_string(rng, 4),
                "displayName": display,
                "desc": "" if slug.startswith("acme") else "Nordic team — ops & support",
                "descData": None if slug.startswith("acme") else {"emoji": {}},
                "url": f"https://trello.com/w/{slug}",
                "website": None,
                "teamType": "engineering-it" if slug.startswith("acme") else None,
                "logoHash": None,
                "logoUrl": None,
                "offering": "trello.business_class",
                "products": [110],
                "powerUps": [],
                "idBoards": [],
                "idMemberCreator": self.me_id,
                "idEnterprise": None,
                "premiumFeatures": [],
                "memberships": [],
            }
            self.members[self.me_id]["idOrganizations"].append(oid)

    def _prefs(self, rng: random.Random, private: bool) -> dict[str, Any]:
        bg = _pick(rng, ["blue", "orange", "green", "red", "purple", "pink", "lime", "sky", "grey"])
        return {
            "permissionLevel": "private" if private else _pick(rng, ["org", "private"]),
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

    def _gen_board(
        self,
        rng: random.Random,
        *,
        name: str,
        org: str | None,
        closed: bool,
        members: list[str],
        bstart: int,
        n_cards: int,
        n_actions: int,
        big: bool,
        bulk: bool,
        source: str | None,
        me_type: str | None,
    ) -> str:
        idf = self._idf
        bid = idf.new(bstart)
        link = short_link(rng, self._used_links)
        node = (
            f"ari:cloud:trello::board/workspace/{org}/{bid}"
            if org
            else f"ari:cloud:trello::board/{bid}"
        )
        self.short_links[link] = bid
        desc = _pick(rng, _DESCS)
        mships = []
        for j, mid in enumerate(members):
            mtype = (
                me_type
                if mid == self.me_id
                else ("admin" if j == 1 else _pick(rng, ["normal", "normal", "observer"]))
            )
            mships.append(
                {
                    "id": idf.new(bstart + j),
                    "idMember": mid,
                    "memberType": mtype or "normal",
                    "unconfirmed": j == 4,
                    "deactivated": j == 5,
                }
            )
        board: dict[str, Any] = {
            "id": bid,
            "nodeId": node,
            "name": name,
            "desc": desc,
            "descData": {"emoji": {}} if desc else None,
            "closed": closed,
            "dateClosed": None,
            "idOrganization": org,
            "idEnterprise": None,
            "limits": _BOARD_LIMITS,
            "pinned": False,
            "starred": big,
            "url": f"https://trello.com/b/{link}/{_slug(name) or 'board'}",
            "prefs": self._prefs(rng, me_type is None),
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
            "ixUpdate": str(_ri(rng, 100, 99999)),
            "templateGallery": None,
            "enterpriseOwned": False,
            "idBoardSource": source,
            "premiumFeatures": [],
            "idMemberCreator": members[0],
            "type": "board",
            "memberships": mships,
        }
        self.boards[bid] = board
        self.memberships[bid] = mships
        self._board_ref[bid] = {"id": bid, "name": name, "shortLink": link}
        if org:
            self.organizations[org]["idBoards"].append(bid)
        for mid in members:
            self.members[mid]["idBoards"].append(bid)
        idx = _BoardIndex(members=list(members))
        self._idx[bid] = idx

        # lists
        n_lists = 8 if big else _ri(rng, 3, 6)
        list_ids: list[str] = []
        t = bstart
        for j in range(n_lists):
            t += _ri(rng, 1, 90)
            lid = idf.new(t)
            lclosed = (big and j >= n_lists - 2) or (
                not big and j == n_lists - 1 and rng.random() < 0.4
            )
            self.lists[lid] = {
                "id": lid,
                "name": _LIST_NAMES[j % len(_LIST_NAMES)],
                "closed": lclosed,
                "color": None,
                "idBoard": bid,
                "pos": 16384 * (j + 1),
                "subscribed": False,
                "softLimit": None,
                "type": None,
                "datasource": {"filter": False},
            }
            list_ids.append(lid)
        idx.lists = list_ids
        open_lists = [lid for lid in list_ids if not self.lists[lid]["closed"]]
        list_weights = [1 if self.lists[lid]["closed"] else 6 for lid in list_ids]

        # labels: Trello's 6 default colour labels (created with the board, names "") + more
        n_labels = 62 if big else _ri(rng, 6, 12)
        label_names: dict[str, str] = dict.fromkeys(COLORS, "")
        for j in range(n_labels):
            if j < 6:
                color: str | None = COLORS[j]
                lname = "" if j % 2 else _LABEL_NAMES[1 + j]
                sec = bstart
            else:
                color = None if rng.random() < 0.1 else _pick(rng, COLORS)
                lname = _LABEL_NAMES[j % len(_LABEL_NAMES)] + (
                    "" if j < len(_LABEL_NAMES) else f" {j}"
                )
                sec = _ri(rng, bstart, bstart + 200 * DAY) if bstart < END_S else bstart
            lab_id = idf.new(sec)
            self.labels[lab_id] = {
                "id": lab_id,
                "idBoard": bid,
                "idOrganization": org,
                "name": lname,
                "nodeId": f"ari:cloud:trello::label/workspace/{org}/{lab_id}"
                if org
                else f"ari:cloud:trello::label/{lab_id}",
                "color": color,
                "uses": 0,
            }
            idx.labels.append(lab_id)
            if color and not label_names[color]:
                label_names[color] = lname
        board["labelNames"] = label_names
        idx.labels.sort()

        # custom fields
        n_cf = 5 if big else _pick(rng, [0, 2, 3, 5])
        for j, ctype in enumerate(_CF_TYPES[:n_cf] if big else rng.sample(_CF_TYPES, n_cf)):
            cf_id = idf.new(bstart + 600 + j)
            cf: dict[str, Any] = {
                "id": cf_id,
                "idModel": bid,
                "modelType": "board",
                "fieldGroup": hex_string(rng, 64),
                "display": {"cardFront": j % 2 == 0},
                "name": _CF_NAMES[ctype],
                "pos": 16384 * (j + 1),
                "type": ctype,
                "isSuggestedField": False,
            }
            if ctype == "list":
                cf["options"] = [
                    {
                        "id": idf.new(bstart + 600 + j),
                        "idCustomField": cf_id,
                        "value": {"text": text},
                        "color": color_,
                        "pos": 16384 * (k + 1),
                    }
                    for k, (text, color_) in enumerate(
                        [
                            ("High 🔥", "red"),
                            ("Medium", "yellow"),
                            ("Low", "none"),
                            ("Niedrig", "green"),
                        ]
                    )
                ]
            self.custom_fields[cf_id] = cf
            idx.custom_fields.append(cf_id)

        # ---- card creation seconds (with bulk runs on the big board)
        lo, hi = bstart + 3600, END_S - 7 * DAY
        run_a = min(600, n_cards // 4) if bulk else 0
        run_b = min(1200, n_cards // 2) if bulk else 0
        n_plain = n_cards - run_a - run_b
        secs = sorted(_ri(rng, lo, hi) for _ in range(n_plain))
        kinds = [0] * n_plain
        if bulk and run_a:
            sa, newer_a = self._gap_second(secs, min(700, n_plain))
            sb, newer_b = self._gap_second(secs, min(800, n_plain))
            if sb >= sa:  # pragma: no cover - degenerate tiny boards
                sb = sa - 1
            self.runs["cards_a"] = {"second": sa, "size": run_a, "first_position": newer_a}
            self.runs["cards_b"] = {"second": sb, "size": run_b, "first_position": newer_b + run_a}
            ia = bisect.bisect_right(secs, sa)
            secs[ia:ia] = [sa] * run_a
            kinds[ia:ia] = [1] * run_a
            ib = bisect.bisect_right(secs, sb)
            secs[ib:ib] = [sb] * run_b
            kinds[ib:ib] = [2] * run_b
        procs = {1: idf.process(), 2: idf.process()}
        b_lists = open_lists[: max(1, min(4, len(open_lists)))]
        card_ids: list[str] = []
        card_lists: list[str] = []
        ka = kb = 0
        for sec, kind in zip(secs, kinds, strict=False):
            card_ids.append(idf.new(sec, procs.get(kind)))
            if kind == 1:
                card_lists.append(open_lists[ka % len(open_lists)])
                ka += 1
            elif kind == 2:
                card_lists.append(b_lists[(kb * len(b_lists)) // max(1, run_b)])
                kb += 1
            else:
                card_lists.append(rng.choices(list_ids, list_weights)[0])
        if bulk and run_a:
            self.runs["cards_a"]["ids"] = [
                c for c, k in zip(card_ids, kinds, strict=False) if k == 1
            ]
            self.runs["cards_b"]["ids"] = [
                c for c, k in zip(card_ids, kinds, strict=False) if k == 2
            ]
            self.runs["cards_b"]["lists"] = list(b_lists)
        n_total = len(card_ids)

        # ---- action slots: [sec, ms, type, card index or -1, creator]
        slots: list[list[Any]] = []
        fixed: list[list[Any]] = [
            [bstart, _ri(rng, 0, 999), "copyBoard" if source else "createBoard", -1, members[0]]
        ]
        fixed.extend(
            [id_second(lid), _ri(rng, 0, 999), "createList", j, members[0]]
            for j, lid in enumerate(list_ids)
        )
        fixed.extend(
            [bstart + 30 + j, _ri(rng, 0, 999), "addMemberToBoard", j, members[0]]
            for j in range(1, len(members))
        )
        slots.extend(fixed[:n_actions])
        run_c = min(800, n_actions // 4) if bulk else 0
        remaining = max(0, n_actions - len(slots) - run_c)
        plain_idx = [i for i, k in enumerate(kinds) if k == 0]
        n_create = min(int(remaining * 0.25), len(plain_idx))
        slots.extend(
            [secs[ci], _ri(rng, 0, 999), "createCard", ci, _pick(rng, members)]
            for ci in rng.sample(plain_idx, n_create)
        )
        types = [t for t, _ in _ACTION_WEIGHTS]
        weights = [w for _, w in _ACTION_WEIGHTS]
        slots.extend(
            [_ri(rng, bstart + 3600, END_S - 1), _ri(rng, 0, 999), atype, -2, _pick(rng, members)]
            for atype in rng.choices(types, weights, k=remaining - n_create)
        )
        if run_c:
            slot_secs = sorted(s[0] for s in slots)
            sc, newer_c = self._gap_second(slot_secs, min(600, len(slot_secs)))
            self.runs["actions_c"] = {"second": sc, "size": run_c, "first_position": newer_c}
            creator = members[min(1, len(members) - 1)]
            slots.extend(
                [sc, _ri(rng, 0, 999), "updateCard:move", -2, creator] for _ in range(run_c)
            )
            # a few explicit identical milliseconds
            tail = slots[-run_c:]
            for j in range(0, run_c - 1, 40):
                tail[j + 1][1] = tail[j][1]
        # resolve card references for random actions
        for s in slots:
            if s[3] == -2:
                count = bisect.bisect_right(secs, s[0])
                if count == 0:
                    s[2] = "updateBoard"
                    s[3] = -1
                else:
                    s[3] = rng.randrange(count)
        # deleteCard -> ghost cards (deleted, only known from the action)
        ghosts: list[dict[str, Any]] = []
        for s in slots:
            if s[2] == "deleteCard":
                g = {
                    "id": idf.new(_ri(rng, bstart, s[0])),
                    "idShort": 0,
                    "shortLink": short_link(rng, self._used_links),
                    "idBoard": bid,
                    "idList": _pick(rng, list_ids),
                }
                ghosts.append(g)
                s.append(g)
        # idShort over real + deleted cards, in creation order
        order = sorted(
            [(cid, i) for i, cid in enumerate(card_ids)]
            + [(g["id"], -1 - n) for n, g in enumerate(ghosts)]
        )
        id_shorts = [0] * n_total
        for short, (_, i) in enumerate(order, start=1):
            if i >= 0:
                id_shorts[i] = short
            else:
                ghosts[-1 - i]["idShort"] = short
        idx.next_id_short = len(order) + 1
        for g in ghosts:
            self.deleted_cards[g["id"]] = g

        # ---- cards
        label_ids = idx.labels
        pos_counter: dict[str, int] = {}
        cf_ids = idx.custom_fields
        cards: list[dict[str, Any]] = []
        for i in range(n_total):
            cid = card_ids[i]
            sec = secs[i]
            lid = card_lists[i]
            kind = kinds[i]
            plain = kind == 0
            pos_counter[lid] = pos_counter.get(lid, 0) + 1
            cname = f"{_pick(rng, _CARD_WORDS)} {_pick(rng, _CARD_OBJECTS)}"
            if kind:
                cname = f"{cname} (copy)" if kind == 1 else f"{cname} #{i}"
            cdesc = _pick(rng, _DESCS) if plain else ""
            clink = short_link(rng, self._used_links)
            labs = rng.sample(label_ids, _pick(rng, [0, 0, 1, 1, 2, 3])) if label_ids else []
            mems = rng.sample(members, _pick(rng, [0, 0, 1, 1, 2])) if plain else []
            due = start = None
            due_complete = False
            if rng.random() < 0.35:
                due_s = sec + _ri(rng, DAY, 60 * DAY)
                due = iso_ms((due_s - due_s % 3600) * 1000)
                due_complete = rng.random() < 0.4
                if rng.random() < 0.3:
                    st = sec + _ri(rng, 0, due_s - sec)
                    start = iso_ms((st - st % 3600) * 1000)
            closed_card = plain and (
                rng.random() < 0.08 or (self.lists[lid]["closed"] and rng.random() < 0.5)
            )
            card: dict[str, Any] = {
                "id": cid,
                "agent": None,
                "badges": None,
                "checkItemStates": [],
                "closed": closed_card,
                "dueComplete": due_complete,
                "dateLastActivity": None,
                "desc": cdesc,
                "descData": {"emoji": {}} if cdesc else None,
                "due": due,
                "dueReminder": (_pick(rng, [None, -1, 60, 1440]) if due else None),
                "email": None,
                "idBoard": bid,
                "idChecklists": [],
                "idList": lid,
                "idMembers": mems,
                "idMembersVoted": [],
                "idShort": id_shorts[i],
                "idAttachmentCover": None,
                "labels": [self.labels[x] for x in labs],
                "idLabels": labs,
                "manualCoverAttachment": False,
                "name": cname,
                "nodeId": f"ari:cloud:trello::card/workspace/{org}/{cid}"
                if org
                else f"ari:cloud:trello::card/{cid}",
                "pinned": False,
                "pos": pos_counter[lid] * 16384 + (0.5 if rng.random() < 0.1 else 0),
                "shortLink": clink,
                "shortUrl": f"https://trello.com/c/{clink}",
                "start": start,
                "subscribed": False,
                "url": f"https://trello.com/c/{clink}/{id_shorts[i]}-{_slug(cname)}",
                "cover": {
                    "idAttachment": None,
                    "color": _pick(rng, COLORS) if rng.random() < 0.08 else None,
                    "idUploadedBackground": None,
                    "size": "normal",
                    "brightness": _pick(rng, ["dark", "light"]),
                    "yPosition": 0.5,
                    "idPlugin": None,
                },
                "isTemplate": plain and rng.random() < 0.01,
                "cardRole": None,
                "mirrorSourceId": None,
            }
            for x in labs:
                self.labels[x]["uses"] += 1
            n_items = n_checked = 0
            earliest: str | None = None
            if (plain and rng.random() < 0.15) or (not plain and rng.random() < 0.02):
                for c in range(_pick(rng, [1, 1, 2])):
                    cl_sec = min(END_S - DAY, sec + _ri(rng, 0, 7 * DAY))
                    cl_id = idf.new(cl_sec)
                    items = []
                    for k in range(_ri(rng, 2, 6)):
                        state = "complete" if rng.random() < 0.4 else "incomplete"
                        idue = (
                            iso_ms((cl_sec + _ri(rng, DAY, 30 * DAY)) * 1000)
                            if rng.random() < 0.2
                            else None
                        )
                        item_id = idf.new(cl_sec + k)
                        items.append(
                            {
                                "id": item_id,
                                "name": _pick(rng, _CARD_OBJECTS),
                                "nameData": None,
                                "pos": 16384 * (k + 1),
                                "state": state,
                                "due": idue,
                                "dueReminder": None,
                                "idMember": _pick(rng, members) if rng.random() < 0.15 else None,
                                "idChecklist": cl_id,
                            }
                        )
                        n_items += 1
                        n_checked += state == "complete"
                        if idue and (earliest is None or idue < earliest):
                            earliest = idue
                    self.checklists[cl_id] = {
                        "id": cl_id,
                        "name": "Checklist" if c == 0 else "À faire ✅",
                        "idBoard": bid,
                        "idCard": cid,
                        "pos": 16384 * (c + 1),
                        "checkItems": items,
                    }
                    card["idChecklists"].append(cl_id)
            n_att = 0
            if plain and rng.random() < 0.12:
                atts = []
                for k in range(_ri(rng, 1, 3)):
                    a_sec = min(END_S - DAY, sec + _ri(rng, 0, 30 * DAY))
                    a_id = idf.new(a_sec)
                    mime, fname, upload = _pick(rng, _ATT_KINDS)
                    url = (
                        f"https://trello.com/1/cards/{cid}/attachments/{a_id}/download/{fname}"
                        if upload
                        else fname
                    )
                    image = mime.startswith("image/")
                    atts.append(
                        {
                            "id": a_id,
                            "bytes": _ri(rng, 2_000, 4_000_000) if upload else None,
                            "date": iso_ms(a_sec * 1000 + _ri(rng, 0, 999)),
                            "edgeColor": f"#{hex_string(rng, 6)}" if image else None,
                            "idMember": _pick(rng, members),
                            "isUpload": upload,
                            "mimeType": mime,
                            "name": fname,
                            "previews": [
                                {
                                    "_id": a_id,
                                    "id": a_id,
                                    "scaled": False,
                                    "url": url.replace(fname, "preview.png"),
                                    "bytes": 12000,
                                    "height": 150,
                                    "width": 150,
                                },
                            ]
                            if image
                            else [],
                            "url": url,
                            "pos": 16384 * (k + 1),
                            "fileName": fname if upload else None,
                        }
                    )
                self.card_attachments[cid] = atts
                n_att = len(atts)
                if image and rng.random() < 0.5:
                    card["idAttachmentCover"] = atts[-1]["id"]
                    card["cover"]["idAttachment"] = atts[-1]["id"]
            if cf_ids and plain and rng.random() < 0.35:
                items_cf = []
                for cf_id in cf_ids:
                    if rng.random() < 0.5:
                        continue
                    cf = self.custom_fields[cf_id]
                    item: dict[str, Any] = {
                        "id": idf.new(min(END_S - DAY, sec + _ri(rng, 0, 5 * DAY)))
                    }
                    ctype = cf["type"]
                    if ctype == "text":
                        item["value"] = {"text": _pick(rng, _COMMENTS)}
                    elif ctype == "number":
                        item["value"] = {"number": str(_pick(rng, [1, 2, 3, 5, 8, 13, 0.5]))}
                    elif ctype == "date":
                        item["value"] = {"date": iso_ms((sec + _ri(rng, 0, 90 * DAY)) * 1000)}
                    elif ctype == "checkbox":
                        item["value"] = {"checked": "true"}
                    else:
                        item["idValue"] = _pick(rng, cf["options"])["id"]
                    item.update({"idCustomField": cf_id, "idModel": cid, "modelType": "card"})
                    items_cf.append(item)
                if items_cf:
                    self.card_custom_field_items[cid] = items_cf
            card["badges"] = {
                "dueComplete": due_complete,
                "due": due,
                "description": bool(cdesc),
                "attachments": n_att,
                "comments": 0,
                "checkItemsChecked": n_checked,
                "checkItems": n_items,
                "fogbugz": "",
                "checkItemsEarliestDue": earliest,
                "lastUpdatedByAi": False,
                "start": start,
                "attachmentsByType": {"trello": {"board": 0, "card": 0}},
                "externalSource": None,
                "location": False,
                "votes": 0,
                "maliciousAttachments": 0,
                "viewingMemberVoted": False,
                "subscribed": False,
            }
            cards.append(card)
            self._card_ref[cid] = {
                "id": cid,
                "name": cname,
                "idShort": id_shorts[i],
                "shortLink": clink,
            }

        # ---- actions
        slots.sort(key=lambda s: (s[0], s[1]))
        run_proc = idf.process()
        last_ms = [sec * 1000 for sec in secs]
        comments = [0] * n_total
        bref = self._board_ref[bid]
        actions: list[dict[str, Any]] = []
        action_ms: list[int] = []
        for s in slots:
            sec, ms, atype, ci, creator = s[:5]
            proc = run_proc if atype == "updateCard:move" else None
            aid = idf.new(sec, proc)
            date_ms = sec * 1000 + ms
            data, atype = self._action_data(
                rng, bid, bref, atype, ci, cards, list_ids, members, sec
            )
            if atype == "deleteCard":
                g = s[5]
                data = {
                    "board": bref,
                    "list": {"id": g["idList"], "name": self.lists[g["idList"]]["name"]},
                    "card": {"id": g["id"], "idShort": g["idShort"], "shortLink": g["shortLink"]},
                }
            if 0 <= ci < n_total and data.get("card", {}).get("id") == card_ids[ci]:
                last_ms[ci] = max(last_ms[ci], date_ms)
                if atype == "commentCard":
                    comments[ci] += 1
            action = {
                "id": aid,
                "idMemberCreator": creator,
                "data": data,
                "appCreator": None,
                "type": atype,
                "date": iso_ms(date_ms),
                "limits": _COMMENT_LIMITS if atype == "commentCard" else _EMPTY,
                "memberCreator": self._member_creator[creator],
            }
            actions.append(action)
            action_ms.append(date_ms)
        for i, card in enumerate(cards):
            base = secs[i] * 1000 + _ri(rng, 0, 3 * DAY) * 1000 + _ri(rng, 0, 999)
            card["dateLastActivity"] = iso_ms(min(max(base, last_ms[i]), END_S * 1000 - 1))
            card["badges"]["comments"] = comments[i]
            self.cards[card["id"]] = card
        for a in actions:
            self.actions[a["id"]] = a
        idx.cards = sorted(cards, key=lambda c: c["id"])
        idx.card_secs = [id_second(c["id"]) for c in idx.cards]
        # slots were sorted by (sec, ms) and ids minted in that order: already sorted
        idx.actions = actions
        idx.action_ms = action_ms
        idx.action_secs = [ms // 1000 for ms in action_ms]
        last = max(
            [a["date"] for a in actions[-1:]] + [c["dateLastActivity"] for c in cards[-1:]]
            or [iso_ms(bstart * 1000)]
        )
        board["dateLastActivity"] = last
        board["dateLastView"] = last if me_type else None
        if closed:
            board["dateClosed"] = last
        return bid

    @staticmethod
    def _gap_second(secs_asc: list[int], newer: int) -> tuple[int, int]:
        """A free second with ``newer`` of ``secs_asc`` after it (moves older if no gap)."""
        m = len(secs_asc)
        i = m - newer
        while True:
            lo = secs_asc[i - 1] if i > 0 else START_S
            hi = secs_asc[i] if i < m else END_S
            if hi - lo >= 2:
                return (lo + hi) // 2, m - i
            i -= 1

    def _action_data(  # noqa: PLR0911, PLR0917
        self,
        rng: random.Random,
        bid: str,
        bref: dict[str, Any],
        atype: str,
        ci: int,
        cards: list[dict[str, Any]],
        list_ids: list[str],
        members: list[str],
        sec: int,
    ) -> tuple[dict[str, Any], str]:
        lists = self.lists
        if atype in ("createBoard", "copyBoard"):
            data: dict[str, Any] = {"board": bref}
            if atype == "copyBoard":
                src = self.boards[self.boards[bid]["idBoardSource"]]
                data["boardSource"] = {"id": src["id"]}
            return data, atype
        if atype == "createList":
            lst = lists[list_ids[ci]]
            return {"board": bref, "list": {"id": lst["id"], "name": lst["name"]}}, atype
        if atype == "addMemberToBoard":
            mid = members[ci]
            return {
                "idMemberAdded": mid,
                "memberType": "normal",
                "board": bref,
                "member": {"id": mid, "name": self.members[mid]["fullName"]},
            }, atype
        if atype == "updateBoard":
            return {"board": {**bref, "desc": self.boards[bid]["desc"]}, "old": {"desc": ""}}, atype
        if atype == "updateList":
            lst = lists[_pick(rng, list_ids)]
            if lst["closed"]:
                return {
                    "board": bref,
                    "list": {"id": lst["id"], "name": lst["name"], "closed": True},
                    "old": {"closed": False},
                }, atype
            return {
                "board": bref,
                "list": {"id": lst["id"], "name": lst["name"]},
                "old": {"name": "Untitled list"},
            }, atype
        if atype == "deleteCard":
            return {}, atype
        card = cards[ci]
        cref = self._card_ref[card["id"]]
        lst = lists[card["idList"]]
        lref = {"id": lst["id"], "name": lst["name"]}
        if atype == "createCard":
            return {"card": cref, "list": lref, "board": bref}, atype
        if atype in ("updateCard", "updateCard:move"):
            variant = (
                "move"
                if atype == "updateCard:move"
                else _pick(rng, ["move", "closed", "name", "desc", "due", "pos", "move"])
            )
            if variant == "move":
                other = lists[_pick(rng, list_ids)]
                return {
                    "card": {**cref, "idList": lst["id"]},
                    "old": {"idList": other["id"]},
                    "board": bref,
                    "listBefore": {"id": other["id"], "name": other["name"]},
                    "listAfter": lref,
                }, "updateCard"
            if variant == "closed":
                return {
                    "card": {**cref, "closed": True},
                    "old": {"closed": False},
                    "board": bref,
                    "list": lref,
                }, "updateCard"
            if variant == "name":
                return {
                    "card": cref,
                    "old": {"name": f"{card['name']} (draft)"},
                    "board": bref,
                    "list": lref,
                }, "updateCard"
            if variant == "desc":
                return {
                    "card": {**cref, "desc": card["desc"]},
                    "old": {"desc": ""},
                    "board": bref,
                    "list": lref,
                }, "updateCard"
            if variant == "due":
                return {
                    "card": {**cref, "due": iso_ms((sec + 7 * DAY) * 1000)},
                    "old": {"due": None},
                    "board": bref,
                    "list": lref,
                }, "updateCard"
            return {
                "card": {**cref, "pos": card["pos"]},
                "old": {"pos": card["pos"] * 2},
                "board": bref,
                "list": lref,
            }, "updateCard"
        if atype in ("addMemberToCard", "removeMemberFromCard"):
            mid = _pick(rng, members)
            data = {
                "idMember": mid,
                "card": cref,
                "board": bref,
                "list": lref,
                "member": {"id": mid, "name": self.members[mid]["fullName"]},
            }
            if atype == "removeMemberFromCard":
                data["deactivated"] = False
            return data, atype
        if atype in ("addLabelToCard", "removeLabelFromCard"):
            lab = self.labels[_pick(rng, self._idx[bid].labels)]
            return {
                "text": lab["name"],
                "value": lab["color"],
                "card": cref,
                "board": bref,
                "label": {"id": lab["id"], "name": lab["name"], "color": lab["color"]},
            }, atype
        if atype == "addChecklistToCard" and card["idChecklists"]:
            cl = self.checklists[card["idChecklists"][0]]
            return {
                "card": cref,
                "board": bref,
                "checklist": {"id": cl["id"], "name": cl["name"]},
            }, atype
        if atype == "updateCheckItemStateOnCard" and card["idChecklists"]:
            cl = self.checklists[card["idChecklists"][0]]
            it = cl["checkItems"][0]
            return {
                "card": cref,
                "board": bref,
                "checklist": {"id": cl["id"], "name": cl["name"]},
                "checkItem": {
                    "id": it["id"],
                    "name": it["name"],
                    "state": it["state"],
                    "textData": {"emoji": {}},
                },
            }, atype
        if atype == "addAttachmentToCard" and card["id"] in self.card_attachments:
            att = self.card_attachments[card["id"]][0]
            return {
                "card": cref,
                "board": bref,
                "list": lref,
                "attachment": {"id": att["id"], "name": att["name"], "url": att["url"]},
            }, atype
        if atype == "updateCustomFieldItem" and card["id"] in self.card_custom_field_items:
            item = self.card_custom_field_items[card["id"]][0]
            cf = self.custom_fields[item["idCustomField"]]
            return {
                "card": cref,
                "board": bref,
                "customField": {"id": cf["id"], "name": cf["name"], "type": cf["type"]},
                "customFieldItem": item,
                "old": {"value": None},
            }, atype
        return {
            "text": _pick(rng, _COMMENTS),
            "textData": {"emoji": {}},
            "card": cref,
            "board": bref,
            "list": lref,
        }, "commentCard"

    def _reindex_actions(self, idx: _BoardIndex) -> None:
        idx.action_ms = [_iso_to_ms(a["date"]) for a in idx.actions]
        idx.action_secs = [ms // 1000 for ms in idx.action_ms]
        idx.version += 1
        idx.cache.clear()

    def _finish(self) -> None:
        for mid, member in self.members.items():
            member["idBoards"] = [b for b in self.boards if mid in self._idx[b].members]
        self._clock_s = END_S + DAY
        self._mut_proc = self._idf.process()  # one "server" mints mutation ids: sorted in a second

    # ------------------------------------------------------------------ read API
    def resolve_board(self, board_ref: str) -> str | None:
        """Board id for an id or a shortLink (None when unknown)."""
        if board_ref in self.boards:
            return board_ref
        return self.short_links.get(board_ref)

    def is_visible(self, board_id: str, member_id: str | None = None) -> bool:
        """Whether ``member_id`` (default: the token's member) is on the board."""
        return (member_id or self.me_id) in self._idx[board_id].members

    def visible_board_ids(self, include_closed: bool = True) -> list[str]:
        """Ids of the boards ``/members/me/boards`` returns, in creation order."""
        with self.lock:
            return [
                b
                for b, rec in self.boards.items()
                if self.is_visible(b) and (include_closed or not rec["closed"])
            ]

    def board_cards(
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

    def card_with_extras(
        self,
        card: dict[str, Any],
        *,
        custom_field_items: bool = False,
        attachments: bool = False,
        checklists: bool = False,
        members: bool = False,
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
        return out

    def cards_index(
        self,
        board_id: str,
        filter: str = "all",  # noqa: A002
    ) -> tuple[list[dict[str, Any]], list[int]]:
        """(cards sorted by id asc, their creation seconds) for a card filter."""
        idx = self._idx[board_id]
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

    def actions_index(
        self, board_id: str, types: tuple[str, ...] | None = None
    ) -> tuple[list[dict[str, Any]], list[int], list[int]]:
        """(actions sorted by (date, id) asc, their date ms, their id seconds)."""
        idx = self._idx[board_id]
        if not types:
            return idx.actions, idx.action_ms, idx.action_secs
        key = ("actions", types)
        hit = idx.cache.get(key)
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

    def board_actions(self, board_id: str, types: list[str] | None = None) -> list[dict[str, Any]]:
        """All actions of a board, newest first (date desc, then id desc)."""
        with self.lock:
            acts = self.actions_index(board_id, tuple(types) if types else None)[0]
            return acts[::-1]

    def board_lists(self, board_id: str, filter: str = "all") -> list[dict[str, Any]]:  # noqa: A002
        """Lists of a board by pos (filter all|open|closed)."""
        with self.lock:
            out = [self.lists[x] for x in self._idx[board_id].lists]
            if filter == "open":
                out = [x for x in out if not x["closed"]]
            elif filter == "closed":
                out = [x for x in out if x["closed"]]
            return out

    def board_labels(self, board_id: str) -> list[dict[str, Any]]:
        """All labels of a board (``/labels?limit=1000``), in creation order."""
        with self.lock:
            return [self.labels[x] for x in self._idx[board_id].labels]

    def member_view(
        self, member_id: str, fields: tuple[str, ...] | None = MEMBER_DEFAULT_FIELDS
    ) -> dict[str, Any]:
        """A member projected on ``fields`` (id always; None = every field)."""
        m = self.members[member_id]
        if fields is None:
            return m
        out = {"id": member_id}
        for f in fields:
            if f in m:
                out[f] = m[f]
        return out

    def board_members(
        self, board_id: str, fields: tuple[str, ...] | None = MEMBER_DEFAULT_FIELDS
    ) -> list[dict[str, Any]]:
        """Members of a board ({id, fullName, username} by default)."""
        with self.lock:
            return [self.member_view(m, fields) for m in self._idx[board_id].members]

    def board_memberships(self, board_id: str) -> list[dict[str, Any]]:
        """Board memberships: id, idMember, memberType, unconfirmed, deactivated."""
        with self.lock:
            return list(self.memberships[board_id])

    def board_checklists(self, board_id: str) -> list[dict[str, Any]]:
        """Checklists (with checkItems) of every card on the board, by id."""
        with self.lock:
            out = []
            for c in self._idx[board_id].cards:
                out.extend(self.checklists[x] for x in c["idChecklists"])
            out.sort(key=lambda c: c["id"])
            return out

    def check_items(self, board_id: str) -> list[dict[str, Any]]:
        """All check items of a board, flattened (each carries idChecklist)."""
        return [it for cl in self.board_checklists(board_id) for it in cl["checkItems"]]

    def board_custom_fields(self, board_id: str) -> list[dict[str, Any]]:
        """Custom field definitions of a board."""
        with self.lock:
            return [self.custom_fields[x] for x in self._idx[board_id].custom_fields]

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

    def board_stats(self, board_id: str) -> dict[str, int]:
        """Counts for a board (cards, actions, lists, labels, ...)."""
        with self.lock:
            idx = self._idx[board_id]
            return {
                "cards": len(idx.cards),
                "open_cards": len(self.cards_index(board_id, "open")[0]),
                "actions": len(idx.actions),
                "lists": len(idx.lists),
                "labels": len(idx.labels),
                "members": len(idx.members),
                "checklists": len(self.board_checklists(board_id)),
                "check_items": len(self.check_items(board_id)),
                "custom_fields": len(idx.custom_fields),
                "attachments": sum(len(self.card_attachments.get(c["id"], [])) for c in idx.cards),
                "custom_field_items": sum(
                    len(self.card_custom_field_items.get(c["id"], [])) for c in idx.cards
                ),
            }

    # ------------------------------------------------------------------ mutations
    def _tick(self) -> int:
        self._clock_s += 1
        return self._clock_s

    def _append_action(  # noqa: PLR0917
        self,
        bid: str,
        atype: str,
        data: dict[str, Any],
        sec: int,
        ms: int,
        creator: str | None = None,
        proc: str | None = None,
    ) -> dict[str, Any]:
        creator = creator or self.me_id
        action = {
            "id": self._idf.new(sec, proc or self._mut_proc),
            "idMemberCreator": creator,
            "data": data,
            "appCreator": None,
            "type": atype,
            "date": iso_ms(sec * 1000 + ms),
            "limits": _COMMENT_LIMITS if atype == "commentCard" else _EMPTY,
            "memberCreator": self._member_creator[creator],
        }
        idx = self._idx[bid]
        idx.actions.append(action)
        idx.action_ms.append(sec * 1000 + ms)
        idx.action_secs.append(sec)
        idx.version += 1
        idx.cache.clear()
        self.actions[action["id"]] = action
        self.boards[bid]["dateLastActivity"] = action["date"]
        return action

    def _replace_card(self, new: dict[str, Any]) -> None:
        idx = self._idx[new["idBoard"]]
        i = bisect.bisect_left([c["id"] for c in idx.cards], new["id"])
        idx.cards[i] = new
        self.cards[new["id"]] = new
        idx.version += 1
        idx.cache.clear()

    def add_cards(
        self, board_id: str, n: int, same_second: bool = False, list_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Create ``n`` cards (and their createCard actions); returns them oldest first."""
        with self.lock:
            bid = self.resolve_board(board_id) or board_id
            idx = self._idx[bid]
            board = self.boards[bid]
            org = board["idOrganization"]
            lid = list_id or next(x for x in idx.lists if not self.lists[x]["closed"])
            lst = self.lists[lid]
            sec = self._tick()
            out = []
            for k in range(n):
                if k and not same_second:
                    sec = self._tick()
                cid = self._idf.new(sec, self._mut_proc)
                short = idx.next_id_short
                idx.next_id_short += 1
                link = short_link(self._rng, self._used_links)
                name = f"New card {short} ✨"
                ms = (k % 1000) if same_second else _ri(self._rng, 0, 999)
                card = {
                    "id": cid,
                    "agent": None,
                    "badges": {
                        "dueComplete": False,
                        "due": None,
                        "description": False,
                        "attachments": 0,
                        "comments": 0,
                        "checkItemsChecked": 0,
                        "checkItems": 0,
                        "fogbugz": "",
                        "checkItemsEarliestDue": None,
                        "lastUpdatedByAi": False,
                        "start": None,
                        "attachmentsByType": {"trello": {"board": 0, "card": 0}},
                        "externalSource": None,
                        "location": False,
                        "votes": 0,
                        "maliciousAttachments": 0,
                        "viewingMemberVoted": False,
                        "subscribed": False,
                    },
                    "checkItemStates": [],
                    "closed": False,
                    "dueComplete": False,
                    "dateLastActivity": iso_ms(sec * 1000 + ms),
                    "desc": "",
                    "descData": None,
                    "due": None,
                    "dueReminder": None,
                    "email": None,
                    "idBoard": bid,
                    "idChecklists": [],
                    "idList": lid,
                    "idMembers": [],
                    "idMembersVoted": [],
                    "idShort": short,
                    "idAttachmentCover": None,
                    "labels": [],
                    "idLabels": [],
                    "manualCoverAttachment": False,
                    "name": name,
                    "nodeId": f"ari:cloud:trello::card/workspace/{org}/{cid}"
                    if org
                    else f"ari:cloud:trello::card/{cid}",
                    "pinned": False,
                    "pos": 16384.0 * (100000 + short),
                    "shortLink": link,
                    "shortUrl": f"https://trello.com/c/{link}",
                    "start": None,
                    "subscribed": False,
                    "url": f"https://trello.com/c/{link}/{short}-{_slug(name)}",
                    "cover": {
                        "idAttachment": None,
                        "color": None,
                        "idUploadedBackground": None,
                        "size": "normal",
                        "brightness": "dark",
                        "yPosition": 0.5,
                        "idPlugin": None,
                    },
                    "isTemplate": False,
                    "cardRole": None,
                    "mirrorSourceId": None,
                }
                self.cards[cid] = card
                idx.cards.append(card)
                idx.card_secs.append(sec)
                self._card_ref[cid] = {"id": cid, "name": name, "idShort": short, "shortLink": link}
                self._append_action(
                    bid,
                    "createCard",
                    {
                        "card": self._card_ref[cid],
                        "list": {"id": lid, "name": lst["name"]},
                        "board": self._board_ref[bid],
                    },
                    sec,
                    ms,
                )
                out.append(card)
            return out

    def add_actions(
        self, board_id: str, n: int, types: list[str] | None = None, same_second: bool = False
    ) -> list[dict[str, Any]]:
        """Add ``n`` actions (types cycled; default commentCard/updateCard); oldest first."""
        with self.lock:
            bid = self.resolve_board(board_id) or board_id
            idx = self._idx[bid]
            cycle = types or ["commentCard", "updateCard"]
            open_cards = [c for c in idx.cards if not c["closed"]]
            sec = self._tick()
            out = []
            for k in range(n):
                if k and not same_second:
                    sec = self._tick()
                ms = (k % 1000) if same_second else _ri(self._rng, 0, 999)
                atype = cycle[k % len(cycle)]
                if open_cards and atype not in (
                    "createList",
                    "updateList",
                    "updateBoard",
                    "createBoard",
                ):
                    card = _pick(self._rng, open_cards)
                    data, real = self._action_data(
                        self._rng,
                        bid,
                        self._board_ref[bid],
                        atype,
                        0,
                        [card],
                        idx.lists,
                        idx.members,
                        sec,
                    )
                    if real == "deleteCard":
                        data, real = self._action_data(
                            self._rng,
                            bid,
                            self._board_ref[bid],
                            "commentCard",
                            0,
                            [card],
                            idx.lists,
                            idx.members,
                            sec,
                        )
                    action = self._append_action(bid, real, data, sec, ms)
                    cur = self.cards[card["id"]]
                    new = dict(cur, dateLastActivity=action["date"])
                    if real == "commentCard":
                        new["badges"] = dict(cur["badges"], comments=cur["badges"]["comments"] + 1)
                    self._replace_card(new)
                else:
                    real = atype if atype in ("updateList", "updateBoard") else "updateBoard"
                    data, real = self._action_data(
                        self._rng,
                        bid,
                        self._board_ref[bid],
                        real,
                        0,
                        [],
                        idx.lists,
                        idx.members,
                        sec,
                    )
                    action = self._append_action(bid, real, data, sec, ms)
                out.append(action)
            return out

    def _edit_card(
        self,
        card_id: str,
        sec: int,
        changes: dict[str, Any],
        old: dict[str, Any],
        also: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Apply ``changes`` (and ``also``) to a card with the updateCard action Trello logs."""
        cur = self.cards[card_id]
        lst = self.lists[cur["idList"]]
        action = self._append_action(
            cur["idBoard"],
            "updateCard",
            {
                "card": {**self._card_ref[card_id], **changes},
                "old": old,
                "board": self._board_ref[cur["idBoard"]],
                "list": {"id": lst["id"], "name": lst["name"]},
            },
            sec,
            _ri(self._rng, 0, 999),
        )
        new = dict(cur, **changes, **(also or {}), dateLastActivity=action["date"])
        self._replace_card(new)
        return new

    def touch_card(self, card_id: str) -> dict[str, Any]:
        """Edit a card's description: new dateLastActivity and an updateCard action."""
        with self.lock:
            cur = self.cards[card_id]
            sec = self._tick()
            desc = f"Edited at tick {sec - END_S} ✏️"
            also = {
                "descData": {"emoji": {}},
                "badges": dict(cur["badges"], description=True),
            }
            return self._edit_card(card_id, sec, {"desc": desc}, {"desc": cur["desc"]}, also)

    def archive_card(self, card_id: str) -> dict[str, Any]:
        """Archive (close) a card: updateCard action with data.old.closed=false."""
        with self.lock:
            return self._edit_card(card_id, self._tick(), {"closed": True}, {"closed": False})

    def delete_card(self, card_id: str) -> dict[str, Any]:
        """Delete a card; returns the deleteCard action."""
        with self.lock:
            cur = self.cards.pop(card_id)
            bid = cur["idBoard"]
            idx = self._idx[bid]
            i = bisect.bisect_left([c["id"] for c in idx.cards], card_id)
            del idx.cards[i]
            del idx.card_secs[i]
            for cl in cur["idChecklists"]:
                self.checklists.pop(cl, None)
            self.card_attachments.pop(card_id, None)
            self.card_custom_field_items.pop(card_id, None)
            for lab in cur["idLabels"]:
                self.labels[lab]["uses"] -= 1
            self.label_version += 1  # cards embed label objects (with "uses")
            lst = self.lists[cur["idList"]]
            self.deleted_cards[card_id] = {
                "id": card_id,
                "idShort": cur["idShort"],
                "shortLink": cur["shortLink"],
                "idBoard": bid,
                "idList": cur["idList"],
            }
            sec = self._tick()
            return self._append_action(
                bid,
                "deleteCard",
                {
                    "board": self._board_ref[bid],
                    "list": {"id": lst["id"], "name": lst["name"]},
                    "card": {
                        "id": card_id,
                        "idShort": cur["idShort"],
                        "shortLink": cur["shortLink"],
                    },
                },
                sec,
                _ri(self._rng, 0, 999),
            )

    def add_board(
        self, name: str | None = None, organization_id: str | None = None
    ) -> dict[str, Any]:
        """Create an empty board (2 lists, 6 default labels) visible to the token."""
        with self.lock:
            sec = self._tick()
            others = [m for m in self.members if m != self.me_id][:2]
            bid = self._gen_board(
                self._rng,
                name=name or f"New board {sec - END_S}",
                org=organization_id,
                closed=False,
                members=[self.me_id, *others],
                bstart=sec,
                n_cards=0,
                n_actions=1,
                big=False,
                bulk=False,
                source=None,
                me_type="admin",
            )
            # _gen_board lays lists/labels a little after bstart: keep the clock past them
            self._clock_s = max(self._clock_s, sec + 3600)
            return self.boards[bid]


def _iso_to_ms(value: str) -> int:
    return parse_iso_ms(value)
