"""The rows the dbt analytics marts (``transform/``) must hold, computed from the emulator.

An independent reference for the integration test: each function reads the emulator's
in-memory model (what Trello holds for the token, which a full sync leaves as the live rows
of the warehouse) and applies the definitions of the marts literally, without any SQL:

* :func:`expected_cards` - ``trello__cards``, by card id;
* :func:`expected_stays` - ``trello__card_list_periods``, by stay id;
* :func:`expected_list_daily_cards` - ``trello__list_daily_cards``, by (list id, day);
* :func:`expected_board_daily_activity` - ``trello__board_daily_activity``, by
  (board id, member id, day).

Timestamps are naive ``datetime`` in UTC with the milliseconds of Trello's ISO strings;
days are ``date``; durations are ``Decimal`` seconds rounded to 3 places.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trello_emulator import Workspace

EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - naive UTC by design
MS = Decimal("0.001")

ENTER_TYPES = frozenset({"createCard", "copyCard", "convertToCardFromCheckItem", "moveCardToBoard"})
LEAVE_TYPES = frozenset({"moveCardFromBoard", "deleteCard"})
CREATED_TYPES = frozenset({"createCard", "copyCard", "convertToCardFromCheckItem"})


def id_time(trello_id: str) -> datetime:
    """The creation second of a Trello id (its first 8 hex chars), naive UTC."""
    return EPOCH + timedelta(seconds=int(trello_id[:8], 16))


def parse_time(value: str | None) -> datetime | None:
    """A Trello ISO date (``2024-03-01T10:00:00.123Z``) as naive UTC; None stays None."""
    if value is None:
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _ref_id(data: dict[str, Any], key: str) -> str | None:
    """``data.<key>.id`` (None when absent)."""
    ref = data.get(key)
    return ref.get("id") if isinstance(ref, dict) else None


def _ref_name(data: dict[str, Any], key: str) -> str | None:
    """``data.<key>.name`` (None when absent)."""
    ref = data.get(key)
    return ref.get("name") if isinstance(ref, dict) else None


# ---------------------------------------------------------------------- the live tables
@dataclass
class Live:
    """The live rows of the tables the marts read, as a full sync leaves them."""

    boards: dict[str, dict[str, Any]]
    lists: dict[str, dict[str, Any]]
    labels: dict[str, dict[str, Any]]
    members: dict[str, dict[str, Any]]
    cards: dict[str, dict[str, Any]]
    check_items: list[tuple[str | None, dict[str, Any]]]
    """(card id, check item) pairs."""
    actions: dict[str, dict[str, Any]]


def live_tables(ws: Workspace) -> Live:
    """What the token sees: every visible board and everything on it, archived included."""
    with ws.lock:
        boards = ws.visible_board_ids()
        actions: dict[str, dict[str, Any]] = {}
        for b in boards:
            for action in ws.board_actions(b):
                actions.setdefault(action["id"], action)
        return Live(
            boards={b: ws.boards[b] for b in boards},
            lists={x["id"]: x for b in boards for x in ws.board_lists(b, "all")},
            labels={x["id"]: x for b in boards for x in ws.board_labels(b)},
            members={x["id"]: ws.members[x["id"]] for b in boards for x in ws.board_members(b)},
            cards={c["id"]: c for b in boards for c in ws.board_cards(b, "all")},
            check_items=[
                (ws.checklists[it["idChecklist"]].get("idCard"), it)
                for b in boards
                for it in ws.check_items(b)
            ],
            actions=actions,
        )


# ---------------------------------------------------------------------- stays
@dataclass
class Event:
    """A card's list event: an enter, a move or a leave."""

    kind: str
    action: dict[str, Any]
    at: datetime
    board_id: str | None

    def sort_key(self) -> tuple[datetime, int, str]:
        """(date, rank, id): a card leaving a board comes before it enters the next."""
        rank = 0 if self.action["type"] == "moveCardFromBoard" else 1
        return (self.at, rank, self.action["id"])


def _event_kind(action: dict[str, Any]) -> str | None:
    """``enter``, ``move``, ``leave`` or None for an action that is no list event."""
    atype = action["type"]
    if atype in ENTER_TYPES:
        return "enter"
    if atype == "updateCard" and _ref_id(action["data"], "listAfter") is not None:
        return "move"
    if atype in LEAVE_TYPES:
        return "leave"
    return None


def card_events(live: Live) -> dict[str, list[Event]]:
    """Each card's list events in (date, rank, id) order."""
    events: dict[str, list[Event]] = defaultdict(list)
    for action in live.actions.values():
        data = action.get("data") or {}
        card_id = _ref_id(data, "card")
        kind = _event_kind(action)
        if card_id is None or kind is None:
            continue
        at = parse_time(action["date"])
        assert at is not None
        events[card_id].append(Event(kind, action, at, _ref_id(data, "board")))
    for evs in events.values():
        evs.sort(key=Event.sort_key)
    return events


