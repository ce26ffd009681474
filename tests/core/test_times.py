"""MultiSafepay's zone-less times, read in the zone they were written in and shown in the person's own."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from msp_desk.core import times
from msp_desk.core.times import as_sent, local_time, moment

UTC = ZoneInfo("UTC")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("sent", "environment", "zone", "shown"),
    [
        # Test and Live write Amsterdam time: +01:00 in winter, +02:00 in summer.
        ("2019-03-01T16:12:47", "live", UTC, "2019-03-01 15:12:47 UTC"),
        ("2024-07-01T16:12:47", "test", UTC, "2024-07-01 14:12:47 UTC"),
        ("2024-07-01T16:12:47", "test", AMSTERDAM, "2024-07-01 16:12:47 CEST"),
        ("2024-07-01T16:12:47", "live", NEW_YORK, "2024-07-01 10:12:47 EDT"),
        # The local sandbox writes UTC.
        ("2024-07-01T16:12:47", "sandbox", AMSTERDAM, "2024-07-01 18:12:47 CEST"),
        ("2024-01-01T00:30:00", "sandbox", AMSTERDAM, "2024-01-01 01:30:00 CET"),
        # This app's own times (the history's last update) are UTC.
        ("2024-07-01T16:12:47", "utc", AMSTERDAM, "2024-07-01 18:12:47 CEST"),
        # A time that carries its zone is taken at its word.
        ("2024-07-01T16:12:47+00:00", "live", AMSTERDAM, "2024-07-01 18:12:47 CEST"),
        (dt.datetime(2024, 7, 1, 16, 12, 47), "live", UTC, "2024-07-01 14:12:47 UTC"),
    ],
)
def test_times_are_shown_in_the_persons_zone(
    sent: str | dt.datetime, environment: str, zone: ZoneInfo, shown: str
) -> None:
    assert local_time(sent, environment, zone=zone) == shown


def test_missing_and_unreadable_times_are_not_hidden() -> None:
    assert local_time(None, "live") == "—"
    assert local_time("", "live") == "—"
    assert local_time("yesterday-ish", "live") == "yesterday-ish"
    assert moment("yesterday-ish", "live") is None


def test_the_computers_own_zone_is_the_default() -> None:
    shown = local_time("2024-07-01T16:12:47", "sandbox")
    expected = dt.datetime(2024, 7, 1, 16, 12, 47, tzinfo=dt.UTC).astimezone()
    assert shown == f"{expected:%Y-%m-%d %H:%M:%S} {expected.tzname()}"


def test_without_a_zone_database_amsterdam_times_are_shown_as_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> ZoneInfo:
        raise times.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(times, "ZoneInfo", missing)
    assert local_time("2024-07-01T16:12:47", "live", zone=UTC) == "2024-07-01 16:12:47 (Amsterdam time)"
    assert local_time("2024-07-01T16:12:47", "sandbox", zone=UTC) == "2024-07-01 16:12:47 UTC"


def test_the_tooltip_says_what_was_sent_and_how_it_was_read() -> None:
    assert as_sent("2019-03-01T16:12:47", "live") == "2019-03-01T16:12:47 as sent, read as Amsterdam time"
    assert as_sent("2019-03-01T16:12:47", "sandbox") == "2019-03-01T16:12:47 as sent, read as UTC"
    assert as_sent(None, "live") == ""


def test_a_column_of_moments_writes_the_date_only_where_the_day_changes() -> None:
    from msp_desk.core.times import clock_times

    evening = dt.datetime(2024, 7, 1, 21, 59, 59, 900000, tzinfo=dt.UTC)
    moments = [evening, evening + dt.timedelta(milliseconds=50), None, evening + dt.timedelta(seconds=1)]
    assert clock_times(moments, zone=AMSTERDAM) == (
        ["23:59:59.900", "23:59:59.950", "—", "2024-07-02 00:00:00.900"],
        "2024-07-01",
        "CEST",
    )
    noon = dt.datetime(2024, 1, 1, 12)  # no zone: UTC
    assert clock_times([noon], zone=UTC, seconds_only=True) == (["12:00:00"], "2024-01-01", "UTC")
    assert clock_times([]) == ([], "", "")
