"""Following an order to its final status, and sending an order again, against the sandbox."""

from __future__ import annotations

import time

import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.errors import OrderNotCreated, ValidationFailed
from msp_desk.api.follow import Backoff, follow_order
from msp_desk.core.statuses import is_pending
from tests.api.test_client_against_sandbox import NO_3DS_CARD, card_order, client, http, sandbox, site_fault

__all__ = ["client", "http", "sandbox"]  # fixtures shared with the client tests

UNCLEARED_THEN_COMPLETED = "4462000000000003"


def test_backoff_grows_and_stays_within_its_limit() -> None:
    delays = Backoff(first=0.5, factor=2.0, longest=3.0, limit=10.0).delays()
    assert delays == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert sum(delays) <= 10.0
    assert Backoff(limit=0.1).delays() == []


def test_an_uncleared_order_is_followed_until_the_bank_decides(client: MspClient) -> None:
    order = card_order("follow-1", UNCLEARED_THEN_COMPLETED, flexible_3d=False)
    created = client.create_direct_card_order(order).data
    assert created.status == "uncleared"
    reports: list[str] = []
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    final = follow_order(
        client, "follow-1", backoff=Backoff(first=0.05, limit=20), wait=wait, report=reports.append
    )
    assert final.data.status == "completed"
    assert waits, "it asked more than once"
    assert reports[0] == "Order is uncleared; asking again in 0.1 s…"


def test_every_answer_is_seen_and_the_caller_says_when_it_is_settled(client: MspClient) -> None:
    client.create_direct_card_order(card_order("follow-4", UNCLEARED_THEN_COMPLETED, flexible_3d=False))
    seen: list[str | None] = []
    final = follow_order(
        client,
        "follow-4",
        backoff=Backoff(first=0.05, limit=20),
        answered=lambda response: seen.append(response.data.status),
        settled=lambda status: not is_pending(status),
    )
    assert final.data.status == "completed"
    assert seen[0] == "uncleared"
    assert seen[-1] == "completed"
    assert len(seen) >= 2


def test_following_stops_when_the_caller_cancels(client: MspClient) -> None:
    client.create_direct_card_order(card_order("follow-2", UNCLEARED_THEN_COMPLETED, flexible_3d=False))

    class Cancelled(Exception):
        pass

    def cancelled(seconds: float) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        follow_order(client, "follow-2", backoff=Backoff(first=0.05), wait=cancelled)


def test_a_final_order_is_asked_once(client: MspClient) -> None:
    client.create_direct_card_order(card_order("follow-3", NO_3DS_CARD, flexible_3d=False))
    waits: list[float] = []
    final = follow_order(client, "follow-3", wait=waits.append)
    assert final.data.status == "completed"
    assert waits == []


def test_send_again_finds_the_order_the_first_request_created_late(http, sandbox, client: MspClient) -> None:
    # The first POST is held past the client's timeout and only then creates the order, so the
    # lookup right after the timeout finds nothing: OrderNotCreated, and "Send again" is offered.
    site_fault(http, sandbox, "latency=1500", paths="/orders")
    order = card_order("late-1", NO_3DS_CARD, flexible_3d=False)
    with pytest.raises(OrderNotCreated):
        client.create_direct_card_order(order)
    time.sleep(2.0)  # meanwhile the sandbox created it
    again = client.create_again(order)
    assert again.reconciled
    assert again.data.order_id == "late-1"
    assert again.data.status == "completed"


def test_send_again_still_refuses_an_order_id_of_another_order(client: MspClient) -> None:
    client.create_direct_card_order(card_order("taken-1", NO_3DS_CARD, flexible_3d=False))
    other = card_order("taken-1", NO_3DS_CARD, flexible_3d=False)
    again = client.create_again(other)  # the same id: it is that order, looked up, not a second one
    assert again.reconciled
    with pytest.raises(ValidationFailed, match="already used"):
        client.create_direct_card_order(other)
