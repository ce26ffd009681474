"""Each way a lookup fails gets its own message under the field; the typed id stays; Retry where it helps."""

from __future__ import annotations

from msp_desk.api.environments import Environment
from msp_desk.credentials.profiles import Profile
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.services.context import AppContext
from tests.helpers.loopback import LoopbackStandIn
from tests.ui.conftest import click
from tests.ui.lookup.conftest import api, create_order, look_up, new_id, shown

OTHER_KEY = "e" * 36 + "0e0e"


def _failed(page: LookupPage) -> bool:
    return page.message.kind == "error"


def _fault(context: AppContext, fault: str, paths: str, count: int = 1) -> None:
    with api(context) as client:
        answer = client.post("_sandbox/faults", json={"fault": fault, "count": count, "paths": paths})
    assert answer.status_code == 200, answer.text


def _use(context: AppContext, environment: Environment, key: str) -> Profile:
    """A saved profile of ``environment``; the stand-in lets the sandbox play MultiSafepay."""
    profile = context.profiles.store.add(
        Profile(name=f"Shop {environment.label}", environment=environment), key
    )
    context.profiles.set_active(profile)
    return profile


def test_an_order_that_does_not_exist(qtbot, page: LookupPage) -> None:
    look_up(qtbot, page, "no-such-order-1")
    qtbot.waitUntil(lambda: _failed(page), timeout=10000)
    assert page.message.text().startswith(
        "⚠ No order “no-such-order-1” on this profile's website (error 1006)."
    )
    assert page.order_edit.text() == "no-such-order-1"
    assert not page.retry_button.isVisible(), "asking again would get the same answer"
    assert page.detail.values["order_id"].text() == "—"


def test_another_websites_order_may_belong_to_another_profile(
    qtbot, page: LookupPage, context: AppContext
) -> None:
    sandbox = context.sandbox.ensure_running()
    sandbox.engine.ensure_sites([OTHER_KEY])
    order_id = new_id("other-site")
    create_order(context, order_id, key=OTHER_KEY)

    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: _failed(page), timeout=10000)
    assert "may belong to another profile's website" in page.message.text()

    # Once the other website's profile has looked it up, the history says whose it is.
    other = context.profiles.store.add(
        Profile(name="Second shop", environment=Environment.SANDBOX), OTHER_KEY
    )
    context.profiles.set_active(other)
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id), timeout=10000)
    context.profiles.set_active(context.profiles.profiles()[0])  # back to the built-in sandbox
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: _failed(page), timeout=10000)
    assert "The order history has it under “Second shop”: switch to that profile" in page.message.text()
    assert page.order_edit.text() == order_id


def test_a_wrong_key_names_test_and_live(qtbot, page: LookupPage, context: AppContext) -> None:
    _use(context, Environment.TEST, "f" * 40)
    look_up(qtbot, page, "abc-1")
    qtbot.waitUntil(lambda: _failed(page), timeout=10000)
    assert page.message.text() == (
        "⚠ Test refused the API key (error 1032); perhaps a Live key was used against Test. "
        "Check the profile's key on the Profiles screen."
    )
    assert page.order_edit.text() == "abc-1"
    assert not page.retry_button.isVisible()


def test_the_network_down_offers_a_retry(
    qtbot, page: LookupPage, context: AppContext, stand_in: LoopbackStandIn
) -> None:
    stand_in.offline = True
    _use(context, Environment.LIVE, "f" * 40)
    look_up(qtbot, page, "abc-2")
    qtbot.waitUntil(lambda: _failed(page), timeout=20000)
    assert page.message.text().startswith("⚠ Cannot reach api.multisafepay.com. Check the network connection")
    assert page.order_edit.text() == "abc-2"
    assert page.retry_button.isVisible()


def test_a_timeout_offers_a_retry_that_then_finds_the_order(
    qtbot, page: LookupPage, context: AppContext
) -> None:
    order_id = new_id("slow")
    create_order(context, order_id)
    # Every try (the client makes three) waits past the 1 s read timeout.
    _fault(context, "latency=1500", f"/orders/{order_id}", count=3)
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: _failed(page), timeout=30000)
    assert page.message.text().endswith(
        "did not answer in time (ReadTimeout) after 3 tries; the order was not looked up."
    )
    assert page.order_edit.text() == order_id
    assert page.retry_button.isVisible()
    click(qtbot, page.retry_button)
    qtbot.waitUntil(lambda: shown(page, order_id), timeout=10000)
    assert not page.retry_button.isVisible()
    assert page.message.kind == "info"


def test_a_malformed_answer_says_so(qtbot, page: LookupPage, context: AppContext) -> None:
    order_id = new_id("garbled")
    create_order(context, order_id)
    _fault(context, "malformed", f"/orders/{order_id}")
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: _failed(page), timeout=10000)
    text = page.message.text()
    assert "answered with something that is not JSON (HTTP 200)" in text
    assert "The order could not be read from it" in text
    assert page.order_edit.text() == order_id
    assert page.retry_button.isVisible()
