"""Cards: the one card builder, their creation plan (with bulk runs) and their generator.

:func:`build_card` is the only place a card record is spelled out; the generator and the
``add_cards`` mutation both call it. :func:`plan_cards` decides when each card of a board
was created: mostly spread over the board's life, plus, on the big board with ``bulk``, two
runs of hundreds of cards created in one second (a board copy, a bulk move), which is what
breaks paging by id at one-second granularity. :func:`generate_cards` then fills each card
with labels, members, dates, checklists, attachments and custom field values.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .attachments import generate_attachments
from .checklists import CheckItemCounts, generate_checklists
from .common import DAY, END_S, START_S, node_id, pick, ri, slug
from .custom_fields import generate_custom_field_items
from .ids import iso_ms, short_link
from .vocabulary import CARD_OBJECTS, CARD_WORDS, COLORS, DESCRIPTIONS

if TYPE_CHECKING:
    import random

    from .state import WorkspaceState

PLAIN, RUN_A, RUN_B = 0, 1, 2
"""Kinds of card in a plan: spread over time, or in one of the two same-second runs."""


def card_badges(  # noqa: PLR0913
    *,
    due: str | None = None,
    due_complete: bool = False,
    start: str | None = None,
    description: bool = False,
    attachments: int = 0,
    comments: int = 0,
    check_items: CheckItemCounts | None = None,
) -> dict[str, Any]:
    """A card's ``badges``: the counts Trello shows on the card's front."""
    counts = check_items or CheckItemCounts()
    return {
        "dueComplete": due_complete,
        "due": due,
        "description": description,
        "attachments": attachments,
        "comments": comments,
        "checkItemsChecked": counts.checked,
        "checkItems": counts.items,
        "fogbugz": "",
        "checkItemsEarliestDue": counts.earliest_due,
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


def build_card(  # noqa: PLR0913
    *,
    card_id: str,
    board: dict[str, Any],
    list_id: str,
    id_short: int,
    name: str,
    link: str,
    pos: float,
    desc: str = "",
    closed: bool = False,
    labels: list[dict[str, Any]] | None = None,
    member_ids: list[str] | None = None,
    due: str | None = None,
    due_reminder: int | None = None,
    due_complete: bool = False,
    start: str | None = None,
    date_last_activity: str | None = None,
    badges: dict[str, Any] | None = None,
    cover_color: str | None = None,
    cover_brightness: str = "dark",
    is_template: bool = False,
) -> dict[str, Any]:
    """A card record with every field ``/boards/{id}/cards`` returns, in Trello's order."""
    labels = labels or []
    return {
        "id": card_id,
        "agent": None,
        "badges": badges,
        "checkItemStates": [],
        "closed": closed,
        "dueComplete": due_complete,
        "dateLastActivity": date_last_activity,
        "desc": desc,
        "descData": {"emoji": {}} if desc else None,
        "due": due,
        "dueReminder": due_reminder,
        "email": None,
        "idBoard": board["id"],
        "idChecklists": [],
        "idList": list_id,
        "idMembers": member_ids or [],
        "idMembersVoted": [],
        "idShort": id_short,
        "idAttachmentCover": None,
        "labels": labels,
        "idLabels": [label["id"] for label in labels],
        "manualCoverAttachment": False,
        "name": name,
        "nodeId": node_id("card", board["idOrganization"], card_id),
        "pinned": False,
        "pos": pos,
        "shortLink": link,
        "shortUrl": f"https://trello.com/c/{link}",
        "start": start,
        "subscribed": False,
        "url": f"https://trello.com/c/{link}/{id_short}-{slug(name)}",
        "cover": {
            "idAttachment": None,
            "color": cover_color,
            "idUploadedBackground": None,
            "size": "normal",
            "brightness": cover_brightness,
            "yPosition": 0.5,
            "idPlugin": None,
        },
        "isTemplate": is_template,
        "cardRole": None,
        "mirrorSourceId": None,
    }


@dataclass
class CardPlan:
    """When and where each card of a board is created, in creation order."""

    secs: list[int] = field(default_factory=list)
    kinds: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)

    def plain_positions(self) -> list[int]:
        """Positions of the cards spread over time (not in a bulk run)."""
        return [i for i, kind in enumerate(self.kinds) if kind == PLAIN]


def gap_second(secs_asc: list[int], newer: int) -> tuple[int, int]:
    """A free second with ``newer`` of ``secs_asc`` after it (moves older if no gap)."""
    m = len(secs_asc)
    i = m - newer
    while True:
        lo = secs_asc[i - 1] if i > 0 else START_S
        hi = secs_asc[i] if i < m else END_S
        if hi - lo >= 2:
            return (lo + hi) // 2, m - i
        i -= 1


