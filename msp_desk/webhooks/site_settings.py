"""A website's settings as a support engineer edits them: checked by field, sent as a PATCH of what changed.

``GET /sites/{id}`` answers with the website's own API key. Nothing on a screen
may show, log or keep it, so the answer becomes a :class:`SiteSnapshot` where it
arrives: the fields a person edits, and the raw JSON with the key masked to its
last four characters. The answer object itself goes no further.

MultiSafepay states a site's price range in eurocents; people type euros.
Only fields that differ from the saved site are sent, so a PATCH never
overwrites what someone else changed in another field meanwhile.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from msp_desk.api.errors import MalformedResponse
from msp_desk.api.request_models import SiteUpdate
from msp_desk.core.money import exponent, format_minor
from msp_desk.core.redaction import mask, redact
from msp_desk.core.urls import looks_like_web_url
from msp_desk.webhooks.url_rules import Level, RuleFailure, check_notification_url

if TYPE_CHECKING:
    from msp_desk.api.client import MspClient
    from msp_desk.api.models import ApiResponse, Site

PRICE_CURRENCY = "EUR"
"""MultiSafepay's sites API gives ``price_from`` and ``price_till`` in eurocents."""
NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254
"""The longest address RFC 5321 allows; MultiSafepay publishes no limit of its own."""
PRICE_MAX_CENTS = 10**11
"""A billion euros: far above any real price range, low enough to stay an exact integer everywhere."""

FIELDS = ("name", "url", "notification_url", "support_email", "support_phone", "price_from", "price_till")
TITLES = {
    "name": "Name",
    "url": "Base URL",
    "notification_url": "Notification URL",
    "support_email": "Support e-mail",
    "support_phone": "Support phone",
    "price_from": "Price from",
    "price_till": "Price till",
}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"\+?[0-9 ()./-]+")
_PRICE = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


class PriceError(ValueError):
    """A price as typed that is not an amount of euros; the message says which rule it breaks."""


@dataclass(frozen=True)
class SiteFormValues:
    """The site form as typed (text, surrounding spaces removed)."""

    name: str = ""
    url: str = ""
    notification_url: str = ""
    support_email: str = ""
    support_phone: str = ""
    price_from: str = ""
    price_till: str = ""


@dataclass(frozen=True)
class SiteSnapshot:
    """What a screen may keep of a ``GET``/``PATCH /sites`` answer: never the key."""

    site_id: str
    account_id: str | None
    name: str | None
    url: str | None
    notification_url: str | None
    support_email: str | None
    support_phone: str | None
    price_from: int | None
    price_till: int | None
    notification_method: str | None
    """The local sandbox's own addition (POST or GET); MultiSafepay's answer has no such field."""
    answer: str
    """The JSON answer, indented, with the API key masked to its last four characters."""

    @classmethod
    def of(cls, response: ApiResponse[Site], site_id: int | str) -> SiteSnapshot:
        site = response.data
        key = site.api_key.get_secret_value() if site.api_key is not None else None
        extra = site.model_extra or {}
        method = extra.get("notification_method")
        return cls(
            site_id=str(site.id if site.id is not None else site_id),
            account_id=None if site.account_id is None else str(site.account_id),
            name=site.name,
            url=site.url,
            notification_url=site.notification_url,
            support_email=site.support_email,
            support_phone=site.support_phone,
            price_from=site.price_from,
            price_till=site.price_till,
            notification_method=method.upper() if isinstance(method, str) else None,
            answer=masked_answer(response.raw, key),
        )

    def values(self) -> SiteFormValues:
        return SiteFormValues(
            name=self.name or "",
            url=self.url or "",
            notification_url=self.notification_url or "",
            support_email=self.support_email or "",
            support_phone=self.support_phone or "",
            price_from=price_text(self.price_from),
            price_till=price_text(self.price_till),
        )

    def title(self) -> str:
        """``“Webshop NL” (site 10325)``, as a confirmation names the site."""
        return f"“{self.name}” (site {self.site_id})" if self.name else f"site {self.site_id}"

    def price_range(self) -> str:
        low, high = self.price_from, self.price_till
        if low is None and high is None:
            return "no price range"
        shown_low = format_minor(low, PRICE_CURRENCY) if low is not None else "any"
        shown_high = format_minor(high, PRICE_CURRENCY) if high is not None else "any"
        return f"{shown_low} to {shown_high}"


def fetch_site(client: MspClient) -> SiteSnapshot:
    """The website behind the client's key: ``GET /me`` for its id, then ``GET /sites/{id}``."""
    site_id = client.me().data.site_id
    if site_id is None:
        raise MalformedResponse(
            "MultiSafepay did not say which website this key belongs to (GET /me gave no site_id).",
            code="no_site_id",
            http_status=200,
        )
    return SiteSnapshot.of(client.get_site(site_id), site_id)


def save_site(client: MspClient, site_id: str, check: SiteCheck) -> SiteSnapshot:
    """``PATCH /sites/{id}`` with the checked changes; the site as MultiSafepay saved it."""
    return SiteSnapshot.of(client.update_site(site_id, check.update()), site_id)


def masked_answer(raw: dict[str, Any], key: str | None) -> str:
    """The answer as indented JSON, its ``api_key`` masked wherever it appears (and any key-like text)."""

    def masked(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                name: mask(str(item)) if name == "api_key" and item else masked(item)
                for name, item in value.items()
            }
        if isinstance(value, list):
            return [masked(item) for item in value]
        return value

    return redact(json.dumps(masked(raw), indent=2, ensure_ascii=False), [key])


