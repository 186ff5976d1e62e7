"""The paging helpers on their own, against an in-memory newest-first list.

``FakeList`` answers like Trello: newest first, at most ``limit`` rows, ``before`` and
``since`` as ISO dates compared to the millisecond of ``date`` (actions) or to the
creation second of the id (cards).
"""

from __future__ import annotations

import itertools
from collections import Counter
from concurrent.futures import Future
from typing import Any

import pytest

from tap_trello.paging import (
    MAX_EXTRA_WINDOWS,
    PAGE_SIZE,
    DateMillisecond,
    IdSecond,
    above,
    page_chain,
    window_cuts,
    windows,
)
from tap_trello.timestamps import id_second, iso_ms, parse_iso

START = 1_700_000_000
_serial = itertools.count()


def row_at(second: int, millisecond: int = 0) -> dict[str, Any]:
    return {
        "id": f"{second:08x}{next(_serial):016x}",
        "date": iso_ms(second + millisecond / 1000),
    }


class FakeList:
    def __init__(self, rows: list[dict[str, Any]], compare: str) -> None:
        self.rows = sorted(rows, key=lambda r: (r["date"], r["id"]), reverse=True)
        self.compare = compare
        self.requests: list[dict[str, Any]] = []

    def moment(self, row: dict[str, Any]) -> float:
        if self.compare == "id-second":
            return float(id_second(row["id"]))
        return parse_iso(row["date"]).timestamp()

    def fetch_page(self, params: dict[str, Any]) -> Future[list[dict[str, Any]]]:
        self.requests.append(params)
        rows = self.rows
        if "before" in params:
            bound = parse_iso(params["before"]).timestamp()
            rows = [r for r in rows if self.moment(r) < bound]
        if "since" in params:
            bound = parse_iso(params["since"]).timestamp()
            rows = [r for r in rows if self.moment(r) > bound]
        future: Future[list[dict[str, Any]]] = Future()
        future.set_result(rows[: params["limit"]])
        return future

    def group(self, grain: Any, key: Any) -> list[dict[str, Any]]:
        return [r for r in self.rows if grain.key(r) == key]


GRAINS = [(IdSecond(), "id-second"), (DateMillisecond(), "date-ms")]


def chain_all(fake: FakeList, grain: Any, window: dict[str, str] | None = None) -> list[str]:
    pages = page_chain(fake.fetch_page, window or {}, grain, lambda key: fake.group(grain, key))
    return [row["id"] for page in pages for row in page]


@pytest.mark.parametrize(("grain", "compare"), GRAINS)
@pytest.mark.parametrize(
    ("count", "requests"), [(999, 1), (1000, 2), (1001, 2), (2997, 3), (2998, 4)]
)
def test_page_boundaries(grain, compare, count, requests) -> None:
    # One row per group; each full page asks again from its oldest group (one row).
    fake = FakeList([row_at(START + i) for i in range(count)], compare)
    emitted = chain_all(fake, grain)
    assert sorted(emitted) == sorted(r["id"] for r in fake.rows)
    assert len(fake.requests) == requests
    assert all(r["limit"] == PAGE_SIZE for r in fake.requests)


@pytest.mark.parametrize(("grain", "compare"), GRAINS)
def test_same_grain_groups_across_page_boundaries(grain, compare) -> None:
    # Runs of 300 rows sharing one second and one millisecond, straddling every boundary.
    rows = [row_at(START + run * 10) for run in range(12) for _ in range(300)]
    rows += [row_at(START + 5 + i) for i in range(50)]
    fake = FakeList(rows, compare)
    emitted = chain_all(fake, grain)
    assert Counter(emitted) == Counter(r["id"] for r in rows)


@pytest.mark.parametrize(("grain", "compare"), GRAINS)
def test_a_full_page_of_one_group_is_fetched_apart(grain, compare) -> None:
    rows = [row_at(START + 100) for _ in range(1500)] + [row_at(START + i) for i in range(40)]
    fake = FakeList(rows, compare)
    split_keys: list[Any] = []

    def split(key: Any) -> list[dict[str, Any]]:
        split_keys.append(key)
        return fake.group(grain, key)

    pages = page_chain(fake.fetch_page, {}, grain, split)
    emitted = [row["id"] for page in pages for row in page]
    assert Counter(emitted) == Counter(r["id"] for r in rows)
    assert split_keys == [grain.key(rows[0])]
    # After the group, paging goes on strictly before it.
    assert fake.requests[1]["before"] == grain.excluding(split_keys[0])


@pytest.mark.parametrize(("grain", "compare"), GRAINS)
def test_windows_meet_without_gap_or_overlap(grain, compare) -> None:
    # A long history: 30 pages' worth, one row every 7 s, some sharing a second.
    rows = [row_at(START + i * 7) for i in range(30_000)]
    rows += [row_at(START + 7 * 15_000) for _ in range(20)]  # a group right at the middle
    fake = FakeList(rows, compare)
    newest_window: dict[str, str] = {}
    split = lambda key: fake.group(grain, key)  # noqa: E731
    newest = page_chain(fake.fetch_page, newest_window, grain, split)
    first = next(newest)
    cuts = window_cuts(grain, first, float(START))
    assert len(cuts) == MAX_EXTRA_WINDOWS
    newest_window["since"] = grain.excluding(cuts[0])
    chains = [above(grain, cuts[0], newest)]
    chains += [page_chain(fake.fetch_page, w, grain, split) for w in windows(grain, cuts)]
    emitted = [row["id"] for row in first]
    for chain in chains:
        emitted += [row["id"] for page in chain for row in page]
    assert Counter(emitted) == Counter(r["id"] for r in rows)
    # Each cut is where one window ends and the next begins.
    lower = windows(grain, cuts)
    assert lower[0]["before"] == grain.including(cuts[0])


def test_cuts_need_a_long_list() -> None:
    grain = IdSecond()
    short_page = [row_at(START + i) for i in range(999)]
    assert window_cuts(grain, short_page, float(START)) == []
    # A full page spanning most of the history: fewer than WINDOW_MIN_PAGES pages left.
    page = [row_at(START + 1000 + i) for i in range(PAGE_SIZE)]
    assert window_cuts(grain, page, float(START)) == []
