"""Requests paced below Trello's limit: one sliding window shared by every stream.

Trello allows 100 requests per 10 s per token (300 per key) and answers 429 past it;
the throttle keeps the whole run under ``max_requests_per_10s`` and pauses when Trello's
own headers say the window is used up.
"""

from __future__ import annotations

import logging
import threading
import time
import typing as t
from collections import deque
from http import HTTPStatus

import requests
from typing_extensions import override

from tap_trello.errors import RunStoppedError

RATE_WINDOW_S = 10.0
# Requests leave the client a little before Trello sees them; keep a margin so that
# Trello's own 10-second window never counts more than the configured number.
RATE_WINDOW_MARGIN_S = 0.25


class RequestThrottle:
    """At most ``max_requests`` requests in any sliding window, across all streams.

    Trello counts requests per token over 10 seconds; a sliding log of send times is
    the exact client-side mirror of that rule.
    """

    def __init__(self, max_requests: int, window_s: float = RATE_WINDOW_S) -> None:
        """Allow ``max_requests`` sends per ``window_s`` seconds."""
        self.max_requests = max(1, max_requests)
        self.window_s = window_s + RATE_WINDOW_MARGIN_S
        self._sent: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until one more request fits in the window, then record it."""
        with self._lock:
            while True:
                now = time.monotonic()
                while self._sent and now - self._sent[0] >= self.window_s:
                    self._sent.popleft()
                delay = self._paused_until - now
                if len(self._sent) >= self.max_requests:
                    delay = max(delay, self._sent[0] + self.window_s - now)
                if delay <= 0:
                    self._sent.append(now)
                    return
                time.sleep(delay)

    def pause(self, seconds: float) -> None:
        """Hold every request for ``seconds`` (Trello said the window is used up)."""
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)


#: The longest wait a Retry-After may impose. Past it the tap retries sooner, and fails
#: after ``max_retries`` with one line, rather than hold a scheduled run for hours.
RETRY_AFTER_CEILING_S = 60.0

_LOGGER = logging.getLogger("tap-trello")


class _CeilingNotice:
    """Says once per run that a Retry-After was cut to the ceiling."""

    said = False

    def say(self, asked: float, ceiling: float) -> None:
        if not self.said:
            self.said = True
            _LOGGER.warning(
                "Trello asked to wait %g s (Retry-After); waiting at most %g s before "
                "each retry instead",
                asked,
                ceiling,
            )


CEILING_NOTICE = _CeilingNotice()


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """Seconds Trello asked us to wait (Retry-After), at most the ceiling."""
    if response is None:
        return None
    value = response.headers.get("Retry-After", "").strip()
    try:
        asked = max(0.0, float(value)) if value else None
    except ValueError:
        return None
    if asked is not None and asked > RETRY_AFTER_CEILING_S:
        CEILING_NOTICE.say(asked, RETRY_AFTER_CEILING_S)
        return RETRY_AFTER_CEILING_S
    return asked


class ThrottledSession(requests.Session):
    """A requests session that waits for the shared throttle before every send.

    Requests run side by side (pages of several boards), so it also keeps no more of
    them on their way than Trello's headers say its window still takes, and a 429 holds
    every sender, not only the one that got it.
    """

    def __init__(self, throttle: RequestThrottle) -> None:
        """Send through ``throttle``."""
        super().__init__()
        self.throttle = throttle
        self._budget = threading.Condition()
        self._in_flight = 0
        #: What Trello last said its window still takes (None: it has not said), and the
        #: send order of the request it said it for: an older answer arriving later is stale.
        self._remaining: int | None = None
        self._remaining_from = -1
        self._sent = 0
        #: Set when the run failed: look-ahead requests still queued or retrying stop.
        self.stopped = False

    @override
    def send(self, request: requests.PreparedRequest, **kwargs: t.Any) -> requests.Response:
        if self.stopped:
            raise RunStoppedError(request.url)
        with self._budget:
            while self._remaining is not None and self._in_flight >= self._remaining:
                self._budget.wait()
            self._in_flight += 1
        response: requests.Response | None = None
        try:
            self.throttle.wait()
            with self._budget:
                order = self._sent
                self._sent += 1
            response = super().send(request, **kwargs)
        finally:
            self._learn(response, order if response is not None else -1)
        return response

    @property
    def requests_sent(self) -> int:
        """Requests sent so far in this run, retries included."""
        return self._sent

    def _learn(self, response: requests.Response | None, order: int) -> None:
        with self._budget:
            self._in_flight -= 1
            self._budget.notify_all()
            if response is None:
                return
            remaining = response.headers.get("x-rate-limit-api-token-remaining", "")
            if response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
                asked = retry_after_seconds(response)
                self.throttle.pause(asked if asked is not None else 1.0)
                # One request finds out what the next window takes.
                self._remaining, self._remaining_from = 1, self._sent
            elif remaining.isdigit() and int(remaining) == 0:
                interval_ms = response.headers.get("x-rate-limit-api-token-interval-ms", "")
                wait_s = int(interval_ms) / 1000 if interval_ms.isdigit() else RATE_WINDOW_S
                wait_s = min(wait_s, RETRY_AFTER_CEILING_S)
                self.throttle.pause(wait_s)
                self._remaining, self._remaining_from = 1, self._sent
            elif remaining.isdigit() and order > self._remaining_from:
                self._remaining, self._remaining_from = int(remaining), order
