"""The rows the dbt analytics marts (``transform/``) must hold, computed from the emulator.

An independent reference for the integration test: each function reads the emulator's
in-memory model (what Trello holds for the token, which a full sync leaves as the live rows
of the warehouse) and applies the definitions of the marts literally, without any SQL:

* :func:`expected_cards` - ``trello__cards``, by card id;
* :func:`expected_stays` - ``trello__card_list_periods``, by stay id;
* :func:`expected_list_daily_cards` - ``trello__list_daily_cards``, by (list id, day);
* :func:`expected_board_daily_activity` - ``trello__board_daily_activity``, by
  (board id, member id, day);

and the delivery marts, which take the ``trello_list_stages`` mapping the build had (None for
the default rules):

* :func:`expected_lists` - ``trello__lists``, by list id;
* :func:`expected_card_cycle_times` - ``trello__card_cycle_times``, by card id;
* :func:`expected_board_weekly_flow` - ``trello__board_weekly_flow``, by (board id, week);
* :func:`expected_card_due_dates` - ``trello__card_due_dates``, by card id;
* :func:`expected_custom_field_history` - ``trello__custom_field_history``, by period id;
* :func:`expected_plugin_data` - ``stg_trello__plugin_data``, by entry id;
* :func:`expected_workspace_people` - ``stg_trello__organization_members`` and
  ``stg_trello__organization_memberships``, by (workspace id, member or membership id).

Timestamps are naive ``datetime`` in UTC with the milliseconds of Trello's ISO strings;
days are ``date``; durations are ``Decimal`` seconds rounded to 3 places; percentiles of days
are ``float``.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

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
    power_ups = _power_up_data(ws)
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
            "power_up_data": power_ups.get(card_id),
        }
    return out


def expected_plugin_data(ws: Workspace) -> dict[str, dict[str, Any]]:
    """``stg_trello__plugin_data``: entry id -> its row, for the Power-Up data entries of
    every visible board and of every card on one.
    """
    live = live_tables(ws)
    with ws.lock:
        entries = [
            e for model in [*live.boards, *live.cards] for e in ws.plugin_data.get(model, [])
        ]
    return {
        e["id"]: {
            "plugin_id": e["idPlugin"],
            "scope": e["scope"],
            "model_id": e["idModel"],
            "board_id": e["idModel"]
            if e["scope"] == "board"
            else live.cards[e["idModel"]]["idBoard"],
            "card_id": e["idModel"] if e["scope"] == "card" else None,
            "access": e["access"],
            "value": e["value"],
            "updated_at": parse_time(e["dateLastUpdated"]),
        }
        for e in entries
    }


def _power_up_data(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    """Card id -> ``trello__cards.power_up_data``: its entries as {id_plugin, access,
    value}, ordered by Power-Up id, access and entry id.
    """
    by_card: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = defaultdict(list)
    for entry_id, row in expected_plugin_data(ws).items():
        if row["scope"] == "card":
            shown = {"id_plugin": row["plugin_id"], "access": row["access"], "value": row["value"]}
            by_card[row["card_id"]].append((row["plugin_id"], row["access"], entry_id, shown))
    return {card: [entry for *_, entry in sorted(entries)] for card, entries in by_card.items()}


def expected_workspace_people(
    ws: Workspace,
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
    """(``stg_trello__organization_members``, ``stg_trello__organization_memberships``)
    of every workspace the token sees, keyed by (workspace id, member or membership id).
    """
    members: dict[tuple[str, str], dict[str, Any]] = {}
    memberships: dict[tuple[str, str], dict[str, Any]] = {}
    with ws.lock:
        organizations = list(ws.members[ws.me_id]["idOrganizations"])
    for org in organizations:
        for m in ws.organization_memberships(org):
            person = ws.member_record(m["idMember"])
            members[org, m["idMember"]] = {
                "username": person.get("username"),
                "full_name": person.get("fullName"),
            }
            memberships[org, m["id"]] = {
                "member_id": m["idMember"],
                "member_type": m.get("memberType"),
                "is_unconfirmed": bool(m.get("unconfirmed")),
                "is_deactivated": bool(m.get("deactivated")),
            }
    return members, memberships


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


# ---------------------------------------------------------------------- workflow stages
DONE_WORDS = (
    "done",
    "complete",
    "completed",
    "finished",
    "shipped",
    "released",
    "resolved",
    "closed",
)
BACKLOG_WORDS = ("backlog", "to do", "todo", "inbox", "ideas", "icebox", "planned", "later")
STAGES = ("backlog", "in_progress", "done")


def _is_word_character(char: str) -> bool:
    """A letter or digit as the stage rules define them: a-z, 0-9 (after lower-casing) and
    U+00C0 to U+1FFF but the multiplication and division signs; emoji, punctuation, symbols
    and CJK are not.
    """
    return char in "abcdefghijklmnopqrstuvwxyz0123456789" or (
        "\u00c0" <= char <= "\u1fff" and char not in "\u00d7\u00f7"
    )


def _words(text: str) -> list[str]:
    """The words of ``text``, lower case: runs of letters and digits (anything else, emoji
    and punctuation included, separates them).
    """
    words: list[str] = []
    current = ""
    for char in text.lower():
        if _is_word_character(char):
            current += char
        elif current:
            words.append(current)
            current = ""
    return [*words, current] if current else words


def _has_word(name_words: list[str], phrase: str) -> bool:
    """``phrase`` (one word or several) occurs as whole consecutive words."""
    wanted = phrase.split()
    return any(
        name_words[i : i + len(wanted)] == wanted for i in range(len(name_words) - len(wanted) + 1)
    )


def stage_of(list_id: str | None, name: str | None, stages: Mapping[str, str] | None) -> str:
    """A list's workflow stage: the mapping by id, then by name (case-insensitive, trimmed),
    then by the words of its name.
    """
    for key, stage in (stages or {}).items():
        if key == list_id:
            return stage
    for key, stage in (stages or {}).items():
        if name is not None and key.strip(" ").lower() == name.strip(" ").lower():
            return stage
    words = _words(name or "")
    if any(_has_word(words, w) for w in DONE_WORDS):
        return "done"
    if any(_has_word(words, w) for w in BACKLOG_WORDS):
        return "backlog"
    return "in_progress"


def expected_lists(
    ws: Workspace, stages: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """``trello__lists``: list id -> board_id, list_name, stage, is_archived, position."""
    live = live_tables(ws)
    return {
        list_id: {
            "board_id": lst["idBoard"],
            "list_name": lst["name"],
            "stage": stage_of(list_id, lst["name"], stages),
            "is_archived": bool(lst.get("closed")),
            "position": lst.get("pos"),
        }
        for list_id, lst in live.lists.items()
    }


@dataclass
class StagedStay:
    """A stay with its list's stage, in its card's order."""

    card_id: str
    board_id: str | None
    stage: str
    entered_at: datetime
    left_at: datetime | None


def staged_stays(live: Live, stages: Mapping[str, str] | None) -> dict[str, list[StagedStay]]:
    """Each card's stays (deleted cards' too) in the order they happened, with their stage.

    The stay since the card's creation comes first; the others follow their opening
    actions' order (date, then a card leaving a board before it enters the next, then id).
    """
    by_card: dict[str, list[tuple[Any, StagedStay]]] = defaultdict(list)
    for stay_id, stay in stays_from_live(live).items():
        card_id = stay["card_id"]
        if stay_id == card_id:
            order: tuple[Any, ...] = (stay["entered_at"], -1, "")
        else:
            action = live.actions[stay_id]
            rank = 0 if action["type"] == "moveCardFromBoard" else 1
            order = (stay["entered_at"], rank, stay_id)
        stage = stage_of(stay["list_id"], stay["list_name"], stages)
        staged = StagedStay(card_id, stay["board_id"], stage, stay["entered_at"], stay["left_at"])
        by_card[card_id].append((order, staged))
    return {
        card_id: [staged for _, staged in sorted(pairs, key=lambda pair: pair[0])]
        for card_id, pairs in by_card.items()
    }


def _first_started(stays: list[StagedStay]) -> StagedStay | None:
    """The card's first stay in a list that is not a backlog list."""
    return next((s for s in stays if s.stage != "backlog"), None)


