"""Rows one stream derives from another stream's pages, held until their stream runs.

Attachments and custom field items come inside the card pages, deleted cards inside
the action pages. The source stream runs first for a board and hands each page row to
the selected derived streams; their rows wait here (in memory up to a few MB, then in a
temporary file, so a huge board does not grow the process) until that stream's turn.
"""

from __future__ import annotations

import tempfile
import typing as t

import msgspec

if t.TYPE_CHECKING:
    from collections.abc import Iterator

SPOOL_MEMORY_BYTES = 4 * 1024 * 1024


class RowSpool:
    """An append-only sequence of JSON rows, read back once."""

    _encoder = msgspec.json.Encoder()

    def __init__(self) -> None:
        """Start empty, in memory."""
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115

    def add(self, row: dict[str, t.Any]) -> None:
        """Append one row."""
        self._file.write(self._encoder.encode(row) + b"\n")

    def drain(self) -> Iterator[dict[str, t.Any]]:
        """Every row in order; the spool is discarded afterwards."""
        try:
            self._file.seek(0)
            for line in self._file:
                yield msgspec.json.decode(line)
        finally:
            self.close()

    def close(self) -> None:
        """Release the memory or the temporary file."""
        self._file.close()


class SpoolRegistry:
    """The spools of the board being synced, one per derived stream."""

    def __init__(self) -> None:
        """No board yet."""
        self._board_id: str | None = None
        self._spools: dict[str, RowSpool] = {}

    def open(self, board_id: str, stream_names: t.Iterable[str]) -> None:
        """A source starts a board: fresh spools for ``stream_names``."""
        if board_id != self._board_id:
            self.discard()
            self._board_id = board_id
        for name in stream_names:
            self._spools[name] = RowSpool()

    def add(self, stream_name: str, row: dict[str, t.Any]) -> None:
        """Keep ``row`` for ``stream_name``."""
        self._spools[stream_name].add(row)

    def take(self, board_id: str, stream_name: str) -> RowSpool | None:
        """The spool a source filled for this board and stream, or None if none ran."""
        if board_id != self._board_id:
            return None
        return self._spools.pop(stream_name, None)

    def discard(self) -> None:
        """Drop what no stream took (a board that vanished, a failed source)."""
        for spool in self._spools.values():
            spool.close()
        self._spools = {}
