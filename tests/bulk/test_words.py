"""The words a screen shows beside a bulk lookup: progress, how a pass ended, counts, what a file is."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msp_desk.api.models import Order
from msp_desk.bulk.engine import PassEnd, PassSummary, Progress
from msp_desk.bulk.progress_words import duration, end_line, progress_line
from msp_desk.bulk.results import LookupResult, Outcome, Tally, counted_under, tally
from msp_desk.bulk.tables import TableKind, TablePreview


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "less than a second"),
        (1, "1 s"),
        (59.4, "59 s"),
        (60, "1 min"),
        (125, "2 min 5 s"),
        (3600, "1 h"),
        (3780, "1 h 3 min"),
    ],
)
def test_durations_read_as_people_say_them(seconds: float, words: str) -> None:
    assert duration(seconds) == words


def test_progress_says_done_failed_left_rate_and_time_left() -> None:
    assert progress_line(Progress(800, 0, 0, 0.3)) == "0 of 800 done, 0 failed; 800 left"
    assert progress_line(Progress(800, 409, 3, 10.0)) == (
        "412 of 800 done, 3 failed; 388 left · 41 orders/s · about 9 s left"
    )
    assert progress_line(Progress(1200, 1190, 0, 10.0)) == (
        "1,190 of 1,200 done, 0 failed; 10 left · 119 orders/s · almost done"
    )
    paused = progress_line(Progress(100, 50, 0, 5.0, paused_for=2.2))
    assert paused.endswith(" · paused 2 s: MultiSafepay asked to slow down")
    assert "paused" not in progress_line(Progress(100, 50, 0, 5.0, paused_for=0.2))


def test_how_a_pass_ended() -> None:
    done = PassSummary(PassEnd.COMPLETED, Progress(800, 795, 5, 21.0))
    assert end_line(done) == "Done: 800 orders looked up in 21 s, 5 failed."
    assert end_line(PassSummary(PassEnd.COMPLETED, Progress(1, 1, 0, 0.1))) == (
        "Done: 1 order looked up in less than a second."
    )
    cancelled = PassSummary(PassEnd.CANCELLED, Progress(800, 400, 12, 9.0))
    assert end_line(cancelled) == "Cancelled after 412 of 800; the 388 left were not looked up."
    assert end_line(cancelled, why="the window closed") == (
        "Cancelled because the window closed after 412 of 800; the 388 left were not looked up."
    )
    stopped = PassSummary(PassEnd.STOPPED, Progress(800, 0, 1, 0.5), "Invalid API key")
    assert end_line(stopped) == "Stopped after 1 of 800: Invalid API key"


def _order(status: str | None) -> Order:
    return Order.model_validate({"order_id": "x", "status": status})


_results = st.lists(
    st.one_of(
        st.builds(
            lambda i, s: LookupResult(i, f"id-{i}", Outcome.FOUND, _order(s)),
            st.integers(0, 9),
            st.sampled_from(["completed", "void", None]),
        ),
        st.builds(
            lambda i, e: LookupResult(i, f"id-{i}", Outcome.FAILED, None, e),
            st.integers(0, 9),
            st.sampled_from(["not found (1006)", "server error 500 after 3 tries"]),
        ),
        st.builds(lambda i: LookupResult(i, f"id-{i}"), st.integers(0, 9)),
    ),
    max_size=30,
)


@given(_results, _results)
def test_counts_kept_one_result_at_a_time_equal_a_fresh_tally(before: list, after: list) -> None:
    """A screen swaps a pending row for its answer, batch by batch; its counts must stay exact."""
    counts = Counter(counted_under(r) for r in before)
    for old, new in zip(before, after, strict=False):
        counts[counted_under(old)] -= 1
        counts[counted_under(new)] += 1
    now = after[: len(before)] + before[len(after) :]
    kept, fresh = Tally.of(counts), tally(now)
    assert (kept.total, kept.statuses, kept.failures, kept.pending) == (
        fresh.total,
        fresh.statuses,
        fresh.failures,
        fresh.pending,
    )


def test_a_found_order_without_status_is_counted_as_such() -> None:
    counted = tally([LookupResult(0, "a", Outcome.FOUND, _order(None)), LookupResult(1, "b")])
    assert counted.line() == "2 orders: 1 found (1 no status); 1 not looked up"
    assert counted.line("still to look up") == "2 orders: 1 found (1 no status); 1 still to look up"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "columns", "words"),
    [
        ("cp1252", ";", 3, "Windows-1252, separated by semicolons"),
        ("utf-8-sig", ",", 2, "UTF-8 with byte-order mark, separated by commas"),
        ("utf-16", "\t", 2, "UTF-16 (Unicode text), separated by tabs"),
        ("utf-8", ",", 1, "UTF-8"),  # one column: there is no separator to speak of
        ("mac_roman", "|", 2, "mac_roman, separated by vertical bars"),
    ],
)
def test_what_was_detected_about_a_csv_file(encoding: str, delimiter: str, columns: int, words: str) -> None:
    names = tuple(f"c{i}" for i in range(columns))
    table = TablePreview(Path("x.csv"), TableKind.CSV, names, (), True, encoding, delimiter)
    assert table.detected == words


def test_what_was_detected_about_a_workbook() -> None:
    table = TablePreview(Path("x.xlsx"), TableKind.XLSX, ("a",), (), True, sheet="Orders", sheets=("Orders",))
    assert table.detected == "Excel workbook, sheet “Orders”"
