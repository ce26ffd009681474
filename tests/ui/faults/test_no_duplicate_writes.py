"""No order and no refund is ever made twice, however often an answer is lost and the person retries.

200 orders go through the New order screen (fill, Send) and 100 partial
refunds through the Order lookup screen (Refund…, Continue, confirm). On a
seeded random third of them the answer is lost: either MultiSafepay makes
the order or refund and its answer comes too late (``slow-response``), or
the request itself is carried out late, after msp-desk gave up waiting and
looked (``latency``). Each time the test does what the screen offers (Send
again, Check order status, or for a refund: Refresh, and Refund… again when
the refund still does not show) until the screen shows the result. Then the
sandbox is asked: exactly one order per order ID, exactly one refund per
refund asked for.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from PySide6.QtCore import QTimer

from msp_desk.api.follow import Backoff
from msp_desk.core.money import format_minor
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.orders.page import OrdersPage
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import Dialogs, click, on_screen, replace_text
from tests.ui.faults.matrix import Shop
from tests.ui.faults.screens import look_up, new_id, shown
from tests.ui.orders.conftest import NO_3DS_CARD, orders_page, pick

pytestmark = pytest.mark.webengine

SEED = 20261201
ORDERS = 200
REFUNDS = 100
TIMEOUT = 0.3  # the app's read timeout here; each injected delay is longer
LOST = (
    "The first answer was lost on the way; the order was looked up and exists once. Nothing was sent twice."
)


@pytest.fixture
def read_timeout() -> float:
    return TIMEOUT


class Heartbeat:
    """A timer on the window's event loop: while a request waits, it must keep ticking."""

    def __init__(self, parent) -> None:
        self.ticks = 0
        self._timer = QTimer(parent)
        self._timer.timeout.connect(self._tick)
        self._timer.start(20)

    def _tick(self) -> None:
        self.ticks += 1

    def stop(self) -> None:
        self._timer.stop()


def too_late(rng: random.Random) -> int:
    """A delay past the read timeout, in ms: the answer (or the work itself) comes after msp-desk gave up."""
    return rng.randint(int(TIMEOUT * 1000) + 50, 1200)


def lose_answer(rng: random.Random, shop: Shop, paths: str, lookup: str | None = None) -> str:
    """Make the next write to ``paths`` lose its answer; which way, and how late, the seed decides.

    ``lookup``: the order's path, when the lookup that follows a lost answer may time out too.
    """
    kinds = ["slow-response", "latency"] + (["slow-response, lookup too"] if lookup else [])
    kind = rng.choices(kinds, weights=[2, 2, 1][: len(kinds)])[0]
    shop.inject_items(f"{kind.split(',')[0]}={too_late(rng)}", paths=paths, method="POST")
    if lookup is not None and kind.endswith("lookup too"):
        shop.inject_items(f"slow-response={too_late(rng)}", paths=lookup, method="GET", count=3)
    return kind


# -- orders ---------------------------------------------------------------------------------------------


@pytest.fixture
def new_order_page(qtbot, context: AppContext) -> OrdersPage:
    return orders_page(qtbot, context)


