"""The building blocks of every mutation: the logical clock, an action, a card replaced.

Mutations run on a logical clock strictly after all existing data; an action is appended
as the board's newest and moves its ``dateLastActivity`` (unless Trello does not); a changed
card is a new dict, so cached answers stay valid.
"""

from __future__ import annotations

import bisect
from typing import Any

from .actions import BOARD_ACTIVITY_IGNORES, build_action
from .ids import iso_ms
from .state import WorkspaceState


class MutableState(WorkspaceState):
    """A workspace's state with the steps its mutations are made of."""

    board_activity_lag_ms = 0
    """How long before an action's ``date`` its board's ``dateLastActivity`` is stamped
    (a real comment: action 15:46:05.589, board 15:46:05.569). Set it on a workspace to
    make a board's date lag its newest action, as in Trello."""

    def _tick(self) -> int:
        self.clock_s += 1
        return self.clock_s

    def _append_action(  # noqa: PLR0913, PLR0917
        self,
        bid: str,
        atype: str,
        data: dict[str, Any],
        sec: int,
        ms: int,
        creator: str | None = None,
    ) -> dict[str, Any]:
        """Record an action on a board (newest of all) and move the board's activity date."""
        action = self._new_action(atype, data, sec, ms, creator)
        idx = self.index[bid]
        idx.actions.append(action)
        idx.action_ms.append(sec * 1000 + ms)
        idx.action_secs.append(sec)
        idx.cache.clear()
        self.actions[action["id"]] = action
        if atype not in BOARD_ACTIVITY_IGNORES:
            self._board_activity(bid, sec * 1000 + ms)
        return action

    def _new_action(
        self, atype: str, data: dict[str, Any], sec: int, ms: int, creator: str | None = None
    ) -> dict[str, Any]:
        """An action made now (an id of the mutation process, in second ``sec``)."""
        return build_action(
            self,
            action_id=self.ids.new(sec, self.mutation_process),
            action_type=atype,
            data=data,
            date_ms=sec * 1000 + ms,
            creator=creator or self.me_id,
        )

    def _board_activity(self, bid: str, date_ms: int) -> None:
        """Move the board's ``dateLastActivity`` to an activity at ``date_ms``."""
        stamp = iso_ms(date_ms - self.board_activity_lag_ms)
        board = self.boards[bid]
        if board["dateLastActivity"] is None or board["dateLastActivity"] < stamp:
            board["dateLastActivity"] = stamp

    def _replace_card(self, new: dict[str, Any]) -> None:
        idx = self.index[new["idBoard"]]
        i = bisect.bisect_left([c["id"] for c in idx.cards], new["id"])
        idx.cards[i] = new
        self.cards[new["id"]] = new
        idx.cache.clear()

    def _list_ref(self, list_id: str) -> dict[str, Any]:
        lst = self.lists[list_id]
        return {"id": lst["id"], "name": lst["name"]}

    def _webhook_only_action(
        self, bid: str, atype: str, card: dict[str, Any] | None, sec: int, ms: int
    ) -> dict[str, Any]:
        """An Excluded action: its card's and board's dates move, the feed stays as it was."""
        data: dict[str, Any] = {"board": self.board_refs[bid]}
        if card is not None:
            data["card"] = self.card_refs[card["id"]]
        action = self._new_action(atype, data, sec, ms)
        if card is not None:
            self._replace_card(dict(self.cards[card["id"]], dateLastActivity=action["date"]))
            self._board_activity(bid, sec * 1000 + ms)
        return action
