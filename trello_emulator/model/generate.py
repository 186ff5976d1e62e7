"""The plan of a generated workspace: which boards, how big, and in which order they are made.

Shape of the data set (``Workspace.generate(seed, boards, cards, actions, bulk, big_share)``):

* ``me_id``: the token's member; 12 other members shared across boards; 2 organizations.
* ``boards`` visible boards. Board 0 is the BIG board (``big_board_id``: about
  ``big_share`` of all cards and actions, 62 labels, 8 lists, every custom field type);
  board 1 (if any) has no organization; the last board (if >= 3 boards) is closed;
  board 2 (if >= 4 boards) was copied from board 0; on board 3 the token's member is an
  observer. One more board, ``invisible_board_id``, exists but the token's member is not
  on it.
* From the sixth board on, one board in ten is closed (boards 9, 19, ...) and one in ten
  was never touched (boards 5, 15, ...): no cards, only board-level actions, and
  ``dateLastActivity: null`` as Trello shows such boards; its share of the cards goes to
  the board before it.
* Bulk runs (``bulk=True``, big board only), described in ``ws.runs``: cards ``cards_a``
  (~600 created in one second), ``cards_b`` (1,200 in one older second over several lists),
  actions ``actions_c`` (~800 in one second, with some identical milliseconds).
* A board's ``dateLastActivity`` is its newest card activity or action, ``updateBoard``
  (a rename, a prefs change) excepted; ``lists`` fixes every board's number of lists.

Everything is drawn from ``ws.rng`` in a fixed order: the same arguments give the same ids
and records, byte for byte. Each object's generator lives in its own module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import BOARD_ACTIVITY_IGNORES, generate_actions, plan_actions
from .boards import generate_labels, generate_lists, new_board
from .cards import CardPlan, generate_cards, plan_cards
from .common import DAY, END_S, START_S, ri
from .custom_fields import generate_custom_fields
from .ids import hex_string, id_second, iso_ms
from .list_history import make_list_history_consistent
from .members import generate_members, generate_organizations
from .vocabulary import BOARD_NAMES

if TYPE_CHECKING:
    import random

    from .actions import ActionSlot
    from .state import WorkspaceState


def generate_workspace(  # noqa: PLR0913
    ws: WorkspaceState,
    *,
    boards: int,
    cards: int,
    actions: int,
    bulk: bool,
    big_share: float,
    lists: int | None = None,
) -> None:
    """Fill an empty workspace (see the module docstring for its shape)."""
    rng = ws.rng
    ws.api_key = hex_string(rng, 32)
    ws.token = hex_string(rng, 64)
    generate_members(ws, rng)
    generate_organizations(ws, rng)
    n_boards = max(1, boards)
    if n_boards == 1:
        card_split, action_split = [cards], [actions]
    else:
        card_split = split_sizes(rng, cards, n_boards, big_share)
        action_split = split_sizes(rng, actions, n_boards, big_share)
    for i in range(n_boards):
        if untouched_board(i):  # its cards go to the board before it
            card_split[i - 1] += card_split[i]
            card_split[i] = 0
    org_ids = list(ws.organizations)
    others = [m for m in ws.members if m != ws.me_id]
    for i in range(n_boards):
        if i == 0:
            org: str | None = org_ids[0]
        elif i == 1:
            org = None
        else:
            org = org_ids[i % 2]
        size = 9 if i == 0 else ri(rng, 3, 7)
        board_members = [ws.me_id, *rng.sample(others, min(size, len(others)))]
        bstart = START_S + DAY + (0 if i == 0 else ri(rng, DAY, 300 * DAY))
        name = BOARD_NAMES[i % len(BOARD_NAMES)] + ("" if i < len(BOARD_NAMES) else f" {i}")
        bid = generate_board(
            ws,
            rng,
            name=name,
            org=org,
            closed=(n_boards >= 3 and i == n_boards - 1) or (i >= 5 and i % 10 == 9),
            members=board_members,
            bstart=bstart,
            n_cards=card_split[i],
            n_actions=action_split[i],
            big=(i == 0),
            bulk=bulk and i == 0,
            source=(ws.big_board_id if i == 2 and n_boards >= 4 else None),
            me_type="observer" if i == 3 else "admin",
            lists=lists,
            untouched=untouched_board(i),
        )
        if i == 0:
            ws.big_board_id = bid
    ws.invisible_board_id = generate_board(
        ws,
        rng,
        name="Private — HR 🔒",
        org=org_ids[1],
        closed=False,
        members=rng.sample(others, 3),
        bstart=START_S + 40 * DAY,
        n_cards=12,
        n_actions=20,
        big=False,
        bulk=False,
        source=None,
        me_type=None,
    )
    for mid, member in ws.members.items():
        member["idBoards"] = [b for b in ws.boards if mid in ws.index[b].members]
    ws.clock_s = END_S + DAY
    ws.mutation_process = ws.ids.process()


def untouched_board(index: int) -> bool:
    """Whether the ``index``-th board is one nobody touched (boards 5, 15, 25...)."""
    return index >= 5 and index % 10 == 5


def split_sizes(rng: random.Random, total: int, n: int, big_share: float) -> list[int]:
    """``total`` split over ``n`` boards: ``big_share`` for the first, the rest at random."""
    big = round(total * big_share)
    rest = total - big
    weights = [rng.uniform(0.5, 1.5) for _ in range(n - 1)]
    sw = sum(weights)
    parts = [int(rest * w / sw) for w in weights]
    parts[0] += rest - sum(parts)
    return [big, *parts]


def generate_board(  # noqa: PLR0913
    ws: WorkspaceState,
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
    lists: int | None = None,
    untouched: bool = False,
) -> str:
    """One board created at ``bstart`` with everything on it; its id.

    ``members[0]`` created it; ``me_type`` is the token's member's role (None: not on it).
    An ``untouched`` board (give it no cards) keeps ``dateLastActivity`` null.
    """
    board = new_board(
        ws,
        rng,
        name=name,
        org=org,
        closed=closed,
        members=members,
        bstart=bstart,
        source=source,
        starred=big,
        me_type=me_type,
    )
    bid: str = board["id"]
    list_ids = generate_lists(ws, rng, bid, bstart, big=big, count=lists)
    generate_labels(ws, rng, board, bstart, big=big)
    generate_custom_fields(ws, rng, bid, bstart, big=big)
    plan = plan_cards(ws, rng, n_cards, bstart, list_ids, bulk)
    slots = plan_actions(
        ws,
        rng,
        board_id=bid,
        bstart=bstart,
        source=source,
        list_ids=list_ids,
        members=members,
        cards=plan,
        n_actions=n_actions,
        bulk=bulk,
    )
    id_shorts = number_cards(ws, bid, plan, slots)
    cards = generate_cards(ws, rng, board, plan, id_shorts, members)
    history = generate_actions(
        ws, rng, board_id=bid, slots=slots, cards=cards, list_ids=list_ids, members=members
    )
    make_list_history_consistent(ws, history.actions, cards, list_ids)
    for i, card in enumerate(cards):
        base = plan.secs[i] * 1000 + ri(rng, 0, 3 * DAY) * 1000 + ri(rng, 0, 999)
        last = max(base, history.last_activity_ms[i])
        card["dateLastActivity"] = iso_ms(min(last, END_S * 1000 - 1))
        card["badges"]["comments"] = history.comments[i]
        ws.cards[card["id"]] = card
    for action in history.actions:
        ws.actions[action["id"]] = action
    idx = ws.index[bid]
    idx.cards = sorted(cards, key=lambda c: c["id"])
    idx.card_secs = [id_second(c["id"]) for c in idx.cards]
    # slots were sorted by (sec, ms) and ids minted in that order: already sorted
    idx.actions = history.actions
    idx.action_ms = history.action_ms
    idx.action_secs = [ms // 1000 for ms in history.action_ms]
    if not untouched:
        moved = [a["date"] for a in history.actions if a["type"] not in BOARD_ACTIVITY_IGNORES]
        moved += [c["dateLastActivity"] for c in cards]
        last_activity = max(moved or [iso_ms(bstart * 1000)])
        board["dateLastActivity"] = last_activity
        board["dateLastView"] = last_activity if me_type else None
        if closed:
            board["dateClosed"] = last_activity
    elif closed:
        board["dateClosed"] = iso_ms(bstart * 1000)
    return bid


def number_cards(
    ws: WorkspaceState, board_id: str, plan: CardPlan, slots: list[ActionSlot]
) -> list[int]:
    """Each card's ``idShort``: numbered in creation order together with the deleted cards.

    Registers the deleted (ghost) cards of ``deleteCard`` slots in ``ws.deleted_cards``.
    """
    ghosts = [s.ghost for s in slots if s.ghost is not None]
    order = sorted(
        [(cid, i) for i, cid in enumerate(plan.ids)]
        + [(g["id"], -1 - n) for n, g in enumerate(ghosts)]
    )
    id_shorts = [0] * len(plan.ids)
    for short, (_, i) in enumerate(order, start=1):
        if i >= 0:
            id_shorts[i] = short
        else:
            ghosts[-1 - i]["idShort"] = short
    ws.index[board_id].next_id_short = len(order) + 1
    for g in ghosts:
        ws.deleted_cards[g["id"]] = g
    return id_shorts
