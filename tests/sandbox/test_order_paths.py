"""Paths under /orders/: sub-resources the sandbox lacks are a plain 404, and order ids may hold '/'."""

from __future__ import annotations

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.errors import NotFound
from msp_desk.api.request_models import RefundRequest
from tests.sandbox.conftest import KEY_A, direct_order

COMPLETES = "4012001038443335"


def _is_not_found(response: httpx.Response) -> None:
    assert response.status_code == 404
    body = response.json()
    assert (body["success"], body["data"], body["error_code"], body["message"]) == (
        False,
        {},
        1000,
        "Not found",
    )
    assert body["error_info"].startswith("Not found: /v1/json/")


@pytest.mark.usefixtures("no_error_logs")
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "orders/{id}/captures"),
        ("POST", "orders/{id}/capture"),
        ("PATCH", "orders/{id}/refunds/123"),
        ("GET", "orders/{id}/files"),
        ("POST", "orders/{id}/cancel"),
        ("GET", "orders/"),
        ("GET", "transactions/123"),
        ("GET", "capture/{id}"),
        ("DELETE", "no/such/thing"),
        ("GET", "me/"),  # no redirect to the path without the slash
        ("GET", "transactions/"),
        ("PATCH", "orders/{id}/"),
    ],
)
def test_unserved_paths_are_a_json_404_even_below_a_real_order(
    client: httpx.Client, order_id: str, method: str, path: str
) -> None:
    client.post("orders", json=direct_order(order_id, COMPLETES))
    _is_not_found(client.request(method, path.format(id=order_id)))


@pytest.mark.usefixtures("no_error_logs")
def test_a_wrong_method_on_an_order_is_405_naming_the_allowed_ones(client: httpx.Client) -> None:
    response = client.delete("orders/some-order")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, PATCH"
    assert response.json()["error_code"] == 1000
    # Refunds are only POSTed: a GET is refused as such, never taken for an order lookup.
    refunds = client.get("orders/some-order/refunds")
    assert (refunds.status_code, refunds.headers["allow"]) == (405, "POST")
    assert refunds.json()["error_info"].startswith("Invalid request: GET is not allowed on")


@pytest.mark.parametrize("odd_id", ["shop/2024/0001", "x/refunds", "a%2Fb", "spaced id?&#"])
def test_order_ids_with_slashes_are_reachable_url_encoded(
    client: httpx.Client, sandbox: object, order_id: str, odd_id: str
) -> None:
    """The client sends '/' as %2F; the sandbox splits the raw path, so the id stays one piece."""
    full_id = f"{order_id[-12:]}-{odd_id}"
    created = client.post("orders", json=direct_order(full_id, COMPLETES))
    assert created.status_code == 200, created.text
    with httpx.Client(timeout=10) as http:
        api = MspClient(http, str(client.base_url), KEY_A)
        assert api.get_order(full_id).data.order_id == full_id
        refund = api.refund(full_id, RefundRequest(currency="EUR", amount=100)).data
        assert refund.refund_id is not None
        assert api.get_order(full_id).data.status == "partial_refunded"
    if "/" in odd_id:
        # Sent with plain slashes, the same id names another path, never this order.
        response = client.get(f"orders/{full_id}")
        assert response.status_code in {404, 405}
        assert response.json()["success"] is False


def test_an_unknown_order_is_still_1006(client: httpx.Client) -> None:
    response = client.get("orders/no-such-order%2Fat-all")
    assert response.status_code == 404
    assert response.json()["error_code"] == 1006
    with httpx.Client(timeout=10) as http:
        api = MspClient(http, str(client.base_url), KEY_A)
        with pytest.raises(NotFound) as caught:
            api.refund("no/such/order", RefundRequest(currency="EUR", amount=100))
    assert caught.value.code == 1006
