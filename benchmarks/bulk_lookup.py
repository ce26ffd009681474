"""Bulk order lookup: how close the engine comes to the ideal wall time, and what it costs in memory.

The sandbox runs in its own process (as a remote API would) and delays every
GET /orders/{id} by 50 ms (``X-Sandbox-Fault: latency=50``). For 1,000 ids
the ideal is 1,000 x 50 ms / concurrency; the engine should stay within 1.3x
of it at concurrency 8 and 32 (best of 3 runs; the median is shown too). A
plain sequential loop of GETs shows what the concurrency buys.

Each section is a function that takes the shared setup and returns table rows,
so further measurements slot in beside these: a GUI section, for one, would
run the engine behind the desktop screen and report the worst stall of a
10 ms heartbeat timer on the event loop.

    .venv/bin/python benchmarks/bulk_lookup.py [--ids 1000] [--latency-ms 50] [--quick]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import resource
import socket
import statistics
import subprocess
import sys
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
        server.wait(10)


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


SECTIONS: list[Section] = [engine_section, sequential_section, memory_section]


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
    args = parser.parse_args()

    with sandbox_process() as base_url:
        ids = [f"bench-{i:05d}" for i in range(args.ids)]
        create_orders(base_url, ids)
        setup = Setup(base_url, ids, args.latency_ms, args.quick, max(1, args.repeats))
        run_engine(
            Setup(base_url, ids[:50], 0, True), 8
        )  # warm-up: imports, connections, the JIT-less caches
        rows = [row for section in SECTIONS for row in section(setup)]
    print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
