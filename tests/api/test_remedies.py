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
from msp_desk.api.remedies import Remedy, explain
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
