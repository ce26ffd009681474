"""An order as a support engineer reads it: every field as one line of text, and its related transactions.

The detail view only places these lines; what they say (money in the
currency's format, times in the person's zone, the 3-D Secure outcome in
words, costs in euros as MultiSafepay reports them) is decided here, where it
can be tested without a display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from msp_desk.api.models import Cost, Order, PaymentDetails, RelatedTransaction
from msp_desk.core.money import format_minor, left_to_refund
from msp_desk.core.statuses import eci_words, meaning, status_words, three_ds_words
from msp_desk.core.times import as_sent, local_time

NONE = "—"


@dataclass(frozen=True)
class RelatedRow:
    """One refund, capture or chargeback on the order."""

    type: str
    status: str
    amount: str
    created: str
    transaction_id: str
    description: str


@dataclass(frozen=True)
class OrderSummary:
    order_id: str
    transaction_id: str
    status: str
    financial_status: str
    status_words: str
    financial_words: str
    meaning: str
    values: dict[str, str]
    """Every shown field by key (``amount``, ``created``, ``card``, ``threeds``, ...), "—" when absent."""
    tooltips: dict[str, str] = field(default_factory=dict)
    related: tuple[RelatedRow, ...] = ()


def _text(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return text or NONE


def _money(amount: int | None, currency: str | None) -> str:
    if amount is None or not currency:
        return NONE
    return format_minor(amount, currency)


def _euros(amount: Decimal | None) -> str:
    if amount is None:
        return NONE
    if not amount.is_finite() or amount.adjusted() > _LARGEST_SHOWN_DIGITS:
        # Written out in full, 1E+999999999 would take a gigabyte; no real fee is that large.
        return f"{amount} EUR"
    return f"{amount:,.2f} EUR"


_LARGEST_SHOWN_DIGITS = 18


def _total(amounts: list[Decimal]) -> Decimal | None:
    try:
        return sum(amounts, Decimal(0))
    except ArithmeticError:  # past Decimal's range: no total rather than a wrong one
        return None


def _costs(costs: list[Cost] | None) -> str:
    """Fees in euros, as GET /orders gives them (unlike the amount, which is in minor units)."""
    if not costs:
        return NONE
    known = [cost.amount for cost in costs if cost.amount is not None]
    lines = [f"{_euros(_total(known))} in all"]
    for cost in costs:
        # The description says what the fee is ("0.20 % For Visa Transactions"); the type says less.
        about = cost.description or cost.type or ""
        lines.append(f"{_euros(cost.amount)}: {about}" if about else _euros(cost.amount))
    return "\n".join(lines)


def _expiry(value: str | None) -> str:
    """MultiSafepay's YYMM as printed on a card: ``3807`` → ``07/38``."""
    if value and len(value) == 4 and value.isdigit():
        return f"{value[2:]}/{value[:2]}"
    return _text(value)


def _card(details: PaymentDetails | None, order: Order) -> tuple[str, str, str]:
    """Brand with last four, expiry and holder; from the payment methods when the details lack them."""
    method = order.payment_methods[0] if order.payment_methods else None
    brand = (details.type if details else None) or (method.type if method else None) or ""
    last4 = (details.last4 if details else None) or (method.last4 if method else None) or ""
    expiry = (details.card_expiry_date if details else None) or (method.card_expiry_date if method else None)
    holder = (details.account_holder_name if details else None) or (
        method.account_holder_name if method else None
    )
    card = " ".join(part for part in (brand, f"••••{last4}" if last4 else "") if part)
    return card or NONE, _expiry(expiry), _text(holder)


def _custom_info(info: dict[str, object] | None) -> str:
    shown = [f"{name}: {value}" for name, value in (info or {}).items() if value not in (None, "")]
    return "\n".join(shown) or NONE


def _reason(order: Order) -> str:
    reason = (order.reason or "").strip()
    if order.reason_code:
        return f"{reason} (code {order.reason_code})" if reason else f"code {order.reason_code}"
    return reason or NONE


def _related(
    related: list[RelatedTransaction] | None, currency: str | None, environment: str, zone: dt.tzinfo | None
) -> tuple[RelatedRow, ...]:
    rows = []
    for item in related or []:
        rows.append(
            RelatedRow(
                type=_text((item.type or "").replace("_", " ").replace("-", " ").capitalize()),
                status=status_words(item.status) if item.status else NONE,
                amount=_money(item.amount, item.currency or currency),
                created=local_time(item.created, environment, zone=zone),
                transaction_id=_text(item.transaction_id),
                description=_text(item.description),
            )
        )
    return tuple(rows)


def summarise(order: Order, environment: str, *, zone: dt.tzinfo | None = None) -> OrderSummary:
    """``order`` in words; ``environment`` (``sandbox``, ``test``, ``live``) says how to read its times."""
    currency = order.currency
    details = order.payment_details
    customer = order.customer
    card, expiry, holder = _card(details, order)
    authentication = details.card_authentication_result if details else None
    flow = (
        details.card_authentication_details.flow if details and details.card_authentication_details else None
    )
    name = " ".join(part for part in (customer.first_name, customer.last_name) if part) if customer else ""
    if customer and customer.company_name:
        name = f"{name} ({customer.company_name})" if name else customer.company_name
    country = ""
    if customer and customer.country:
        country = (
            f"{customer.country} ({customer.country_name})" if customer.country_name else customer.country
        )
    values = {
        "order_id": _text(order.order_id),
        "transaction_id": _text(order.transaction_id),
        "description": _text(order.description),
        "reason": _reason(order),
        "amount": _money(order.amount, currency),
        "refunded": _money(order.amount_refunded or 0, currency) if order.amount is not None else NONE,
        "left": _money(left_to_refund(order.amount, order.amount_refunded), currency)
        if order.amount is not None
        else NONE,
        "costs": _costs(order.costs),
        "created": local_time(order.created, environment, zone=zone),
        "modified": local_time(order.modified, environment, zone=zone),
        "completed": local_time(order.completed, environment, zone=zone),
        "customer": name or NONE,
        "email": _text(customer.email if customer else None),
        "country": country or NONE,
        "ip_address": _text(customer.ip_address if customer else None),
        "card": card,
        "expiry": expiry,
        "holder": holder,
        "authorization_code": _text(details.authorization_code if details else None),
        "threeds": three_ds_words(authentication.status if authentication else None),
        "eci": eci_words(authentication.eci if authentication else None, details.type if details else None),
        "threeds_version": _text(authentication.version if authentication else None),
        "threeds_flow": _text(flow),
        "var1": _text(order.var1),
        "var2": _text(order.var2),
        "var3": _text(order.var3),
        "custom_info": _custom_info(order.custom_info),
    }
    tooltips = {
        key: as_sent(getattr(order, key), environment)
        for key in ("created", "modified", "completed")
        if getattr(order, key) is not None
    }
    return OrderSummary(
        order_id=values["order_id"],
        transaction_id=values["transaction_id"],
        status=order.status or "",
        financial_status=order.financial_status or "",
        status_words=status_words(order.status, order.financial_status),
        financial_words=status_words(order.financial_status),
        meaning=meaning(order.status, order.financial_status),
        values=values,
        tooltips=tooltips,
        related=_related(order.related_transactions, currency, environment, zone),
    )
