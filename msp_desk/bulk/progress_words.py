"""A bulk lookup's progress and end in words, for a status line beside a progress bar.

Support staff read these while a merchant waits on the phone, so they say
what is done, what failed, what is left and how long that takes, in that
order, and never show a rate or a time before there is anything to base it on.
"""

from __future__ import annotations

from msp_desk.bulk.engine import PassEnd, PassSummary, Progress

PAUSE_SHOWN_FROM = 0.5  # seconds; a shorter rate-limit pause is over before anyone reads it


def duration(seconds: float) -> str:
    """``8 s``, ``2 min 5 s``, ``1 h 3 min``: whole units, as a person says them."""
    whole = max(0, round(seconds))
    if whole == 0:
        return "less than a second"
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def progress_line(progress: Progress) -> str:
    """E.g. ``412 of 800 done, 3 failed; 388 left · 38 orders/s · about 10 s left``."""
    line = f"{progress.done:,} of {progress.total:,} done, {progress.failed:,} failed; {progress.left:,} left"
    if progress.done:
        line += f" · {progress.rate:,.0f} orders/s"
    time_left = progress.time_left
    if time_left is not None and progress.left:
        line += f" · about {duration(time_left)} left" if time_left >= 0.5 else " · almost done"
    if progress.paused_for >= PAUSE_SHOWN_FROM:
        line += f" · paused {duration(progress.paused_for)}: MultiSafepay asked to slow down"
    return line


def end_line(summary: PassSummary, *, why: str = "") -> str:
    """How a pass ended; ``why`` names what cancelled it when the person did not (a profile switch)."""
    progress = summary.progress
    if summary.end is PassEnd.COMPLETED:
        failed = f", {progress.failed:,} failed" if progress.failed else ""
        noun = "order" if progress.total == 1 else "orders"
        return f"Done: {progress.total:,} {noun} looked up in {duration(progress.elapsed)}{failed}."
    if summary.end is PassEnd.CANCELLED:
        cause = f" because {why}" if why else ""
        return (
            f"Cancelled{cause} after {progress.done:,} of {progress.total:,}; "
            f"the {progress.left:,} left were not looked up."
        )
    return f"Stopped after {progress.done:,} of {progress.total:,}: {summary.reason or 'no reason given'}"