def _completions(stays: list[StagedStay]) -> list[StagedStay]:
    """The stays by which a card entered a done list from one that is not (or was created in
    one).
    """
    return [
        s
        for i, s in enumerate(stays)
        if s.stage == "done" and (i == 0 or stays[i - 1].stage != "done")
    ]


def expected_card_cycle_times(
    ws: Workspace, stages: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """``trello__card_cycle_times``: card id -> its row, for each card of ``trello__cards``.

    Keys: board_id, created_at, first_started_at, is_completed, completed_at,
    lead_time_seconds, cycle_time_seconds, times_reopened, current_stage,
    current_stage_entered_at.
    """
    live = live_tables(ws)
    cards = expected_cards(ws)
    staged = staged_stays(live, stages)
    out: dict[str, dict[str, Any]] = {}
    for card_id, card in cards.items():
        stays = staged.get(card_id, [])
        current = stage_of(card["list_id"], card["list_name"], stages)
        # the final run of stays in lists of the current stage (none if the last stay's list
        # is of another stage: a history that does not reach the card's list)
        run: list[StagedStay] = []
        for stay in reversed(stays):
            if stay.stage != current:
                break
            run.append(stay)
        entered = run[-1].entered_at if run else None
        started = _first_started(stays)
        first_started_at = started.entered_at if started is not None else None
        completed_at = entered if current == "done" else None
        out[card_id] = {
            "board_id": card["board_id"],
            "created_at": card["created_at"],
            "first_started_at": first_started_at,
            "is_completed": current == "done",
            "completed_at": completed_at,
            "lead_time_seconds": (
                _seconds(card["created_at"], completed_at) if completed_at else None
            ),
            "cycle_time_seconds": (
                _seconds(first_started_at, completed_at)
                if completed_at and first_started_at
                else None
            ),
            "times_reopened": sum(
                1
                for before, after in itertools.pairwise(stays)
                if before.stage == "done" and after.stage != "done"
            ),
            "current_stage": current,
            "current_stage_entered_at": entered,
        }
    return out


def week_of(moment: datetime | date) -> date:
    """The Monday of the ISO week of ``moment`` (UTC)."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The continuous percentile (linear interpolation between the closest ranks)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def expected_board_weekly_flow(
    ws: Workspace, now: datetime, stages: Mapping[str, str] | None = None
) -> dict[tuple[str, date], dict[str, Any]]:
    """``trello__board_weekly_flow``: (board id, week start) -> cards_started,
    cards_completed, wip_at_week_end, cycle_time_p50_days, cycle_time_p85_days.

    Every card's stays count (deleted cards' past included), each on the board of the stay:
    a card starts with its first stay outside backlog lists, is completed by each stay in a
    done list that follows a stay that is not (or that it was created in), and is in
    progress at an instant when the stay covering it is in an in_progress list. ``now``: the
    end of the current week.
    """
    live = live_tables(ws)
    staged = staged_stays(live, stages)
    first_week: dict[str | None, date] = {}
    for stays in staged.values():
        for stay in stays:
            week = week_of(stay.entered_at)
            if stay.board_id not in first_week or week < first_week[stay.board_id]:
                first_week[stay.board_id] = week
    started: dict[tuple[str | None, date], set[str]] = defaultdict(set)
    # (board, week) -> card -> the cycle time of its last completion of the week, in days
    completed: dict[tuple[str | None, date], dict[str, tuple[datetime, float]]] = defaultdict(dict)
    for card_id, stays in staged.items():
        start = _first_started(stays)
        if start is None:
            continue
        started[start.board_id, week_of(start.entered_at)].add(card_id)
        for done in _completions(stays):
            seconds = _seconds(start.entered_at, done.entered_at)
            assert seconds is not None
            of_week = completed[done.board_id, week_of(done.entered_at)]
            if card_id not in of_week or of_week[card_id][0] <= done.entered_at:
                of_week[card_id] = (done.entered_at, float(seconds) / 86400)
    current_week = week_of(now)
    in_progress: dict[str | None, list[StagedStay]] = defaultdict(list)
    for stays in staged.values():
        for stay in stays:
            if stay.stage == "in_progress":
                in_progress[stay.board_id].append(stay)
    out: dict[tuple[str, date], dict[str, Any]] = {}
    for board_id in live.boards:
        if board_id not in first_week or first_week[board_id] > current_week:
            continue
        weeks = [first_week[board_id]]
        while weeks[-1] < current_week:
            weeks.append(weeks[-1] + timedelta(days=7))
        # each week's end: Monday 00:00 of the next week, now for the current week
        ends = [datetime.combine(w + timedelta(days=7), datetime.min.time()) for w in weeks]
        ends[-1] = now
        wip: list[set[str]] = [set() for _ in weeks]
        for stay in in_progress[board_id]:
            # in the list at a week's end: entered before it, not left before it
            first = bisect.bisect_right(ends, stay.entered_at)
            last = len(ends) if stay.left_at is None else bisect.bisect_right(ends, stay.left_at)
            for k in range(first, last):
                wip[k].add(stay.card_id)
        for k, week in enumerate(weeks):
            days = [cycle for _, cycle in completed[board_id, week].values()]
            out[board_id, week] = {
                "cards_started": len(started[board_id, week]),
                "cards_completed": len(days),
                "wip_at_week_end": len(wip[k]),
                "cycle_time_p50_days": percentile_cont(days, 0.5),
                "cycle_time_p85_days": percentile_cont(days, 0.85),
            }
    return out


# ---------------------------------------------------------------------- due dates
def expected_card_due_dates(ws: Workspace, now: datetime) -> dict[str, dict[str, Any]]:
    """``trello__card_due_dates``: card id -> its row, for each card of ``trello__cards``
    with a due date.

    Keys: board_id, due_at, is_due_complete, due_completed_at, is_completed_late,
    is_overdue, due_date_changes.
    """
    live = live_tables(ws)
    completions: dict[str, datetime] = {}
    changes: Counter[str] = Counter()
    for action in live.actions.values():
        if action["type"] != "updateCard":
            continue
        data = action.get("data") or {}
        card_id = _ref_id(data, "card")
        if card_id is None:
            continue
        card, old = data.get("card") or {}, data.get("old") or {}
        at = parse_time(action["date"])
        assert at is not None
        sets_complete = card.get("dueComplete") is True and old.get("dueComplete") is False
        if sets_complete and (card_id not in completions or completions[card_id] < at):
            completions[card_id] = at
        if old.get("due") is not None:
            changes[card_id] += 1
    out: dict[str, dict[str, Any]] = {}
    for card_id, card in expected_cards(ws).items():
        due_at = card["due_at"]
        if due_at is None:
            continue
        complete = card["is_due_complete"]
        completed_at = completions.get(card_id) if complete else None
        out[card_id] = {
            "board_id": card["board_id"],
            "due_at": due_at,
            "is_due_complete": complete,
            "due_completed_at": completed_at,
            "is_completed_late": completed_at > due_at if completed_at is not None else None,
            "is_overdue": not complete and due_at < now,
            "due_date_changes": changes[card_id],
        }
    return out


# ---------------------------------------------------------------------- custom field history
def _custom_field_text(
    value: dict[str, Any] | None, option_id: str | None, options: Mapping[str, str | None]
) -> str | None:
    """A custom field value as text: the number, text, date or checkbox string Trello sends,
    or a list field's option text (its id when the option is gone); None when cleared.
    """
    for key in ("number", "text", "date", "checked"):
        if value and value.get(key) is not None:
            text: str = value[key]
            return text
    if option_id:
        option_text = options.get(option_id)
        return option_text if option_text is not None else option_id
    return None


def expected_custom_field_history(ws: Workspace) -> dict[str, dict[str, Any]]:
    """``trello__custom_field_history``: period id -> card_id, board_id, custom_field_id,
    custom_field_name, value, valid_from, valid_until; for the cards of ``trello__cards``.

    A period opens with each ``updateCustomFieldItem`` that sets a value (its id is the
    period's) and ends with the next one of that field on that card; a current value of the
    card that no action of that field explains is one period (the item's id) from and until
    null.
    """
    live = live_tables(ws)
    cards = expected_cards(ws)
    with ws.lock:
        fields = {
            field_id: ws.custom_fields[field_id]
            for b in live.boards
            for field_id in ws.index[b].custom_fields
            if field_id in ws.custom_fields
        }
        items = {card_id: list(ws.card_custom_field_items.get(card_id, [])) for card_id in cards}
    options: dict[str, str | None] = {
        option["id"]: (option.get("value") or {}).get("text")
        for definition in fields.values()
        for option in definition.get("options") or []
    }
    changes: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for action in live.actions.values():
        if action["type"] != "updateCustomFieldItem":
            continue
        data = action.get("data") or {}
        item = data.get("customFieldItem") or {}
        card_id = _ref_id(data, "card")
        field_id = _ref_id(data, "customField") or item.get("idCustomField")
        if card_id in cards and field_id is not None:
            changes[card_id, field_id].append(action)
    out: dict[str, dict[str, Any]] = {}
    for (card_id, field_id), actions in changes.items():
        actions.sort(key=lambda a: (parse_time(a["date"]), a["id"]))
        for i, action in enumerate(actions):
            data = action["data"]
            item = data.get("customFieldItem") or {}
            text = _custom_field_text(item.get("value"), item.get("idValue"), options)
            if text is None:  # cleared: the previous period ended, none opens
                continue
            field = fields.get(field_id)
            out[action["id"]] = {
                "card_id": card_id,
                "board_id": _ref_id(data, "board"),
                "custom_field_id": field_id,
                "custom_field_name": (
                    field["name"] if field else (data.get("customField") or {}).get("name")
                ),
                "value": text,
                "valid_from": parse_time(action["date"]),
                "valid_until": (
                    parse_time(actions[i + 1]["date"]) if i + 1 < len(actions) else None
                ),
            }
    for card_id, card_items in items.items():
        for item in card_items:
            field_id = item["idCustomField"]
            if (card_id, field_id) in changes:
                continue
            field = fields.get(field_id)
            out[item["id"]] = {
                "card_id": card_id,
                "board_id": cards[card_id]["board_id"],
                "custom_field_id": field_id,
                "custom_field_name": field["name"] if field else None,
                "value": _custom_field_text(item.get("value"), item.get("idValue"), options),
                "valid_from": None,
                "valid_until": None,
            }
    return out
