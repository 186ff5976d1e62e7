"""Every RECORD the tap sends conforms to the SCHEMA it sent, at almost no cost.

Why: a target that validates records (target-postgres does, formats included) fails the
whole load on one value of a type the schema does not allow: a card whose ``pos`` is
``"top"`` or whose ``closed`` is ``"yes"``. Trello sends such values rarely, but it does.
The SDK's own type conformance would catch them, but it rebuilds every record value by
value and was a third of the tap's CPU, so it is off (``client.py``).

How: each stream's schema is compiled once into a tree of small checks that only answer
yes or no, mostly ``type(value) in allowed``; a record that passes (nearly all of them) is
sent untouched. Only a record that fails is walked again by the fixer, which, in place:

* converts a value where the conversion is exact: ``"12.5"`` -> 12.5 for a number,
  ``"12"`` or 12.0 -> 12 for an integer, ``"true"``/``"false"`` and 1/0 -> a boolean,
  a number or a boolean -> its JSON text for a string, a date-time written with a
  lower-case ``t``/``z`` -> upper case (said once per stream and field, at INFO);
* otherwise sends null, with one warning per stream and field naming an example object:
  ``cards.pos: "top" is not a number (e.g. card 5f…); sent as null``. A ``date-time``
  string that is not an RFC 3339 date-time is such a value (targets check formats).

Where null is not allowed the value goes where the schema still holds: an array item is
dropped from its array, an optional property is left out, and a record whose ``id`` (the
one required field) is unusable is not sent at all, since no target could key it.

The checks cost about a tenth of the tap's CPU per record. The SDK's per-record walk for
deselected properties cost twice that, for nothing when no property is deselected (the
usual case): the conformer also drops deselected properties, from paths compiled from
the selection mask, and the tap skips the SDK's walk (``client.py``).
"""

from __future__ import annotations

import logging
import typing as t
from dataclasses import dataclass, field

from tap_trello.json_values import (
    BAD,
    as_boolean,
    as_integer,
    as_number,
    as_string,
    is_date_time,
    show,
)

if t.TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Conformer", "is_date_time"]

#: Answers whether a value conforms to a schema node; never changes the value.
Check = t.Callable[[t.Any], bool]
#: The SDK's selection mask: a property's breadcrumb -> selected.
Mask = t.Mapping[tuple[str, ...], bool]

_NONE = type(None)
#: The Python types a JSON decoder gives for each JSON-schema type (bool is not a number).
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (_NONE,),
}
#: What a key the schema does not declare may hold: anything a JSON decoder gives.
_ANY = frozenset(py for types in _PY_TYPES.values() for py in types)
_ARTICLE = {"integer": "an integer", "object": "an object", "array": "an array"}


@dataclass(eq=False)
class _Node:
    """One schema node, compiled: its check and what the fixer needs to know."""

    path: str
    #: JSON types allowed besides null, in the schema's order.
    kinds: tuple[str, ...]
    nullable: bool
    #: A node without a type (or a combinator): anything goes, nothing is checked.
    anything: bool = False
    date_time: bool = False
    properties: dict[str, _Node] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    closed: bool = False
    items: _Node | None = None
    #: Python types that conform as they are, without a look inside or at the format.
    plain: frozenset[type] = frozenset()
    #: The check of a value whose type is not in ``plain`` (None: nothing else passes).
    deep: Check | None = None
    check: Check = bool
    #: What happens to a value of this node that can be neither converted nor kept.
    outcome: str = "sent as null"

    @property
    def expected(self) -> str:
        words = [_ARTICLE.get(kind, f"a {kind}") for kind in self.kinds]
        if self.date_time:
            words = ["a date-time" if word == "a string" else word for word in words]
        return " or ".join(words) or "null"


def _is_selected(mask: Mask | None, crumb: tuple[str, ...]) -> bool:
    """The SDK's answer for ``crumb``: its own entry, else its parent's, else selected."""
    while mask is not None and crumb:
        if crumb in mask:
            return mask[crumb]
        crumb = crumb[:-2]
    return True


