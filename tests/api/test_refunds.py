"""A refund whose answer was lost is looked for on the order, never sent again blindly."""

from __future__ import annotations

import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.errors import RequestTimeout, ServerError
from msp_desk.api.follow import Backoff
from msp_desk.api.models import Order
from msp_desk.api.refunds import RefundSeen, look_for_refund, new_refund
from tests.api.test_client_against_sandbox import NO_3DS_CARD, card_order, client, http, sandbox, site_fault

__all__ = ["client", "http", "sandbox"]  # fixtures shared with the client tests

QUICK = Backoff(first=0.05, factor=2.0, longest=0.2, limit=1.0)


def _paid(client: MspClient, order_id: str) -> Order:
    return client.create_direct_card_order(card_order(order_id, NO_3DS_CARD, flexible_3d=False)).data


def test_a_refund_carried_out_after_the_client_gave_up_is_found(http, sandbox, client: MspClient) -> None:
    before = _paid(client, "lost-refund-1")
    # The sandbox refunds, then holds the answer past the client's 0.5 s read timeout.
    site_fault(http, sandbox, "slow-response=1500", paths="/orders/lost-refund-1/refunds")
    with pytest.raises(RequestTimeout):
        client.refund_partial("lost-refund-1", 30, "EUR")
    last, seen = look_for_refund(client, "lost-refund-1", before, backoff=QUICK)
    assert seen is not None
    assert seen.amount == 30
    assert isinstance(seen.refund_id, int)
    assert last.data.amount_refunded == 30
    assert last.data.status == "partial_refunded"


def test_a_refund_that_never_arrived_is_not_found(http, sandbox, client: MspClient) -> None:
    before = _paid(client, "lost-refund-2")
    site_fault(http, sandbox, "status=503", paths="/orders/lost-refund-2/refunds")
    with pytest.raises(ServerError):
        client.refund_full("lost-refund-2", "EUR")
    waits: list[float] = []
    last, seen = look_for_refund(client, "lost-refund-2", before, backoff=QUICK, wait=waits.append)
    assert seen is None
    assert last.data.status == "completed"
    assert waits == QUICK.delays(), "it kept looking for the whole time before saying no"


def test_a_new_refund_is_told_from_the_ones_before() -> None:
    refund = {"type": "refund", "transaction_id": 11, "amount": 100}
    before = Order(amount=1000, amount_refunded=100, related_transactions=[refund])
    same = Order(amount=1000, amount_refunded=100, related_transactions=[refund])
    more = Order(
        amount=1000,
        amount_refunded=300,
        related_transactions=[refund, {"type": "refund", "transaction_id": 12, "amount": 200}],
    )
    grown = Order(amount=1000, amount_refunded=250, related_transactions=None)
    assert new_refund(before, same) is None
    assert new_refund(before, more) == RefundSeen(12, 200)
    assert new_refund(before, grown) == RefundSeen(None, 150)
