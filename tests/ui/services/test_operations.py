"""The one helper every screen runs background work through."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, Signal

from msp_desk.api.errors import NetworkUnreachable
from msp_desk.api.remedies import Remedy
from msp_desk.ui.services.events import AppEvents, OrderChange
from msp_desk.ui.services.operations import Failure, Operations
from msp_desk.ui.services.tasks import TaskContext, TaskRunner


@pytest.fixture
def parts(qtbot):
    tasks = TaskRunner()
    events = AppEvents()
    owner = QObject()
    yield Operations(tasks, events, owner), events
    tasks.shutdown()


def _waiting(release: threading.Event, value: object):
    def job(ctx: TaskContext) -> object:
        release.wait(5)
        return value

    return job


def test_a_newer_request_in_the_same_lane_wins(qtbot, parts) -> None:
    ops, _ = parts
    shown: list[object] = []
    first, second = threading.Event(), threading.Event()
    ops.run(_waiting(first, "old"), name="Look up old", lane="lookup", on_success=shown.append)
    ops.run(_waiting(second, "new"), name="Look up new", lane="lookup", on_success=shown.append)
    second.set()
    first.set()
    qtbot.waitUntil(lambda: not ops.busy(), timeout=5000)
    qtbot.wait(50)
    assert shown == ["new"]


def test_moving_on_drops_what_is_pending_but_lanes_are_separate(qtbot, parts) -> None:
    ops, _ = parts
    shown: list[object] = []
    cancelled: list[str] = []
    release = threading.Event()
    ops.run(_waiting(release, "lookup"), name="Look up", lane="lookup", on_success=shown.append)
    ops.run(_waiting(release, "list"), name="List", lane="list", on_success=shown.append)
    ops.move_on("lookup")
    assert ops.busy("list")
    assert not ops.busy("lookup")
    release.set()
    qtbot.waitUntil(lambda: shown == ["list"], timeout=5000)
    assert cancelled == []


def test_a_kept_write_finishes_and_says_the_person_moved_on(qtbot, parts) -> None:
    ops, _ = parts
    seen: list[tuple[object, bool]] = []
    release = threading.Event()
    operation = ops.run(
        _waiting(release, "saved"),
        name="Save",
        lane="write",
        keep=True,
        on_success=lambda value: seen.append((value, operation.moved_on)),
    )
    ops.move_on()
    assert ops.busy("write"), "a kept write still counts as running"
    release.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [("saved", True)]
    assert not ops.busy()


def test_failures_arrive_explained(qtbot, parts) -> None:
    ops, _ = parts
    failures: list[Failure] = []

    def job(ctx: TaskContext) -> None:
        raise NetworkUnreachable("Cannot reach api.multisafepay.com.", code="network_unreachable")

    ops.run(job, name="Send", writing=True, on_failure=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert failures[0].message == "Cannot reach api.multisafepay.com. Nothing was sent."
    assert failures[0].remedy is Remedy.RETRY


def test_a_handler_that_raises_is_reported_and_the_screen_recovers(qtbot, parts) -> None:
    ops, events = parts
    recovered: list[Failure] = []
    reported: list[tuple[str, BaseException]] = []
    events.unexpected.connect(lambda what, error: reported.append((what, error)))

    def show(result: object) -> None:
        raise ValueError("card 4111111111111111 broke the view")

    ops.run(lambda ctx: "answer", name="Show the order", on_success=show, on_failure=recovered.append)
    qtbot.waitUntil(lambda: bool(recovered), timeout=5000)
    assert [what for what, _ in reported] == ["Show the order"]
    assert recovered[0].unexpected
    assert "4111111111111111" not in recovered[0].message
    assert recovered[0].message.startswith("Unexpected error (ValueError: card ••••1111 broke the view)")


def test_an_unexpected_job_error_is_reported_once_with_its_message(qtbot, parts) -> None:
    ops, events = parts
    reported: list[str] = []
    events.unexpected.connect(lambda what, error: reported.append(what))
    failures: list[Failure] = []
    ops.run(lambda ctx: 1 / 0, name="Divide", on_failure=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert reported == ["Divide"]
    assert failures[0].unexpected


def test_changed_orders_are_announced(qtbot, parts) -> None:
    ops, events = parts
    changes: list[OrderChange] = []
    events.order_changed.connect(changes.append)
    ops.run(
        lambda ctx: "refund-1",
        name="Refund",
        on_success=lambda _r: None,
        announce=lambda refund: OrderChange("profile-1", "order-1", "lookup", f"refunded {refund}"),
    )
    qtbot.waitUntil(lambda: bool(changes), timeout=5000)
    assert changes == [OrderChange("profile-1", "order-1", "lookup", "refunded refund-1")]


class _Profiles(QObject):
    active_changed = Signal(object)


class _Profile:
    def __init__(self, profile_id: str) -> None:
        self.id = profile_id


def test_following_the_profile_drops_answers_for_the_old_one(qtbot, parts) -> None:
    ops, _ = parts
    profiles = _Profiles()
    ops.follow_profile(profiles.active_changed)
    profiles.active_changed.emit(_Profile("a"))
    shown: list[object] = []
    release = threading.Event()
    ops.run(_waiting(release, "for a"), name="List", on_success=shown.append)
    profiles.active_changed.emit(_Profile("a"))  # re-announced, not switched: keep it
    assert ops.busy()
    profiles.active_changed.emit(_Profile("b"))
    assert not ops.busy()
    release.set()
    qtbot.wait(200)
    assert shown == []
