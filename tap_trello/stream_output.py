"""What every stream writes, and when: the Singer side of the tap's streams.

One SCHEMA per stream per run (before anything else of the stream), records made to fit
it and carrying the run's version, a STATE only when the records since the last one pay
for it, and the tap's own ACTIVATE_VERSION at the end of a complete run (mirror.py).
"""

from __future__ import annotations

import logging
import typing as t
from datetime import datetime, timezone

from singer_sdk import singerlib as singer
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams import Stream
from typing_extensions import override

from tap_trello.conform import Conformer
from tap_trello.output import IndexedStateManager, SingerOutput

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from singer_sdk.streams._state import StreamStateManager

    from tap_trello.progress import Progress
    from tap_trello.run import SyncRun
    from tap_trello.settings import Settings


class TapParts(t.Protocol):
    """What the tap keeps for all its streams (tap.py)."""

    run: SyncRun
    settings: Settings
    progress: Progress


class StreamOutput(Stream):
    """The messages of a stream: SCHEMA, RECORD, STATE and ACTIVATE_VERSION."""

    #: Trello already sends JSON types, and conforming every value was a third of the
    #: tap's CPU: ``known_fields`` drops top-level fields the schema lacks instead,
    #: and conform.py checks each record cheaply, fixing only the rare odd value.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    #: Whether records are made to fit the SCHEMA sent; off, the SDK's own path as
    #: before conform.py (only for the benchmark that measures its cost).
    conform_records: t.ClassVar[bool] = True
    _conformer: Conformer | None = None
    #: Set once the stream's SCHEMA message is out: one per run, not one per board.
    _schema_written = False
    #: Set while the run's last word on a top-level stream is written: never skipped.
    _final_state = False

    @property
    def run(self) -> SyncRun:
        """What the run shares: session, board plan, look-ahead, the board being read."""
        return t.cast("TapParts", self._tap).run

    @property
    def progress(self) -> Progress:
        """The run's counts, for the lines a person reads."""
        return t.cast("TapParts", self._tap).progress

    @property
    @override
    def state_manager(self) -> StreamStateManager:
        if self._state_manager is None:
            self._state_manager = IndexedStateManager(
                tap_name=self.tap_name,
                stream_name=self.name,
                tap_state=self._tap_state,
                state_partitioning_keys=self.state_partitioning_keys,
                is_sorted=self.is_sorted,
                check_sorted=self.check_sorted,
                # A full-table board stream has nothing to resume: no state per board.
                keep_partitions=self.replication_key is not None,
            )
        return self._state_manager

    @override
    def _write_schema_message(self) -> None:
        # Written before any record: every RECORD carries the run's version (mirror.py).
        self._stream_version = self.run.version
        if not self._schema_written:
            self._schema_written = True
            super()._write_schema_message()

    @override
    def _write_state_message(self) -> None:
        # Linear output: a state only when the records since the last one pay for it.
        output = t.cast("SingerOutput", self._tap.message_writer)
        if self._final_state or output.state_due():
            super()._write_state_message()
        if self.parent_stream_type is None:
            # A top-level stream is done: its last records go out, state changed or not.
            output.flush()

    @override
    def _generate_record_messages(
        self, record: dict[str, t.Any]
    ) -> Generator[singer.RecordMessage, None, None]:
        # A value of a type the SCHEMA does not allow would fail the target's whole load:
        # made to fit here, before any stream map sees the record (conform.py). This is
        # the SDK's own method but for its walk for deselected properties, which cost
        # more than the conformer and which the conformer does from compiled paths.
        if not self.conform_records:
            yield from super()._generate_record_messages(record)
            return
        if self._conformer is None:
            self._conformer = Conformer(self.name, self.effective_schema, self.logger, self.mask)
        if self._conformer(record) is None:
            return  # no usable id: no target could key it (said once)
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield singer.RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=self._stream_version,
                    time_extracted=datetime.now(timezone.utc),
                )

    @override
    def finalize_state_progress_markers(self, state: dict[str, t.Any] | None = None) -> None:
        top_level = self.parent_stream_type is None
        self._final_state = top_level
        try:
            super().finalize_state_progress_markers(state)
        finally:
            self._final_state = False
        # A top-level stream is finalized once it and every stream below it synced
        # without failing: only then may they say what is gone (mirror.py).
        if (
            top_level
            and not state
            and t.cast("TapParts", self._tap).settings.emit_activate_version_messages
        ):
            streams = t.cast("dict[str, StreamOutput]", self._tap.streams)
            for name, version in self.activation_versions().items():
                if streams[name].selected:
                    streams[name].activate_version(version)
            t.cast("SingerOutput", self._tap.message_writer).flush()

    @override
    def log_sync_costs(self) -> None:
        # The SDK asks every stream for its costs once the sync is done, the last stream
        # last: after it, the run's last line says what the run sent and what it cost.
        super().log_sync_costs()
        if next(reversed(self._tap.streams.values())) is self:
            output = t.cast("SingerOutput", self._tap.message_writer)
            summary = self.progress.summary(output.records, self.run.session.requests_sent)
            logging.getLogger(self.tap_name).info(summary)

    def activation_versions(self) -> dict[str, int]:
        """The version this stream and those below it can activate now they synced."""
        return {}

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        # The SDK's sends one at the start of every board's partition, which marks every
        # other board's rows deleted: the tap sends its own at the end (mirror.py).
        return False

    def activate_version(self, version: int) -> None:
        """Tell the target that rows of this stream below ``version`` are gone.

        A quiet run syncs no board, so a board stream may have written nothing yet; a
        target (target-postgres among them) refuses a stream's message before its SCHEMA.
        """
        self._write_schema_message()
        self._write_activate_version_message(version)
