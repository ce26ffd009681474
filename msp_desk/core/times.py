"""MultiSafepay's times as a person reads them: in their own time zone, with the zone named.

MultiSafepay answers with local times without a zone (``"2019-03-01T16:12:47"``).
Test and Live times are read as Amsterdam time (Europe/Amsterdam: CET, CEST in
summer), where MultiSafepay runs; the local sandbox writes UTC (docs/sandbox.md),
so its times are read as UTC. Either way a time is shown in the computer's own
zone with the zone's abbreviation, so a support engineer in London and a
merchant in Amsterdam talk about the same moment.

Without a time zone database (no system tzdata), Amsterdam times cannot be
converted; they are then shown as sent, saying so, rather than guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MSP_ZONE = "Europe/Amsterdam"
SANDBOX = "sandbox"
UTC = "utc"
"""Not an environment: this app's own times (the history's ``updated_at``), which it writes in UTC."""
_SHOWN = "%Y-%m-%d %H:%M:%S"


def source_zone(environment: str) -> dt.tzinfo | None:
    """The zone an environment's times are written in; None when the zone database lacks it."""
    if environment.lower() in (SANDBOX, UTC):
        return dt.UTC
    try:
        return ZoneInfo(MSP_ZONE)
    except ZoneInfoNotFoundError:
        return None


def _parsed(value: dt.datetime | str | None) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def moment(value: dt.datetime | str | None, environment: str) -> dt.datetime | None:
    """The instant a MultiSafepay time stands for (an aware datetime), or None if it cannot be told."""
    parsed = _parsed(value)
    if parsed is None or parsed.tzinfo is not None:
        return parsed
    zone = source_zone(environment)
    return None if zone is None else parsed.replace(tzinfo=zone)


def local_time(value: dt.datetime | str | None, environment: str, *, zone: dt.tzinfo | None = None) -> str:
    """``value`` in ``zone`` (the computer's own when None), e.g. ``2019-03-01 16:12:47 CET``; "—" if absent.

    A text that is not a time at all is returned as it came, so nothing MultiSafepay sent is hidden.
    """
    if value is None or value == "":
        return "—"
    instant = moment(value, environment)
    if instant is None:
        parsed = _parsed(value)
        if parsed is None:
            return str(value)
        return f"{parsed:{_SHOWN}} (Amsterdam time)"
    try:
        shown = instant.astimezone(zone)
    except OverflowError:
        # A date at the calendar's edge (year 1 or 9999) that moves past it in another zone.
        return f"{instant:{_SHOWN}} {instant.tzname()}"
    return f"{shown:{_SHOWN}} {shown.tzname()}"


def as_sent(value: dt.datetime | str | None, environment: str) -> str:
    """What MultiSafepay sent and how it was read, for a tooltip: ``2019-03-01T16:12:47, Amsterdam time``."""
    parsed = _parsed(value)
    if parsed is None:
        return "" if value is None else str(value)
    where = "UTC" if environment.lower() in (SANDBOX, UTC) else "Amsterdam time"
    return f"{parsed.replace(tzinfo=None).isoformat(timespec='seconds')} as sent, read as {where}"


def clock_times(
    instants: Sequence[dt.datetime | None], *, zone: dt.tzinfo | None = None, seconds_only: bool = False
) -> tuple[list[str], str, str]:
    """A column of moments in ``zone`` (the computer's own when None), as clock times for a log.

    Times are to the millisecond (many steps share a second), or to the second
    with ``seconds_only``; the date is written only where the day changes from
    the first moment's, which comes back as the second value (``2025-10-02``),
    with the zone's abbreviation as the third, for the column's title. An
    instant without a zone is UTC; None is shown as "—".
    """
    shown: list[str] = []
    first_day, zone_name = "", ""
    day: dt.date | None = None
    for instant in instants:
        if instant is None:
            shown.append("—")
            continue
        aware = instant if instant.tzinfo is not None else instant.replace(tzinfo=dt.UTC)
        try:
            local = aware.astimezone(zone)
        except OverflowError:  # year 1 or 9999 moved past the calendar's edge: kept in its own zone
            local = aware
        clock = local.strftime("%H:%M:%S") if seconds_only else local.strftime("%H:%M:%S.%f")[:-3]
        if day is None:
            first_day, zone_name, day = f"{local:%Y-%m-%d}", local.tzname() or "", local.date()
        shown.append(clock if local.date() == day else f"{local:%Y-%m-%d} {clock}")
        day = local.date()
    return shown, first_day, zone_name
