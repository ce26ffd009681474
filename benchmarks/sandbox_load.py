"""Load test for the local sandbox: GET /orders/{id} against the bare hello endpoint of the same server.

The server runs in its own process (as ``msp-desk sandbox`` would); the
load comes from separate client processes, each with keep-alive httpx
connections on threads, so the client's own GIL is not what gets measured.
Reports requests per second and p50/p99 latency for both endpoints.

    .venv/bin/python benchmarks/sandbox_load.py [--processes 2] [--threads 8] [--seconds 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

import httpx

API_KEY = "bench" + "0" * 35


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _client_process(url: str, threads: int, seconds: float, queue: multiprocessing.Queue[Any]) -> None:
    """One load process: ``threads`` keep-alive connections, each a plain httpx.Client."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        local: list[float] = []
        failed = 0
        with httpx.Client(headers={"api_key": API_KEY}, timeout=10) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = client.get(url)
                local.append(time.perf_counter() - started)
                failed += response.status_code != 200
        with lock:
            latencies.extend(local)
            errors += failed

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((latencies, errors))


def hammer(url: str, processes: int, threads: int, seconds: float) -> tuple[float, list[float], int]:
    """Several client processes, so the client's own GIL is not what gets measured."""
    queue: multiprocessing.Queue[Any] = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_client_process, args=(url, threads, seconds, queue))
        for _ in range(processes)
    ]
    begin = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - begin
    latencies = [x for lat, _ in results for x in lat]
    return len(latencies) / min(elapsed, seconds + 0.5), latencies, sum(e for _, e in results)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=8, help="connections per client process")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "msp_desk.sandbox", "--port", str(port), "--api-key", API_KEY, "--memory"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        base = server.stdout.readline().split(": ", 1)[1].strip()
        order = {
            "type": "direct",
            "order_id": "bench-order",
            "currency": "EUR",
            "amount": 1000,
            "gateway": "VISA",
            "description": "benchmark",
            "gateway_info": {
                "card_number": "4012001038443335",
                "card_expiry_date": "3912",
                "card_cvc": "123",
            },
        }
        created = httpx.post(base + "orders", headers={"api_key": API_KEY}, json=order)
        created.raise_for_status()
        hammer(base + "_sandbox/hello", args.processes, args.threads, 1.0)  # warm-up
        results = {}
        for name, path in (("hello", "_sandbox/hello"), ("GET /orders/{id}", "orders/bench-order")):
            rate, latencies, errors = hammer(base + path, args.processes, args.threads, args.seconds)
            results[name] = rate
            print(
                f"{name:18s} {rate:8.0f} req/s   p50 {percentile(latencies, 50) * 1000:6.2f} ms"
                f"   p99 {percentile(latencies, 99) * 1000:6.2f} ms   errors {errors}"
            )
        ratio = results["hello"] / results["GET /orders/{id}"]
        print(f"hello / orders ratio: {ratio:.2f} (target <= 2.0); orders target >= 1000 req/s")
        return 0 if results["GET /orders/{id}"] >= 1000 and ratio <= 2.0 else 1
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
