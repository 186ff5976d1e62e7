"""A catalog's shape, checked before the SDK reads it, and the streams it names in vain.

Why: the SDK reads a catalog by indexing into it. ``streams`` not a list, an entry that
is not an object or has no ``tap_stream_id``, metadata of another shape: each ended the
run in a traceback; a schema without ``properties`` (or without the replication key)
too, after the first requests; and so did a catalog without the boards stream, through
which every board stream is read. A stream the tap does not have (another tap's,
another version's) is ignored by the SDK without a word: the user is told, once.
"""

from __future__ import annotations

import typing as t

from singer_sdk.singerlib.catalog import CatalogEntry, MetadataMapping

from tap_trello.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from collections.abc import Mapping

    from singer_sdk.singerlib.catalog import Catalog

#: Every stream's replication key (None: full table), by stream name.
REPLICATION_KEYS: dict[str, str | None] = {
    stream.name: stream.replication_key if isinstance(stream.replication_key, str) else None
    for stream in STREAM_TYPES
}
#: The stream every board stream is read through (its parent).
BOARDS = "boards"
BOARD_STREAMS = {stream.name for stream in STREAM_TYPES if stream.parent_stream_type}


def catalog_problem(catalog: Mapping[str, t.Any]) -> str | None:
    """What makes ``catalog`` unusable, in a few words (None: nothing)."""
    streams = catalog.get("streams")
    if not isinstance(streams, list):
        found = "missing" if "streams" not in catalog else json_kind(streams)
        return f"streams is {found}, not a list (run tap-trello --discover for a catalog)"
    selected: set[str] = set()
    for i, entry in enumerate(streams):
        problem = _entry_problem(i, entry)
        if problem:
            return problem
        if _selects(entry):
            selected.add(entry["tap_stream_id"])
    ids = {entry["tap_stream_id"] for entry in streams}
    if BOARDS not in ids and (needing := sorted(selected & BOARD_STREAMS)):
        named = ", ".join(needing[:3]) + (", ..." if len(needing) > 3 else "")  # noqa: PLR2004
        return (
            f"it selects {named} but has no stream {BOARDS!r}, through which every board "
            "is read (run tap-trello --discover for a whole catalog)"
        )
    return None


def unknown_selected(catalog: Catalog | None) -> list[str]:
    """One warning per stream ``catalog`` selects that the tap does not have."""
    return [
        f"Catalog selects stream {entry.tap_stream_id!r}, which tap-trello does not have; ignored"
        for entry in (catalog.streams if catalog else [])
        if entry.tap_stream_id not in REPLICATION_KEYS
        and entry.metadata.resolve_selection().get((), True)
    ]


def _entry_problem(i: int, entry: object) -> str | None:
    if not isinstance(entry, dict):
        return f"streams[{i}] is {json_kind(entry)}, not an object"
    stream_id = entry.get("tap_stream_id")
    if not isinstance(stream_id, str) or not stream_id:
        return f"streams[{i}] has no tap_stream_id"
    problem = _schema_problem(stream_id, entry.get("schema", {})) or _metadata_problem(
        stream_id, entry.get("metadata", [])
    )
    if problem:
        return problem
    try:  # what else the SDK reads of it, down to each property's schema
        CatalogEntry.from_dict(entry)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        return f"stream {stream_id!r}: the SDK cannot read it ({type(exc).__name__}: {exc})"
    return None


def _schema_problem(stream_id: str, schema: object) -> str | None:
    if not isinstance(schema, dict):
        return f"stream {stream_id!r}: schema is {json_kind(schema)}, not an object"
    if stream_id not in REPLICATION_KEYS:
        return None  # another tap's stream is ignored, schema and all
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return f"stream {stream_id!r}: its schema has no properties"
    key = REPLICATION_KEYS[stream_id]
    if key and key not in properties:
        return f"stream {stream_id!r}: its schema lacks {key!r}, the replication key"
    return None


def _metadata_problem(stream_id: str, metadata: object) -> str | None:
    if not isinstance(metadata, list):
        return f"stream {stream_id!r}: metadata is {json_kind(metadata)}, not a list"
    for j, item in enumerate(metadata):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("breadcrumb"), list)
            and isinstance(item.get("metadata"), dict)
        ):
            return f"stream {stream_id!r}: metadata[{j}] is not a breadcrumb and its metadata"
    return None


def _selects(entry: dict[str, t.Any]) -> bool:
    """Whether the entry selects its stream, as the SDK decides it."""
    mapping = MetadataMapping.from_iterable(entry.get("metadata", []))
    return bool(mapping.resolve_selection().get((), True))


def json_kind(value: object) -> str:
    """What a JSON value is, as a person editing the file would call it."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null"
