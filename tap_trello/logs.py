"""Log lines the tap drops because it says the same thing itself, in one line of its own."""

from __future__ import annotations

import logging


class RepeatedLines(logging.Filter):
    """Drops log lines that only repeat what the tap says itself, in its own words.

    backoff's "Backing off…" / "Giving up…" (the tap logs one "Retrying GET <path>" line per
    retry, and one error line when it gives up) and the SDK's "Config validation failed"
    (the tap's error line says what failed).
    """

    REPEATS = ("Backing off ", "Giving up ", "Config validation failed")

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether ``record`` says something the tap does not say itself."""
        return not str(record.msg).startswith(self.REPEATS)


REPEATED_LINES = RepeatedLines()
