"""A tiny run of the benchmark (``python -m bench``), so that it cannot rot.

The benchmark itself (20 boards, 50,000 cards, 200,000 actions, singer-io's tap) is not
part of the test suite; this runs its code path on a tiny workspace without singer-io.
"""

from __future__ import annotations

from bench.cli import run
from bench.report import render
from bench.runner import endpoint_of

TINY = ["--boards", "2", "--cards", "300", "--actions", "500", "--seed", "3"]


def test_bench_smoke_run_is_consistent():
    report, bench = run([*TINY, "--no-singer-io", "--no-full", "--no-sizes", "--quiet"])
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