def _compile(
    schema: Mapping[str, t.Any],
    path: str,
    outcome_if_not_null: str,
    mask: Mask | None,
    crumb: tuple[str, ...] | None,
) -> _Node:
    declared = schema.get("type")
    types = [declared] if isinstance(declared, str) else list(declared or [])
    if any(key in schema for key in ("anyOf", "oneOf", "allOf", "$ref")) or not types:
        # Combinators and untyped nodes are not this tap's: taken as they come.
        return _Node(path, (), nullable=True, anything=True, plain=_ANY, check=_yes)
    kinds = tuple(kind for kind in types if kind != "null" and kind in _PY_TYPES)
    node = _Node(path, kinds, nullable="null" in types)
    node.date_time = schema.get("format") == "date-time" and "string" in kinds
    node.outcome = "sent as null" if node.nullable else outcome_if_not_null
    if "object" in kinds:
        node.required = tuple(schema.get("required", ()))
        node.closed = schema.get("additionalProperties") is False
        # A required property that cannot be kept takes its object with it.
        lost = node.outcome if crumb == () else f"{path} {node.outcome}"
        for name, sub in (schema.get("properties") or {}).items():
            sub_crumb = None if crumb is None else (*crumb, "properties", name)
            if sub_crumb is not None and not _is_selected(mask, sub_crumb):
                continue  # dropped before the check: nothing to check or say
            outcome = lost if name in node.required else "left out"
            node.properties[name] = _compile(sub, f"{path}.{name}", outcome, mask, sub_crumb)
    if "array" in kinds and isinstance(schema.get("items"), dict):
        # Selection stops at arrays (as the SDK's does): no breadcrumb inside.
        node.items = _compile(schema["items"], f"{path}[]", "dropped from the array", None, None)
    _build_check(node)
    return node


def _deep_kinds(node: _Node) -> set[str]:
    """The kinds whose values need a look inside, or at their format, to be judged."""
    deep_kinds = set()
    if node.date_time:
        deep_kinds.add("string")
    if "object" in node.kinds and (node.properties or node.closed or node.required):
        deep_kinds.add("object")
    if "array" in node.kinds and node.items is not None and not node.items.anything:
        deep_kinds.add("array")
    return deep_kinds


def _build_check(node: _Node) -> None:
    deep_kinds = _deep_kinds(node)
    plain = {py for kind in node.kinds if kind not in deep_kinds for py in _PY_TYPES[kind]}
    if node.nullable:
        plain.add(_NONE)
    node.plain = allowed = frozenset(plain)
    parts: dict[type, Check] = {}
    if "string" in deep_kinds:
        parts[str] = _date_time_check
    if "object" in deep_kinds:
        parts[dict] = _object_check(node)
    if "array" in deep_kinds:
        parts[list] = _array_check(node)
    if not parts:
        node.check = lambda value: type(value) in allowed
        return
    if len(parts) == 1:
        # Each part checks its own type: the parent calls it straight, one call.
        (deep,) = parts.values()
    else:

        def deep(value: t.Any) -> bool:
            part = parts.get(type(value))
            return part is not None and part(value)

    node.deep = deep
    node.check = lambda value: type(value) in allowed or deep(value)


def _yes(_value: t.Any) -> bool:
    return True


def _date_time_check(value: t.Any) -> bool:
    return type(value) is str and is_date_time(value)


def _object_check(node: _Node) -> Check:
    # Per key: the types that pass as they are, else the deep check if the node has one.
    # Keys the schema does not declare pass (additionalProperties is true unless closed):
    # they get the JSON types, which every value of a decoded JSON object has.
    plain_of = {name: sub.plain for name, sub in node.properties.items() if not sub.anything}
    deep_of = {name: sub.deep for name, sub in node.properties.items() if sub.deep is not None}
    plain, deep = plain_of.get, deep_of.get  # bound once: the loop runs per value
    required = node.required
    declared = node.properties.keys()
    closed = node.closed

    def check(value: t.Any) -> bool:
        if type(value) is not dict:
            return False
        for key, item in value.items():
            if type(item) in plain(key, _ANY):
                continue
            inner = deep(key)
            if inner is None or not inner(item):
                return False
        if closed and not value.keys() <= declared:
            return False
        return not required or all(key in value for key in required)

    return check


def _array_check(node: _Node) -> Check:
    items = t.cast("_Node", node.items)
    allowed = items.plain
    deep = items.deep

    def check(value: t.Any) -> bool:
        if type(value) is not list:
            return False
        for item in value:  # a loop, not all(): no generator per value
            if type(item) not in allowed and (deep is None or not deep(item)):
                return False
        return True

    return check


def _convert(node: _Node, value: t.Any) -> t.Any:
    """``value`` as one of the node's kinds if the conversion is exact, else ``BAD``."""
    for kind in node.kinds:
        if kind == "integer":
            converted = as_integer(value)
        elif kind == "number":
            converted = as_number(value)
        elif kind == "boolean":
            converted = as_boolean(value)
        elif kind == "string":
            converted = as_string(value, date_time=node.date_time)
        else:
            continue  # objects and arrays are never made from something else
        if converted is not BAD:
            return converted
    return BAD


def _noun(stream: str) -> str:
    """``check_items`` -> ``check item``: what one record of the stream is called."""
    return stream.replace("_", " ").removesuffix("s")


