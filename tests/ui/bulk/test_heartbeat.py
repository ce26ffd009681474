"""A thousand ids never freeze the window: the event loop keeps ticking while the table fills.

A 10 ms timer stands in for everything else the window does (painting, typing,
a click on Cancel). The test counts its ticks and what they saw; how long the
gaps were is the benchmark's business (benchmarks/bulk_lookup.py), not a test's.
"""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import QTimer

from msp_desk.ui.bulk.page import BulkPage
from tests.bulk.conftest import RequestLog
from tests.ui.bulk.conftest import Sandbox, paste, shown_rows
from tests.ui.conftest import click

COUNT = 1000


def test_the_event_loop_keeps_ticking_during_a_thousand_id_run(
    qtbot, page: BulkPage, sandbox: Sandbox, requests_seen: RequestLog
) -> None:
    ids = [f"hb-{i:04d}" for i in range(COUNT)]
    sandbox.create_orders(ids[: COUNT - 50])  # the last 50 were never made: failures fill in too
    sandbox.fault("latency=20", count=COUNT)  # a server a little slower than loopback
    paste(qtbot, page, "\n".join(ids))

    ticks: list[float] = []
    seen_done: list[int] = []
    batches: list[int] = []
    page.run.batch.connect(lambda results: batches.append(len(results)))
    heartbeat = QTimer(page)
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(
        lambda: (ticks.append(time.monotonic()), seen_done.append(COUNT - page.model.tally().pending))
    )
    heartbeat.start()
    click(qtbot, page.look_up_button)
    qtbot.waitUntil(lambda: not page.run.busy, timeout=120_000)
    heartbeat.stop()

    rows = shown_rows(page)
    assert len(rows) == COUNT
    assert sum(1 for r in rows if r["Status"] == "initialized") == COUNT - 50
    assert sum(1 for r in rows if r["Error"] == "not found (1006)") == 50
    assert len(requests_seen.sent) == COUNT

    # The loop ran all along: many ticks, each gap between two of them recorded...
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert len(ticks) >= 50
    assert len(gaps) == len(ticks) - 1
    # ...and the ticks saw the table fill a little at a time, answers arriving in many small batches.
    progress_seen = sorted(set(seen_done))
    assert len(progress_seen) >= 20
    assert progress_seen[0] < COUNT // 10  # from the start of the run...
    assert progress_seen[-1] > COUNT * 9 // 10  # ...to its end
    assert len(batches) >= 20
    assert sum(batches) >= COUNT
    print(f"{len(ticks)} ticks, worst gap {max(gaps) * 1000:.0f} ms, {len(batches)} batches")