def test_200_orders_with_lost_answers_exist_once_each(
    qtbot, new_order_page: OrdersPage, shop: Shop, figures
) -> None:
    page = new_order_page
    rng = random.Random(SEED)
    faulted = set(rng.sample(range(ORDERS), ORDERS // 3))
    taken: Counter[str] = Counter()
    injected: Counter[str] = Counter()
    sent: list[str] = []
    heartbeat = Heartbeat(page)
    started = time.monotonic()

    def settled() -> bool:
        return page.flow is not None and not page.flow.busy and page.message.kind in ("error", "info")

    for number in range(ORDERS):
        if number:
            click(qtbot, page.new_button)
        pick(page, NO_3DS_CARD)
        order_id = page.form.fields["order_id"].text()
        assert order_id not in sent
        sent.append(order_id)
        if number in faulted:
            injected[lose_answer(rng, shop, "/orders", lookup=f"/orders/{order_id}")] += 1
        beats = heartbeat.ticks
        click(qtbot, page.send_button)
        steps: list[str] = []
        for _step in range(10):  # what the screen offers, until the order is shown
            qtbot.waitUntil(settled, timeout=20000)
            if page.result.status.text() == "Completed":
                break
            if page.retry_button.isVisible():
                steps.append("Send again")
                if rng.random() < 0.5:  # some people take a moment: the late order may be made meanwhile
                    qtbot.wait(900)
                click(qtbot, page.retry_button)
            elif page.check_button.isVisible():
                steps.append("Check order status")
                click(qtbot, page.check_button)
            else:
                pytest.fail(f"order {order_id}: no way on from “{page.message.text()}”")
        else:
            pytest.fail(f"order {order_id} was never shown")
        assert page.message.text() == f"Order {order_id}: Completed."
        found = page.result.note.text() == LOST  # msp-desk looked, and the order was there
        if "Check order status" in steps:
            taken["the lookup lost too: Check order status → shown"] += 1
        elif steps:
            ending = "the first request had made it (found)" if found else "made by the second request"
            taken[f"{' → '.join(steps)} → {ending}"] += 1
        elif number in faulted:
            assert found
            taken["shown at once: msp-desk looked it up itself"] += 1
        if number in faulted:
            assert heartbeat.ticks > beats, "the window went on while the answer was awaited"
    heartbeat.stop()
    seconds = time.monotonic() - started

    # The shop's own books: every order ID exactly once.
    shop.heal()
    counts = shop.order_counts(sent)
    assert len(counts) == ORDERS
    assert set(counts.values()) == {1}, {order_id: n for order_id, n in counts.items() if n != 1}
    assert sum(injected.values()) == len(faulted)
    figures(
        "orders",
        {
            "sent": ORDERS,
            "answers lost on purpose": len(faulted),
            "injected": dict(sorted(injected.items())),
            "what happened after a lost answer": dict(sorted(taken.items())),
            "orders per order ID in the sandbox": ", ".join(
                f"{ids} order IDs with {n} order{'s' * (n != 1)} each"
                for n, ids in sorted(Counter(counts.values()).items())
            ),
            "seconds": round(seconds),
        },
    )


# -- refunds --------------------------------------------------------------------------------------------


@pytest.fixture
def lookup_page(qtbot, context: AppContext) -> LookupPage:
    widget = on_screen(qtbot, LookupPage(context))
    widget.watch.backoff = Backoff(first=0.2, factor=1.5, longest=1.0, limit=30.0)
    # Shorter than the app's 20 s, so that some refunds land only after the screen stopped looking.
    widget.refund.look_again = Backoff(first=0.1, factor=2.0, longest=0.4, limit=0.7)
    return widget


def typed(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def test_100_partial_refunds_with_lost_answers_are_made_once_each(
    qtbot, lookup_page: LookupPage, shop: Shop, dialogs: Dialogs, figures
) -> None:
    page = lookup_page
    rng = random.Random(SEED + 1)
    faulted = set(rng.sample(range(REFUNDS), REFUNDS // 3))
    amounts = [100 + k for k in range(1, REFUNDS + 1)]  # 1.01 to 2.00 EUR: each refund its own amount
    total = 20_000
    order_id = new_id("refunds")
    shop.create_order(order_id, amount=total)
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id) and not page.watch.busy, timeout=10000)
    injected: Counter[str] = Counter()
    taken: Counter[str] = Counter()
    heartbeat = Heartbeat(page)
    started = time.monotonic()
    left = total

    def quiet() -> bool:
        return not page.refund.busy and not page.watch.busy and page.action_message.kind != "hint"

    def left_shown() -> str:
        return page.detail.values["left"].text()

    def refresh() -> None:
        # The button, not F5: a window shortcut fires only in the active window, which offscreen
        # windows opened one after another do not reliably become.
        click(qtbot, page.refresh_button)
        assert page.message.kind == "hint", "the refresh started"
        qtbot.waitUntil(lambda: not page.watch.busy and page.message.kind == "info", timeout=10000)

    def ask(number: int, cents: int, *, again: bool) -> None:
        click(qtbot, page.refund_button)
        qtbot.waitUntil(lambda: page.refund.form is not None and page.refund.form.isVisible(), timeout=5000)
        form = page.refund.form
        assert form is not None
        if again:  # offered again as typed: nothing to retype
            assert (form.amount.text(), form.description.text()) == (typed(cents), f"Refund {number}")
        else:
            click(qtbot, form.part_button)
            replace_text(qtbot, form.amount, typed(cents))
            replace_text(qtbot, form.description, f"Refund {number}")
        click(qtbot, form.continue_button)

    for number, cents in enumerate(amounts):
        money = format_minor(cents, "EUR")
        if number in faulted:
            injected[lose_answer(rng, shop, f"/orders/{order_id}/refunds")] += 1
        beats = heartbeat.ticks
        ask(number, cents, again=False)
        steps: list[str] = []
        for _step in range(10):  # what the screen says to do, until the refund shows on the order
            qtbot.waitUntil(quiet, timeout=20000)
            said = page.action_message.text()
            if said.startswith(f"Refunded {money} of order {order_id}: refund "):
                break
            if said.startswith("The refund went through after all: refund "):
                steps.append("found by the screen's own look")
                break
            if said.startswith(f"No refund of {money} shows on order {order_id}") or "(error 1034" in said:
                # "Refresh the order before refunding again" / refused as a repeat: look, then decide.
                steps.append(
                    "Refresh" if "(error 1034" not in said else "refused as a repeat (1034), Refresh"
                )
                refresh()
                if left_shown() == format_minor(left - cents, "EUR"):
                    steps.append("it shows")
                    break
                steps.append("Refund… again")
                ask(number, cents, again=True)
                continue
            pytest.fail(f"refund {number}: no way on from “{said}”")
        else:
            pytest.fail(f"refund {number} of {money} never showed: {steps}, last “{said}”")
        left -= cents
        now_left = format_minor(left, "EUR")
        qtbot.waitUntil(lambda: quiet() and left_shown() == now_left, timeout=10000)  # noqa: B023
        if steps:
            taken[" → ".join(steps)] += 1
        if number in faulted:
            assert heartbeat.ticks > beats, "the window went on while the answer was awaited"
    heartbeat.stop()
    seconds = time.monotonic() - started

    # The shop's books: every refund once, the refunded amount their sum, no refund id twice.
    shop.heal()
    order = shop.order(order_id)
    refunds = [t for t in order["related_transactions"] if t["type"] == "refund"]
    assert sorted(t["amount"] for t in refunds) == amounts
    assert len({t["transaction_id"] for t in refunds}) == REFUNDS
    assert order["amount_refunded"] == sum(amounts)
    assert left_shown() == format_minor(total - sum(amounts), "EUR")
    asked = [question for question in dialogs.asked if question.startswith("Refund ")]
    figures(
        "refunds",
        {
            "asked for": REFUNDS,
            "answers lost on purpose": len(faulted),
            "injected": dict(sorted(injected.items())),
            "what happened after a lost answer": dict(sorted(taken.items())),
            "confirmations answered": len(asked),
            "refunds on the order": len(refunds),
            "distinct refund ids": len({t["transaction_id"] for t in refunds}),
            "amount refunded": format_minor(order["amount_refunded"], "EUR") + ", the sum of the 100 amounts",
            "seconds": round(seconds),
        },
    )
