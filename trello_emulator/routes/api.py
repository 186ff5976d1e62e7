"""What every route handler reaches: the workspace, and how Trello resolves what a URL names.

A board is named by id or shortLink, a member by id, username or ``me``, an organization by
id or name. Unknown objects answer 404 (400 when the reference is not even an id), objects
on boards the token's member is not on answer 401, as Trello does.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from trello_emulator.model.ids import is_object_id, is_short_link

from .params import NOT_FOUND, ApiError, parse_time

if TYPE_CHECKING:
    from trello_emulator.model import Workspace


DATE_BOUNDS = ("ms", "second")
TOO_BIG_ANSWERS = ("checklists", "cards", "alternate")


class TrelloApi:
    """The workspace behind the routes, the switches of Trello's behaviour, shared caches.

    The switches (attributes; the server's constructor and CLI set them):

    * ``date_bounds``: ``"ms"`` (default) compares an ISO ``before``/``since`` date to the
      millisecond; ``"second"`` turns it into an id bound at whole-second granularity, as
      Trello does with ids (``before``: id second < the date's second; ``since``: >).
    * ``max_nested_objects``: a cards answer (``/boards/{id}/cards``, ``/lists/{id}/cards``)
      whose nested checklists + attachments + custom field items, counted over its cards,
      exceed this is refused with a 403 (None: never).
    * ``max_nested_cards``: the nested board call (``/boards/{id}?cards=…``) answers its
      cards unpaged, and refuses (403 ``API_TOO_MANY_CARDS_REQUESTED``) more than this many
      (None: never). Trello's own threshold is undocumented; 1000 is a guess, and a tap
      must not depend on it.
    * ``too_big_answer``: that 403's body: ``"checklists"`` (the text "Too many
      checklists"), ``"cards"`` (JSON ``API_TOO_MANY_CARDS_REQUESTED``) or
      ``"alternate"`` (one then the other).
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        date_bounds: str = "ms",
        max_nested_objects: int | None = None,
        too_big_answer: str = "checklists",
        max_nested_cards: int | None = 1000,
    ) -> None:
        """Answer from ``workspace``."""
        self.ws = workspace
        self.card_json: dict[str, tuple[dict[str, Any], bytes]] = {}
        """Card id -> (the card record, its JSON): reused while the record is unchanged."""
        self.card_json_label_version = 0
        self.date_bounds = date_bounds
        self.max_nested_objects = max_nested_objects
        self.too_big_answer = too_big_answer
        self.max_nested_cards = max_nested_cards
        self._refusals = itertools.count()

    @property
    def date_bounds(self) -> str:
        """How an ISO ``before``/``since`` date bounds: ``"ms"`` or ``"second"``."""
        return self._date_bounds

    @date_bounds.setter
    def date_bounds(self, value: str) -> None:
        if value not in DATE_BOUNDS:
            msg = f"date_bounds must be one of {DATE_BOUNDS}, not {value!r}"
            raise ValueError(msg)
        self._date_bounds = value

    @property
    def too_big_answer(self) -> str:
        """The body of a refused cards answer: ``"checklists"``, ``"cards"``, ``"alternate"``."""
        return self._too_big_answer

    @too_big_answer.setter
    def too_big_answer(self, value: str) -> None:
        if value not in TOO_BIG_ANSWERS:
            msg = f"too_big_answer must be one of {TOO_BIG_ANSWERS}, not {value!r}"
            raise ValueError(msg)
        self._too_big_answer = value

    def parse_bound(self, value: str) -> tuple[str, int]:
        """A ``before``/``since`` value as ("id", second) or ("date", ms), per ``date_bounds``."""
        return parse_time(value, self._date_bounds)

    def refuse_many_nested_cards(self, cards: int) -> None:
        """Trello's 403 for a nested board call that would bring too many cards."""
        if self.max_nested_cards is not None and cards > self.max_nested_cards:
            raise ApiError(
                403,
                "Requested too many cards or nested objects: ask for fewer",
                error="API_TOO_MANY_CARDS_REQUESTED",
            )

    def refuse_if_too_big(self, nested_objects: int) -> None:
        """Trello's 403 for a cards answer with more nested objects than it will send."""
        cap = self.max_nested_objects
        if cap is None or nested_objects <= cap:
            return
        kind = self._too_big_answer
        if kind == "alternate":
            kind = "checklists" if next(self._refusals) % 2 == 0 else "cards"
        if kind == "checklists":
            raise ApiError(403, "Too many checklists")
        raise ApiError(
            403,
            "Requested too many cards or nested objects: ask for fewer (a smaller limit)",
            error="API_TOO_MANY_CARDS_REQUESTED",
        )

    def board_id(self, ref: str) -> str:
        """The id of a visible board named by id or shortLink."""
        if not (is_object_id(ref) or is_short_link(ref)):
            raise ApiError(400, "invalid id")
        bid = self.ws.resolve_board(ref)
        if bid is None:
            raise ApiError(404, NOT_FOUND)
        if not self.ws.is_visible(bid):
            raise ApiError(401, "unauthorized permission requested")
        return bid

    def member_id(self, ref: str) -> str:
        """The id of a member named by id, username or ``me`` (workspace-only people too)."""
        ws = self.ws
        if ref == "me":
            return ws.me_id
        if ref in ws.members or ref in ws.org_only_members:
            return ref
        for people in (ws.members, ws.org_only_members):
            for member_id, member in people.items():
                if member["username"] == ref:
                    return member_id
        if not is_object_id(ref):
            raise ApiError(400, "invalid id")
        raise ApiError(404, NOT_FOUND)

    def org_id(self, ref: str) -> str:
        """The id of an organization named by id or name."""
        ws = self.ws
        org_id = next((o for o, rec in ws.organizations.items() if ref in (o, rec["name"])), None)
        if org_id is None:
            if not is_object_id(ref):
                raise ApiError(400, "invalid id")
            raise ApiError(404, NOT_FOUND)
        return org_id

    def on_visible_board(self, records: dict[str, dict[str, Any]], ref: str) -> dict[str, Any]:
        """A list or card by id, with Trello's 400 / 404 / 401 answers."""
        if not is_object_id(ref):
            raise ApiError(400, "invalid id")
        record = records.get(ref)
        if record is None:
            raise ApiError(404, NOT_FOUND)
        if not self.ws.is_visible(record["idBoard"]):
            raise ApiError(401, "unauthorized permission requested")
        return record
