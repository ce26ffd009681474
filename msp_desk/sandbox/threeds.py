"""The browser pages: 3-D Secure form and ACS simulator, hosted payment page, "payment finished".

Every control a person (or a UI test) needs has a stable id: ``auth-Y``,
``auth-N``, ``auth-R``, ``auth-A`` and ``auth-cancel`` on the ACS page,
``pay`` and ``pay-cancel`` on the payment page.
"""

from __future__ import annotations

import base64
import json
from html import escape
from typing import Any

from msp_desk.sandbox.cards import TEST_CARDS

ACS_PATH = "/3ds2/sim/acs"
TERM_PATH = "/direct/complete/"

OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("Y", "auth-Y", "Authenticated (Y)"),
    ("N", "auth-N", "Not authenticated (N)"),
    ("R", "auth-R", "Rejected (R)"),
    ("A", "auth-A", "Attempted (A)"),
    ("cancel", "auth-cancel", "Cancel"),
)
OUTCOME_VALUES = frozenset(value for value, _, _ in OUTCOMES)

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
dt{font-weight:600}button{font-size:1rem;padding:.6rem 1rem;margin:.3rem .3rem .3rem 0;cursor:pointer}
button:focus{outline:3px solid #1a5fb4;outline-offset:2px}fieldset{margin:1rem 0}
label{display:block;margin:.3rem 0}.note{color:#555;font-size:.9rem}.error{color:#a51d2d;font-weight:600}
"""


def format_amount(amount: int, currency: str) -> str:
    return f"{currency} {amount / 100:,.2f}"


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def pareq(order: dict[str, Any], merchant: str) -> str:
    """A readable stand-in for the PaReq blob: base64 JSON of what the ACS shows."""
    data = {
        "amount": order["amount"],
        "currency": order["currency"],
        "merchant": merchant,
        "order_id": order["order_id"],
        "last4": order["payment_details"].get("last4"),
    }
    return base64.b64encode(json.dumps(data).encode()).decode()


def verification_form(acs_url: str, pareq_value: str, md: str, term_url: str) -> str:
    """The customer_verification.html of a direct 3DS order: a form that posts itself to the ACS."""
    return (
        '<html lang="en"><head><title>3D Secure</title></head>'
        "<body onload=\"document.getElementById('PaReqForm').submit()\">"
        f'<form id="PaReqForm" action="{escape(acs_url)}" method="post">'
        f'<input type="hidden" name="PaReq" value="{escape(pareq_value)}">'
        f'<input type="hidden" name="TermUrl" value="{escape(term_url)}">'
        f'<input type="hidden" name="MD" value="{escape(md)}">'
        '<noscript><button type="submit">Continue to 3D Secure</button></noscript>'
        "</form></body></html>\n"
    )


def acs_page(order: dict[str, Any], merchant: str, md: str, term_url: str) -> str:
    last4 = order["payment_details"].get("last4") or "????"
    brand = order["payment_details"].get("type") or "card"
    buttons = "".join(
        f'<button type="submit" name="PaRes" value="{value}" id="{element_id}">{escape(label)}</button>'
        for value, element_id, label in OUTCOMES
    )
    body = (
        "<h1>3D Secure simulator</h1>"
        '<p class="note">MultiSafepay sandbox: no bank is contacted. '
        "Choose the answer the card issuer gives.</p>"
        '<dl aria-label="Payment">'
        f"<dt>Merchant</dt><dd>{escape(merchant)}</dd>"
        f'<dt>Amount</dt><dd id="acs-amount">{escape(format_amount(order["amount"], order["currency"]))}</dd>'
        f"<dt>Card</dt><dd>{escape(brand)} ending in {escape(str(last4))}</dd>"
        f"<dt>Order</dt><dd>{escape(order['order_id'])}</dd>"
        "</dl>"
        f'<form method="post" action="{escape(term_url)}" aria-label="Authentication result">'
        f'<input type="hidden" name="MD" value="{escape(md)}">'
        f"<fieldset><legend>Authentication result</legend>{buttons}</fieldset>"
        "</form>"
    )
    return _page("3D Secure simulator", body)


def _field(name: str, label: str, *, numeric: bool = False) -> str:
    extra = ' inputmode="numeric" autocomplete="off"' if numeric else ""
    return f'<label for="{name}">{label}</label><input id="{name}" name="{name}"{extra}>'


def payment_page(order: dict[str, Any], merchant: str, action: str, error: str | None = None) -> str:
    options = "".join(
        f'<label><input type="radio" name="card" value="{card.number}"{" checked" if i == 0 else ""}'
        f' id="card-{card.number}"> {escape(card.label)} (…{card.number[-4:]})</label>'
        for i, card in enumerate(TEST_CARDS)
    )
    error_html = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        "<h1>Pay by card</h1>"
        '<p class="note">MultiSafepay sandbox payment page. Pick a test card, or type another card below.</p>'
        '<dl aria-label="Payment">'
        f"<dt>Merchant</dt><dd>{escape(merchant)}</dd>"
        f'<dt>Amount</dt><dd id="pay-amount">{escape(format_amount(order["amount"], order["currency"]))}</dd>'
        f"<dt>Description</dt><dd>{escape(order['description'])}</dd>"
        "</dl>"
        f"{error_html}"
        f'<form method="post" action="{escape(action)}">'
        f"<fieldset><legend>Test card</legend>{options}</fieldset>"
        "<fieldset><legend>Other card (optional)</legend>"
        f"{_field('card_number', 'Card number', numeric=True)}"
        f"{_field('card_expiry_date', 'Expiry (YYMM)', numeric=True)}"
        f"{_field('card_cvc', 'CVC', numeric=True)}"
        f"{_field('card_holder_name', 'Card holder')}"
        "</fieldset>"
        '<button type="submit" name="action" value="pay" id="pay">Pay</button>'
        '<button type="submit" name="action" value="cancel" id="pay-cancel">Cancel</button>'
        "</form>"
    )
    return _page("Pay by card", body)


def finished_page(order: dict[str, Any] | None) -> str:
    if order is None:
        body = "<h1>Payment finished</h1><p>The sandbox does not know this order.</p>"
    else:
        body = (
            "<h1>Payment finished</h1>"
            '<dl aria-label="Result">'
            f"<dt>Order</dt><dd>{escape(order['order_id'])}</dd>"
            f'<dt>Status</dt><dd id="order-status">{escape(order["status"])}</dd>'
            f"<dt>Amount</dt><dd>{escape(format_amount(order['amount'], order['currency']))}</dd>"
            "</dl>"
            '<p class="note">The order had no redirect_url, so the payment ends on this sandbox page.</p>'
        )
    return _page("Payment finished", body)


def message_page(title: str, message: str) -> str:
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")
