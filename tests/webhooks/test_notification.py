"""The notification request the sandbox delivers and the endpoint check sends, and its sample body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from msp_desk.webhooks.notification import build_notification, compact_json, notification_url
from msp_desk.webhooks.sample import TEST_DESCRIPTION, TEST_MARKER, sample_body, sample_order, sample_order_id
from msp_desk.webhooks.signature import verify

ORDER_SCHEMA = Path(__file__).parents[1] / "sandbox" / "fixtures" / "schemas" / "get_order_200.json"


def test_notification_url_adds_transactionid_and_timestamp_and_keeps_the_query() -> None:
    assert (
        notification_url("https://shop.nl/hook", "A 1/2", 1700000000)
        == "https://shop.nl/hook?transactionid=A+1%2F2&timestamp=1700000000"
    )
    assert (
        notification_url("https://shop.nl/hook?type=msp&x=", "42", 1700000000)
        == "https://shop.nl/hook?type=msp&x=&transactionid=42&timestamp=1700000000"
    )


def test_a_post_is_signed_json_and_a_get_has_neither_body_nor_signature() -> None:
    body = compact_json({"order_id": "42", "city": "Zürich", "url": "https://shop.nl/a"})
    post = build_notification(
        "https://shop.nl/hook", "42", 1700000000, method="POST", body=body, api_key=" key\n", user_agent="t"
    )
    assert post.method == "POST"
    assert post.body == body
    assert post.headers["Content-Type"] == "application/json"
    assert verify("key", post.headers["Auth"], body, now=1700000000)
    get = build_notification(
        "https://shop.nl/hook", "42", 1700000000, method="GET", body=body, api_key="key", user_agent="t"
    )
    assert get.body is None
    assert "Auth" not in get.headers
    assert "Content-Type" not in get.headers
    assert get.url == post.url
    unsigned = build_notification(
        "https://shop.nl/hook", "42", 1, method="POST", body=body, api_key=None, user_agent="t"
    )
    assert "Auth" not in unsigned.headers


def test_compact_json_keeps_utf8_and_slashes_raw_as_multisafepay_does() -> None:
    assert compact_json({"a": "€/é", "b": [1, None]}) == '{"a":"€/é","b":[1,null]}'.encode()


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda inner: st.lists(inner)))
def test_compact_json_round_trips(value: Any) -> None:
    assert json.loads(compact_json(value)) == value


def test_the_sample_body_is_a_bare_order_that_says_it_is_a_test_from_msp_desk() -> None:
    order_id = sample_order_id(1700000000)
    body = sample_body(order_id, 1700000000)
    order = json.loads(body)
    assert "success" not in order
    assert "data" not in order
    assert order["order_id"] == order_id
    assert order["description"] == TEST_DESCRIPTION
    assert "msp-desk" in order["description"]
    assert "Test" in order["description"]
    assert order["var1"] == TEST_MARKER
    assert order["created"] == "2023-11-14T22:13:20"
    assert body == compact_json(sample_order(order_id, 1700000000))
    assert b", " not in body
    assert "–".encode() in body  # raw UTF-8, as MultiSafepay sends


def test_the_sample_has_the_docs_example_fields_and_matches_the_order_schema() -> None:
    docs = json.loads((Path(__file__).parent / "fixtures" / "docs_webhook_payload.json").read_bytes())
    sample = sample_order("msp-desk-test-1", 1700000000)
    assert set(docs) <= set(sample)
    assert set(docs["customer"]) <= set(sample["customer"])
    data_schema = json.loads(ORDER_SCHEMA.read_text())["properties"]["data"]
    jsonschema.validate(sample, data_schema)


def test_build_notification_signs_like_the_documented_scheme() -> None:
    body = sample_body("msp-desk-test-5", 5)
    note = build_notification(
        "https://shop.nl/hook", "msp-desk-test-5", 5, method="POST", body=body, api_key="k", user_agent="t"
    )
    digest = hmac.new(b"k", b"5:" + body, hashlib.sha512).hexdigest()
    assert base64.b64decode(note.headers["Auth"]).decode() == f"5:{digest}"
