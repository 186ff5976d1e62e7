"""JSON values as a target reads them: what is a date-time, and exact conversions.

The conformer (:mod:`tap_trello.conform`) asks these when a value is not of a type its
schema allows: each conversion gives the same value in the other type, or :data:`BAD`.
"""

from __future__ import annotations

import json
import math
import re
import typing as t

# RFC 3339 date-time, as the targets' format checkers read it, with the days each month
# has (29 February in leap years only), and without what Python's datetime (what a
# target parses dates with) refuses: year 0000, second 60, a lower-case t or z.
_DAY = (
    r"(?!0000)(?:[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    r"|[0-9]{4}-(?:0[13-9]|1[0-2])-(?:29|30)"
    r"|[0-9]{4}-(?:0[13578]|1[02])-31"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29)"
)
_TIME = (
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_DATE_TIME = re.compile(_DAY + _TIME, re.ASCII).fullmatch
# JSON's own number grammar: what a JSON decoder would have read as a number.
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?", re.ASCII).fullmatch
_WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,30})(?:\.0+)?", re.ASCII).fullmatch
_TRUTHS = {"true": True, "false": False}
_SHOWN_CHARS = 60


def is_date_time(value: str) -> bool:
    """Whether ``value`` is an RFC 3339 date-time a target can parse."""
    return _DATE_TIME(value) is not None


class _Bad:
    """What the fixer returns for a value nothing in the schema can stand for."""


BAD = _Bad()


def show(value: t.Any) -> str:
    """A value as a warning quotes it: short, in JSON where it is JSON."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = f"a {type(value).__name__}"
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 4] + '..."'


def as_integer(value: t.Any) -> t.Any:
    """The integer ``value`` stands for exactly (12.0, ``"12"``), else BAD."""
    if type(value) is float and math.isfinite(value) and value.is_integer():
        return int(value)
    if type(value) is str and _WHOLE_NUMBER(value):
        return int(value.partition(".")[0])
    return BAD


def as_number(value: t.Any) -> t.Any:
    """The number a JSON-number string stands for, else BAD."""
    number = _JSON_NUMBER(value) if type(value) is str else None
    if number is None:
        return BAD
    if not number.group(1) and not number.group(2):
        try:
            return int(value)
        except ValueError:  # past Python's limit of digits for int(): no exact number
            return BAD
    converted = float(value)
    return converted if math.isfinite(converted) else BAD


def as_boolean(value: t.Any) -> t.Any:
    """The boolean of ``"true"``/``"false"`` (any case) or 1/0, else BAD."""
    if type(value) is str:
        return _TRUTHS.get(value.lower(), BAD)
    if type(value) is int and value in {0, 1}:
        return value == 1
    return BAD


def as_string(value: t.Any, *, date_time: bool) -> t.Any:
    """The JSON text of a number or boolean (or a date-time's upper-cased form), else BAD."""
    if date_time:
        # The one exact repair of a date-time: the letters Python's parser wants.
        upper = value.upper() if type(value) is str else ""
        return upper if _DATE_TIME(upper) else BAD
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return repr(value)  # the shortest text that reads back as the same number
    return BAD
