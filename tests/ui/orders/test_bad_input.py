"""Bad input pasted into the real order form: each field shows its own problem, or the order can be sent.

The core's fuzzing (tests/core/test_bad_input.py) covers the rules; this drives
the widget the way a person pastes (QLineEdit.insert, as Ctrl+V does), then asks
for every problem as the Send button does, and checks what the form shows.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from msp_desk.api.request_models import DirectCardOrder
from msp_desk.ui.orders.form import OrderForm
from tests.helpers.nasty import nasty_text

VALID = {
    "order_id": "order-1",
    "amount": "10.00",
    "description": "Test order",
    "card_number": "4111 1111 1111 1111",
    "card_holder": "Test Holder",
    "card_expiry": f"12/{(dt.date.today().year + 1) % 100:02d}",
    "card_cvc": "123",
    "email": "shopper@example.com",
    "notification_url": "https://shop.example/webhook",
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    field=st.sampled_from([*sorted(VALID), "country", "ip_address", "browser_screen_width"]),
    value=nasty_text(40),
)
@example(field="card_number", value="4111 1111 1111 ١١١١")
@example(field="card_cvc", value="¹²³")
@example(field="order_id", value="a\tb")
def test_a_pasted_value_shows_its_field_s_problem_or_can_be_sent(qtbot, field: str, value: str) -> None:
    form = OrderForm()
    qtbot.addWidget(form)
    for name, text in VALID.items():
        form.fields[name].setText(text)
    edit = form.fields[field]
    edit.setFocus()
    edit.selectAll()
    edit.insert(value)  # what a paste does, validators and length limits included
    problems = form.draft().problems()
    form.show_all_problems()
    shown = {name: label.text() for name, label in form.errors.items() if label.text()}
    for name, message in problems.items():
        label = "amount" if name == "currency" else name
        assert shown.get(label) == f"⚠ {message}", (name, shown)
    if not problems:
        assert not shown
        DirectCardOrder.model_validate(form.draft().payload())  # what Send does next
