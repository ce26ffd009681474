"""The task runner keeps the UI responsive and reports every outcome."""

from __future__ import annotations

import http.server
import itertools
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from PySide6.QtCore import QTimer

from msp_desk.ui.services.tasks import TaskContext, TaskRunner


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(1.0)
        body = b'{"success": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def runner(qtbot: object) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()


def test_event_loop_keeps_ticking_during_a_slow_request(qtbot, runner: TaskRunner, slow_server: str) -> None:
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(20)
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    heartbeat.start()
    results: list[object] = []
    ui_threads: list[bool] = []

    def on_success(value: object) -> None:
        ui_threads.append(threading.current_thread() is threading.main_thread())
        results.append(value)

    with httpx.Client() as http:
        started = time.monotonic()
        task = runner.submit(lambda ctx: http.get(slow_server).json(), name="slow get", on_success=on_success)
        with qtbot.waitSignal(task.signals.finished, timeout=5000):
            pass
    heartbeat.stop()

    assert results == [{"success": True}]
    assert ui_threads == [True], "results must be delivered on the UI thread"
    during = [t for t in ticks if t >= started]
    # A blocked loop would tick at most once after the request; a free one ~50 times in 1 s.
    assert len(during) >= 20
    assert max(b - a for a, b in itertools.pairwise(during)) < 0.5


def test_failure_arrives_as_the_typed_exception(qtbot, runner: TaskRunner) -> None:
    class OrderRejected(Exception):
        pass

    def job(ctx: TaskContext) -> None:
        raise OrderRejected("amount too low")

    errors: list[BaseException] = []
    runner.submit(job, name="reject", on_failure=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=2000)
    assert isinstance(errors[0], OrderRejected)
    assert str(errors[0]) == "amount too low"


def test_unhandled_failure_is_not_swallowed(qtbot, runner: TaskRunner) -> None:
    with qtbot.waitSignal(runner.unhandled, timeout=2000) as blocker:
        runner.submit(lambda ctx: 1 / 0, name="divide")
    name, error = blocker.args
    assert name == "divide"
    assert isinstance(error, ZeroDivisionError)


def test_progress_is_reported(qtbot, runner: TaskRunner) -> None:
    seen: list[object] = []

    def job(ctx: TaskContext) -> str:
        for step in range(3):
            ctx.report(step)
        return "done"

    done: list[object] = []
    runner.submit(job, name="steps", on_progress=seen.append, on_success=done.append)
    qtbot.waitUntil(lambda: done == ["done"], timeout=2000)
    assert seen == [0, 1, 2]


def test_cancel_drops_the_result(qtbot, runner: TaskRunner) -> None:
    started = threading.Event()
    succeeded: list[object] = []

    def job(ctx: TaskContext) -> str:
        started.set()
        ctx.wait(5.0)
        return "too late"

    cancelled: list[bool] = []
    task = runner.submit(
        job, name="long", on_success=succeeded.append, on_cancelled=lambda: cancelled.append(True)
    )
    assert started.wait(2.0)
    task.cancel()
    qtbot.waitUntil(lambda: cancelled == [True], timeout=2000)
    qtbot.waitUntil(lambda: runner.active_count == 0, timeout=2000)
    assert succeeded == []
    assert task.is_cancelled


def test_a_cancel_callback_interrupts_what_wait_cannot_reach(qtbot) -> None:
    runner = TaskRunner()
    blocked = threading.Event()
    woken: list[str] = []

    def job(ctx: TaskContext) -> None:
        ctx.on_cancel(lambda: woken.append("socket closed") or blocked.set())
        blocked.wait(10)  # stands in for a socket read that only its own close interrupts
        ctx.raise_if_cancelled()

    cancelled: list[bool] = []
    handle = runner.submit(job, name="Blocked", on_cancelled=lambda: cancelled.append(True))
    qtbot.wait(100)
    handle.cancel()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=3000)
    assert woken == ["socket closed"]
    late: list[str] = []
    handle.context.on_cancel(lambda: late.append("at once"))
    assert late == ["at once"]
    runner.shutdown()
