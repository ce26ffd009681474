"""GET /me, GET and PATCH /sites/{id}, GET /gateways and GET /transactions."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import httpx
import pytest

from msp_desk.sandbox.server import SandboxServer
from msp_desk.sandbox.store import Site, Store
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


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"created_from": "garbage"}, "created_from"),
        ({"created_until": "2024-13-01"}, "created_until"),
        ({"completed_from": "yesterday"}, "completed_from"),
        ({"completed_until": "xyz"}, "completed_until"),
        ({"completed_until": "9999-12-31T23:00:00-05:00"}, "completed_until"),  # past year 9999 in UTC
        ({"created_from": "2024-06-02", "created_until": "2024-06-01"}, "created_from"),
        ({"site_id": "abc"}, "site_id"),
        ({"site_id": "-1"}, "site_id"),
        ({"site_id": "9" * 40}, "site_id"),
        ({"limit": "0"}, "limit"),
        ({"limit": "5000"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "²"}, "limit"),
        ({"status": "paid"}, "status"),
        ({"status": "COMPLETED"}, "status"),
        ({"financial_status": "paid"}, "financial_status"),
        ({"type": "sale"}, "type"),
        ({"payment_method": "VISAA"}, "payment_method"),
        ({"created_from": "9" * 12}, "created_from"),  # Unix seconds past year 9999
        ({"completed_until": "2024-06-01T12:00:00.5+99:00"}, "completed_until"),
    ],
)
def test_transactions_refuse_bad_filters_naming_them(
    client: httpx.Client, params: dict[str, str], name: str
) -> None:
    response = client.get("transactions", params=params)
    assert response.status_code == 400
    body = response.json()
    assert (body["success"], body["data"], body["error_code"]) == (False, {}, 1000)
    assert body["error_info"].startswith(f"Invalid {name}:")


def test_transactions_time_and_site_filters(
    client_b: httpx.Client, sandbox: SandboxServer, order_id: str
) -> None:
    order = client_b.post("orders", json=direct_order(order_id, "4012001038443335")).json()["data"]
    created = dt.datetime.fromisoformat(order["created"])
    day = created.date()

    def found(**params: str) -> bool:
        response = client_b.get("transactions", params={"limit": "1000", **params})
        assert response.status_code == 200, response.text
        return order_id in {t["order_id"] for t in response.json()["data"]}

    next_day = (day + dt.timedelta(days=1)).isoformat()
    # _until is "before but not on the specified date": a bare date is that day's midnight.
    assert found(created_from=day.isoformat(), created_until=next_day)
    assert not found(created_from=day.isoformat(), created_until=day.isoformat())
    assert found(completed_until=next_day)
    assert not found(created_from=next_day)
    # An offset is converted to UTC: the creation moment written in Amsterdam summer time.
    local = (created + dt.timedelta(hours=2)).isoformat() + "+02:00"
    assert found(created_from=local)
    assert not found(created_until=local)
    assert found(created_until=(created + dt.timedelta(seconds=1)).isoformat())
    assert found(created_from=order["created"] + "Z")
    assert not found(created_from=(created + dt.timedelta(seconds=1)).isoformat() + "Z")
    assert found(site_id=str(sandbox.sites[1].site_id))
    assert not found(site_id=str(sandbox.sites[0].site_id))  # another site's id: nothing, not an error
    assert found(status="", created_from="", limit="")  # blank form fields count as not given


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price_from": 10**23}, "price_from"),
        ({"price_till": 10**11 + 1}, "price_till"),
        ({"price_from": -1}, "price_from"),
        ({"price_till": 12.5}, "price_till"),
        ({"price_from": "100"}, "price_from"),
        ({"price_from": True}, "price_from"),
        ({"price_from": 500, "price_till": 100}, "price_from"),
    ],
)
def test_patch_site_bounds_prices(
    client_b: httpx.Client, sandbox: SandboxServer, body: dict[str, object], field: str
) -> None:
    site_id = sandbox.sites[1].site_id
    before = client_b.get(f"sites/{site_id}").json()["data"]
    response = client_b.patch(f"sites/{site_id}", json=body)
    assert response.status_code == 422
    result = response.json()
    assert result["success"] is False
    assert result["errors"][0]["attribute"] == field
    assert result["error_info"].startswith(f"Invalid {field}:")
    assert client_b.get(f"sites/{site_id}").json()["data"] == before  # nothing of a refused PATCH is kept


def test_patch_site_price_range_is_checked_against_the_stored_end(
    client_b: httpx.Client, sandbox: SandboxServer
) -> None:
    site_id = sandbox.sites[1].site_id
    ok = client_b.patch(f"sites/{site_id}", json={"price_from": 100, "price_till": 10**11})
    assert ok.status_code == 200
    assert (ok.json()["data"]["price_from"], ok.json()["data"]["price_till"]) == (100, 10**11)
    lower = client_b.patch(f"sites/{site_id}", json={"price_till": 99})
    assert lower.status_code == 422
    assert lower.json()["errors"][0]["attribute"] == "price_till"
    assert "price_from (100)" in lower.json()["error_info"]
    higher = client_b.patch(f"sites/{site_id}", json={"price_from": 10**11 + 1})
    assert higher.json()["errors"][0]["attribute"] == "price_from"
    assert client_b.patch(f"sites/{site_id}", json={"price_from": 0, "price_till": 0}).status_code == 200
    cleared = client_b.patch(f"sites/{site_id}", json={"price_from": None, "price_till": None})
    assert (cleared.json()["data"]["price_from"], cleared.json()["data"]["price_till"]) == (None, None)


def test_a_website_key_is_kept_in_its_column_only(tmp_path: Path) -> None:
    """One named place for the key in the state file: the secrets audit excludes that column, nothing more."""
    path = tmp_path / "sandbox.sqlite3"
    store = Store(path)
    store.save_site(Site(site_id=10001, account_id=20001, api_key=KEY_A, name="Shop"))
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT api_key FROM sites").fetchall() == [(KEY_A,)]
    assert KEY_A not in db.execute("SELECT data FROM sites").fetchone()[0]
    # A file written while the key was also in the data column still loads, with that key.
    db.execute(
        "UPDATE sites SET data = ?", (json.dumps({"site_id": 10001, "account_id": 20001, "api_key": "x"}),)
    )
    db.commit()
    db.close()
    reopened = Store(path)
    site = reopened.site_by_key(KEY_A)
    assert site is not None
    assert site.site_id == 10001
    reopened.close()