# -- prices -------------------------------------------------------------------------------------


def price_text(cents: int | None) -> str:
    """``1000`` is ``"10.00"``: how a price sits in an edit field (no thousands separators)."""
    if cents is None:
        return ""
    places = exponent(PRICE_CURRENCY)
    return f"{Decimal(cents).scaleb(-places):.{places}f}"


def parse_price(text: str) -> int | None:
    """Euros as typed (``"10"``, ``"10.50"``, ``"10,50"``) in cents; empty is no limit (None)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if not _PRICE.fullmatch(cleaned):
        raise PriceError(
            f"“{cleaned[:20]}” is not an amount: type euros with the digits 0–9 and at most one "
            "decimal point or comma, like 10.00."
        )
    places = exponent(PRICE_CURRENCY)
    try:
        scaled = Decimal(cleaned.replace(",", ".")).scaleb(places)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise PriceError(f"“{cleaned[:20]}” is not an amount.") from None
    if scaled != scaled.to_integral_value():
        raise PriceError(f"Prices are in whole cents: at most {places} decimals.")
    cents = int(scaled)
    if cents > PRICE_MAX_CENTS:
        raise PriceError(f"That is more than {format_minor(PRICE_MAX_CENTS, PRICE_CURRENCY)}.")
    return cents


# -- checking the form ------------------------------------------------------------------------------


@dataclass
class SiteCheck:
    """Per-field problems (``errors`` stop the save, ``warnings`` inform) and the PATCH to send."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    url_rules: list[RuleFailure] = field(default_factory=list)
    """Every notification URL rule the typed URL breaks, for the list under the field."""
    changes: dict[str, Any] = field(default_factory=dict)
    """Field → new value (None clears it), only for fields that differ from the saved site."""
    described: list[str] = field(default_factory=list)
    """One line per change, “Notification URL: old → new”, for a confirmation."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def update(self) -> SiteUpdate:
        """The PATCH body: only the changed fields, None where a field is cleared."""
        return SiteUpdate(**self.changes)


def notification_url_rules(url: str, *, sandbox: bool) -> list[RuleFailure]:
    """The rules a notification URL breaks; an empty field breaks none (it means “no URL”)."""
    return check_notification_url(url, sandbox=sandbox) if url.strip() else []


def check_site_form(values: SiteFormValues, saved: SiteSnapshot, *, sandbox: bool) -> SiteCheck:
    """Check every field as typed against ``saved``; ``sandbox`` relaxes the URL rules (local sandbox)."""
    check = SiteCheck()
    new: dict[str, Any] = {}

    name = values.name.strip()
    if not name:
        check.errors["name"] = "Give the website a name."
    elif len(name) > NAME_MAX_LENGTH:
        check.errors["name"] = f"MultiSafepay keeps names of at most {NAME_MAX_LENGTH} characters."
    new["name"] = name

    url = values.url.strip()
    if not url and saved.url:
        check.errors["url"] = "Enter the website's address, e.g. https://www.example.com."
    elif url and not looks_like_web_url(url):
        check.errors["url"] = "The base URL must be a web address starting with http:// or https://."
    new["url"] = url or None

    _check_notification_url(check, values.notification_url.strip(), saved, sandbox=sandbox)
    new["notification_url"] = values.notification_url.strip() or None

    email = values.support_email.strip()
    if email and (len(email) > EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(email)):
        check.errors["support_email"] = "Enter an e-mail address such as support@example.com, or nothing."
    new["support_email"] = email or None

    phone = values.support_phone.strip()
    if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3):
        check.errors["support_phone"] = (
            "A phone number has digits, spaces and + ( ) - . / only, e.g. +31 20 123 4567."
        )
    new["support_phone"] = phone or None

    for name_ in ("price_from", "price_till"):
        try:
            new[name_] = parse_price(getattr(values, name_))
        except PriceError as error:
            check.errors[name_] = str(error)
            new[name_] = getattr(saved, name_)
    low, high = new["price_from"], new["price_till"]
    if low is not None and high is not None and low > high and "price_till" not in check.errors:
        check.errors["price_till"] = (
            f"The highest price must not be below the lowest ({format_minor(low, PRICE_CURRENCY)})."
        )

    for name_ in FIELDS:
        old = getattr(saved, name_)
        if new[name_] != old and not (new[name_] is None and old in ("", None)):
            check.changes[name_] = new[name_]
            check.described.append(f"{TITLES[name_]}: {_shown(name_, old)} → {_shown(name_, new[name_])}")
    return check


def _check_notification_url(check: SiteCheck, url: str, saved: SiteSnapshot, *, sandbox: bool) -> None:
    if not url:
        if saved.notification_url:
            check.warnings["notification_url"] = (
                "Without a notification URL, MultiSafepay notifies only orders that carry their own."
            )
        return
    failures = notification_url_rules(url, sandbox=sandbox)
    check.url_rules = failures
    broken = [f.rule for f in failures if f.level is Level.ERROR]
    if broken:
        check.errors["notification_url"] = (
            f"MultiSafepay would refuse this URL (broken: {', '.join(broken)})."
        )
    elif failures:
        check.warnings["notification_url"] = failures[0].message


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "(none)"
    if name in ("price_from", "price_till"):
        return format_minor(int(value), PRICE_CURRENCY)
    return f"“{value}”"
