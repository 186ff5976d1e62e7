"""The paging helpers on their own, against an in-memory newest-first list.

``FakeList`` answers like Trello: newest first, at most ``limit`` rows, ``before`` and
``since`` as ISO dates compared either to the millisecond of the row's date, or (as
Trello does with ids, and may do with dates) at whole seconds: the bound's second
against the creation second of the id. The tap must be exact under both.
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
    DateSecond,
    IdSecond,
    page_chain,
    since_covering,
    split_in_windows,
    window_cuts,
)
from tap_trello.timestamps import id_second, iso_ms, parse_iso, shift_iso

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
        if self.compare == "second":
            return float(id_second(row["id"]))
        return parse_iso(row["date"]).timestamp()

    def bound(self, value: str) -> float:
        moment = parse_iso(value).timestamp()
        return float(int(moment)) if self.compare == "second" else moment

    def fetch_page(self, params: dict[str, Any]) -> Future[list[dict[str, Any]]]:
        self.requests.append(params)
        rows = self.rows
        if "before" in params:
            bound = self.bound(params["before"])
            rows = [r for r in rows if self.moment(r) < bound]
        if "since" in params:
            bound = self.bound(params["since"])
            rows = [r for r in rows if self.moment(r) > bound]
        future: Future[list[dict[str, Any]]] = Future()
        future.set_result(rows[: params["limit"]])
        return future

    def group(self, grain: Any, key: Any) -> list[dict[str, Any]]:
        return [r for r in self.rows if grain.key(r) == key]


GRAINS = [
    (IdSecond(), "second"),
    (IdSecond(), "ms"),
    (DateSecond(), "second"),
    (DateSecond(), "ms"),
]


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
@pytest.mark.parametrize("extra", [1, 2])
def test_windows_meet_without_gap_or_overlap(grain, compare, extra) -> None:
    # A long history: 30 pages' worth, one row every 7 s, and groups right at the cuts.
    rows = [row_at(START + i * 7, i % 1000) for i in range(30_000)]
    fake = FakeList(rows, compare)
    newest_window: dict[str, str] = {}

    def chain(window: dict[str, str]):
        return page_chain(fake.fetch_page, window, grain, lambda key: fake.group(grain, key))

    newest = chain(newest_window)
    first = next(newest)
    cuts = window_cuts(grain, first, float(START))
    assert len(cuts) == MAX_EXTRA_WINDOWS
    if extra == 2:  # two cuts, as if more windows were allowed
        cuts = [cuts[0], (START + cuts[0]) // 2]
    for cut in cuts:  # a group of rows sharing the cut's second, at many milliseconds
        fake.rows += [row_at(int(grain.seconds(cut)), ms) for ms in range(0, 1000, 50)]
    fake.rows.sort(key=lambda r: (r["date"], r["id"]), reverse=True)
    chains = split_in_windows(grain, cuts, newest, newest_window, chain)
    emitted = [row["id"] for row in first]
    for pages in chains:
        emitted += [row["id"] for page in pages for row in page]
    assert Counter(emitted) == Counter(r["id"] for r in fake.rows)
    assert newest_window["since"] == grain.excluding(cuts[0])


def test_cuts_need_a_long_list() -> None:
    grain = IdSecond()
    short_page = [row_at(START + i) for i in range(999)]
    assert window_cuts(grain, short_page, float(START)) == []
    # A full page spanning most of the history: fewer than WINDOW_MIN_PAGES pages left.
    page = [row_at(START + 1000 + i) for i in range(PAGE_SIZE)]
    assert window_cuts(grain, page, float(START)) == []


class MillisecondCursors(DateSecond):
    """The cursors this tap used before: right only if dates are compared to the ms."""

    def key(self, row: dict[str, Any]) -> str:  # type: ignore[override]
        return str(row["date"])

    def including(self, key: str) -> str:  # type: ignore[override]
        return shift_iso(key, 1)

    def excluding(self, key: str) -> str:  # type: ignore[override]
        return key


def test_millisecond_cursors_lose_rows_if_dates_are_compared_at_seconds() -> None:
    rows = [row_at(START + run * 10, ms) for run in range(6) for ms in range(0, 600, 2)]
    grain = MillisecondCursors()
    exact = FakeList(rows, "ms")
    assert Counter(chain_all(exact, grain)) == Counter(r["id"] for r in rows)
    coarse = FakeList(rows, "second")
    lost = {r["id"] for r in rows} - set(chain_all(coarse, grain))
    assert lost  # the oldest second of each full page, cut at its oldest millisecond


@pytest.mark.parametrize("compare", ["ms", "second"])
def test_since_covering_keeps_everything_after_a_bookmark(compare) -> None:
    rows = [row_at(START + s, ms) for s in range(5) for ms in (0, 250, 500, 750)]
    fake = FakeList(rows, compare)
    bookmark = iso_ms(START + 2 + 0.5)
    page = fake.fetch_page({"limit": 1000, "since": since_covering(bookmark)}).result()
    newer = {r["id"] for r in rows if r["date"] > bookmark}
    assert newer <= {r["id"] for r in page}