def _list_name(live: Live, list_id: str | None, carried: str | None) -> str | None:
    """The live list row's name, else the name the action carries."""
    if list_id is not None and list_id in live.lists:
        name: str | None = live.lists[list_id]["name"]
        return name
    return carried


def _seconds(entered_at: datetime, left_at: datetime | None) -> Decimal | None:
    """``left_at - entered_at`` in seconds with milliseconds; None while open."""
    if left_at is None:
        return None
    delta = left_at - entered_at
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return (Decimal(micros) / Decimal(1_000_000)).quantize(MS)


def _stay(
    card_id: str,
    *,
    board_id: str | None,
    list_id: str | None,
    list_name: str | None,
    entered_at: datetime,
    left_at: datetime | None,
) -> dict[str, Any]:
    return {
        "card_id": card_id,
        "board_id": board_id,
        "list_id": list_id,
        "list_name": list_name,
        "entered_at": entered_at,
        "left_at": left_at,
        "seconds_in_list": _seconds(entered_at, left_at),
    }


def stays_from_live(live: Live) -> dict[str, dict[str, Any]]:
    """``trello__card_list_periods`` from live tables (see :func:`expected_stays`)."""
    stays: dict[str, dict[str, Any]] = {}
    events = card_events(live)
    for card_id, evs in events.items():
        first = evs[0]
        if first.kind in ("move", "leave"):  # rule 2: the stay before the first event
            key = "listBefore" if first.kind == "move" else "list"
            data = first.action["data"]
            list_id = _ref_id(data, key)
            stays[card_id] = _stay(
                card_id,
                board_id=first.board_id,
                list_id=list_id,
                list_name=_list_name(live, list_id, _ref_name(data, key)),
                entered_at=id_time(card_id),
                left_at=first.at,
            )
        for i, ev in enumerate(evs):  # rule 1: each enter or move opens a stay
            if ev.kind == "leave":
                continue
            key = "listAfter" if ev.kind == "move" else "list"
            data = ev.action["data"]
            list_id = _ref_id(data, key)
            stays[ev.action["id"]] = _stay(
                card_id,
                board_id=ev.board_id,
                list_id=list_id,
                list_name=_list_name(live, list_id, _ref_name(data, key)),
                entered_at=ev.at,
                left_at=evs[i + 1].at if i + 1 < len(evs) else None,
            )
    for card_id, card in live.cards.items():  # rule 3: a card with no event at all
        if card_id not in events:
            list_id = card["idList"]
            stays[card_id] = _stay(
                card_id,
                board_id=card["idBoard"],
                list_id=list_id,
                list_name=_list_name(live, list_id, None),
                entered_at=id_time(card_id),
                left_at=None,
            )
    return stays


def expected_stays(ws: Workspace) -> dict[str, dict[str, Any]]:
    """``trello__card_list_periods``: stay id -> the stay of a card in a list.

    Keys: card_id, board_id, list_id, list_name, entered_at, left_at, seconds_in_list.
    """
    return stays_from_live(live_tables(ws))


# ---------------------------------------------------------------------- cards
def _joined(values: list[str | None]) -> str | None:
    """Non-null values sorted by code point, joined with ", "; None when there are none."""
    present = sorted(v for v in values if v is not None)
    return ", ".join(present) if present else None


def expected_cards(ws: Workspace) -> dict[str, dict[str, Any]]:
    """``trello__cards``: card id -> its row, for each live card on a live board and list."""
    live = live_tables(ws)
    stays = stays_from_live(live)
    items_total: Counter[str | None] = Counter()
    items_complete: Counter[str | None] = Counter()
    for card_id, item in live.check_items:
        items_total[card_id] += 1
        items_complete[card_id] += item.get("state") == "complete"
    comments: Counter[str | None] = Counter(
        _ref_id(a.get("data") or {}, "card")
        for a in live.actions.values()
        if a["type"] == "commentCard"
    )
    open_entered: dict[tuple[str, str | None], datetime] = {}
    for stay in stays.values():
        if stay["left_at"] is None:
            key = (stay["card_id"], stay["list_id"])
            if key not in open_entered or stay["entered_at"] > open_entered[key]:
                open_entered[key] = stay["entered_at"]
    out: dict[str, dict[str, Any]] = {}
    for card_id, card in live.cards.items():
        board = live.boards.get(card["idBoard"])
        lst = live.lists.get(card["idList"])
        if board is None or lst is None:
            continue
        labels = [live.labels[x] for x in card.get("idLabels") or [] if x in live.labels]
        members = [live.members[x] for x in card.get("idMembers") or [] if x in live.members]
        out[card_id] = {
            "board_id": card["idBoard"],
            "board_name": board["name"],
            "list_id": card["idList"],
            "list_name": lst["name"],
            "card_name": card["name"],
            "is_archived": bool(card["closed"]) or bool(lst["closed"]),
            "created_at": id_time(card_id),
            "last_activity_at": parse_time(card.get("dateLastActivity")),
            "due_at": parse_time(card.get("due")),
            "is_due_complete": bool(card.get("dueComplete") or False),
            "label_names": _joined([lab.get("name") or lab.get("color") for lab in labels]),
            "member_usernames": _joined([m.get("username") for m in members]),
            "checklist_items_total": items_total[card_id],
            "checklist_items_complete": items_complete[card_id],
            "comment_count": comments[card_id],
            "current_list_entered_at": open_entered.get((card_id, card["idList"])),
        }
    return out


