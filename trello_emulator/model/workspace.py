"""The workspace a test, the benchmark or the demo works with: generated, then changed.

``Workspace.generate(seed=1, boards=4, cards=3000, actions=4200, bulk=True)`` builds the
whole data set with ``random.Random(seed)`` (no wall clock, no global random); see
``generate.py`` for its shape. Times lie between 2023-01-01 and 2026-06-01 UTC; every id is
a Mongo ObjectId whose first 4 bytes are the object's creation second, and an action's
``date`` lies in its id's second.

The mutations below are what a test does to the account between two syncs. They run on a
logical clock strictly after all existing data, take the workspace's lock, and are
copy-on-write for cards (a changed card is a new dict, so cached answers stay valid):

* ``add_cards(board_id, n, same_second=False, list_id=None)`` - ``n`` cards (oldest first),
  each with its ``createCard`` action in the card's second;
* ``add_actions(board_id, n, types=None, same_second=False)`` - ``n`` actions (oldest
  first); card actions move the card's ``dateLastActivity``, and an ``updateCard`` that
  moves a card really moves it;
* ``copy_card`` (``copyCard``), ``convert_check_item`` (``convertToCardFromCheckItem``);
* ``touch_card`` (new description), ``archive_card``, ``complete_due``, ``move_card_to_list(card_id,
  list_id)`` (``updateCard`` with ``listBefore``/``listAfter``);
* ``set_due`` (``updateCard`` with ``old.due``), ``set_custom_field`` (``updateCustomFieldItem``
  with ``customField``, ``customFieldItem`` and ``old.value`` / ``old.idValue``), ``add_list``
  (``createList``), ``rename_list`` (``updateList`` with ``old.name``), and
  ``advance_clock(seconds)``, which lets time pass before the next mutation;
* the deletion edits of ``edits.py`` (``delete_card``, ``remove_checklist``,
  ``clear_custom_field_item``, ``move_card``, ``move_list``, ``delete_check_item``,
  ``delete_attachment``, ``delete_label``, ``remove_member``, ``delete_board``), each with
  the trace Trello leaves;
* the workspace-level edits of ``workspace_level_edits.py`` (``add_organization_member``,
  ``remove_organization_member``, ``deactivate_organization_member``,
  ``set_organization_member_type``, ``update_organization``, ``add_organization_actions``,
  ``set_plugin_data``), in the workspace's own feed where Trello puts them;
* ``rename_board(board_id, name)`` - an ``updateBoard`` action, and no new activity date;
* ``add_board(name=None, organization_id=None)`` - an empty board the token's member admins,
  untouched (``dateLastActivity`` null) until something happens on it.

Every action but ``updateBoard`` moves its board's ``dateLastActivity`` to the action's
date (minus ``board_activity_lag_ms``: Trello stamps it a few ms before the action).
``add_actions`` with an Excluded type (``addLabelToCard``, ``createCheckItem``...) moves the
card's and the board's dates but, as in Trello, leaves no action in the board's feed.
"""

from __future__ import annotations

from typing import Any

from .actions import (
    BOARD_LEVEL_TYPES,
    EXCLUDED_ACTION_TYPES,
    action_data,
)
from .cards import build_card, card_badges
from .common import END_S, pick, ri
from .generate import generate_board, generate_workspace
from .ids import iso_ms, short_link
from .organization_level import generate_organization_level
from .plugin_data import generate_plugin_data
from .workspace_level_edits import WorkspaceLevelEdits


