"""The order document in MultiSafepay's shape, and the changes that happen to it.

Field names and value types follow MultiSafepay's OrderDetails schema and its
example responses: amounts in cents except ``costs`` (decimal euros),
``last4`` and ``card_expiry_date`` as strings, timestamps without a time zone
(the sandbox writes UTC).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from msp_desk.sandbox.cards import BRAND_NAMES, Brand
from msp_desk.sandbox.validation import CardInput, OrderRequest

COUNTRY_NAMES = {
    "NL": "Netherlands",
    "BE": "Belgium",
    "DE": "Germany",
    "FR": "France",
    "ES": "Spain",
    "IT": "Italy",
    "GB": "United Kingdom",
    "US": "United States",
}

REASON_3DS_FAILED = "3DS Authentication Failed / Card authentication failed"


def timestamp(now: dt.datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%S")


def new_order_doc(request: OrderRequest, transaction_id: int, now: dt.datetime) -> dict[str, Any]:
    customer = request.customer
    created = timestamp(now)
    payment_type = request.card.brand.value if request.card else request.gateway
    doc: dict[str, Any] = {
        "transaction_id": transaction_id,
        "order_id": request.order_id,
        "created": created,
        "modified": created,
        "completed": None,
        "currency": request.currency,
        "amount": request.amount,
        "amount_refunded": 0,
        "description": request.description,
        "items": request.items,
        "status": "initialized",
        "financial_status": "initialized",
        "reason": "",
        "reason_code": "",
        "fastcheckout": "NO",
        "custom_info": {
            "custom_1": _str_or_none(request.custom_info.get("custom_1")),
            "custom_2": _str_or_none(request.custom_info.get("custom_2")),
            "custom_3": _str_or_none(request.custom_info.get("custom_3")),
        },
        "customer": {
            "locale": customer.get("locale") or "en_US",
            "first_name": customer.get("first_name"),
            "last_name": customer.get("last_name"),
            "address1": customer.get("address1"),
            "address2": customer.get("address2"),
            "house_number": customer.get("house_number"),
            "zip_code": customer.get("zip_code"),
            "city": customer.get("city"),
            "state": customer.get("state"),
            "country": customer.get("country"),
            "country_name": COUNTRY_NAMES.get(customer.get("country") or ""),
            "phone1": customer.get("phone"),
            "phone2": None,
            "email": customer.get("email"),
            "company_name": customer.get("company_name"),
            # Not in MultiSafepay's example answers, but OrderDetails.customer is the Customer
            # schema, which names it so; a support engineer checks it against the fraud filter.
            "ip_address": customer.get("ip_address"),
        },
        "payment_details": {
            "type": payment_type,
            "account_holder_name": None,
            "account_id": None,
            "external_transaction_id": None,
            "recurring_flow": None,
            "recurring_id": None,
            "recurring_model": None,
            "response_code": None,
        },
        "payment_methods": [],
        "costs": [],
        "related_transactions": None,
        "var1": request.var1,
        "var2": request.var2,
        "var3": request.var3,
    }
    if request.card is not None:
        attach_card(doc, request.card)
    return doc


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def attach_card(doc: dict[str, Any], card: CardInput) -> None:
    """Record the card on the order: brand, last 4, expiry and holder only."""
    details = doc["payment_details"]
    details.update(
        {
            "type": card.brand.value,
            "account_holder_name": card.holder,
            "card_expiry_date": card.expiry,
            "last4": card.last4,
        }
    )
    doc["payment_methods"] = [
        {
            "type": card.brand.value,
            "status": doc["status"],
            "amount": doc["amount"],
            "currency": doc["currency"],
            "description": doc["description"],
            "payment_description": BRAND_NAMES[card.brand],
            "account_holder_name": card.holder,
            "card_expiry_date": card.expiry,
            "last4": card.last4,
            "external_transaction_id": None,
        }
    ]


def set_status(
    doc: dict[str, Any],
    status: str,
    financial_status: str,
    now: dt.datetime,
    *,
    reason: str | None = None,
    reason_code: str | None = None,
) -> None:
    doc["status"] = status
    doc["financial_status"] = financial_status
    doc["modified"] = timestamp(now)
    if reason is not None:
        doc["reason"] = reason
    if reason_code is not None:
        doc["reason_code"] = reason_code
    if status == "completed" and doc.get("completed") is None:
        doc["completed"] = timestamp(now)
    for method in doc.get("payment_methods") or []:
        method["status"] = financial_status if financial_status != "initialized" else status
    if financial_status in {"completed", "declined", "uncleared"} and not doc["costs"]:
        add_card_costs(doc)


def add_card_costs(doc: dict[str, Any]) -> None:
    """Fees in decimal euros, as GET /orders reports them (unlike the amount, which is in cents)."""
    brand = doc["payment_details"].get("type") or "CREDITCARD"
    name = BRAND_NAMES.get(Brand(brand), brand) if brand in Brand.__members__ else brand
    percentage = round(doc["amount"] * 0.002 / 100, 2)
    doc["costs"] = [
        {
            "transaction_id": doc["transaction_id"] + 1,
            "amount": 0.03,
            "description": f"0.03 EUR For {name} Transactions",
            "type": "SYSTEM",
        },
        {
            "transaction_id": doc["transaction_id"] + 2,
            "amount": percentage,
            "description": f"0.20 % For {name} Transactions",
            "type": "SYSTEM",
        },
    ]


CARD_PROFILES: dict[str, tuple[str, str, int]] = {
    # card_funding, card_product, card_product_type of a consumer card per brand. Visa's are
    # getOrder3DS.json's; the others are the schemes' usual consumer products.
    "VISA": ("D", "I", 1),
    "MASTERCARD": ("C", "MCC", 1),
    "AMEX": ("C", "AXP", 1),
    "MAESTRO": ("D", "MSI", 1),
}


def record_issuer_answer(doc: dict[str, Any], response_code: str) -> None:
    """What the acquirer's answer leaves in payment_details, as in getOrder3DS.json.

    ``00`` approves, with an authorization code; other codes decline. A card
    declined by 3-D Secure never reaches the issuer, so it gets only the
    response code, as getOrderFailed3DS.json shows.
    """
    details = doc["payment_details"]
    details["response_code"] = response_code
    if response_code == "08":
        return
    brand = details.get("type") or "VISA"
    funding, product, product_type = CARD_PROFILES.get(brand, CARD_PROFILES["VISA"])
    external_id = str(secrets.randbelow(900_000_000) + 100_000_000)
    details.update(
        {
            "authorization_code": f"{secrets.randbelow(1_000_000):06d}" if response_code == "00" else None,
            "card_acceptor_id": None,
            "card_acceptor_location": None,
            "card_acceptor_name": None,
            "card_entry_mode": "UNKNOWN",  # what an e-commerce payment shows in getOrder3DS.json
            "card_funding": funding,
            "card_product": product,
            "card_product_type": product_type,
            "card_verification_result": "M",
            "external_transaction_id": external_id,
            "mcc": None,
            "scheme_reference_id": str(secrets.randbelow(9 * 10**14) + 10**14),
        }
    )
    authentication = details.get("card_authentication_result") or {}
    if authentication.get("cavv"):
        details["card_additional_response_data"] = {"cavv_results_code": "2"}
    for method in doc.get("payment_methods") or []:
        method["external_transaction_id"] = external_id


def authentication_result(brand: str, status: str, *, cancelled: bool = False) -> dict[str, Any]:
    """What the 3-D Secure step leaves in payment_details.card_authentication_result."""
    eci_table = {
        # Visa-style ECIs (also Amex): 05 authenticated, 06 attempted, 07 failed.
        "Y": "02" if brand in {"MASTERCARD", "MAESTRO"} else "05",
        "A": "01" if brand in {"MASTERCARD", "MAESTRO"} else "06",
    }
    result: dict[str, Any] = {
        "acs_transaction_id": str(uuid.uuid4()),
        "ds_transaction_id": str(uuid.uuid4()),
        "eci": eci_table.get(status, "00" if brand in {"MASTERCARD", "MAESTRO"} else "07"),
        "status": status,
        "version": "2.2.0",
    }
    if status in {"Y", "A"}:
        result["cavv"] = secrets.token_urlsafe(21)[:28]
    else:
        result["transaction_status_reason"] = "01" if status == "N" else "08"
    if cancelled:
        result["challenge_cancel"] = "01"
    return result


def with_transaction_id(url: str, order_id: str) -> str:
    """``url`` plus ``transactionid=<order_id>``, keeping its own query and fragment."""
    parts = urlsplit(url)
    extra = urlencode({"transactionid": order_id})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def transaction_item(site_id: int, doc: dict[str, Any]) -> dict[str, Any]:
    """The order as an entry of GET /transactions."""
    costs_cents = sum(round(c["amount"] * 100) for c in doc["costs"])
    customer = doc["customer"]
    return {
        "transaction_id": doc["transaction_id"],
        "order_id": doc["order_id"],
        "site_id": site_id,
        "type": "payment",
        "debit_credit": "C",
        "amount": doc["amount"],
        "net": doc["amount"] - costs_cents,
        "costs": [
            {"amount": round(c["amount"] * 100), "description": c["description"]} for c in doc["costs"]
        ],
        "currency": doc["currency"],
        "description": doc["description"],
        "created": doc["created"],
        "completed": doc["completed"],
        "status": doc["status"],
        "financial_status": doc["financial_status"],
        "payment_method": doc["payment_details"].get("type"),
        "customer": {
            "email": customer.get("email"),
            "first_name": customer.get("first_name"),
            "last_name": customer.get("last_name"),
            "iban": "",
        },
        "var1": doc["var1"],
        "var2": doc["var2"],
        "var3": doc["var3"],
    }
