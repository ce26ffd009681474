"""Running the sandbox: in-process server lifecycle, state across restarts, concurrency, and the CLI."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import direct_order


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate()}


def test_start_accepts_connections_and_stop_joins_everything() -> None:
    before = _threads()
    server = SandboxServer(time_scale=1000).start()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1/json/", server.base_url)
    with socket.create_connection(("127.0.0.1", server.port), timeout=1):
        pass
    assert {"sandbox-http", "sandbox-notifier", "sandbox-timers"} <= _threads()
    server.stop()
    time.sleep(0.05)
    assert not ({"sandbox-http", "sandbox-notifier", "sandbox-timers"} & (_threads() - before))
    refused = False
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
    except OSError:
        refused = True
    assert refused


def test_default_site_and_orders_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.sqlite3"
    with SandboxServer(state_path=state) as first:
        (site,) = first.sites
        assert len(site.api_key) == 40
        assert int(site.api_key, 16) >= 0
        headers = {"api_key": site.api_key}
        created = httpx.post(
            first.base_url + "orders", headers=headers, json=direct_order("keep-me", "4012001038443335")
        )
        assert created.status_code == 200
    with SandboxServer(state_path=state) as second:
        assert second.sites == [site]
        again = httpx.get(second.base_url + "orders/keep-me", headers=headers).json()["data"]
        assert again["transaction_id"] == created.json()["data"]["transaction_id"]
        assert again["status"] == "completed"
        duplicate = httpx.post(second.base_url + "orders", headers=headers, json=direct_order("keep-me"))
        assert duplicate.json()["error_code"] == 1006


def test_concurrent_requests_are_safe() -> None:
    with SandboxServer(api_keys=["k" * 40], time_scale=1000) as server:
        headers = {"api_key": "k" * 40}

        def create(n: int) -> tuple[int, int]:
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=20) as c:
                r = c.post("orders", json=direct_order(f"c-{n}", "4012001038443335"))
                c.post(f"orders/c-{n}/refunds", json={"currency": "EUR", "amount": 100})
                return r.status_code, r.json()["data"]["transaction_id"]

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(create, range(80)))
        assert {status for status, _ in results} == {200}
        assert len({tx for _, tx in results}) == 80
        listed = httpx.get(server.base_url + "transactions", headers=headers, params={"limit": 1000}).json()[
            "data"
        ]
        assert len(listed) == 160
        assert all(
            httpx.get(server.base_url + f"orders/c-{n}", headers=headers).json()["data"]["amount_refunded"]
            == 100
            for n in range(0, 80, 7)
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_prints_sites_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "msp_desk.sandbox",
            "--port",
            str(port),
            "--api-key",
            "a" * 40,
            "--api-key",
            "b" * 40,
            "--state",
            str(tmp_path / "s.db"),
            "--time-scale",
            "100",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(7)] if proc.stdout else []
        assert lines[0].strip() == f"MultiSafepay sandbox API: http://127.0.0.1:{port}/v1/json/"
        sites = [
            re.search(r"Website (\d{5}) \(account (\d+), .*\): api_key (\w+)", line) for line in lines[2:4]
        ]
        assert [m.group(3) for m in sites if m] == ["a" * 40, "b" * 40]
        me = httpx.get(f"http://127.0.0.1:{port}/v1/json/me", headers={"api_key": "b" * 40}).json()["data"]
        assert sites[1] is not None
        assert str(me["site_id"]) == sites[1].group(1)
        receiver = f"http://127.0.0.1:{port}/_sandbox/receiver/{me['site_id']}"
        assert lines[5].strip() == f"Notification receiver of website {me['site_id']}: {receiver}"
        assert httpx.post(receiver, content=b"{}").text == "OK"
        assert lines[6].strip() == "Press Ctrl-C to stop."
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        stderr = proc.stderr.read() if proc.stderr else ""
        assert "Traceback" not in stderr
        assert "a" * 40 not in stderr  # logs mask keys
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_generates_a_key_when_none_given(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "msp_desk.sandbox", "--port", str(port), "--memory"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(2)] if proc.stdout else []
        match = re.search(r"api_key ([0-9a-f]{40})$", lines[1].strip())
        assert match is not None
        me = httpx.get(f"http://127.0.0.1:{port}/v1/json/me", headers={"api_key": match.group(1)})
        assert me.status_code == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