def _prune_paths(mask: Mask | None) -> tuple[tuple[str, ...], ...]:
    """The key paths of the deselected properties whose parents are selected.

    Dropping these is what the SDK's per-record walk does (``pop_deselected_record_
    properties``): a property's own entry in the mask, else its parent's, decides.
    """
    paths = []
    for crumb, chosen in (mask or {}).items():
        steps = crumb[0::2]
        if chosen or not crumb or set(steps) != {"properties"} or len(crumb) % 2:
            continue
        if _is_selected(mask, crumb[:-2]):
            paths.append(crumb[1::2])
    return tuple(paths)


def _prune(record: dict[str, t.Any], path: tuple[str, ...]) -> None:
    holder: t.Any = record
    for key in path[:-1]:
        holder = holder.get(key)
        if type(holder) is not dict:
            return
    holder.pop(path[-1], None)


class Conformer:
    """Makes a stream's records fit its schema and selection; compiled once per schema."""

    def __init__(
        self,
        stream: str,
        schema: Mapping[str, t.Any],
        logger: logging.Logger,
        mask: Mask | None = None,
    ) -> None:
        """Compile ``schema`` (the SCHEMA sent) and ``mask`` for ``stream``'s records.

        ``mask`` is the SDK's selection mask: deselected properties are dropped from
        each record first, and not checked.
        """
        self.stream = stream
        self.logger = logger
        self._noun = _noun(stream)
        self._prune_paths = _prune_paths(mask)
        self._root = _compile(schema, stream, "record not sent", mask, ())
        #: (path, level) already reported: one line per stream and field, however many
        #: rows; a loss is still said after a conversion of the same field.
        self._said: set[tuple[str, int]] = set()
        #: Whether a record conforms as it is (it is never changed).
        root = self._root
        # A record is a dict: the root's own check, without the wrapper that tries
        # ``plain`` types first (the root has none).
        self.check: Check = root.deep if root.deep and not root.plain else root.check

    def __call__(self, record: dict[str, t.Any]) -> dict[str, t.Any] | None:
        """``record`` made to conform (in place), or None if it cannot be sent."""
        for path in self._prune_paths:
            _prune(record, path)
        if self.check(record):
            return record
        fixed = self._fix(self._root, record, record.get("id"))
        return None if fixed is BAD else record

    def _fix(self, node: _Node, value: t.Any, owner: t.Any) -> t.Any:
        if node.check(value):
            return value
        if type(value) is dict and "object" in node.kinds:
            if self._fix_object(node, value, owner):
                return value
            return None if node.nullable else BAD  # said where its property failed
        if type(value) is list and node.items is not None:
            return self._fix_array(node.items, value, owner)
        converted = _convert(node, value)
        if converted is not BAD:
            what = f"{show(value)} is not {node.expected}"
            self._say(node.path, what, owner, f"sent as {show(converted)}")
            return converted
        what = f"{show(value)} is not {node.expected}"
        self._say(node.path, what, owner, node.outcome, logging.WARNING)
        return None if node.nullable else BAD

    def _fix_object(self, node: _Node, value: dict[str, t.Any], owner: t.Any) -> bool:
        """Fix ``value``'s properties in place; False if a required one cannot be kept."""
        for key in list(value):
            sub = node.properties.get(key)
            if sub is None:
                if node.closed:
                    del value[key]
                    path = f"{node.path}.{key}"
                    self._say(path, "not in the schema", owner, "left out", logging.WARNING)
                continue
            item = value[key]
            if type(item) in sub.plain:
                continue
            fixed = self._fix(sub, item, owner)
            if fixed is BAD:
                if key in node.required:
                    return False
                del value[key]
            elif fixed is not item:
                value[key] = fixed
        for key in node.required:
            if key not in value:
                sub = node.properties[key]
                self._say(sub.path, "missing", owner, sub.outcome, logging.WARNING)
                return False
        return True

    def _fix_array(self, items: _Node, value: list[t.Any], owner: t.Any) -> list[t.Any]:
        kept = []
        for item in value:
            fixed = item if type(item) in items.plain else self._fix(items, item, owner)
            if fixed is not BAD:
                kept.append(fixed)
        value[:] = kept
        return value

    def _say(
        self, path: str, what: str, owner: t.Any, outcome: str, level: int = logging.INFO
    ) -> None:
        """One line per stream, field and level: ``path: what (e.g. owner); outcome``."""
        if (path, level) in self._said:
            return
        self._said.add((path, level))
        example = f"{self._noun} {owner}" if isinstance(owner, str) else f"a {self._noun}"
        self.logger.log(level, "%s: %s (e.g. %s); %s", path, what, example, outcome)
