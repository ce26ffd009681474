"""Every failure becomes one line and one thing to do; writes never invite a second order."""

from __future__ import annotations

import pytest

from msp_desk.api.environments import Environment
from msp_desk.api.errors import (
    ConnectionDropped,
    InvalidApiKey,
    MalformedResponse,
    NetworkUnreachable,
    NotFound,
    OrderNotCreated,
    OrderStateUnknown,
    RateLimited,
    RequestTimeout,
    ServerError,
    ValidationFailed,
)
from msp_desk.api.remedies import Remedy, explain, explain_lookup
from msp_desk.credentials.access import MissingApiKey

TIMEOUT = RequestTimeout("testapi.multisafepay.com did not answer in time.", code="timeout")


@pytest.mark.parametrize(
    ("error", "reading", "writing"),
    [
        (TIMEOUT, Remedy.RETRY, Remedy.CHECK),
        (ConnectionDropped("closed", code="connection_dropped"), Remedy.RETRY, Remedy.CHECK),
        (ServerError("HTTP 502", code=502), Remedy.RETRY, Remedy.CHECK),
        (MalformedResponse("html", code="html"), Remedy.RETRY, Remedy.CHECK),
        (RateLimited("slow down", code=429, retry_after=2.0), Remedy.RETRY, Remedy.CHECK),
        (NetworkUnreachable("Cannot reach x.", code="network_unreachable"), Remedy.RETRY, Remedy.RETRY),
        (OrderNotCreated("o-1", TIMEOUT), Remedy.RETRY, Remedy.RETRY),
        (OrderStateUnknown("o-1", TIMEOUT, TIMEOUT), Remedy.CHECK, Remedy.CHECK),
        (ValidationFailed("bad amount", code=1001, field="amount"), Remedy.FIX, Remedy.FIX),
        (NotFound("Order x was not found", code=1006), Remedy.FIX, Remedy.FIX),
        (InvalidApiKey(Environment.TEST), Remedy.KEY, Remedy.KEY),
        (MissingApiKey("No API key is available"), Remedy.KEY, Remedy.KEY),
    ],
)
def test_each_failure_has_a_remedy(error: Exception, reading: Remedy, writing: Remedy) -> None:
    assert explain(error).remedy is reading
    assert explain(error, writing=True).remedy is writing
    assert explain(error).message
    assert not explain(error).unexpected


def test_nothing_sent_says_so() -> None:
    message = explain(NetworkUnreachable("Cannot reach api.multisafepay.com.", code="x")).message
    assert message == "Cannot reach api.multisafepay.com. Nothing was sent."


def test_an_unexpected_error_is_marked_and_masked() -> None:
    explained = explain(KeyError("card 4111 1111 1111 1111 and key 0123456789abcdef0123456789abcdef01234567"))
    assert explained.unexpected
    assert explained.remedy is Remedy.RETRY
    assert "4111 1111 1111 1111" not in explained.message
    assert "0123456789abcdef0123456789abcdef01234567" not in explained.message
    assert explained.message.startswith("Unexpected error (KeyError: ")


# -- looking an order up ------------------------------------------------------------------------


def test_an_order_that_is_not_there_may_be_another_websites() -> None:
    error = NotFound("Order abc-1 was not found on Test (error 1006: Invalid transaction ID).", code=1006)
    plain = explain_lookup(error, "abc-1")
    assert plain.remedy is Remedy.FIX
    assert plain.message.startswith("No order “abc-1” on this profile's website (error 1006).")
    assert "may belong to another profile's website" in plain.message
    known = explain_lookup(error, "abc-1", seen_under=["Shop NL (Test)", "Shop BE (Test)"])
    assert "under “Shop NL (Test)” and “Shop BE (Test)”: switch to that profile" in known.message


def test_each_lookup_failure_has_its_own_message() -> None:
    key = explain_lookup(InvalidApiKey(Environment.LIVE), "abc-1")
    assert key.remedy is Remedy.KEY
    assert "perhaps a Test key was used against Live" in key.message
    assert key.message.endswith("Check the profile's key on the Profiles screen.")

    down = explain_lookup(NetworkUnreachable("Cannot reach api.multisafepay.com.", code="x"), "abc-1")
    assert down.remedy is Remedy.RETRY
    assert down.message.startswith("Cannot reach api.multisafepay.com. Check the network connection")

    slow = RequestTimeout("api.multisafepay.com did not answer in time (ReadTimeout).", code="timeout")
    slow.attempts = 3
    timed_out = explain_lookup(slow, "abc-1")
    assert timed_out.remedy is Remedy.RETRY
    assert timed_out.message == (
        "api.multisafepay.com did not answer in time (ReadTimeout) after 3 tries; "
        "the order was not looked up."
    )

    odd = MalformedResponse(
        "api.multisafepay.com answered with something that is not JSON (HTTP 200).", code="x"
    )
    malformed = explain_lookup(odd, "abc-1")
    assert malformed.remedy is Remedy.RETRY
    assert "could not be read from it" in malformed.message

    assert len({down.message, timed_out.message, malformed.message, key.message}) == 4


def test_other_lookup_failures_read_as_any_other_read() -> None:
    error = ServerError("api.multisafepay.com had a server error (HTTP 503).", code=503)
    assert explain_lookup(error, "abc-1") == explain(error)
