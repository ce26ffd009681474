"""The result table paints from Qt's own items: no Python runs while it repaints, and its cells still
carry their tooltips and colours."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from msp_desk.ui.bulk.page import BulkPage
from msp_desk.ui.bulk.results_model import ERROR, FINANCIAL, ORDER_ID, STATUS
from msp_desk.ui.widgets.colours import alert_text_colour
from tests.ui.bulk.conftest import Sandbox, paste, run_to_end, shown_rows
from tests.ui.conftest import click


def python_calls_during(action: Callable[[], None]) -> list[str]:
    """The Python functions that run on this thread while ``action`` runs (besides ``action`` itself).

    ``action`` runs once before, unwatched: PySide makes some of its enum types on their first use.
    """
    action()
    calls: list[str] = []

    def note(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code is not action.__code__:
            calls.append(f"{frame.f_code.co_filename}:{frame.f_code.co_qualname}")

    sys.setprofile(note)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


def cell(page: BulkPage, order_id: str, column: int, role: Qt.ItemDataRole) -> Any:
    view = page.table.model()
    row = next(r for r in range(view.rowCount()) if view.index(r, ORDER_ID).data() == order_id)
    return view.index(row, column).data(role)


def colour(page: BulkPage, order_id: str, column: int) -> QColor | None:
    brush = cell(page, order_id, column, Qt.ItemDataRole.ForegroundRole)
    return None if brush is None else QColor(brush.color())


def test_repainting_the_results_runs_no_python(qtbot, page: BulkPage, sandbox: Sandbox) -> None:
    # While lookups run, every call from Qt into Python waits for the interpreter lock behind the
    # worker threads: a repaint must not make any.
    sandbox.create_orders(["paint-1", "paint-2"])
    paste(qtbot, page, "paint-1 paint-2 paint-missing")
    run_to_end(qtbot, page)
    assert len(shown_rows(page)) == 3

    def repaint() -> None:
        page.table.viewport().repaint()
        page.table.horizontalHeader().viewport().repaint()

    assert python_calls_during(repaint) == []


def test_cells_say_what_a_status_means_and_show_failures_in_red(
    qtbot, page: BulkPage, sandbox: Sandbox
) -> None:
    sandbox.create_orders(["tip-found"])
    sandbox.fault("latency=300", count=1)  # the first lookup waits, so the run is seen under way
    paste(qtbot, page, "tip-found tip-missing")
    click(qtbot, page.look_up_button)
    quiet = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    qtbot.waitUntil(lambda: "waiting…" in [r["Status"] for r in shown_rows(page)], timeout=10_000)
    waiting = next(r["Order ID"] for r in shown_rows(page) if r["Status"] == "waiting…")
    assert colour(page, waiting, STATUS) == quiet
    qtbot.waitUntil(lambda: not page.run.busy, timeout=30_000)

    for column in (STATUS, FINANCIAL):
        assert cell(page, "tip-found", column, Qt.ItemDataRole.ToolTipRole) == (
            "Started: waiting for the shopper to pay (or for 3-D Secure)"
        )
    assert colour(page, "tip-found", STATUS) is None
    assert cell(page, "tip-missing", ERROR, Qt.ItemDataRole.DisplayRole) == "not found (1006)"
    assert colour(page, "tip-missing", ERROR) == alert_text_colour(QGuiApplication.palette())
    assert "1006" in cell(page, "tip-missing", ERROR, Qt.ItemDataRole.ToolTipRole)


def test_a_switch_to_a_dark_palette_recolours_the_failures(qtbot, page: BulkPage, sandbox: Sandbox) -> None:
    paste(qtbot, page, "dark-missing")
    run_to_end(qtbot, page)
    light = QGuiApplication.palette()
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    try:
        QGuiApplication.setPalette(dark)
        qtbot.waitUntil(
            lambda: colour(page, "dark-missing", ERROR) == alert_text_colour(dark),
            timeout=2_000,
        )
    finally:
        QGuiApplication.setPalette(light)
    assert alert_text_colour(dark) != alert_text_colour(light)
