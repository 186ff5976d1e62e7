"""The warehouse mirrors Trello: how the tap tells a target what Trello deleted.

A target that upserts never removes a row by itself. Singer has two signals, and the tap
sends each only where it can never mark a live row deleted:

* **A deletion record** (``_sdc_deleted_at`` set, in the object's own stream) for what the
  board feed announces since the board's last sync: ``deleteCard``,
  ``removeChecklistFromCard``, a custom field value cleared (``updateCustomFieldItem`` with
  no value), a card or list moved to a board the token cannot see, and a board that is no
  longer listed. The newest word of the feed on
  an object wins (a card moved away and back is live), and nothing read live in the same
  run is ever announced deleted.
* **ACTIVATE_VERSION** for everything else (check items, labels, attachments and members
  gone, children of a deleted card or board): every record carries the run's version,
  and each board's last whole read (:mod:`tap_trello.board_scans`) is remembered with the
  version it was sent under. Every live row of a board was sent at that board's last
  whole read or later, so a row whose version is below the oldest of those marks, across
  every board the token sees, exists nowhere in Trello. At the end of a run that
  completed, the tap activates that version, per stream. It does not when the run is
  filtered (``board_ids`` / ``organization_ids``: the table is shared with other shards,
  and the message is table-wide) or leaves archived objects out (``include_closed``
  false), since rows outside the run's view may still exist.

Actions and deleted cards are history: a run reads only what is new, so their version
mark moves only with a read from the beginning (a full refresh).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

#: The Singer convention for a deleted row (CDC taps, the SDK's record metadata).
DELETED_AT = "_sdc_deleted_at"

Row: t.TypeAlias = dict[str, t.Any]


def is_deletion(row: Row) -> bool:
    """Whether ``row`` is a deletion record, not an object read from Trello."""
    return bool(row.get(DELETED_AT))


@dataclass(frozen=True)
class Scope:
    """Which boards the run sees, and whether that is every board the token sees."""

    listed: frozenset[str]
    #: Unfiltered and with archived boards: a board not listed is invisible to the token.
    whole_account: bool

    def sees(self, board_id: str | None) -> bool:
        """Whether an object moved to ``board_id`` is still somewhere in Trello's view.

        Unknowable in a filtered run (another shard may hold it): assumed so.
        """
        return not self.whole_account or board_id in self.listed


@dataclass(frozen=True)
class _Word:
    """The feed's newest word on one object: gone or not, and since when."""

    at: tuple[str, str]  # (date, action id): newest wins, in any page order
    gone: bool
    row: Row


def _ref(data: Row, key: str) -> Row:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _words(action: Row, scope: Scope) -> Iterator[tuple[str, str, bool, Row]]:
    """(stream, object id, gone, deletion row fields) of what ``action`` says."""
    kind, data = action.get("type"), action.get("data") or {}
    card, checklist = _ref(data, "card"), _ref(data, "checklist")
    if kind == "deleteCard" and card.get("id"):
        yield "cards", card["id"], True, {}
    elif kind in {"moveCardFromBoard", "moveCardToBoard"} and card.get("id"):
        gone = kind == "moveCardFromBoard" and not scope.sees(_ref(data, "boardTarget").get("id"))
        yield "cards", card["id"], gone, {}
    elif kind in {"moveListFromBoard", "moveListToBoard"} and _ref(data, "list").get("id"):
        gone = kind == "moveListFromBoard" and not scope.sees(_ref(data, "boardTarget").get("id"))
        yield "lists", data["list"]["id"], gone, {}
    elif kind == "removeChecklistFromCard" and checklist.get("id"):
        yield "checklists", checklist["id"], True, {"card_id": card.get("id")}
    elif kind == "updateCustomFieldItem" and _ref(data, "customFieldItem").get("id"):
        item = data["customFieldItem"]
        cleared = item.get("value") is None and not item.get("idValue")
        fields = {"card_id": item.get("idModel"), "idCustomField": item.get("idCustomField")}
        yield "card_custom_field_items", item["id"], cleared, fields


#: Action types whose feed entries can announce a deletion (added to a narrowed filter).
ANNOUNCING_TYPES = frozenset(
    {
        "deleteCard",
        "moveCardFromBoard",
        "moveCardToBoard",
        "moveListFromBoard",
        "moveListToBoard",
        "removeChecklistFromCard",
        "updateCustomFieldItem",
    }
)


@dataclass
class BoardFeed:
    """What one board's feed said of its objects in this run, newest word per object."""

    board_id: str
    scope: Scope
    #: What the last sync read up to; None when the feed is read from the board's
    #: beginning, which announces nothing (the run's version covers it).
    after: str | None = None
    _words: dict[tuple[str, str], _Word] = field(default_factory=dict)

    def observe(self, action: Row) -> None:
        """Take note of one action of the board's feed (pages come in any order)."""
        at = (str(action.get("date") or ""), str(action.get("id") or ""))
        if self.after is None or at[0] <= self.after:
            return
        for stream, object_id, gone, row in _words(action, self.scope):
            known = self._words.get((stream, object_id))
            if known is None or known.at < at:
                deleted = {"id": object_id, **row, DELETED_AT: at[0]}
                self._words[stream, object_id] = _Word(at, gone, deleted)

    def deletions(self, stream: str, live: set[str]) -> Iterator[Row]:
        """Deletion records for ``stream``: announced gone, and not read live this run."""
        for (name, object_id), word in self._words.items():
            if name == stream and word.gone and object_id not in live:
                yield dict(word.row)


def oldest_mark(marks: Iterable[int | None]) -> int | None:
    """The version to activate: the oldest mark, or None if any board has none."""
    versions = list(marks)
    if any(version is None for version in versions):
        return None
    return min(t.cast("list[int]", versions), default=None)
