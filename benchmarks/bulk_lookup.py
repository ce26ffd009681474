"""Bulk order lookup: how close the engine comes to the ideal wall time, and what it costs in memory.

The sandbox runs in its own process (as a remote API would) and delays every
GET /orders/{id} by 50 ms (``X-Sandbox-Fault: latency=50``). For 1,000 ids
the ideal is 1,000 x 50 ms / concurrency; the engine should stay within 1.3x
of it at concurrency 8 and 32 (best of 3 runs; the median is shown too). A
plain sequential loop of GETs shows what the concurrency buys.

Each section is a function that takes the shared setup and returns table rows.
The GUI section runs the same 1,000 ids through the desktop screen (offscreen
Qt, the built-in profile pointed at the sandbox process) and reports the worst
stall a 10 ms heartbeat timer sees on the event loop: the longest the window
could not paint or answer a click. Target: at most 50 ms at concurrency 8 and 32.

    .venv/bin/python benchmarks/bulk_lookup.py [--ids 1000] [--latency-ms 50] [--quick] [--gui-only]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gc
import itertools
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from msp_desk.api.client import MspClient
from msp_desk.api.http import make_http_client
from msp_desk.bulk.engine import BulkLookup
from msp_desk.bulk.results import Outcome

API_KEY = "bulk" + "0" * 36
TARGET_RATIO = 1.3
HEARTBEAT_MS = 10
TARGET_STALL_MS = 50


@dataclass(frozen=True)
class Setup:
    base_url: str
    ids: list[str]
    latency_ms: int
    quick: bool
    repeats: int = 3


@dataclass(frozen=True)
class Row:
    measure: str
    result: str
    target: str = ""
    ok: bool | None = None


Section = Callable[[Setup], list[Row]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sandbox_process() -> Iterator[str]:
    command = [sys.executable, "-m", "msp_desk.sandbox", "--port", str(free_port()), "--api-key", API_KEY]
    server = subprocess.Popen(
        [*command, "--memory"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().split(": ", 1)[1].strip()
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # a connection left open holds uvicorn's graceful shutdown
            server.kill()
            server.wait()


def create_orders(base_url: str, ids: list[str]) -> None:
    def create(order_id: str) -> None:
        body = {"order_id": order_id, "currency": "EUR", "amount": 1000, "description": "benchmark"}
        http.post("orders", json=body).raise_for_status()

    with (
        httpx.Client(base_url=base_url, headers={"api_key": API_KEY}, timeout=30) as http,
        concurrent.futures.ThreadPoolExecutor(8) as pool,
    ):
        list(pool.map(create, ids))


def delayed_client(setup: Setup) -> httpx.Client:
    http = make_http_client()
    http.headers["X-Sandbox-Fault"] = f"latency={setup.latency_ms}"
    return http


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_engine(setup: Setup, concurrency: int) -> float:
    with delayed_client(setup) as http:
        lookup = BulkLookup(MspClient(http, setup.base_url, API_KEY), setup.ids, concurrency=concurrency)
        started = time.perf_counter()
        lookup.start()
        lookup.wait()
        elapsed = time.perf_counter() - started
    assert all(r.outcome is Outcome.FOUND for r in lookup.results()), "every benchmark order must be found"
    return elapsed


def engine_section(setup: Setup) -> list[Row]:
    """Best and median of a few runs: on a shared 2-core machine other processes add noise, not the engine."""
    rows = []
    for concurrency in (8, 32):
        walls = sorted(run_engine(setup, concurrency) for _ in range(setup.repeats))
        best, median = walls[0], statistics.median(walls)
        ideal = len(setup.ids) * setup.latency_ms / 1000 / concurrency
        name = f"engine, concurrency {concurrency}"
        rows += [
            Row(f"{name}: ideal", f"{ideal:.2f} s"),
            Row(f"{name}: wall time, best of {len(walls)}", f"{best:.2f} s"),
            Row(f"{name}: wall time, median", f"{median:.2f} s"),
            Row(
                f"{name}: best / ideal",
                f"{best / ideal:.2f}x",
                f"<= {TARGET_RATIO}x",
                best / ideal <= TARGET_RATIO,
            ),
            Row(f"{name}: median / ideal", f"{median / ideal:.2f}x"),
            Row(f"{name}: rate (best)", f"{len(setup.ids) / best:.0f} orders/s"),
            Row(f"{name}: peak RSS so far", f"{peak_rss_mb():.0f} MB"),
        ]
    return rows


def sequential_section(setup: Setup) -> list[Row]:
    ids = setup.ids[:100] if setup.quick else setup.ids
    with delayed_client(setup) as http:
        started = time.perf_counter()
        for order_id in ids:
            http.get(setup.base_url + f"orders/{order_id}", headers={"api_key": API_KEY}).raise_for_status()
        elapsed = time.perf_counter() - started
    scaled = elapsed * len(setup.ids) / len(ids)
    note = "" if len(ids) == len(setup.ids) else f" (measured on {len(ids)}, scaled)"
    return [Row(f"plain sequential loop of GETs{note}", f"{scaled:.2f} s")]


def memory_section(setup: Setup) -> list[Row]:
    """Python allocations of one untimed run (tracemalloc slows everything, so it runs on its own)."""
    tracemalloc.start()
    try:
        run_engine(setup, 8)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return [
        Row(f"engine, concurrency 8: peak Python memory for {len(setup.ids)} ids", f"{peak / 2**20:.1f} MB"),
        Row("process peak RSS", f"{peak_rss_mb():.0f} MB"),
    ]


class _SandboxProcess:
    """Stands in for the embedded sandbox behind the built-in profile: the benchmark's own process."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def address(self) -> tuple[str, str]:
        return self.base_url, API_KEY


