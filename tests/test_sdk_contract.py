"""Every singer-sdk internal the tap relies on, in one place: an SDK upgrade fails here.

The tap overrides or calls these private names (client.py, output.py, streams/workspace.py). It relies on one
public behaviour too: the SDK's retries log through the stream's logger (backoff's own
lines are filtered there, tap_trello/logs.py), which tests/test_user_mistakes.py holds. Each test
checks that the name still exists with the shape the tap uses and, where it is cheap, that
it still does what the tap counts on.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

from singer_sdk.helpers import _state
from singer_sdk.singerlib import SingerMessageType
from singer_sdk.streams import Stream
from singer_sdk.streams._state import StreamStateManager
from singer_sdk.streams.rest import RESTStream

from tap_trello.tap import TapTrello

CONFIG = {"api_key": "key", "token": "token", "api_url": "http://127.0.0.1:9/1"}


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_the_sdk_version_these_checks_were_written_for() -> None:
    assert version("singer-sdk").startswith("0.54.")


def test_private_methods_the_tap_overrides_or_calls() -> None:
    assert parameters(Stream._write_schema_message) == ["self"]
    assert parameters(Stream._write_state_message) == ["self"]
    assert parameters(Stream._write_activate_version_message) == ["self", "full_table_version"]
    assert parameters(Stream.finalize_state_progress_markers) == ["self", "state"]
    assert parameters(RESTStream._request) == ["self", "prepared_request", "context"]
    # The boards stream stops the look-ahead when a board's stream fails, from here.
    assert parameters(Stream._sync_children) == ["self", "child_context"]
    assert parameters(StreamStateManager.increment_state)[:2] == ["self", "latest_record"]
    assert {"PROGRESS_MARKERS", "PROGRESS_MARKER_NOTE"} <= set(vars(_state))


def test_private_attributes_the_tap_reads_or_sets() -> None:
    tap = TapTrello(config=CONFIG, validate_config=False)
    cards = tap.streams["cards"]
    assert hasattr(cards, "_state_manager")
    assert cards._tap_state is tap.state
    assert cards._tap is tap
    # The run's version rides on every RECORD through _stream_version.
    cards._stream_version = 1234
    (message,) = cards._generate_record_messages({"id": "1"})
    assert message.version == 1234


def test_the_sdk_never_sends_its_own_activate_version() -> None:
    # Its own goes out at the start of every board's partition (mirror.py says why not).
    tap = TapTrello(config={**CONFIG, "emit_activate_version_messages": True})
    assert not any(stream.emit_activate_version_messages for stream in tap.streams.values())
    assert SingerMessageType.ACTIVATE_VERSION == "ACTIVATE_VERSION"