# ---------------------------------------------------------------------- list daily cards
def expected_list_daily_cards(ws: Workspace, today: date) -> dict[tuple[str, date], dict[str, Any]]:
    """``trello__list_daily_cards``: (list id, day) -> board_id, list_name, cards.

    ``cards`` counts the stays in the list at the last instant of the day: entered before
    the next midnight, not left before it.
    """
    live = live_tables(ws)
    stays = stays_from_live(live)
    first_day: dict[str | None, date] = {}
    by_list: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for stay in stays.values():
        day = stay["entered_at"].date()
        if stay["board_id"] not in first_day or day < first_day[stay["board_id"]]:
            first_day[stay["board_id"]] = day
        by_list[stay["list_id"]].append(stay)
    out: dict[tuple[str, date], dict[str, Any]] = {}
    for list_id, lst in live.lists.items():
        start = first_day.get(lst["idBoard"])
        if start is None or start > today:
            continue
        days = [start + timedelta(days=k) for k in range((today - start).days + 1)]
        ends = [datetime.combine(d + timedelta(days=1), datetime.min.time()) for d in days]
        counts = [0] * (len(days) + 1)
        for stay in by_list.get(list_id, []):
            # the card was in the list at the last instant before each end in ends[lo:hi]:
            # entered_at < end <= left_at
            lo = bisect.bisect_right(ends, stay["entered_at"])
            hi = (
                len(ends) if stay["left_at"] is None else bisect.bisect_right(ends, stay["left_at"])
            )
            if lo < hi:
                counts[lo] += 1
                counts[hi] -= 1
        running = 0
        for k, day in enumerate(days):
            running += counts[k]
            out[list_id, day] = {
                "board_id": lst["idBoard"],
                "list_name": lst["name"],
                "cards": running,
            }
    return out


# ---------------------------------------------------------------------- board daily activity
def _is_completion(action: dict[str, Any]) -> bool:
    """A check item completed, or a card's due date marked complete."""
    data = action.get("data") or {}
    if action["type"] == "updateCheckItemStateOnCard":
        return (data.get("checkItem") or {}).get("state") == "complete"
    if action["type"] == "updateCard":
        card, old = data.get("card") or {}, data.get("old") or {}
        return card.get("dueComplete") is True and old.get("dueComplete") is False
    return False


def expected_board_daily_activity(
    ws: Workspace,
) -> dict[tuple[str, str, date], dict[str, Any]]:
    """``trello__board_daily_activity``: (board id, member id, day) -> the group's counts.

    Keys: member_username, action_count, created_count, moved_count, commented_count,
    completed_count.
    """
    live = live_tables(ws)
    out: dict[tuple[Any, Any, date], dict[str, Any]] = {}
    for action in live.actions.values():
        data = action.get("data") or {}
        at = parse_time(action["date"])
        assert at is not None
        member_id = action.get("idMemberCreator")
        key = (_ref_id(data, "board"), member_id, at.date())
        row = out.get(key)
        if row is None:
            member = live.members.get(member_id) if member_id is not None else None
            row = {
                "member_username": member.get("username") if member is not None else None,
                "action_count": 0,
                "created_count": 0,
                "moved_count": 0,
                "commented_count": 0,
                "completed_count": 0,
            }
            out[key] = row
        atype = action["type"]
        row["action_count"] += 1
        row["created_count"] += atype in CREATED_TYPES
        row["moved_count"] += (
            atype == "updateCard" and _ref_id(data, "listAfter") is not None
        ) or atype == "moveCardToBoard"
        row["commented_count"] += atype == "commentCard"
        row["completed_count"] += _is_completion(action)
    return out
