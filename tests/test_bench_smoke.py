"""A tiny run of the benchmark (``python -m bench``), so that it cannot rot.

The benchmark itself (20 boards, 50,000 cards, 200,000 actions, singer-io's tap; then the
many-boards scenarios) is not part of the test suite; this runs its code paths on tiny
workspaces without singer-io.
"""

from __future__ import annotations

import subprocess
import sys

from bench.cli import run
from bench.report import render
from bench.runner import endpoint_of
from bench.scale import render_scale, scale_ok

TINY = ["--boards", "2", "--cards", "300", "--actions", "500", "--seed", "3"]


def test_bench_smoke_run_is_consistent():
    report, bench = run(
        [*TINY, "--no-singer-io", "--no-full", "--no-sizes", "--no-scale", "--quiet"]
    )
    ours = report.runs["ours"]
    assert list(report.runs) == ["ours"]
    assert ours.ok, ours.stderr_tail

    # The request count is what the emulator logged for this run, and no request failed.
    server = bench.last_server
    assert server is not None
    assert ours.requests == server.count() > 0
    assert ours.requests_by_status == {200: ours.requests}
    assert sum(ours.requests_by_endpoint.values()) == ours.requests
    assert ours.requests >= report.workspace.request_minimum

    # Records per stream are the emulator's data set.
    ws = report.workspace
    assert ours.records["boards"] == ws.boards == 2
    assert ours.records["cards"] == ws.cards
    assert ours.records["actions"] == ws.actions
    assert ours.distinct["cards"] == ws.cards
    assert ours.distinct["actions"] == ws.actions
    assert set(ours.records) == {
        "boards",
        "lists",
        "labels",
        "members",
        "checklists",
        "cards",
        "actions",
    }

    # Measured, and printed.
    assert ours.wall_s > 0
    assert ours.cpu_s > 0
    assert ours.peak_rss_mb > 10
    text = render(report)
    assert "this tap" in text
    assert "requests / minimum" in text
    assert f"{ours.requests:,}" in text


def test_bench_rate_limited_smoke():
    report, _ = run([*TINY, "--rate-limited", "--latency-ms", "5", "--quiet"])
    ours = report.runs["ours"]
    assert ours.ok, ours.stderr_tail
    assert list(report.runs) == ["ours"]
    assert "wall / floor" in render(report)


def test_endpoint_of_normalises_ids_and_slashes():
    assert endpoint_of("/1//boards/5f0aa6a7787311d8a30a6cf8/cards/all") == "/boards/{id}/cards/all"
    assert endpoint_of("/1/members/me/boards") == "/members/me/boards"


def test_bench_scale_smoke():
    """``python -m bench --scale`` at a tiny size: tiny boards, many boards, re-syncs."""
    report, bench = run(
        [
            "--scale",
            "--tiny-boards",
            "12",
            "--many-boards",
            "12",
            "--scale-latencies-ms",
            "5",
            "--k-changed",
            "2",
            "--no-singer-io",
            "--quiet",
        ]
    )
    assert report is None
    scale = bench.scale
    assert scale is not None
    assert scale_ok(scale)

    # Tiny boards: output bytes by type add up, one SCHEMA per stream, state measured.
    (tiny,) = scale.tiny
    assert tiny.boards == 12
    assert tiny.run.records["boards"] == 12
    assert sum(tiny.run.bytes_by_type.values()) == tiny.run.output_bytes
    assert tiny.run.messages["SCHEMA"] >= len(tiny.run.records)
    assert 0 < tiny.run.final_state_bytes <= tiny.state_bytes
    assert tiny.budget_bytes == 2 * tiny.record_bytes + 5 * tiny.run.final_state_bytes
    assert tiny.run.final_state is not None
    assert "board_scans" in tiny.run.final_state["bookmarks"]["boards"]

    # Many boards: one first sync, then re-syncs from its final state.
    (first,) = scale.first_syncs
    assert first.run.ok
    assert first.floor_s == first.run.ok_requests / 9
    assert scale.no_change is not None
    assert scale.no_change.requests <= 3
    assert set(scale.no_change.records) == {"boards", "organizations"}
    assert scale.changed is not None
    assert scale.k == 2
    assert scale.changed.requests <= 3 + 4 * scale.k
    assert scale.changed.records["actions"] == scale.expected_changed["actions"] == 8
    assert scale.changed.records["cards"] == scale.expected_changed["cards"]

    text = render_scale(scale)
    for heading in ("1. tiny boards", "2. first full sync", "3. re-sync"):
        assert heading in text
    assert "STATE <= budget" in text
    assert "wall / floor" in text


def test_bench_compare_smoke():
    """``python -m bench.compare`` against the checkout's own HEAD: the same everywhere."""
    run = subprocess.run(
        [sys.executable, "-m", "bench.compare", "--before", "HEAD", "--boards", "2",
         "--cards", "300", "--actions", "500", "--many-boards", "8"],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert "/before/tap_trello/__init__.py" in run.stderr  # HEAD's export, not the checkout
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and "/" in line]
    assert len(rows) == 7  # the header and six scenarios
    assert all("| yes |" in row for row in rows[1:])
