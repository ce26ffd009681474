"""Searching the history: order id prefix as you type, status and date filters, newest first, paging,
and an index behind every search over 100,000 rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desk.history.store import HistoryEntry, HistoryQuery, HistoryStore

ROWS = 100_000
STATUSES = ["completed", "declined", "initialized", "refunded", "void"]
START = dt.datetime(2024, 1, 1)


def _created(number: int) -> str:
    # Two orders a minute, so 100,000 orders span about 35 days.
    return (START + dt.timedelta(seconds=30 * number)).isoformat(timespec="seconds")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HistoryStore]:
    """100,000 orders over two profiles, written straight into the file in one executemany."""
    path: Path = tmp_path_factory.mktemp("history") / "history.sqlite3"
    HistoryStore(path).close()  # the schema, as the app makes it
    rows = [
        (
            "p1" if number % 4 else "p2",
            f"Order-{number:06d}",
            "Profile",
            "test",
            1000 + number,
            "EUR",
            "Bulk order",
            "VISA",
            "1111",
            STATUSES[number % len(STATUSES)],
            "",
            "[]",
            _created(number),
            _created(number),
            "completed",
            _created(number),
            _created(number),
            "",
            "{}",
            "submitted",
            f"order-{number:06d}",
        )
        for number in range(ROWS)
    ]
    with sqlite3.connect(path) as db:
        db.executemany(f"INSERT INTO orders VALUES ({', '.join('?' * 21)})", rows)  # noqa: S608
    store = HistoryStore(path)
    yield store
    store.close()


def test_every_search_shape_uses_an_index(big: HistoryStore) -> None:
    day = dt.date(2024, 1, 10)
    shapes = [
        HistoryQuery(),
        HistoryQuery(profile_id="p1"),
        HistoryQuery(profile_id="p1", order_id_prefix="ORDER-0123"),
        HistoryQuery(order_id_prefix="order-01"),
        HistoryQuery(profile_id="p1", statuses=("declined",)),
        HistoryQuery(statuses=("declined", "void")),
        HistoryQuery(profile_id="p1", created_from=day, created_until=day + dt.timedelta(days=1)),
        HistoryQuery(created_from=day),
        HistoryQuery(
            profile_id="p2", order_id_prefix="order-00", statuses=("completed",), created_from=day, offset=40
        ),
    ]
    for query in shapes:
        plan = big.query_plan(query)
        scans = [line for line in plan if line.startswith("SCAN") and "INDEX" not in line]
        assert not scans, (query, plan)
        assert any("INDEX" in line for line in plan), (query, plan)
    # The plain list reads the index in order: no sorting of 100,000 rows for one page.
    assert not any("TEMP B-TREE" in line for line in big.query_plan(HistoryQuery(profile_id="p1")))


def test_a_common_prefix_walks_the_orders_newest_first_and_a_rare_one_reads_the_id_index(
    big: HistoryStore,
) -> None:
    # "o" matches every order: sorting 75,000 matches for one page took 200 ms, walking the
    # newest-first index and keeping the matches takes a few.
    for query in (
        HistoryQuery(profile_id="p1", order_id_prefix="o"),
        HistoryQuery(order_id_prefix="ORDER-0"),
    ):
        plan = big.query_plan(query)
        assert not any("TEMP B-TREE" in line for line in plan), plan
    page = big.search(HistoryQuery(profile_id="p1", order_id_prefix="o", limit=3, offset=1))
    assert page.total == 75_000
    assert [e.order_id for e in page.entries] == ["Order-099998", "Order-099997", "Order-099995"]
    rare = big.query_plan(HistoryQuery(profile_id="p1", order_id_prefix="order-0123"))
    assert any("orders_profile_key (profile_id=? AND order_key>? AND order_key<?)" in line for line in rare)


def test_a_page_can_be_read_before_its_count(big: HistoryStore) -> None:
    query = HistoryQuery(profile_id="p1", order_id_prefix="order-01", offset=5, limit=10)
    page = big.search(query)
    assert big.entries(query) == page.entries
    assert big.count(query) == page.total == 7_500  # order-010000 .. order-019999, three in four on p1
    with pytest.raises(ValueError, match="limit must be from 1 to 1000"):
        big.entries(dataclasses.replace(query, limit=0))


def test_orders_created_in_the_same_second_keep_one_order(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    for order_id in ("b-2", "a-1", "c-3"):
        store.record_submitted(
            HistoryEntry(
                "p1", order_id, "P", "test", 100, "EUR", "", "VISA", "1111", created="2024-05-01T10:00:00"
            )
        )
    ids = [e.order_id for e in store.search(HistoryQuery(profile_id="p1")).entries]
    assert ids == ["c-3", "b-2", "a-1"]  # newest first; within one second, by order id, last first
    store.close()


def test_prefix_search_is_case_insensitive_and_newest_first(big: HistoryStore) -> None:
    page = big.search(HistoryQuery(profile_id="p1", order_id_prefix="oRDER-0123"))
    # Order-012300 .. Order-012399 less every fourth (profile p2): 75 orders.
    assert page.total == 75
    ids = [entry.order_id for entry in page.entries]
    assert ids[0] == "Order-012399"
    assert len(ids) == 50
    created = [entry.created for entry in page.entries]
    assert created == sorted(created, reverse=True)
    assert big.search(HistoryQuery(order_id_prefix="order-0999999")).total == 0
    assert big.search(HistoryQuery(order_id_prefix="ORDER-099999")).entries[0].order_id == "Order-099999"


def test_filters_combine_and_pages_follow_each_other(big: HistoryStore) -> None:
    day = dt.date(2024, 1, 10)
    query = HistoryQuery(
        profile_id="p1",
        statuses=("declined", "void"),
        created_from=day,
        created_until=day + dt.timedelta(days=1),
    )
    first = big.search(query)
    # 2,880 orders that day, three in four on p1, two statuses in five.
    assert first.total == 2880 * 3 // 4 * 2 // 5
    everything = []
    offset = 0
    while offset < first.total:
        page = big.search(dataclasses.replace(query, offset=offset, limit=500))
        assert page.total == first.total
        everything += page.entries
        offset += 500
    assert len({e.order_id for e in everything}) == first.total
    assert all(e.status in {"declined", "void"} and e.profile_id == "p1" for e in everything)
    assert all(day.isoformat() <= e.created < (day + dt.timedelta(days=1)).isoformat() for e in everything)
    assert [e.created for e in everything] == sorted((e.created for e in everything), reverse=True)
    aware = dt.datetime(2024, 1, 10, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # 00:00 UTC
    assert (
        big.search(HistoryQuery(profile_id="p1", created_from=aware)).total
        == big.search(HistoryQuery(profile_id="p1", created_from=day)).total
    )


def test_bad_paging_is_refused_by_name(big: HistoryStore) -> None:
    with pytest.raises(ValueError, match="limit"):
        big.search(HistoryQuery(limit=0))
    with pytest.raises(ValueError, match="offset"):
        big.search(HistoryQuery(offset=-1))


def test_recent_lists_newest_first(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    for number, created in enumerate(["2024-05-02T10:00:00", "2024-05-03T09:00:00", "2024-05-01T23:00:00"]):
        entry = HistoryEntry(
            profile_id="p",
            order_id=f"o{number}",
            profile_name="P",
            environment="test",
            amount=100,
            currency="EUR",
            description="d",
            card_brand="VISA",
            card_last4="1111",
            created=created,
        )
        store.record_submitted(entry)
    assert [e.order_id for e in store.recent()] == ["o1", "o0", "o2"]
    store.close()