def plan_cards(  # noqa: PLR0913, PLR0917
    ws: WorkspaceState,
    rng: random.Random,
    n_cards: int,
    bstart: int,
    list_ids: list[str],
    bulk: bool,
) -> CardPlan:
    """Creation seconds, ids and lists of a board's cards; records bulk runs in ``ws.runs``.

    Run A: up to 600 cards in one second over every open list (newest-first positions
    ~700.. of ``filter=all``); run B: up to 1,200 cards in an older second over up to four
    lists (positions ~1400..).
    """
    ids = ws.ids
    open_lists = [lid for lid in list_ids if not ws.lists[lid]["closed"]]
    list_weights = [1 if ws.lists[lid]["closed"] else 6 for lid in list_ids]
    lo, hi = bstart + 3600, END_S - 7 * DAY
    run_a = min(600, n_cards // 4) if bulk else 0
    run_b = min(1200, n_cards // 2) if bulk else 0
    n_plain = n_cards - run_a - run_b
    secs = sorted(ri(rng, lo, hi) for _ in range(n_plain))
    kinds = [PLAIN] * n_plain
    if bulk and run_a:
        sa, newer_a = gap_second(secs, min(700, n_plain))
        sb, newer_b = gap_second(secs, min(800, n_plain))
        if sb >= sa:  # pragma: no cover - degenerate tiny boards
            sb = sa - 1
        ws.runs["cards_a"] = {"second": sa, "size": run_a, "first_position": newer_a}
        ws.runs["cards_b"] = {"second": sb, "size": run_b, "first_position": newer_b + run_a}
        ia = bisect.bisect_right(secs, sa)
        secs[ia:ia] = [sa] * run_a
        kinds[ia:ia] = [RUN_A] * run_a
        ib = bisect.bisect_right(secs, sb)
        secs[ib:ib] = [sb] * run_b
        kinds[ib:ib] = [RUN_B] * run_b
    run_process = {RUN_A: ids.process(), RUN_B: ids.process()}
    b_lists = open_lists[: max(1, min(4, len(open_lists)))]
    plan = CardPlan(secs=secs, kinds=kinds)
    ka = kb = 0
    for sec, kind in zip(secs, kinds, strict=False):
        plan.ids.append(ids.new(sec, run_process.get(kind)))
        if kind == RUN_A:
            plan.lists.append(open_lists[ka % len(open_lists)])
            ka += 1
        elif kind == RUN_B:
            plan.lists.append(b_lists[(kb * len(b_lists)) // max(1, run_b)])
            kb += 1
        else:
            plan.lists.append(rng.choices(list_ids, list_weights)[0])
    if bulk and run_a:
        ws.runs["cards_a"]["ids"] = [c for c, k in zip(plan.ids, kinds, strict=False) if k == 1]
        ws.runs["cards_b"]["ids"] = [c for c, k in zip(plan.ids, kinds, strict=False) if k == 2]
        ws.runs["cards_b"]["lists"] = list(b_lists)
    return plan


def generate_cards(  # noqa: PLR0913, PLR0917
    ws: WorkspaceState,
    rng: random.Random,
    board: dict[str, Any],
    plan: CardPlan,
    id_shorts: list[int],
    members: list[str],
) -> list[dict[str, Any]]:
    """The planned cards, in creation order, with their checklists, attachments, values.

    Cards of a bulk run are bare copies (no description, members or attachments). Their
    ``dateLastActivity`` and comment counts are set once the actions exist.
    """
    bid = board["id"]
    idx = ws.index[bid]
    label_ids = idx.labels
    field_ids = idx.custom_fields
    pos_counter: dict[str, int] = {}
    cards: list[dict[str, Any]] = []
    for i, card_id in enumerate(plan.ids):
        sec, lid, kind = plan.secs[i], plan.lists[i], plan.kinds[i]
        plain = kind == PLAIN
        pos_counter[lid] = pos_counter.get(lid, 0) + 1
        name = f"{pick(rng, CARD_WORDS)} {pick(rng, CARD_OBJECTS)}"
        if kind:
            name = f"{name} (copy)" if kind == RUN_A else f"{name} #{i}"
        desc = pick(rng, DESCRIPTIONS) if plain else ""
        link = short_link(rng, ws.used_short_links)
        labels = rng.sample(label_ids, pick(rng, [0, 0, 1, 1, 2, 3])) if label_ids else []
        card_members = rng.sample(members, pick(rng, [0, 0, 1, 1, 2])) if plain else []
        due = start = None
        due_complete = False
        if rng.random() < 0.35:
            due_s = sec + ri(rng, DAY, 60 * DAY)
            due = iso_ms((due_s - due_s % 3600) * 1000)
            due_complete = rng.random() < 0.4
            if rng.random() < 0.3:
                st = sec + ri(rng, 0, due_s - sec)
                start = iso_ms((st - st % 3600) * 1000)
        closed = plain and (rng.random() < 0.08 or (ws.lists[lid]["closed"] and rng.random() < 0.5))
        due_reminder = pick(rng, [None, -1, 60, 1440]) if due else None
        pos = pos_counter[lid] * 16384 + (0.5 if rng.random() < 0.1 else 0)
        cover_color = pick(rng, COLORS) if rng.random() < 0.08 else None
        cover_brightness = pick(rng, ["dark", "light"])
        card = build_card(
            card_id=card_id,
            board=board,
            list_id=lid,
            id_short=id_shorts[i],
            name=name,
            link=link,
            pos=pos,
            desc=desc,
            closed=closed,
            labels=[ws.labels[x] for x in labels],
            member_ids=card_members,
            due=due,
            due_reminder=due_reminder,
            due_complete=due_complete,
            start=start,
            cover_color=cover_color,
            cover_brightness=cover_brightness,
            is_template=plain and rng.random() < 0.01,
        )
        for x in labels:
            ws.labels[x]["uses"] += 1
        counts = CheckItemCounts()
        if (plain and rng.random() < 0.15) or (not plain and rng.random() < 0.02):
            counts = generate_checklists(ws, rng, card, bid, sec, members)
        n_attachments = 0
        if plain and rng.random() < 0.12:
            n_attachments = generate_attachments(ws, rng, card, sec, members)
        if field_ids and plain and rng.random() < 0.35:
            generate_custom_field_items(ws, rng, card_id, field_ids, sec)
        card["badges"] = card_badges(
            due=due,
            due_complete=due_complete,
            start=start,
            description=bool(desc),
            attachments=n_attachments,
            check_items=counts,
        )
        cards.append(card)
        ws.card_refs[card_id] = {
            "id": card_id,
            "name": name,
            "idShort": id_shorts[i],
            "shortLink": link,
        }
    return cards
