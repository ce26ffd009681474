"""The test notification the endpoint doctor sends: a real order's shape that says it is a test.

A merchant's handler parses the body as the bare order object MultiSafepay posts
(the ``data`` of GET /orders, without the ``{success, data}`` wrapper), so the
sample has every field of the docs' example notification. Its description and
``var1`` say it came from msp-desk, so whoever finds it in a shop's log knows no
payment was made. The en dash and euro sign keep non-ASCII text in the body, as
real notifications have.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from msp_desk.webhooks.notification import compact_json

TEST_DESCRIPTION = "Test notification from msp-desk – no payment was made (€ 0.00 moved)"
TEST_MARKER = "msp-desk test notification"


def sample_order_id(timestamp: int) -> str:
    return f"msp-desk-test-{timestamp}"


def sample_order(order_id: str, timestamp: int) -> dict[str, Any]:
    when = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "amount": 1000,
        "amount_refunded": 0,
        "costs": [],
        "created": when,
        "currency": "EUR",
        "custom_info": {"custom_1": None, "custom_2": None, "custom_3": None},
        "customer": {
            "address1": None,
            "address2": None,
            "city": None,
            "country": None,
            "country_name": None,
            "email": "",
            "first_name": None,
            "house_number": None,
            "last_name": None,
            "locale": "en_US",
            "phone1": None,
            "phone2": "",
            "state": None,
            "zip_code": None,
        },
        "description": TEST_DESCRIPTION,
        "fastcheckout": "NO",
        "financial_status": "completed",
        "items": None,
        "modified": when,
        "order_id": order_id,
        "payment_details": {
            "account_holder_name": None,
            "account_iban": None,
            "account_id": None,
            "external_transaction_id": None,
            "recurring_flow": None,
            "recurring_id": None,
            "recurring_model": None,
            "type": "VISA",
        },
        "payment_methods": [
            {
                "amount": 1000,
                "currency": "EUR",
                "description": TEST_DESCRIPTION,
                "external_transaction_id": None,
                "payment_description": "Visa",
                "status": "completed",
                "type": "VISA",
            }
        ],
        "reason": "",
        "reason_code": "",
        "related_transactions": None,
        "status": "completed",
        "transaction_id": 0,
        "var1": TEST_MARKER,
        "var2": None,
        "var3": None,
    }


def sample_body(order_id: str, timestamp: int) -> bytes:
    return compact_json(sample_order(order_id, timestamp))
