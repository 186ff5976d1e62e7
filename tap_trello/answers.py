"""Trello's answers, decoded: checked whole, kept raw, each item built when it is used.

A list answer is checked whole but kept as raw items, decoded one by one as they are
used: a page never exists twice in memory, and items nobody wants are never built. An
object answer keeps its values raw too: a board's nested call carries whole lists.
"""

from __future__ import annotations

import typing as t

import msgspec

from tap_trello.errors import TrelloError

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    import requests

_PAYLOAD_ATTR = "_trello_payload"

BODY = msgspec.json.Decoder(t.Union[list[msgspec.Raw], dict[str, msgspec.Raw]])  # noqa: UP007
_ITEM = msgspec.json.Decoder(dict[str, t.Any])
VALUE = msgspec.json.Decoder()
_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])


class _IdOnly(msgspec.Struct):
    id: str


def keep_payload(response: requests.Response) -> None:
    """Decode a response's body once (raises ``msgspec.DecodeError`` if it is no JSON)."""
    setattr(response, _PAYLOAD_ATTR, BODY.decode(response.content))


def payload(response: requests.Response) -> t.Any:
    """The JSON body of a validated response: a dict, or a list of raw items."""
    return getattr(response, _PAYLOAD_ATTR)


def decode_items(
    items: Iterable[msgspec.Raw], keep_id: Callable[[str], bool] | None = None
) -> Iterator[dict[str, t.Any]]:
    """The items of a list answer, only those whose id ``keep_id`` accepts if given.

    Every Trello object has an id: an item without one is an answer this tap cannot use.
    """
    try:
        for item in items:
            if keep_id is None or keep_id(msgspec.json.decode(item, type=_IdOnly).id):
                row = _ITEM.decode(item)
                if not isinstance(row.get("id"), str):
                    msg = "Trello answered a list item without an id"
                    raise TrelloError(msg)
                yield row
    except msgspec.ValidationError as exc:
        msg = f"Trello answered a list whose items are not Trello objects ({exc})"
        raise TrelloError(msg) from exc


def nested_list(answer: dict[str, msgspec.Raw], key: str, path: str) -> list[msgspec.Raw] | None:
    """The raw items under ``key`` of a nested call's answer (None: not in it).

    Anything but a list there is refused: treated as empty, a missing list would mark the
    rows it holds deleted.
    """
    raw = answer.get(key)
    if raw is None:
        return None
    try:
        return _RAW_LIST.decode(raw)
    except msgspec.ValidationError as exc:
        found = bytes(raw)[:20].decode()
        msg = f"Trello answered GET {path} with {found!r} for {key!r}, expected a list"
        raise TrelloError(msg) from exc