def run_screen(setup: Setup, concurrency: int) -> tuple[list[float], float]:
    """The gaps between heartbeat ticks (seconds) while the screen looks up every id, and the wall time."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from msp_desk.credentials.access import open_store
    from msp_desk.ui.bulk.page import BulkPage
    from msp_desk.ui.services.context import AppContext

    app = QApplication.instance() or QApplication([sys.argv[0]])
    context = AppContext(http_factory=lambda: delayed_client(setup))
    context.profiles.adopt(*open_store())
    context.profiles.access.sandbox = _SandboxProcess(setup.base_url)
    # The app makes its one HTTP client (25 ms of TLS set-up) at its first request, long before a bulk run.
    assert context.http is not None
    page = BulkPage(context)
    page.resize(1300, 800)
    page.show()
    page.input.box.setPlainText("\n".join(setup.ids))
    page.concurrency.setValue(concurrency)
    app.processEvents()

    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    page.run.finished.connect(lambda *_: loop.quit())
    heartbeat.start()
    started = time.perf_counter()
    QTimer.singleShot(HEARTBEAT_MS, page.look_up_button.click)  # from inside the loop, like a click
    loop.exec()
    elapsed = time.perf_counter() - started
    heartbeat.stop()
    found = sum(1 for r in page.model.results() if r.outcome is Outcome.FOUND)
    page.close()
    page.deleteLater()
    context.close()
    app.processEvents()
    assert found == len(setup.ids), "every benchmark order must be found"
    return [b - a for a, b in itertools.pairwise(ticks)], elapsed


def run_engine_under_heartbeat(setup: Setup, concurrency: int, *, freeze: bool) -> list[float]:
    """The heartbeat gaps with no screen at all: what the engine's threads alone cost the event loop,
    with or without the objects that exist beforehand frozen out of full collections, as the screen does."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    ticks: list[float] = []
    with delayed_client(setup) as http:
        lookup = BulkLookup(MspClient(http, setup.base_url, API_KEY), setup.ids, concurrency=concurrency)
        heartbeat = QTimer()
        heartbeat.setInterval(HEARTBEAT_MS)
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        loop = QEventLoop()
        done = QTimer()
        done.setInterval(40)
        done.timeout.connect(lambda: None if lookup.running else loop.quit())
        if freeze:
            gc.freeze()
        heartbeat.start()
        lookup.start()
        done.start()
        loop.exec()
        heartbeat.stop()
        done.stop()
        gc.unfreeze()
    app.processEvents()
    return [b - a for a, b in itertools.pairwise(ticks)]


