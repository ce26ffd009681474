"""The Bulk lookup screen on the app's own services: the embedded sandbox over loopback, requests logged."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from msp_desk.api.http import make_http_client
from msp_desk.credentials.access import open_store
from msp_desk.ui.bulk.page import BulkPage
from msp_desk.ui.bulk.results_model import HEADERS
from msp_desk.ui.services.context import AppContext
from tests.bulk.conftest import RequestLog
from tests.ui.conftest import click


@dataclass
class Sandbox:
    """The app's embedded sandbox, driven as its admin: orders to find, faults to inject."""

    admin: httpx.Client
    api_key: str

    def create_orders(self, ids: list[str], *, currency: str = "EUR", amount: int = 1230) -> None:
        def create(order_id: str) -> None:
            body = {
                "order_id": order_id,
                "currency": currency,
                "amount": amount,
                "description": "Bulk UI test",
            }
            answer = self.admin.post("orders", json=body)
            assert answer.status_code == 200, answer.text

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(create, ids))

    def fault(self, fault: str, *, paths: str = "/orders", count: int = 1) -> None:
        answer = self.admin.post("_sandbox/faults", json={"fault": fault, "count": count, "paths": paths})
        assert answer.status_code == 200, answer.text

    def clear_faults(self) -> None:
        self.admin.delete("_sandbox/faults").raise_for_status()


@pytest.fixture
def requests_seen() -> RequestLog:
    return RequestLog()


@pytest.fixture
def context(qtbot, requests_seen: RequestLog) -> Iterator[AppContext]:
    """The app's services with profiles loaded; the shared HTTP client logs each order lookup."""

    def http() -> httpx.Client:
        client = make_http_client()
        client.event_hooks = {"request": [requests_seen.on_request], "response": [requests_seen.on_response]}
        return client

    ctx = AppContext(http_factory=http)
    ctx.profiles.adopt(*open_store())
    yield ctx
    ctx.close()


@pytest.fixture
def sandbox(context: AppContext) -> Iterator[Sandbox]:
    server = context.sandbox.ensure_running()
    key = server.sites[0].api_key
    with httpx.Client(base_url=server.base_url, headers={"api_key": key}, timeout=10) as admin:
        yield Sandbox(admin, key)


@pytest.fixture
def page(qtbot, context: AppContext, sandbox: Sandbox) -> BulkPage:
    widget = BulkPage(context)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


# -- acting as a person, seeing what a person sees ----------------------------------


def paste(qtbot, page: BulkPage, text: str) -> None:
    """Into the ids box with Ctrl+V, as ids copied from a mail or a sheet arrive."""
    QGuiApplication.clipboard().setText(text)
    page.input.box.setFocus()
    qtbot.keyClick(page.input.box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.input.box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def run_to_end(qtbot, page: BulkPage, *, timeout: int = 30_000) -> None:
    click(qtbot, page.look_up_button)
    assert page.run.busy
    qtbot.waitUntil(lambda: not page.run.busy, timeout=timeout)


def shown_rows(page: BulkPage) -> list[dict[str, str]]:
    """The result table as it reads on screen, top to bottom, one dict per row keyed by column title."""
    view = page.table.model()
    return [
        {HEADERS[c]: view.index(r, c).data() for c in range(view.columnCount())}
        for r in range(view.rowCount())
    ]
