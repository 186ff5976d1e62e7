"""Rows found inside another stream's rows, held until their stream's turn.

Attachments and custom field items come on the cards, deleted cards in the actions: the
board's read (:mod:`tap_trello.board_read`) keeps them here, in memory up to a few MB,
then in a temporary file, so that a huge board does not grow the process.
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
