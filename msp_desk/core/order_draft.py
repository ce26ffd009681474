"""A direct card order as typed on the order screen, before it becomes a request.

The screen keeps every field as text; this module says what is wrong with each
one and turns a valid draft into the exact JSON body of ``POST /orders``. The
preview and "copy as curl" come from the same body with the card number masked
and the CVC removed, so what is shown is what is sent, minus the secrets.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import shlex
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from msp_desk.core import cards
from msp_desk.core.money import AmountError, to_minor_units
from msp_desk.core.order_ids import invalid_character, order_id_problem
from msp_desk.core.redaction import mask
from msp_desk.core.urls import NOTIFICATION_URL_MAX_LENGTH, looks_like_web_url

API_KEY_PLACEHOLDER = "$MSP_API_KEY"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def new_order_id(now: datetime | None = None) -> str:
    """Readable, sortable and unique enough to never collide on one site: ``msp-20261122-1432-a1b2c3``."""
    now = now or datetime.now()
    return f"msp-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


@dataclass
class OrderDraft:
    order_id: str = ""
    amount: str = ""
    currency: str = "EUR"
    description: str = ""
    card_number: str = field(default="", repr=False)
    card_holder: str = ""
    card_expiry: str = ""  # MM/YY as typed
    card_cvc: str = field(default="", repr=False)
    flexible_3d: bool = True
    email: str = ""
    country: str = "NL"
    ip_address: str = "127.0.0.1"
    locale: str = "en_US"
    browser_user_agent: str = ""
    browser_language: str = ""
    browser_screen_width: str = ""
    browser_screen_height: str = ""
    browser_color_depth: str = "24"
    browser_time_zone: str = ""
    notification_url: str = ""
    notification_method: str = "POST"
    redirect_url: str = ""
    cancel_url: str = ""

    def problems(self) -> dict[str, str]:
        """Field name → a sentence saying what to fix; empty when the order can be sent."""
        found: dict[str, str] = {}
        order_id_wrong = order_id_problem(self.order_id)
        if order_id_wrong:
            found["order_id"] = order_id_wrong
        if not re.fullmatch(r"[A-Za-z]{3}", self.currency.strip()):
            found["currency"] = "Choose a three-letter currency such as EUR."
        else:
            try:
                to_minor_units(self.amount, self.currency.strip().upper())
            except AmountError as error:
                found["amount"] = str(error)
        description = self.description.strip()
        if not description:
            found["description"] = "Enter a description; the shopper sees it."
        elif len(description) > 200:
            found["description"] = "A description has at most 200 characters."

        number_problem = cards.card_number_problem(self.card_number)
        if number_problem:
            found["card_number"] = number_problem
        elif cards.brand_of(self.card_number) is None:
            found["card_number"] = "This card's brand is not one MultiSafepay takes directly."
        if not self.card_holder.strip():
            found["card_holder"] = "Enter the name on the card."
        _, expiry_problem = cards.parse_expiry(self.card_expiry)
        if expiry_problem:
            found["card_expiry"] = expiry_problem
        cvc_problem = cards.cvc_problem(self.card_cvc.strip(), cards.brand_of(self.card_number))
        if cvc_problem:
            found["card_cvc"] = cvc_problem

        if self.email.strip() and not _EMAIL.match(self.email.strip()):
            found["email"] = "This is not an email address."
        elif len(self.email.strip()) > 64:
            found["email"] = "An email address here has at most 64 characters."
        if not re.fullmatch(r"[A-Za-z]{2}", self.country.strip()):
            found["country"] = "Enter the two-letter country code, such as NL."
        if not _valid_ip(self.ip_address.strip()):
            found["ip_address"] = "Enter the shopper's IP address, such as 203.0.113.7."
        for name in ("redirect_url", "cancel_url"):
            # msp-desk recognises the end of 3-D Secure by these pages, so they cannot be left out.
            if not getattr(self, name).strip():
                found[name] = "Enter the page the shopper returns to; msp-desk stops the browser there."
        for name in ("notification_url", "redirect_url", "cancel_url"):
            value = getattr(self, name).strip()
            if value and not looks_like_web_url(value):
                found[name] = "A URL starts with http:// or https://."
        if len(self.notification_url.strip()) > NOTIFICATION_URL_MAX_LENGTH:
            found["notification_url"] = (
                f"MultiSafepay takes notification URLs of at most {NOTIFICATION_URL_MAX_LENGTH} characters."
            )
        for name in ("browser_screen_width", "browser_screen_height", "browser_color_depth"):
            value = getattr(self, name).strip()
            if value and not (value.isascii() and value.isdigit()):
                found[name] = (
                    "Enter a whole number of pixels." if "screen" in name else "Enter a number of bits."
                )
        if self.notification_method not in ("POST", "GET"):
            found["notification_method"] = "Choose POST or GET for the notifications."
        for name, value in vars(self).items():
            invalid = invalid_character(value) if isinstance(value, str) and name not in found else None
            if invalid is not None:
                found[name] = f"Character {invalid} is not valid text; type the field again."
        return found

    def payload(self) -> dict[str, Any]:
        """The JSON body of POST /orders, secrets included: for the one request only."""
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems.values()))
        currency = self.currency.strip().upper()
        brand = cards.brand_of(self.card_number)
        expiry, _ = cards.parse_expiry(self.card_expiry)
        gateway_info: dict[str, Any] = {
            "card_number": cards.digits_only(self.card_number),
            "card_holder_name": self.card_holder.strip(),
            "card_expiry_date": expiry,
        }
        if self.card_cvc.strip():
            gateway_info["card_cvc"] = self.card_cvc.strip()
        gateway_info["flexible_3d"] = self.flexible_3d
        browser = {
            "javascript_enabled": 1,
            "java_enabled": 0,
            "cookies_enabled": 1,
            "language": self.browser_language.strip(),
            "screen_color_depth": self.browser_color_depth.strip(),
            "screen_height": self.browser_screen_height.strip(),
            "screen_width": self.browser_screen_width.strip(),
            "time_zone": self.browser_time_zone.strip(),
            "user_agent": self.browser_user_agent.strip(),
        }
        customer = {
            "locale": self.locale.strip(),
            "ip_address": self.ip_address.strip(),
            "country": self.country.strip().upper(),
            "email": self.email.strip(),
            "user_agent": self.browser_user_agent.strip(),
            "browser": {key: value for key, value in browser.items() if value != ""},
        }
        payment_options = {
            "notification_url": self.notification_url.strip(),
            "notification_method": self.notification_method if self.notification_url.strip() else "",
            "redirect_url": self.redirect_url.strip(),
            "cancel_url": self.cancel_url.strip(),
        }
        return {
            "type": "direct",
            "gateway": brand.gateway if brand else "CREDITCARD",
            "order_id": self.order_id.strip(),
            "currency": currency,
            "amount": to_minor_units(self.amount, currency),
            "description": self.description.strip(),
            "gateway_info": gateway_info,
            "payment_options": {key: value for key, value in payment_options.items() if value},
            "customer": {key: value for key, value in customer.items() if value != ""},
        }

    def clear_card(self) -> None:
        """Forget the card once its one request has been made."""
        self.card_number = ""
        self.card_expiry = ""
        self.card_cvc = ""


def preview(payload: dict[str, Any]) -> dict[str, Any]:
    """The body as it may be shown or copied: card number masked, CVC gone."""
    shown: dict[str, Any] = json.loads(json.dumps(payload))
    info = shown.get("gateway_info", {})
    if "card_number" in info:
        info["card_number"] = mask(str(info["card_number"]))
    info.pop("card_cvc", None)
    info.pop("cvc", None)
    return shown


def preview_json(payload: dict[str, Any]) -> str:
    return json.dumps(preview(payload), indent=2, ensure_ascii=False)


def curl_command(base_url: str, payload: dict[str, Any]) -> str:
    """A curl line for the request, with the key left to an environment variable."""
    url = base_url.rstrip("/") + "/orders"
    body = json.dumps(preview(payload), ensure_ascii=False, separators=(",", ":"))
    return (
        f"curl -X POST {shlex.quote(url)} \\\n"
        f'  -H "api_key: {API_KEY_PLACEHOLDER}" \\\n'
        "  -H 'Content-Type: application/json' \\\n"
        f"  -d {shlex.quote(body)}"
    )


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
