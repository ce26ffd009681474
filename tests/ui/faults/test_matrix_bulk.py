"""Fault matrix, Bulk lookup screen: one id of three meets the fault on every try.

The other rows are found, the failed one says why in its own words, the ids
pasted stay in the box, and Retry failed (or Look up, after a refused key
stopped the run) finds what is left.
"""

from __future__ import annotations

import pytest

from msp_desk.ui.bulk.page import BulkPage
from msp_desk.ui.services.context import AppContext
from tests.ui.bulk.conftest import paste, shown_rows
from tests.ui.conftest import click
from tests.ui.faults.matrix import BY_KEY, KEYS, Cell, Shop
from tests.ui.faults.screens import new_id

# The failed row's Error cell.
ROW_SAYS = {
    "read-timeout": "timed out after 3 tries",
    "connect-timeout": "cannot connect after 3 tries",
    "reset": "connection dropped after 3 tries",
    "http-500": "server error 500 after 3 tries",
    "http-502": "server error 502 after 3 tries",
    "http-503": "server error 503 after 3 tries",
    "http-429": "rate limited after 3 tries",
    "malformed": "answer is not JSON",
    "html": "server error 502 after 3 tries",
    "truncated": "answer cut short after 3 tries",
    "http-401": "API key refused (1032)",
    "http-404": "not found (1006)",
    "http-422": "refused (1000)",
}


@pytest.fixture
def page(qtbot, context: AppContext) -> BulkPage:
    widget = BulkPage(context)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


def errors(page: BulkPage) -> dict[str, str]:
    return {row["Order ID"]: row["Error"] for row in shown_rows(page)}


@pytest.mark.parametrize("key", KEYS)
def test_bulk_lookup(qtbot, page: BulkPage, shop: Shop, key: str, record) -> None:
    fault = BY_KEY[key]
    ids = [new_id("bulk") for _ in range(3)]
    for order_id in ids:
        shop.create_order(order_id)
    # One id meets the fault on all three tries; a connect timeout takes the whole host away.
    shop.inject(fault, paths=f"/orders/{ids[1]}", method="GET", count=3)
    pasted = "\n".join(ids)
    paste(qtbot, page, pasted)
    if key == "http-401":
        # One at a time, so the refused key is met after the first id and before the third.
        page.concurrency.setValue(1)
    click(qtbot, page.look_up_button)
    qtbot.waitUntil(lambda: not page.run.busy, timeout=20000)

    says = ROW_SAYS[key]
    if key == "connect-timeout":
        expected = dict.fromkeys(ids, says)
        summary = f"3 orders: 0 found; 3 failed (3 {says})"
    elif key == "http-401":
        # A refused key stops the run: every other request would be refused too.
        expected = {ids[0]: "", ids[1]: says, ids[2]: "not looked up"}
        done = 2
        summary = f"3 orders: 1 found (1 completed); 1 failed (1 {says}); 1 not looked up"
    else:
        expected = {ids[0]: "", ids[1]: says, ids[2]: ""}
        summary = f"3 orders: 2 found (2 completed); 1 failed (1 {says})"
    assert errors(page) == expected
    assert page.summary.text() == summary
    if key == "http-401":
        stopped = (
            f"⚠ Stopped after {done} of 3: Test refused the API key (error 1032); "
            "perhaps a Live key was used against Test."
        )
        assert page.progress_text.text() == stopped
        seen = f"{stopped} Row: “{says}”; the ids not looked up yet say “not looked up”"
    else:
        assert page.progress_text.text().startswith("Done: 3 orders looked up in ")
        seen = f"Row: “{says}”; summary: “{summary}”"
    assert page.input.box.toPlainText() == pasted
    assert page.retry_button.isEnabled()
    assert page.look_up_button.isEnabled()

    shop.heal()
    if key == "http-401":
        click(qtbot, page.look_up_button)
        again = "Look up → 3 found"
    else:
        click(qtbot, page.retry_button)
        again = "Retry failed → all found"
    qtbot.waitUntil(lambda: not page.run.busy, timeout=20000)
    assert errors(page) == dict.fromkeys(ids, "")
    assert page.summary.text() == "3 orders: 3 found (3 completed)"
    outcome = "stopped → Look up" if key == "http-401" else "Retry failed"
    record("bulk", fault, Cell(outcome, seen=seen, again=again, kept="the pasted ids"))
