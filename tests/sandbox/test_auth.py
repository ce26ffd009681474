"""API keys as MultiSafepay accepts them, and orders scoped to the site that created them."""

from __future__ import annotations

import httpx
import pytest

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import KEY_A, KEY_B, assert_valid, direct_order

INVALID_KEY_BODY = {"success": False, "data": {}, "error_code": 1032, "error_info": "Invalid API key"}


@pytest.mark.parametrize(
    "style",
    ["header", "query", "bearer"],
)
def test_each_auth_style_reaches_the_same_site(sandbox: SandboxServer, style: str) -> None:
    headers = {}
    params = {}
    if style == "header":
        headers["api_key"] = KEY_A
    elif style == "query":
        params["api_key"] = KEY_A
    else:
        headers["Authorization"] = f"Bearer {KEY_A}"
    response = httpx.get(sandbox.base_url + "me", headers=headers, params=params)
    assert response.status_code == 200
    assert response.json()["data"]["site_id"] == sandbox.sites[0].site_id
    assert_valid(response.json(), "me_200")


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({}, {}),
        ({"api_key": "f" * 40}, {}),
        ({}, {"api_key": "unknown"}),
        ({"Authorization": "Bearer nope"}, {}),
        ({"Authorization": f"Basic {KEY_A}"}, {}),
    ],
)
def test_missing_or_unknown_key_is_1032(
    sandbox: SandboxServer, headers: dict[str, str], params: dict[str, str]
) -> None:
    for method, path in [("GET", "me"), ("POST", "orders"), ("GET", "orders/x"), ("GET", "transactions")]:
        response = httpx.request(method, sandbox.base_url + path, headers=headers, params=params, json={})
        assert response.status_code == 401
        assert response.json() == INVALID_KEY_BODY
    assert_valid(INVALID_KEY_BODY, "Error1032")


def test_each_key_is_its_own_site_and_account(sandbox: SandboxServer) -> None:
    a, b = sandbox.sites
    assert (a.api_key, b.api_key) == (KEY_A, KEY_B)
    assert a.site_id != b.site_id
    assert 10000 <= a.site_id <= 99999
    assert 10000 <= b.site_id <= 99999
    assert a.account_id != b.account_id


def test_another_sites_key_gets_1006(client: httpx.Client, client_b: httpx.Client, order_id: str) -> None:
    assert client.post("orders", json=direct_order(order_id, "4012001038443335")).status_code == 200
    for response in (
        client_b.get(f"orders/{order_id}"),
        client_b.patch(f"orders/{order_id}", json={"status": "cancelled"}),
        client_b.post(f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": 100}),
    ):
        assert response.status_code == 404
        assert response.json() == {
            "success": False,
            "data": {},
            "error_code": 1006,
            "error_info": "Invalid transaction ID",
        }
    # The same order id is free for the other site.
    assert client_b.post("orders", json=direct_order(order_id, "4012001038443335")).status_code == 200
