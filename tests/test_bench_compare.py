"""``bench.compare``'s own checks: what counts as the same records, requests and state."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bench.compare import (
    Output,
    Scenario,
    digest_output,
    mask_run_times,
    record_diff,
    summary_table,
    verdicts,
)
from bench.runner import TapRun

if TYPE_CHECKING:
    from pathlib import Path


def singer(path: Path, records: list[tuple[str, dict[str, Any]]], *, version: int) -> Path:
    lines = [{"type": "SCHEMA", "stream": "cards", "schema": {}, "key_properties": ["id"]}]
    lines += [
        {
            "type": "RECORD",
            "stream": stream,
            "record": record,
            "version": version,
            "time_extracted": f"2026-12-03T10:00:0{version}Z",
        }
        for stream, record in records
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_records_digest_ignores_order_version_and_time_extracted(tmp_path) -> None:
    a = [("cards", {"id": "1", "name": "x"}), ("cards", {"id": "2", "name": "y"})]
    b = [("cards", {"name": "y", "id": "2"}), ("cards", {"name": "x", "id": "1"})]
    one, _ = digest_output(singer(tmp_path / "a.jsonl", a, version=1))
    two, _ = digest_output(singer(tmp_path / "b.jsonl", b, version=2))
    assert one == two


def test_a_changed_record_is_counted_on_both_sides(tmp_path) -> None:
    a = [("cards", {"id": "1", "name": "x"}), ("cards", {"id": "2", "name": "y"})]
    b = [("cards", {"id": "1", "name": "x"}), ("cards", {"id": "2", "name": "z"})]
    one, _ = digest_output(singer(tmp_path / "a.jsonl", a, version=1))
    two, _ = digest_output(singer(tmp_path / "b.jsonl", b, version=1))
    assert one != two
    assert record_diff(one["cards"], two["cards"]) == "NO (1 only before, 1 only after)"
    # A record sent twice is a difference too (multisets, not sets).
    three, _ = digest_output(singer(tmp_path / "c.jsonl", [*a, a[0]], version=1))
    assert record_diff(one["cards"], three["cards"]) == "NO (0 only before, 1 only after)"


def test_run_times_are_masked_in_the_state_not_the_bookmarks() -> None:
    def state(now: str, version: int, activity: str) -> dict[str, Any]:
        mark = {"activity": activity, "scanned_at": now, "version": version, "history": None}
        return {"bookmarks": {"boards": {"board_scans": {"boards": {"b1": mark}}}}}

    early = mask_run_times(state("2026-12-03T10:00:00.000Z", 1, "2026-05-01T00:00:00.000Z"))
    later = mask_run_times(state("2026-12-03T11:00:00.000Z", 2, "2026-05-01T00:00:00.000Z"))
    moved = mask_run_times(state("2026-12-03T11:00:00.000Z", 2, "2026-05-02T00:00:00.000Z"))
    assert early == later
    assert later != moved
    assert early["bookmarks"]["boards"]["board_scans"]["boards"]["b1"]["history"] is None


def output(requests: int, request_digest: str, records: dict[str, int], digest: str) -> Output:
    run = TapRun(label="x", command=[], requests=requests, records=records, exit_code=0)
    return Output(
        run=run,
        records=records,
        digests=dict.fromkeys(records, digest),
        hashes={},
        schemas="s",
        state="t",
        requests=request_digest,
        final_state={},
    )


def test_verdicts_fail_on_records_or_requests_only() -> None:
    same = Scenario(
        "same", "", [output(2, "r", {"boards": 1}, "d")], [output(2, "r", {"boards": 1}, "d")]
    )
    assert verdicts([same], 0.1)[1]
    rows = summary_table([same])
    assert len(rows) == 3
    assert "| yes | yes | yes |" in rows[2]
    records = Scenario(
        "records", "", [output(2, "r", {"boards": 1}, "d")], [output(2, "r", {"boards": 1}, "e")]
    )
    requests = Scenario(
        "requests", "", [output(2, "r", {"boards": 1}, "d")], [output(2, "q", {"boards": 1}, "d")]
    )
    count = Scenario(
        "count", "", [output(2, "r", {"boards": 1}, "d")], [output(3, "r", {"boards": 1}, "d")]
    )
    for scenario in (records, requests, count):
        lines, ok = verdicts([same, scenario], 0.1)
        assert not ok
        assert any(f"DIFFER in {scenario.name}" in line for line in lines)
    state = Scenario(
        "state", "", [output(2, "r", {"boards": 1}, "d")], [output(2, "r", {"boards": 1}, "d")]
    )
    state.after[0].state = "other"
    lines, ok = verdicts([state], 0.1)
    assert ok
    assert "STATE (run times masked): DIFFER in state" in lines


def test_runs_of_one_side_that_disagree_are_a_difference() -> None:
    flaky = Scenario(
        "flaky",
        "",
        [output(2, "r", {"boards": 1}, "d"), output(3, "r", {"boards": 1}, "d")],
        [output(2, "r", {"boards": 1}, "d"), output(2, "r", {"boards": 1}, "d")],
    )
    assert not flaky.consistent
    assert not verdicts([flaky], 0.1)[1]
