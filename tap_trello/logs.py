"""Log lines the tap drops or keeps for who asks: a run's log is for a person to follow.

The tap says what matters in its own words (a line per board read, a summary at the
end: :mod:`tap_trello.progress`); what only repeats it, or is detail, is dropped here.
"""

from __future__ import annotations

import logging

METRICS_LOGGER = "singer_sdk.metrics"


class RepeatedLines(logging.Filter):
    """Drops lines the tap says itself, and keeps the SDK's detail for DEBUG.

    Dropped: backoff's "Backing off…" / "Giving up…" (the tap logs one "Retrying GET
    <path>" line per retry, and one error line when it gives up) and the SDK's "Config
    validation failed" (the tap's error line says what failed).

    Detail, shown at DEBUG (``LOGLEVEL=DEBUG`` or ``TAP_TRELLO_LOGLEVEL=DEBUG``, or a
    logging config, ``SINGER_SDK_LOG_CONFIG``, that puts its logger at DEBUG): the SDK's
    "Beginning sync" and "Starting incremental sync" per stream and board, its stream
    wiring, and its JSON METRIC lines.
    """

    REPEATS = ("Backing off ", "Giving up ", "Config validation failed")
    DETAIL = (
        "Beginning sync of ",
        "Starting incremental sync of ",
        "Added '",
        "Skipping parse of env var settings",
        "Skipping deselected stream ",
        "METRIC: ",
    )

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether ``record`` is for the log as it is configured."""
        message = str(record.msg)
        if message.startswith(self.REPEATS):
            return False
        if message.startswith(self.DETAIL):
            return any(
                logging.getLogger(name).isEnabledFor(logging.DEBUG) for name in ("", record.name)
            )
        return True


REPEATED_LINES = RepeatedLines()


def quiet_sdk_detail() -> None:
    """The SDK's METRIC lines are detail too (its metrics logger is its own)."""
    metrics = logging.getLogger(METRICS_LOGGER)
    if REPEATED_LINES not in metrics.filters:
        metrics.addFilter(REPEATED_LINES)
