"""A sample of pasted order ids in the real lookup field: its problem named at once, or a real lookup.

The id goes through the same rule as everywhere (core/order_ids), then to the
client as one path segment (tests/api/test_bad_answers.py fuzzes that part
alone); here the screen shows either the rule's message or the sandbox's
answer, and nothing unexpected is reported.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from PySide6.QtCore import Qt

from msp_desk.core.order_ids import order_id_problem
from msp_desk.ui.lookup.page import LookupPage
from tests.helpers.nasty import nasty_text


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed=nasty_text(70))
@example(typed="..")
@example(typed="a/b?c#d")
@example(typed="order\ud800")
@example(typed="x" * 51)
def test_a_pasted_order_id_is_looked_up_or_its_problem_named(qtbot, page: LookupPage, typed: str) -> None:
    qtbot.waitUntil(lambda: page.profile is not None, timeout=10_000)
    unexpected: list[object] = []
    page.context.events.unexpected.connect(lambda name, error: unexpected.append((name, error)))
    page.order_edit.setFocus()
    page.order_edit.selectAll()
    page.order_edit.insert(typed)
    qtbot.keyClick(page.order_edit, Qt.Key.Key_Return)
    text = page.order_edit.text()
    problem = "Type or paste an order ID." if not text.strip() else order_id_problem(text)
    if problem is not None:
        assert page.message.text() == f"⚠ {problem}"
        assert not page.watch.busy
    else:
        qtbot.waitUntil(lambda: not page.watch.busy, timeout=15_000)
        assert page.message.text()
        assert not page.message.text().startswith(("Looking up", "Loading"))
        assert text.strip() in page.message.text()  # found, or "No order “…” on this profile's website"
        assert "Unexpected" not in page.message.text()
    assert unexpected == []
