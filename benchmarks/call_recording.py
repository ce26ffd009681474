"""What putting every call on the order's timeline costs: the recorder's time per call, alone and under load.

Every client the app hands out notes each exchange about an order in the
history; the event is queued and written by the store's writer thread, several
in one transaction (``history.queue``). This measures it as the client makes
it: GET /orders/{id} against the sandbox (its own process, as a remote API
would be), with no observer and with the app's recorder, one call at a time
and from 8 threads at once (the bulk lookup's default concurrency), and the
time spent inside the recorder itself.

    .venv/bin/python benchmarks/call_recording.py [--calls 500]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from msp_desk.api.client import MspClient
from msp_desk.api.exchanges import Exchange
from msp_desk.api.http import make_http_client
from msp_desk.history.calls import CallRecorder
from msp_desk.history.store import HistoryStore

API_KEY = "rec0" + "0" * 36


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_sandbox(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "msp_desk.sandbox", "--port", str(port), "--memory"]
    command += ["--api-key", API_KEY]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/json/_sandbox/hello", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the sandbox did not start")


def _order(base_url: str) -> str:
    body = {
        "type": "direct",
        "order_id": "bench-recording",
        "currency": "EUR",
        "amount": 1000,
        "gateway": "CREDITCARD",
        "description": "benchmark",
        "gateway_info": {
            "card_number": "4012001038443335",
            "card_holder_name": "Bench",
            "card_expiry_date": f"{(time.gmtime().tm_year + 3) % 100:02d}12",
            "card_cvc": "123",
            "flexible_3d": False,
        },
    }
    httpx.post(base_url + "orders", json=body, headers={"api_key": API_KEY}, timeout=10).raise_for_status()
    return "bench-recording"


def _run(client: MspClient, order_id: str, calls: int, threads: int) -> float:
    """Calls per second."""
    started = time.perf_counter()
    if threads == 1:
        for _ in range(calls):
            client.get_order(order_id)
    else:
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda _n: client.get_order(order_id), range(calls)))
    return calls / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    options = parser.parse_args()
    port = _free_port()
    sandbox = _start_sandbox(port)
    base_url = f"http://127.0.0.1:{port}/v1/json/"
    rows: list[tuple[str, str]] = []
    try:
        order_id = _order(base_url)
        with tempfile.TemporaryDirectory() as folder, make_http_client() as http:
            history = HistoryStore(Path(folder) / "history.sqlite3")
            recorder = CallRecorder(history, "bench")
            spent: list[float] = []

            def timed(exchange: Exchange) -> None:
                began = time.perf_counter()
                recorder(exchange)
                spent.append((time.perf_counter() - began) * 1000)

            bare = MspClient(http, base_url, API_KEY)
            noted = MspClient(http, base_url, API_KEY, observer=timed)
            _run(bare, order_id, 50, 1)  # warm the connection pool
            for threads in (1, 8):
                without = _run(bare, order_id, options.calls, threads)
                spent.clear()
                with_recorder = _run(noted, order_id, options.calls, threads)
                ordered = sorted(spent)
                median, p99 = statistics.median(ordered), ordered[int(len(ordered) * 0.99)]
                rows += [
                    (f"{threads} thread(s): calls/s without recording", f"{without:,.0f}"),
                    (f"{threads} thread(s): calls/s with recording", f"{with_recorder:,.0f}"),
                    (f"{threads} thread(s): recorder per call, median", f"{median:.2f} ms"),
                    (f"{threads} thread(s): recorder per call, p99", f"{p99:.2f} ms"),
                ]
            events = len(history.events("bench", order_id, limit=100_000))
            rows.append(("events written", f"{events:,} (expected {options.calls * 2:,})"))
            history.close()
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    _print(rows)
    return 0


def _print(rows: list[tuple[str, str]], out: Callable[[str], None] = print) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        out(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    sys.exit(main())