def gui_section(setup: Setup) -> list[Row]:
    """The worst stall of the window's event loop while the Bulk lookup screen runs the ids."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A throwaway home: the screen reads profiles and saves its settings, never the user's.
    os.environ["MSP_DESK_HOME"] = tempfile.mkdtemp(prefix="msp-desk-bench-")
    rows = []
    for concurrency in (8, 32):
        runs = [run_screen(setup, concurrency) for _ in range(setup.repeats)]
        worst_per_run = sorted(max(gaps) * 1000 for gaps, _ in runs)
        all_gaps = sorted(gap for gaps, _ in runs for gap in gaps)
        worst = worst_per_run[-1]
        p99 = all_gaps[int(len(all_gaps) * 0.99)] * 1000
        name = f"GUI, concurrency {concurrency}"
        alone_name = f"engine alone, concurrency {concurrency}"
        alone = {
            freeze: max(max(run_engine_under_heartbeat(setup, concurrency, freeze=freeze)) for _ in runs)
            for freeze in (False, True)
        }
        rows += [
            Row(
                f"{name}: worst event-loop stall, {len(runs)} runs",
                f"{worst:.0f} ms",
                f"<= {TARGET_STALL_MS} ms",
                worst <= TARGET_STALL_MS,
            ),
            Row(f"{name}: worst stall per run", " / ".join(f"{w:.0f}" for w in worst_per_run) + " ms"),
            Row(f"{name}: 99th percentile heartbeat gap", f"{p99:.0f} ms"),
            Row(f"{name}: heartbeats per run (median)", f"{statistics.median(len(g) for g, _ in runs):.0f}"),
            Row(f"{name}: wall time, best", f"{min(elapsed for _, elapsed in runs):.2f} s"),
            Row(f"{alone_name}: worst stall, no screen", f"{alone[False] * 1000:.0f} ms"),
            Row(f"{alone_name}: the same, gc.freeze first", f"{alone[True] * 1000:.0f} ms"),
        ]
    return rows


SECTIONS: list[Section] = [engine_section, sequential_section, memory_section, gui_section]


def print_table(rows: list[Row]) -> None:
    header = Row("measure", "result", "target", None)
    width = [max(len(r.measure) for r in [header, *rows]), max(len(r.result) for r in [header, *rows]), 8]
    print(f"{header.measure:<{width[0]}}  {header.result:>{width[1]}}  {header.target:<{width[2]}}  ok")
    for r in rows:
        ok = "" if r.ok is None else ("yes" if r.ok else "NO")
        print(f"{r.measure:<{width[0]}}  {r.result:>{width[1]}}  {r.target:<{width[2]}}  {ok}".rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ids", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3, help="runs per concurrency (best and median)")
    parser.add_argument("--quick", action="store_true", help="time the sequential loop on 100 ids only")
    parser.add_argument("--gui-only", action="store_true", help="only the desktop screen's section")
    args = parser.parse_args()
    sections = [gui_section] if args.gui_only else SECTIONS

    with sandbox_process() as base_url:
        ids = [f"bench-{i:05d}" for i in range(args.ids)]
        create_orders(base_url, ids)
        setup = Setup(base_url, ids, args.latency_ms, args.quick, max(1, args.repeats))
        run_engine(
            Setup(base_url, ids[:50], 0, True), 8
        )  # warm-up: imports, connections, the JIT-less caches
        rows = [row for section in sections for row in section(setup)]
    print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
