"""Singer output that stays linear in the number of boards.

Left alone, the SDK writes a SCHEMA message per stream per board, and after every board
the whole state (every board's bookmarks), found by scanning a list: output and CPU grow
with the square of the boards. Here:

- records are written in 64 KiB blocks, and every other message flushes them first, so a
  target never sees a state before the records it covers;
- a STATE message is written only once the records since the last one weigh at least
  half of it (:meth:`SingerOutput.state_due`), and always at the end of a run;
- a stream's partition states are found through an index (:class:`IndexedStateManager`).
"""

from __future__ import annotations

import atexit
import sys
import typing as t
from collections import Counter

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.helpers._state import PROGRESS_MARKER_NOTE, PROGRESS_MARKERS
from singer_sdk.singerlib import SingerMessageType
from singer_sdk.streams._state import StreamStateManager
from typing_extensions import override

from tap_trello.mirror import is_deletion

if t.TYPE_CHECKING:
    from singer_sdk.helpers import types


class SingerOutput(MsgSpecWriter):
    """The SDK's msgspec writer, in blocks, counting what each kind of message costs."""

    block_bytes = 64 * 1024

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start with nothing written."""
        super().__init__(*args, **kwargs)
        self._pending = bytearray()
        self.record_bytes_since_state = 0
        self.last_state_bytes = 0
        #: Records written per stream: what the progress lines and the summary tell.
        self.records: Counter[str] = Counter()
        atexit.register(self.flush)

    def state_due(self) -> bool:
        """Whether the records written since the last STATE pay for another one."""
        return 2 * self.record_bytes_since_state >= self.last_state_bytes

    @override
    def write_message(self, message: t.Any) -> None:
        line = self.format_message(message)
        self._pending += line
        if message.type == SingerMessageType.RECORD:
            self.records[message.stream] += 1
            self.record_bytes_since_state += len(line)
            if len(self._pending) < self.block_bytes:
                return
        elif message.type == SingerMessageType.STATE:
            self.record_bytes_since_state = 0
            self.last_state_bytes = len(line)
        self.flush()

    #: Set when the target stopped reading (broken pipe): nothing more can reach it.
    target_gone = False

    def flush(self) -> None:
        """Write out what is pending."""
        if self._pending and SingerOutput.target_gone:
            self._pending.clear()
        if self._pending:
            try:
                sys.stdout.buffer.write(self._pending)
                self._pending.clear()
                sys.stdout.flush()
            except BrokenPipeError:
                SingerOutput.target_gone = True
                self._pending.clear()
                raise


class IndexedStateManager(StreamStateManager):
    """The SDK's state manager, finding a partition by its context in one lookup.

    The SDK scans the stream's partition list for every lookup, and looks up once per
    record and per board: with thousands of boards that scan was most of the CPU.
    """

    def __init__(self, *, keep_partitions: bool = True, **kwargs: t.Any) -> None:
        """Manage one stream's state; without ``keep_partitions``, none per partition."""
        super().__init__(**kwargs)
        self.keep_partitions = keep_partitions
        self._index: dict[tuple[tuple[str, t.Any], ...], dict[str, t.Any]] = {}
        self._indexed: list[dict[str, t.Any]] | None = None

    @override
    def get_context_state(self, context: types.Context | None) -> dict[str, t.Any]:
        partition_context = self.get_state_partition_context(context)
        if not partition_context:
            return self.stream_state
        if not self.keep_partitions:
            return {"context": dict(partition_context)}
        partitions: list[dict[str, t.Any]] = self.stream_state.setdefault("partitions", [])
        if partitions is not self._indexed or len(partitions) != len(self._index):
            self._index = {_key(p["context"]): p for p in partitions}
            self._indexed = partitions
        key = _key(partition_context)
        if (found := self._index.get(key)) is None:
            found = {"context": dict(partition_context)}
            partitions.append(found)
            self._index[key] = found
        return found

    @override
    def increment_state(
        self,
        latest_record: types.Record,
        *,
        context: types.Context | None = None,
        replication_key: str,
    ) -> None:
        if is_deletion(latest_record):
            return  # says nothing of how far the stream has read
        # Say what is true, once, in the state: the SDK warns per partition that unsorted
        # progress is not resumable, but a board's bookmark only moves once it is whole.
        self.get_context_state(context).setdefault(
            PROGRESS_MARKERS, {PROGRESS_MARKER_NOTE: RESUME_NOTE}
        )
        super().increment_state(latest_record, context=context, replication_key=replication_key)


RESUME_NOTE = "Per board: a board cut off mid-sync is read again from its last bookmark."


def _key(context: types.Context) -> tuple[tuple[str, t.Any], ...]:
    return tuple(sorted(context.items()))
