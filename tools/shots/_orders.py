"""Orders in the embedded sandbox for the screenshots, made as a shop and a shopper's browser would."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx

from msp_desk.ui.services.context import AppContext

PAID_AT_ONCE = "4012001038443335"
THREE_DS = "4111111111111111"
UNCLEARED = "4462000000000003"
DECLINED = "4012001038488884"

SHOPPERS = (
    ("Simon", "Smit", "simon.smit@example.com", "NL", "89.20.162.110"),
    ("Emma", "de Vries", "emma@example.nl", "NL", "145.53.12.7"),
    ("Lucas", "Peeters", "lucas.peeters@example.be", "BE", "81.82.200.14"),
    ("Mia", "Schneider", "mia@example.de", "DE", "91.64.33.101"),
)


def _client(context: AppContext) -> httpx.Client:
    server = context.sandbox.ensure_running()
    return httpx.Client(base_url=server.base_url, headers={"api_key": server.sites[0].api_key}, timeout=15)


def create(
    context: AppContext, order_id: str, card: str, amount: int, description: str, shopper: int = 0
) -> dict[str, Any]:
    first, last, email, country, ip = SHOPPERS[shopper % len(SHOPPERS)]
    year = (time.gmtime().tm_year + 3) % 100
    body: dict[str, Any] = {
        "type": "direct",
        "order_id": order_id,
        "currency": "EUR",
        "amount": amount,
        "gateway": "CREDITCARD",
        "description": description,
        "var1": "newsletter-may",
        "payment_options": {"redirect_url": "https://webshop.example/return"},
        "customer": {
            "locale": "nl_NL",
            "first_name": first,
            "last_name": last,
            "email": email,
            "country": country,
            "ip_address": ip,
        },
        "gateway_info": {
            "card_number": card,
            "card_holder_name": f"{first} {last}",
            "card_expiry_date": f"{year:02d}09",
            "card_cvc": "123",
        },
    }
    if card != THREE_DS:
        body["gateway_info"]["flexible_3d"] = False
    with _client(context) as client:
        data: dict[str, Any] = client.post("orders", json=body).raise_for_status().json()["data"]
        if card == THREE_DS:
            _pass_3ds(data["customer_verification"]["html"])
    return data


def _pass_3ds(html: str) -> None:
    """What the shopper's browser does: post the form to the ACS, then choose "Authenticated (Y)"."""
    action = re.search(r'action="([^"]+)"', html)
    assert action is not None
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    acs = httpx.post(action.group(1), data=fields, timeout=15)
    term = re.search(r'<form method="post" action="([^"]+)"', acs.text)
    assert term is not None
    httpx.post(term.group(1), data={"MD": fields["MD"], "PaRes": "Y"}, timeout=15)


def refund(context: AppContext, order_id: str, amount: int | None = None) -> None:
    body: dict[str, Any] = {"currency": "EUR", "description": "Damaged in transit"}
    if amount is not None:
        body["amount"] = amount
    with _client(context) as client:
        client.post(f"orders/{order_id}/refunds", json=body).raise_for_status()
