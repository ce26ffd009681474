"""GET /me, GET and PATCH /sites/{id}, GET /gateways and GET /transactions."""

from __future__ import annotations

import httpx

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import KEY_A, assert_valid, direct_order


def test_get_site(client: httpx.Client, sandbox: SandboxServer) -> None:
    site = sandbox.sites[0]
    response = client.get(f"sites/{site.site_id}")
    assert_valid(response.json(), "get_site_200")
    data = response.json()["data"]
    assert data["id"] == site.site_id
    assert data["api_key"] == KEY_A
    assert data["notification_method"] == "POST"


def test_other_sites_are_not_visible(client: httpx.Client, sandbox: SandboxServer) -> None:
    response = client.get(f"sites/{sandbox.sites[1].site_id}")
    assert response.status_code == 404
    assert response.json()["message"] == "Not found"


def test_patch_site_round_trips_and_validates(client_b: httpx.Client, sandbox: SandboxServer) -> None:
    site_id = sandbox.sites[1].site_id
    response = client_b.patch(
        f"sites/{site_id}",
        json={"name": "Shop B", "notification_url": "http://localhost:9/x", "notification_method": "get"},
    )
    assert response.status_code == 200
    assert_valid(response.json(), "patch_site_200")
    data = client_b.get(f"sites/{site_id}").json()["data"]
    assert (data["name"], data["notification_url"], data["notification_method"]) == (
        "Shop B",
        "http://localhost:9/x",
        "GET",
    )
    bad = client_b.patch(f"sites/{site_id}", json={"notification_method": "PUT"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["attribute"] == "notification_method"
    client_b.patch(f"sites/{site_id}", json={"notification_url": None, "notification_method": "POST"})


def test_gateways(client: httpx.Client) -> None:
    response = client.get("gateways")
    assert_valid(response.json(), "gateways_200")
    ids = [g["id"] for g in response.json()["data"]]
    assert ids == ["VISA", "MASTERCARD", "AMEX", "MAESTRO"]
    assert "CREDITCARD" not in ids


def test_transactions_filter_and_cursor_paging(client_b: httpx.Client, order_id: str) -> None:
    ids = [f"{order_id}-{n}" for n in range(5)]
    for n, oid in enumerate(ids):
        card = "4012001038443335" if n % 2 == 0 else "4111111111111111"
        client_b.post("orders", json=direct_order(oid, card))
    first = client_b.get("transactions", params={"limit": 2})
    assert_valid(first.json(), "list_transactions_200")
    page = first.json()
    assert len(page["data"]) == 2
    seen = [t["transaction_id"] for t in page["data"]]
    assert seen == sorted(seen, reverse=True)
    assert page["pager"]["limit"] == 2
    cursor = page["pager"]["cursor"]["after"]
    assert cursor
    second = client_b.get("transactions", params={"limit": 2, "after": cursor}).json()
    assert max(t["transaction_id"] for t in second["data"]) < min(seen)
    back = client_b.get(
        "transactions", params={"limit": 2, "before": second["pager"]["cursor"]["before"]}
    ).json()
    assert [t["transaction_id"] for t in back["data"]] == seen

    completed = client_b.get("transactions", params={"status": "completed", "limit": 1000}).json()["data"]
    assert {t["order_id"] for t in completed} >= {ids[0], ids[2], ids[4]}
    assert all(t["status"] == "completed" for t in completed)
    assert all(t["site_id"] != 0 for t in completed)
    bad = client_b.get("transactions", params={"limit": 0})
    assert bad.status_code == 400
    assert "limit" in bad.json()["error_info"]
    assert client_b.get("transactions", params={"after": "garbage"}).status_code == 400
