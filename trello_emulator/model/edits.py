"""Edits that take things out of a board, each leaving the trace Trello leaves.

What Trello's board feed announces and what it does not (docs/deletions.md) decides what
a tap can learn from the feed and what it only learns by reading the board whole again:

* in the feed: ``deleteCard``, ``removeChecklistFromCard``, ``updateCustomFieldItem`` (value
  cleared, ``old.value`` kept), ``moveCardFromBoard``/``moveCardToBoard``,
  ``moveListFromBoard``/``moveListToBoard``;
* never in the feed (Excluded types, webhooks only): ``deleteCheckItem``, ``deleteLabel``,
  ``removeMemberFromBoard``; an attachment deleted is treated the same (the 2017 docs and a
  2025 client library disagree, so a tap must not rely on it);
* a deleted board simply stops being listed, with everything on it.

Activity dates follow the recordings: a deleted attachment and a custom field value change
move the card's and the board's ``dateLastActivity``, and so does a deleted check item (a
created one did); a label deleted or a member removed moves nothing (not observed), so a
tap only sees those on a whole read.
"""

from __future__ import annotations

import bisect
from typing import Any

from .actions import deleted_card_data
from .common import ri
from .ids import id_second, iso_ms
from .mutable import MutableState


class DeletionEdits(MutableState):
    """Deletions, removals and moves between boards."""

    def _card_activity(self, card_id: str, date: str, **changes: Any) -> dict[str, Any]:
        """The card with ``changes`` and its ``dateLastActivity`` moved to ``date``."""
        new = dict(self.cards[card_id], **changes, dateLastActivity=date)
        self._replace_card(new)
        return new

    def _unfed_activity(self, card_id: str, **changes: Any) -> None:
        """An edit the feed never shows that still moves the card's and board's dates."""
        card = self.cards[card_id]
        sec, ms = self._tick(), ri(self.rng, 0, 999)
        self._card_activity(card_id, iso_ms(sec * 1000 + ms), **changes)
        self._board_activity(card["idBoard"], sec * 1000 + ms)

    def _drop_card_from_index(self, card: dict[str, Any]) -> None:
        idx = self.index[card["idBoard"]]
        i = bisect.bisect_left([c["id"] for c in idx.cards], card["id"])
        del idx.cards[i]
        del idx.card_secs[i]
        idx.cache.clear()

    def _add_card_to_index(self, card: dict[str, Any], sec: int) -> None:
        idx = self.index[card["idBoard"]]
        i = bisect.bisect_left([c["id"] for c in idx.cards], card["id"])
        idx.cards.insert(i, card)
        idx.card_secs.insert(i, sec)
        idx.cache.clear()
        self.cards[card["id"]] = card

    # ------------------------------------------------------------------ announced
    def delete_card(self, card_id: str) -> dict[str, Any]:
        """Delete a card with its checklists, attachments and values; returns deleteCard."""
        with self.lock:
            cur = self.cards.pop(card_id)
            bid = cur["idBoard"]
            self._drop_card_from_index(cur)
            for cl in cur["idChecklists"]:
                self.checklists.pop(cl, None)
            self.card_attachments.pop(card_id, None)
            self.card_custom_field_items.pop(card_id, None)
            self.plugin_data.pop(card_id, None)
            for lab in cur["idLabels"]:
                self.labels[lab]["uses"] -= 1
            self.label_version += 1  # cards embed label objects (with "uses")
            self.deleted_cards[card_id] = {
                "id": card_id,
                "idShort": cur["idShort"],
                "shortLink": cur["shortLink"],
                "idBoard": bid,
                "idList": cur["idList"],
            }
            sec = self._tick()
            data = deleted_card_data(self, bid, cur)
            return self._append_action(bid, "deleteCard", data, sec, ri(self.rng, 0, 999))

    def remove_checklist(self, checklist_id: str) -> dict[str, Any]:
        """Remove a checklist (and its items) from its card: ``removeChecklistFromCard``."""
        with self.lock:
            checklist = self.checklists.pop(checklist_id)
            card = self.cards[checklist["idCard"]]
            bid = card["idBoard"]
            data = {
                "card": self.card_refs[card["id"]],
                "board": self.board_refs[bid],
                "checklist": {"id": checklist_id, "name": checklist["name"]},
            }
            items = checklist["checkItems"]
            action = self._append_action(
                bid, "removeChecklistFromCard", data, self._tick(), ri(self.rng, 0, 999)
            )
            badges = dict(
                card["badges"],
                checkItems=card["badges"]["checkItems"] - len(items),
                checkItemsChecked=card["badges"]["checkItemsChecked"]
                - sum(item["state"] == "complete" for item in items),
            )
            self._card_activity(
                card["id"],
                action["date"],
                idChecklists=[x for x in card["idChecklists"] if x != checklist_id],
                badges=badges,
            )
            return action

    def clear_custom_field_item(self, card_id: str, field_id: str) -> dict[str, Any]:
        """Clear a card's value of a custom field: ``updateCustomFieldItem``, value null."""
        with self.lock:
            items = self.card_custom_field_items.get(card_id, [])
            item = next(x for x in items if x["idCustomField"] == field_id)
            self.card_custom_field_items[card_id] = [x for x in items if x is not item]
            card = self.cards[card_id]
            definition = self.custom_fields[field_id]
            old = {"value": item["value"]} if "value" in item else {"idValue": item["idValue"]}
            data = {
                "customField": {
                    "id": field_id,
                    "name": definition["name"],
                    "type": definition["type"],
                },
                "customFieldItem": {
                    "id": item["id"],
                    "value": None,
                    "idCustomField": field_id,
                    "idModel": card_id,
                    "modelType": "card",
                },
                "old": old,
                "card": self.card_refs[card_id],
                "board": self.board_refs[card["idBoard"]],
            }
            action = self._append_action(
                card["idBoard"], "updateCustomFieldItem", data, self._tick(), ri(self.rng, 0, 999)
            )
            self._card_activity(card_id, action["date"])
            return action

    def move_card(
        self, card_id: str, board_id: str, list_id: str | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Move a card to another board: ``moveCardFromBoard`` there, ``moveCardToBoard`` here.

        Labels and custom field values belong to the old board and stay behind; the
        card keeps its id, checklists and attachments.
        """
        with self.lock:
            cur = self.cards[card_id]
            source, target = cur["idBoard"], self.resolve_board(board_id) or board_id
            lid = list_id or next(
                x for x in self.index[target].lists if not self.lists[x]["closed"]
            )
            card = self.card_refs[card_id]
            gone, came = self._record_move(
                "Card",
                source,
                target,
                {"card": card, "list": self._list_ref(cur["idList"])},
                {"card": card, "list": self._list_ref(lid)},
            )
            self._move_card_between_boards(cur, target, lid, came["date"])
            return gone, came

    def _record_move(
        self, kind: str, source: str, target: str, gone: dict[str, Any], came: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A move's two actions: ``move<kind>FromBoard`` there, ``move<kind>ToBoard`` here."""
        sec, ms = self._tick(), ri(self.rng, 0, 999)
        source_data = {**gone, "board": self.board_refs[source], "boardTarget": {"id": target}}
        target_data = {**came, "board": self.board_refs[target], "boardSource": {"id": source}}
        return (
            self._append_action(source, f"move{kind}FromBoard", source_data, sec, ms),
            self._append_action(target, f"move{kind}ToBoard", target_data, sec, min(ms + 1, 999)),
        )

    def _move_card_between_boards(
        self, cur: dict[str, Any], target: str, list_id: str, date: str
    ) -> None:
        self._drop_card_from_index(cur)
        for lab in cur["idLabels"]:
            self.labels[lab]["uses"] -= 1
        self.label_version += 1
        self.card_custom_field_items.pop(cur["id"], None)
        idx = self.index[target]
        new = dict(
            cur,
            idBoard=target,
            idList=list_id,
            idLabels=[],
            labels=[],
            idShort=idx.next_id_short,
            dateLastActivity=date,
        )
        idx.next_id_short += 1
        for cl in cur["idChecklists"]:
            self.checklists[cl] = dict(self.checklists[cl], idBoard=target)
        self._add_card_to_index(new, id_second(cur["id"]))

    def move_list(self, list_id: str, board_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Move a list with its cards to another board (``moveListFromBoard`` / ``…ToBoard``)."""
        with self.lock:
            lst = self.lists[list_id]
            source, target = lst["idBoard"], self.resolve_board(board_id) or board_id
            ref = {"list": self._list_ref(list_id)}
            gone, came = self._record_move("List", source, target, ref, ref)
            self.index[source].lists.remove(list_id)
            self.index[target].lists.append(list_id)
            self.lists[list_id] = dict(lst, idBoard=target)
            for card in [c for c in self.index[source].cards if c["idList"] == list_id]:
                self._move_card_between_boards(card, target, list_id, came["date"])
            return gone, came

    # ------------------------------------------------------------------ never in the feed
    def _check_item(self, item_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The checklist that holds check item ``item_id``, and the item."""
        checklist = next(
            cl
            for cl in self.checklists.values()
            if any(i["id"] == item_id for i in cl["checkItems"])
        )
        return checklist, next(i for i in checklist["checkItems"] if i["id"] == item_id)

    def delete_check_item(self, item_id: str) -> None:
        """Delete a check item (``deleteCheckItem`` reaches webhooks only)."""
        with self.lock:
            checklist, item = self._check_item(item_id)
            self.checklists[checklist["id"]] = dict(
                checklist, checkItems=[i for i in checklist["checkItems"] if i is not item]
            )
            card = self.cards[checklist["idCard"]]
            badges = dict(
                card["badges"],
                checkItems=card["badges"]["checkItems"] - 1,
                checkItemsChecked=card["badges"]["checkItemsChecked"]
                - (item["state"] == "complete"),
            )
            self._unfed_activity(card["id"], badges=badges)

    def delete_attachment(self, attachment_id: str) -> None:
        """Delete an attachment (no action a tap may rely on; the dates move)."""
        with self.lock:
            card_id = next(
                cid
                for cid, items in self.card_attachments.items()
                if any(a["id"] == attachment_id for a in items)
            )
            self.card_attachments[card_id] = [
                a for a in self.card_attachments[card_id] if a["id"] != attachment_id
            ]
            card = self.cards[card_id]
            cover = card.get("idAttachmentCover")
            self._unfed_activity(
                card_id,
                badges=dict(card["badges"], attachments=card["badges"]["attachments"] - 1),
                idAttachmentCover=None if cover == attachment_id else cover,
            )

    def delete_label(self, label_id: str) -> None:
        """Delete a label, off every card (``deleteLabel`` reaches webhooks only)."""
        with self.lock:
            label = self.labels.pop(label_id)
            self.index[label["idBoard"]].labels.remove(label_id)
            for card in [
                c for c in self.index[label["idBoard"]].cards if label_id in c["idLabels"]
            ]:
                self._replace_card(
                    dict(
                        card,
                        idLabels=[x for x in card["idLabels"] if x != label_id],
                        labels=[x for x in card["labels"] if x["id"] != label_id],
                    )
                )
            self.label_version += 1

    def remove_member(self, board_id: str, member_id: str) -> None:
        """Take a member off a board (``removeMemberFromBoard`` reaches webhooks only)."""
        with self.lock:
            bid = self.resolve_board(board_id) or board_id
            self.index[bid].members.remove(member_id)
            self.memberships[bid] = [m for m in self.memberships[bid] if m["idMember"] != member_id]
            boards = self.members[member_id].get("idBoards")
            if boards is not None and bid in boards:
                boards.remove(bid)

    def delete_board(self, board_id: str) -> None:
        """Delete a board and everything on it: it simply stops being listed."""
        with self.lock:
            bid = self.resolve_board(board_id) or board_id
            board = self.boards.pop(bid)
            idx = self.index.pop(bid)
            self.short_links.pop(board.get("shortLink", ""), None)
            for card in idx.cards:
                self.cards.pop(card["id"], None)
                for cl in card["idChecklists"]:
                    self.checklists.pop(cl, None)
                self.card_attachments.pop(card["id"], None)
                self.card_custom_field_items.pop(card["id"], None)
                self.plugin_data.pop(card["id"], None)
            self.plugin_data.pop(bid, None)
            for table, ids in (
                (self.lists, idx.lists),
                (self.labels, idx.labels),
                (self.custom_fields, idx.custom_fields),
            ):
                for x in ids:
                    table.pop(x, None)
            for action in idx.actions:
                self.actions.pop(action["id"], None)
            self.memberships.pop(bid, None)
            for holder in (*self.members.values(), *self.organizations.values()):
                boards = holder.get("idBoards")
                if boards is not None and bid in boards:
                    boards.remove(bid)
            self.label_version += 1
