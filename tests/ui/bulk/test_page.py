"""The Bulk lookup screen driven as support staff use it: paste, look up, filter, cancel, retry, open."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import Qt

from msp_desk.api.environments import Environment
from msp_desk.credentials.profiles import Profile
from msp_desk.ui.bulk.page import BulkPage
from msp_desk.ui.bulk.results_model import AMOUNT, ORDER_ID, ROW
from msp_desk.ui.services.context import AppContext
from tests.bulk.conftest import RequestLog
from tests.ui.bulk.conftest import Sandbox, paste, run_to_end, shown_rows
from tests.ui.conftest import choose, click

LONG_ID = "x" * 60


@pytest.fixture(autouse=True)
def _no_faults_left(sandbox: Sandbox):
    yield
    sandbox.clear_faults()


def test_pasted_ids_are_looked_up_and_fill_the_table(
    qtbot, page: BulkPage, sandbox: Sandbox, requests_seen: RequestLog
) -> None:
    sandbox.create_orders(["p-eur"], currency="EUR", amount=1230)
    sandbox.create_orders(["p-jpy"], currency="JPY", amount=1500)
    sandbox.create_orders(["p-usd"], currency="USD", amount=99)
    paste(qtbot, page, f"p-eur, p-jpy;p-usd\nmissing\n\np-eur\n{LONG_ID}\n")
    assert not page.export_button.isEnabled()

    run_to_end(qtbot, page)
    # Skipped ids are listed with their line, and never sent.
    assert page.input.count.text() == "4 order ids to look up."
    assert [page.input.skipped.item(i).text() for i in range(page.input.skipped.count())] == [
        "line 3: blank",
        "line 4: p-eur is a duplicate of line 1",
        "line 5: xxxxxxxxxxxxxxxxxxxx… is 60 characters; order ids have at most 50",
    ]
    assert sorted(requests_seen.per_id().items()) == [
        ("missing", 1),
        ("p-eur", 1),
        ("p-jpy", 1),
        ("p-usd", 1),
    ]

    rows = shown_rows(page)
    assert [(r["Row"], r["Order ID"], r["Status"], r["Amount"], r["Currency"], r["Error"]) for r in rows] == [
        ("1", "p-eur", "initialized", "12.30", "EUR", ""),
        ("1", "p-jpy", "initialized", "1500", "JPY", ""),
        ("1", "p-usd", "initialized", "0.99", "USD", ""),
        ("2", "missing", "", "", "", "not found (1006)"),
    ]
    assert rows[0]["Created"].startswith("20")
    assert page.progress_bar.value() == page.progress_bar.maximum() == 4
    assert page.progress_text.text().startswith("Done: 4 orders looked up in ")
    assert page.progress_text.text().endswith(", 1 failed.")
    assert page.summary.text() == "4 orders: 3 found (3 initialized); 1 failed (1 not found (1006))"
    assert page.export_button.isEnabled()
    assert page.copy_button.isEnabled()
    assert not page.cancel_button.isEnabled()
    assert page.retry_button.isEnabled()


def test_filter_by_status_sort_and_open_a_row(qtbot, page: BulkPage, sandbox: Sandbox) -> None:
    sandbox.create_orders(["f-1", "f-3"], amount=500)
    sandbox.create_orders(["f-2"], amount=100)
    answer = sandbox.admin.patch("orders/f-3", json={"status": "cancelled"})
    assert answer.status_code == 200, answer.text
    paste(qtbot, page, "f-1 f-2 f-3 f-missing")
    run_to_end(qtbot, page)

    filters = [page.status_filter.itemText(i) for i in range(page.status_filter.count())]
    assert filters == ["All orders (4)", "initialized (2)", "void (1)", "Failed (1)"]
    choose(page.status_filter, "Failed (1)")
    assert [r["Order ID"] for r in shown_rows(page)] == ["f-missing"]
    choose(page.status_filter, "initialized (2)")
    assert [r["Order ID"] for r in shown_rows(page)] == ["f-1", "f-2"]
    choose(page.status_filter, "All orders (4)")

    # A click on a column title sorts by it, amounts as numbers; ids without an order come first.
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(page, AMOUNT))
    assert [r["Order ID"] for r in shown_rows(page)] == ["f-missing", "f-2", "f-1", "f-3"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(page, ROW))
    assert [r["Order ID"] for r in shown_rows(page)] == ["f-1", "f-2", "f-3", "f-missing"]

    # Double click a row, or Enter on it: the lookup screen is asked to show that order.
    view = page.table
    row = next(i for i, r in enumerate(shown_rows(page)) if r["Order ID"] == "f-3")
    cell = view.visualRect(view.model().index(row, ORDER_ID)).center()
    with qtbot.waitSignal(page.context.events.open_order, timeout=2000) as opened:
        # A double click is a click and then the second press, as the window system delivers it.
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert opened.args == ["f-3"]
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, ORDER_ID))
    first = shown_rows(page)[0]["Order ID"]
    with qtbot.waitSignal(page.context.events.open_order, timeout=2000) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == [first]


def _section_centre(page: BulkPage, logical: int):
    from PySide6.QtCore import QPoint

    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(logical) + header.sectionSize(logical) // 2
    return QPoint(x, header.height() // 2)


def slow_ids(sandbox: Sandbox, count: int, prefix: str, *, latency_ms: int = 150) -> list[str]:
    ids = [f"{prefix}-{i:03d}" for i in range(count)]
    sandbox.create_orders(ids)
    sandbox.fault(f"latency={latency_ms}", count=10_000)  # every lookup from now on takes a while
    return ids


def found_count(page: BulkPage) -> int:
    return sum(1 for r in page.model.results() if r.order is not None)


def test_cancel_mid_run_keeps_the_finished_rows(
    qtbot, page: BulkPage, sandbox: Sandbox, requests_seen: RequestLog
) -> None:
    ids = slow_ids(sandbox, 40, "c")
    paste(qtbot, page, "\n".join(ids))
    page.concurrency.setFocus()
    qtbot.keyClick(page.concurrency, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.concurrency, "2")
    assert page.concurrency.value() == 2
    click(qtbot, page.look_up_button)
    qtbot.waitUntil(lambda: found_count(page) >= 6, timeout=20_000)
    assert "waiting…" in [r["Status"] for r in shown_rows(page)]
    qtbot.waitUntil(lambda: " of 40 done, 0 failed; " in page.progress_text.text(), timeout=5_000)
    assert 0 < page.progress_bar.value() < 40
    assert not page.look_up_button.isEnabled()
    assert page.input.box.isReadOnly()

    assert gc.get_freeze_count() > 0  # the app's objects stay out of full collections during the run
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Escape)  # Esc cancels, as the button's tooltip says
    assert not page.run.busy
    done = found_count(page)
    assert (
        page.progress_text.text() == f"Cancelled after {done} of 40; the {40 - done} left were not looked up."
    )
    rows = shown_rows(page)
    assert all(r["Status"] == "initialized" and r["Error"] == "" for r in rows[:done])
    assert all(r["Status"] == "" and r["Error"] == "not looked up" for r in rows[done:])
    assert page.summary.text() == f"40 orders: {done} found ({done} initialized); {40 - done} not looked up"

    # Nothing more arrives, and no new request leaves: only those in flight (at most 2) were sent.
    sent = len(requests_seen.sent)
    assert sent <= done + 2
    assert requests_seen.most_in_flight <= 2
    qtbot.wait(400)
    assert found_count(page) == done
    assert len(requests_seen.sent) == sent
    assert page.look_up_button.isEnabled()
    assert page.export_button.isEnabled()
    assert not page.input.box.isReadOnly()


def test_retry_failed_looks_up_only_the_failed_ids(
    qtbot, page: BulkPage, sandbox: Sandbox, requests_seen: RequestLog
) -> None:
    ids = [f"r-{i:03d}" for i in range(10)]
    missing = {"r-004", "r-007"}
    sandbox.create_orders([i for i in ids if i not in missing])
    sandbox.fault("status=503", paths="/orders/r-009", count=3)  # all three tries of one id
    paste(qtbot, page, "\n".join(ids))
    run_to_end(qtbot, page)
    errors = {r["Order ID"]: r["Error"] for r in shown_rows(page) if r["Error"]}
    assert errors == {
        "r-004": "not found (1006)",
        "r-007": "not found (1006)",
        "r-009": "server error 503 after 3 tries",
    }
    assert page.retry_button.isEnabled()

    sandbox.create_orders(sorted(missing))
    with requests_seen.lock:
        requests_seen.sent.clear()
    qtbot.keyClick(page, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Ctrl+R retries
    assert page.run.busy
    qtbot.waitUntil(lambda: not page.run.busy, timeout=20_000)

    assert sorted(requests_seen.per_id().items()) == [("r-004", 1), ("r-007", 1), ("r-009", 1)]
    assert page.progress_text.text().startswith("Done: 3 orders looked up in ")
    assert "failed" not in page.progress_text.text()
    assert all(r["Status"] == "initialized" and r["Error"] == "" for r in shown_rows(page))
    assert [r["Order ID"] for r in shown_rows(page)] == ids  # the input's order is kept
    assert page.summary.text() == "10 orders: 10 found (10 initialized)"
    assert not page.retry_button.isEnabled()


def test_a_profile_switch_stops_the_run(
    qtbot, page: BulkPage, context: AppContext, sandbox: Sandbox, requests_seen: RequestLog
) -> None:
    ids = slow_ids(sandbox, 30, "s")
    paste(qtbot, page, "\n".join(ids))
    click(qtbot, page.look_up_button)
    qtbot.waitUntil(lambda: found_count(page) >= 3, timeout=20_000)

    shop = context.profiles.store.add(Profile(name="Shop NL", environment=Environment.TEST), "k" * 40)
    context.profiles.set_active(shop)
    assert not page.run.busy
    done = found_count(page)
    assert page.progress_text.text() == (
        f"Cancelled because the active profile changed to “Shop NL” after {done} of 30; "
        f"the {30 - done} left were not looked up."
    )
    assert page.profile_note.text() == "Looks up with the active profile: Shop NL (Test)."
    sent = len(requests_seen.sent)
    qtbot.wait(400)
    assert len(requests_seen.sent) == sent
    assert found_count(page) == done
    # The rows found belong to the other profile's website: retrying them with this one would mix the two.
    assert not page.retry_button.isEnabled()


def test_closing_the_window_stops_the_run(
    qtbot, page: BulkPage, sandbox: Sandbox, requests_seen: RequestLog
) -> None:
    ids = slow_ids(sandbox, 30, "w")
    paste(qtbot, page, "\n".join(ids))
    click(qtbot, page.look_up_button)
    qtbot.waitUntil(lambda: found_count(page) >= 3, timeout=20_000)
    page.close()
    assert not page.run.busy
    assert page.progress_text.text().startswith("Cancelled because the window closed after ")
    sent = len(requests_seen.sent)
    qtbot.wait(400)
    assert len(requests_seen.sent) == sent


def test_a_rate_limit_shows_as_a_pause(qtbot, page: BulkPage, sandbox: Sandbox) -> None:
    ids = [f"l-{i:02d}" for i in range(6)]
    sandbox.create_orders(ids)
    sandbox.fault("status=429,retry-after=1", count=1)
    lines: list[str] = []
    page.run.progressed.connect(lambda _p: lines.append(page.progress_text.text()))
    paste(qtbot, page, " ".join(ids))
    run_to_end(qtbot, page)
    assert any("paused 1 s: MultiSafepay asked to slow down" in line for line in lines), lines
    assert all(r["Status"] == "initialized" for r in shown_rows(page))


def test_no_key_for_the_profile_is_said_plainly(
    qtbot, page: BulkPage, context: AppContext, memory_keyring
) -> None:
    shop = context.profiles.store.add(Profile(name="Shop BE", environment=Environment.TEST), "k" * 40)
    memory_keyring.entries.clear()  # the key is gone from the keyring
    context.profiles.set_active(shop)
    paste(qtbot, page, "a-1 a-2")
    click(qtbot, page.look_up_button)
    qtbot.waitUntil(lambda: not page.run.busy, timeout=10_000)
    assert page.progress_text.kind == "error"
    assert page.progress_text.text() == (
        "⚠ The lookup could not start: No API key is available for “Shop BE”; "
        "enter it again on the Profiles screen."
    )
    assert page.look_up_button.isEnabled()


def test_nothing_to_look_up_is_said_plainly(qtbot, page: BulkPage) -> None:
    paste(qtbot, page, "\n\n  \n")
    click(qtbot, page.look_up_button)
    assert page.message.text() == "⚠ There are no order ids to look up: paste some, or import a file."
    assert page.model.row_count() == 0


def test_concurrency_is_remembered(qtbot, context: AppContext, page: BulkPage) -> None:
    assert page.concurrency.value() == 8
    assert (page.concurrency.minimum(), page.concurrency.maximum()) == (1, 32)
    page.concurrency.setValue(16)
    again = BulkPage(context)
    qtbot.addWidget(again)
    assert again.concurrency.value() == 16


def test_a_row_opens_in_the_order_lookup_screen_of_the_window(
    qtbot, context: AppContext, sandbox: Sandbox
) -> None:
    from msp_desk.ui.shell.areas import build_main_window

    sandbox.create_orders(["o-1", "o-2"])
    window = build_main_window(context)
    qtbot.addWidget(window)
    window.resize(1366, 860)
    window.show()
    window.show_area("bulk")
    page = window.area_widget("bulk")
    assert isinstance(page, BulkPage)
    paste(qtbot, page, "o-1 o-2")
    run_to_end(qtbot, page)

    view = page.table
    view.setFocus()
    view.setCurrentIndex(view.model().index(1, ORDER_ID))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.current_area() == "lookup"
    lookup = window.area_widget("lookup")
    assert lookup.order_edit.text() == "o-2"  # type: ignore[attr-defined]
