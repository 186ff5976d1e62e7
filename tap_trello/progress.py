"""What a run tells a person: one line per board read, one summary line at the end.

A first sync of thousands of boards takes most of an hour at Trello's rate limit; the
SDK's own lines (a "Beginning sync" per stream per board, JSON METRIC lines) do not say
how far it is. These lines do, in words, at INFO; the SDK's go below it (:mod:`logs`).
"""

from __future__ import annotations

import time
import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    import logging
    from collections import Counter


@dataclass
class Progress:
    """Counts of a run: boards read and skipped, and when it started."""

    started: float = field(default_factory=time.monotonic)
    boards_read: int = 0
    boards_skipped: int = 0

    def board_read(  # noqa: PLR0913
        self,
        logger: logging.Logger,
        *,
        position: int,
        total: int,
        board: dict[str, t.Any],
        rows: int,
        requests: int,
    ) -> None:
        """Say that one board's streams are all sent, and the run's requests so far.

        The requests are the run's (the next boards are read ahead, under one throttle).
        """
        self.boards_read += 1
        logger.info(
            "Board %d of %d read: %r (%s): %s rows; %s requests so far",
            position,
            total,
            board.get("name") or "",
            board["id"],
            f"{rows:,}",
            f"{requests:,}",
        )

    def summary(self, records: Counter[str], requests: int) -> str:
        """The run's last line: records (per stream), requests, boards, duration."""
        per_stream = ", ".join(f"{name} {count:,}" for name, count in records.most_common())
        seconds = time.monotonic() - self.started
        return (
            f"Sync done in {seconds:,.1f} s: {sum(records.values()):,} records"
            f"{f' ({per_stream})' if per_stream else ''}, {requests:,} requests, "
            f"{self.boards_read:,} boards read, {self.boards_skipped:,} skipped as unchanged"
        )