class Workspace(WorkspaceLevelEdits):
    """A Trello workspace: records, per-board indexes, a generator and a mutation API."""

    @classmethod
    def generate(  # noqa: PLR0913, PLR0917
        cls,
        seed: int = 1,
        boards: int = 4,
        cards: int = 3000,
        actions: int = 4200,
        bulk: bool = True,
        big_share: float = 0.88,
        lists: int | None = None,
        *,
        org_actions: int = 40,
        org_burst: int = 0,
    ) -> Workspace:
        """A deterministic workspace for ``seed``: the same arguments, the same records.

        ``big_share`` of the cards and actions go to board 0; ``lists`` fixes the number of
        lists of every board (default: 8 on board 0, 3-6 elsewhere). ``org_actions``: about
        how many actions each workspace's own feed holds (at least those its memberships
        and boards imply); ``org_burst``: that many more in one second of the first
        workspace's feed (0: none). The workspace level and the Power-Up data come from a
        random stream of their own: these two change nothing else.
        """
        ws = cls(seed)
        generate_workspace(
            ws,
            boards=boards,
            cards=cards,
            actions=actions,
            bulk=bulk,
            big_share=big_share,
            lists=lists,
        )
        generate_organization_level(ws, org_actions=org_actions, org_burst=org_burst)
        generate_plugin_data(ws)
        return ws

    @classmethod
    def many_boards(
        cls,
        seed: int = 1,
        boards: int = 120,
        cards_per_board: int = 25,
        actions_per_board: int = 60,
        lists: int = 3,
    ) -> Workspace:
        """An account of many small boards (for scale tests): even sizes, no bulk runs.

        One board in ten is closed and one in ten untouched (``dateLastActivity`` null).
        """
        return cls.generate(
            seed=seed,
            boards=boards,
            cards=boards * cards_per_board,
            actions=boards * actions_per_board,
            bulk=False,
            big_share=1 / max(1, boards),
            lists=lists,
        )

    # ------------------------------------------------------------------ mutations
    def add_cards(
        self, board_id: str, n: int, same_second: bool = False, list_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Create ``n`` cards (and their createCard actions); returns them oldest first."""
        with self.lock:
            bid = self.resolve_board(board_id) or board_id
            lid = list_id or next(x for x in self.index[bid].lists if not self.lists[x]["closed"])
            sec = self._tick()
            out = []
            for k in range(n):
                if k and not same_second:
                    sec = self._tick()
                ms = (k % 1000) if same_second else ri(self.rng, 0, 999)
                out.append(self._create_card(bid, lid, sec, ms))
            return out

    def copy_card(self, card_id: str, list_id: str | None = None) -> dict[str, Any]:
        """Copy a card into ``list_id`` (default: its own list): ``copyCard``; the new card."""
        with self.lock:
            source = self.cards[card_id]
            return self._create_card(
                source["idBoard"],
                list_id or source["idList"],
                self._tick(),
                ri(self.rng, 0, 999),
                action_type="copyCard",
                name=f"{source['name']} (copy)",
                extra={"cardSource": self.card_refs[card_id]},
            )

    def convert_check_item(self, item_id: str, list_id: str | None = None) -> dict[str, Any]:
        """Turn a check item into a card of its card's board: ``convertToCardFromCheckItem``.

        The item leaves its checklist (as ``delete_check_item``); returns the new card.
        """
        with self.lock:
            checklist, item = self._check_item(item_id)
            self.delete_check_item(item_id)
            source = self.cards[checklist["idCard"]]
            return self._create_card(
                source["idBoard"],
                list_id or source["idList"],
                self._tick(),
                ri(self.rng, 0, 999),
                action_type="convertToCardFromCheckItem",
                name=item["name"],
                extra={
                    "cardSource": self.card_refs[source["id"]],
                    "checklist": {"id": checklist["id"], "name": checklist["name"]},
                },
            )

    def _create_card(  # noqa: PLR0913
        self,
        bid: str,
        lid: str,
        sec: int,
        ms: int,
        *,
        action_type: str = "createCard",
        name: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new card in list ``lid`` of board ``bid``, and the action that made it."""
        idx = self.index[bid]
        cid = self.ids.new(sec, self.mutation_process)
        short = idx.next_id_short
        idx.next_id_short += 1
        link = short_link(self.rng, self.used_short_links)
        name = name or f"New card {short} ✨"
        card = build_card(
            card_id=cid,
            board=self.boards[bid],
            list_id=lid,
            id_short=short,
            name=name,
            link=link,
            pos=16384.0 * (100000 + short),
            date_last_activity=iso_ms(sec * 1000 + ms),
            badges=card_badges(),
        )
        self.cards[cid] = card
        idx.cards.append(card)
        idx.card_secs.append(sec)
        self.card_refs[cid] = {"id": cid, "name": name, "idShort": short, "shortLink": link}
        data = {
            "card": self.card_refs[cid],
            **(extra or {}),
            "list": self._list_ref(lid),
            "board": self.board_refs[bid],
        }
        self._append_action(bid, action_type, data, sec, ms)
        return card

    def add_actions(
        self, board_id: str, n: int, types: list[str] | None = None, same_second: bool = False
    ) -> list[dict[str, Any]]:
        """Add ``n`` actions (types cycled; default commentCard/updateCard); oldest first."""
        with self.lock:
            bid = self.resolve_board(board_id) or board_id
            idx = self.index[bid]
            cycle = types or ["commentCard", "updateCard"]
            open_cards = [c for c in idx.cards if not c["closed"]]
            rng = self.rng
            sec = self._tick()
            out = []
            for k in range(n):
                if k and not same_second:
                    sec = self._tick()
                ms = (k % 1000) if same_second else ri(rng, 0, 999)
                atype = cycle[k % len(cycle)]
                if atype in EXCLUDED_ACTION_TYPES:
                    card = pick(rng, open_cards) if open_cards else None
                    action = self._webhook_only_action(bid, atype, card, sec, ms)
                elif open_cards and atype not in BOARD_LEVEL_TYPES:
                    card = pick(rng, open_cards)
                    args = (rng, bid, atype, 0, [card], idx.lists, idx.members, sec)
                    data, real = action_data(self, *args)
                    if real == "deleteCard":  # a deletion needs delete_card()
                        data, real = action_data(self, rng, bid, "commentCard", *args[3:])
                    if "listAfter" in data:  # a move: the card really goes to the other list
                        target = data["listBefore"]["id"]
                        out.append(self._move_to_list(card["id"], target, sec, ms))
                        continue
                    action = self._append_action(bid, real, data, sec, ms)
                    cur = self.cards[card["id"]]
                    new = dict(cur, dateLastActivity=action["date"])
                    if real == "commentCard":
                        new["badges"] = dict(cur["badges"], comments=cur["badges"]["comments"] + 1)
                    self._replace_card(new)
                else:
                    real = atype if atype in ("updateList", "updateBoard") else "updateBoard"
                    args = (rng, bid, real, 0, [], idx.lists, idx.members, sec)
                    data, real = action_data(self, *args)
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
        action = self._append_action(
            cur["idBoard"],
            "updateCard",
            {
                "card": {**self.card_refs[card_id], **changes},
                "old": old,
                "board": self.board_refs[cur["idBoard"]],
                "list": self._list_ref(cur["idList"]),
            },
            sec,
            ri(self.rng, 0, 999),
        )
        new = dict(cur, **changes, **(also or {}), dateLastActivity=action["date"])
        self._replace_card(new)
        return new

    def _move_to_list(self, card_id: str, list_id: str, sec: int, ms: int) -> dict[str, Any]:
        """Move a card to another list of its board: the ``updateCard`` Trello logs."""
        cur = self.cards[card_id]
        before = cur["idList"]
        if list_id == before:  # a move to the list it is in: take the board's next list
            lists = self.index[cur["idBoard"]].lists
            list_id = lists[(lists.index(before) + 1) % len(lists)]
        data = {
            "card": {**self.card_refs[card_id], "idList": list_id},
            "old": {"idList": before},
            "board": self.board_refs[cur["idBoard"]],
            "listBefore": self._list_ref(before),
            "listAfter": self._list_ref(list_id),
        }
        action = self._append_action(cur["idBoard"], "updateCard", data, sec, ms)
        self._replace_card(dict(cur, idList=list_id, dateLastActivity=action["date"]))
        return action

    def move_card_to_list(self, card_id: str, list_id: str) -> dict[str, Any]:
        """Move a card to ``list_id`` on its board; the ``updateCard`` action."""
        with self.lock:
            return self._move_to_list(card_id, list_id, self._tick(), ri(self.rng, 0, 999))

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

    def complete_due(self, card_id: str, complete: bool = True) -> dict[str, Any]:
        """Mark a card's due date complete: updateCard with data.old.dueComplete=false.

        ``complete=False`` marks it not complete again (data.old.dueComplete=true).
        """
        with self.lock:
            return self._edit_card(
                card_id, self._tick(), {"dueComplete": complete}, {"dueComplete": not complete}
            )

    def set_due(self, card_id: str, due: str | None) -> dict[str, Any]:
        """Set, move or (None) remove a card's due date: updateCard with data.old.due.

        data.old.due is null when the card had no due date.
        """
        with self.lock:
            old = self.cards[card_id].get("due")
            return self._edit_card(card_id, self._tick(), {"due": due}, {"due": old})

    def set_custom_field(self, card_id: str, field_id: str, value: str) -> dict[str, Any]:
        """Set or change a card's value of a custom field: ``updateCustomFieldItem``.

        ``value`` as Trello sends it: a string for a text, number, date or checkbox
        (``"true"``) field, the option's id for a list field. ``data.old`` holds the previous
        ``value`` (or ``idValue``), null when the card had none.
        """
        with self.lock:
            definition = self.custom_fields[field_id]
            items = self.card_custom_field_items.get(card_id, [])
            item = next((x for x in items if x["idCustomField"] == field_id), None)
            sec = self._tick()
            key = {"text": "text", "number": "number", "date": "date", "checkbox": "checked"}
            new: dict[str, Any] = {
                "id": item["id"] if item else self.ids.new(sec, self.mutation_process)
            }
            if definition["type"] in key:
                new["value"] = {key[definition["type"]]: value}
                old = {"value": item.get("value") if item else None}
            else:
                new["idValue"] = value
                old = {"idValue": item.get("idValue") if item else None}
            new.update(idCustomField=field_id, idModel=card_id, modelType="card")
            others = [x for x in items if x is not item]
            self.card_custom_field_items[card_id] = [*others, new]
            card = self.cards[card_id]
            data = {
                "old": old,
                "customField": {
                    "id": field_id,
                    "name": definition["name"],
                    "type": definition["type"],
                },
                "customFieldItem": {
                    "id": new["id"],
                    "value": new.get("value"),
                    "idValue": new.get("idValue"),
                    "idCustomField": field_id,
                    "idModel": card_id,
                    "modelType": "card",
                },
                "board": self.board_refs[card["idBoard"]],
                "card": self.card_refs[card_id],
            }
            action = self._append_action(
                card["idBoard"], "updateCustomFieldItem", data, sec, ri(self.rng, 0, 999)
            )
            self._card_activity(card_id, action["date"])
            return action

    def add_list(self, board_id: str, name: str) -> dict[str, Any]:
        """Add an open list named ``name`` at the end of a board: ``createList``; the list."""
        with self.lock:
            bid = self.resolve_board(board_id) or board_id
            idx = self.index[bid]
            sec = self._tick()
            list_id = self.ids.new(sec, self.mutation_process)
            shape = self.lists[idx.lists[0]] if idx.lists else {"color": None}
            last = max((self.lists[x]["pos"] for x in idx.lists), default=0)
            self.lists[list_id] = {
                **shape,
                "id": list_id,
                "name": name,
                "closed": False,
                "idBoard": bid,
                "pos": last + 16384,
            }
            idx.lists.append(list_id)
            idx.cache.clear()
            data = {"board": self.board_refs[bid], "list": self._list_ref(list_id)}
            self._append_action(bid, "createList", data, sec, ri(self.rng, 0, 999))
            return self.lists[list_id]

    def rename_list(self, list_id: str, name: str) -> dict[str, Any]:
        """Rename a list: ``updateList`` with data.old.name."""
        with self.lock:
            lst = self.lists[list_id]
            self.lists[list_id] = dict(lst, name=name)
            bid = lst["idBoard"]
            self.index[bid].cache.clear()
            data = {
                "board": self.board_refs[bid],
                "list": self._list_ref(list_id),
                "old": {"name": lst["name"]},
            }
            return self._append_action(bid, "updateList", data, self._tick(), ri(self.rng, 0, 999))

    def advance_clock(self, seconds: int) -> int:
        """Let ``seconds`` pass before the next mutation; the clock's second now."""
        with self.lock:
            self.clock_s += seconds
            return self.clock_s

    def rename_board(self, board_id: str, name: str) -> dict[str, Any]:
        """Rename a board: an ``updateBoard`` action; its ``dateLastActivity`` stays put."""
        with self.lock:
            bid = self.resolve_board(board_id) or board_id
            board = self.boards[bid]
            old = board["name"]
            board["name"] = name
            # Actions already recorded keep the name they were made under: a new ref.
            self.board_refs[bid] = {**self.board_refs[bid], "name": name}
            data = {"board": self.board_refs[bid], "old": {"name": old}}
            return self._append_action(bid, "updateBoard", data, self._tick(), ri(self.rng, 0, 999))

    def add_board(
        self, name: str | None = None, organization_id: str | None = None
    ) -> dict[str, Any]:
        """Create an empty board (a few lists, 6+ labels) visible to the token, untouched."""
        with self.lock:
            sec = self._tick()
            others = [m for m in self.members if m != self.me_id][:2]
            bid = generate_board(
                self,
                self.rng,
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
                untouched=True,
            )
            # generate_board lays lists/labels a little after bstart: keep the clock past them
            self.clock_s = max(self.clock_s, sec + 3600)
            return self.boards[bid]
