"""Typed views of MultiSafepay's JSON answers.

MultiSafepay's payloads are loose: the same field arrives as a number in one
answer and a string in another, new fields appear without notice, and money is
in cents except for ``costs`` on an order, which is in euros. These models
accept all of that, keep unknown fields (``extra="allow"``), and never pass a
number through ``float`` on its way to an int, so 16- and 17-digit PSP ids
stay exact. The untouched JSON is kept next to every model in ``ApiResponse``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr


def _psp_id(value: Any) -> Any:
    if isinstance(value, bool | float | Decimal):
        # A float id has already lost digits; refusing it is better than showing a wrong id.
        raise ValueError("ids must be whole numbers or strings")
    if isinstance(value, str) and value.isdigit() and not value.startswith("0"):
        return int(value)
    return value


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    return value


def _four_digits(value: Any) -> Any:
    # last4 4444 and expiry 2512 come as numbers too; a number loses leading zeros ("0912" -> 912).
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(4)
    return value


def _timestamp(value: Any) -> Any:
    if value in ("", None):
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            # The raw JSON still holds the text; a strange date must not hide the whole order.
            return None
    return value


PspId = Annotated[int | str, BeforeValidator(_psp_id)]
"""A transaction, refund, account or site id: an exact int when numeric, else the string as sent."""
Text = Annotated[str, BeforeValidator(_text)]
"""A field documented as a string that sometimes arrives as a number."""
FourDigits = Annotated[str, BeforeValidator(_four_digits)]
"""``last4`` and ``card_expiry_date`` (YYMM), always as a zero-padded string."""
Timestamp = Annotated[datetime | None, BeforeValidator(_timestamp)]
"""MultiSafepay's local times such as ``2019-03-01T16:12:47`` (no time zone)."""


class MspModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Cost(MspModel):
    transaction_id: PspId | None = None
    amount: Decimal | None = Field(default=None, description="Euros, not cents, e.g. 0.44")
    description: str | None = None
    type: str | None = None
    status: str | None = None
    created: Timestamp = None


class CardAuthenticationResult(MspModel):
    acs_transaction_id: str | None = None
    ds_transaction_id: str | None = None
    cavv: str | None = None
    eci: Text | None = None
    status: str | None = None
    version: str | None = None
    transaction_status_reason: Text | None = None


class CardAuthenticationDetails(MspModel):
    flow: str | None = None


class PaymentDetails(MspModel):
    type: str | None = None
    account_holder_name: str | None = None
    account_id: Text | None = None
    last4: FourDigits | None = None
    card_expiry_date: FourDigits | None = None
    authorization_code: Text | None = None
    response_code: Text | None = None
    card_funding: str | None = None
    card_product: str | None = None
    card_authentication_details: CardAuthenticationDetails | None = None
    card_authentication_result: CardAuthenticationResult | None = None
    external_transaction_id: Text | None = None
    recurring_id: Text | None = None
    recurring_model: str | None = None
    recurring_flow: str | None = None
    scheme_reference_id: Text | None = None


class PaymentMethod(MspModel):
    type: str | None = None
    status: str | None = None
    amount: int | None = Field(default=None, description="Cents")
    currency: str | None = None
    description: str | None = None
    payment_description: str | None = None
    last4: FourDigits | None = None
    card_expiry_date: FourDigits | None = None
    account_holder_name: str | None = None
    external_transaction_id: Text | None = None


class OrderCustomer(MspModel):
    locale: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    house_number: Text | None = None
    zip_code: Text | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    country_name: str | None = None
    phone1: Text | None = None
    phone2: Text | None = None
    email: str | None = None
    company_name: str | None = None
    # Not in MultiSafepay's example answers, but OrderDetails.customer is the Customer schema, which has it.
    ip_address: str | None = None


class RelatedTransaction(MspModel):
    transaction_id: PspId | None = None
    type: str | None = None
    status: str | None = None
    amount: int | None = Field(default=None, description="Cents")
    currency: str | None = None
    description: str | None = None
    created: Timestamp = None
    costs: list[Cost] | None = None


class CustomerVerification(MspModel):
    """The 3-D Secure step of a direct card order; ``html`` is an auto-submitting form."""

    type: str | None = None
    html: str | None = None


class Order(MspModel):
    """An order as returned by GET /orders/{id} and by a direct POST /orders."""

    transaction_id: PspId | None = None
    order_id: Text | None = None
    status: str | None = None
    financial_status: str | None = None
    reason: str | None = None
    reason_code: Text | None = None
    amount: int | None = Field(default=None, description="Cents")
    amount_refunded: int | None = Field(default=None, description="Cents")
    currency: str | None = None
    description: str | None = None
    created: Timestamp = None
    modified: Timestamp = None
    completed: Timestamp = None
    items: str | None = None
    fastcheckout: str | None = None
    var1: Text | None = None
    var2: Text | None = None
    var3: Text | None = None
    custom_info: dict[str, Any] | None = None
    customer: OrderCustomer | None = None
    payment_details: PaymentDetails | None = None
    payment_methods: list[PaymentMethod] | None = None
    costs: list[Cost] | None = None
    related_transactions: list[RelatedTransaction] | None = None
    payment_url: str | None = None
    cancel_url: str | None = None
    session_id: str | None = None
    customer_verification: CustomerVerification | None = None

    @property
    def needs_3ds(self) -> bool:
        return self.customer_verification is not None or (
            self.status == "initialized" and self.payment_url is not None
        )


class Me(MspModel):
    """Who a key belongs to (GET /me)."""

    account_id: PspId | None = None
    site_id: PspId | None = None
    role: str | None = None


class Site(MspModel):
    id: PspId | None = None
    account_id: PspId | None = None
    # GET /sites answers with the site's own key; keep it out of repr and logs.
    api_key: SecretStr | None = None
    name: str | None = None
    url: str | None = None
    notification_url: str | None = None
    price_from: int | None = Field(default=None, description="Cents")
    price_till: int | None = Field(default=None, description="Cents")
    support_email: str | None = None
    support_phone: Text | None = None


class RefundResult(MspModel):
    transaction_id: PspId | None = Field(default=None, description="The refunded order's PSP id")
    refund_id: PspId | None = Field(default=None, description="The refund's own PSP id, when sent")
    order_id: Text | None = None


class Empty(MspModel):
    """``data: {}``, as a cancel answers; extra fields are still kept."""


class TransactionCost(MspModel):
    amount: Decimal | None = Field(default=None, description="Cents in this listing (unlike Order.costs)")
    description: str | None = None


class TransactionCustomer(MspModel):
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    iban: str | None = None


class Transaction(MspModel):
    """One row of GET /transactions."""

    transaction_id: PspId | None = None
    order_id: Text | None = None
    site_id: PspId | None = None
    type: str | None = None
    status: str | None = None
    financial_status: str | None = None
    payment_method: str | None = None
    amount: int | None = Field(default=None, description="Cents")
    net: int | None = Field(default=None, description="Cents")
    currency: str | None = None
    debit_credit: str | None = None
    description: str | None = None
    created: Timestamp = None
    completed: Timestamp = None
    customer: TransactionCustomer | None = None
    costs: list[TransactionCost] | None = None
    var1: Text | None = None
    var2: Text | None = None
    var3: Text | None = None


class Cursor(MspModel):
    after: str | None = None
    before: str | None = None


class Pager(MspModel):
    after: str | None = None
    before: str | None = None
    cursor: Cursor | None = None
    limit: int | None = None


class TransactionPage(MspModel):
    transactions: list[Transaction] = Field(default_factory=list)
    pager: Pager | None = None

    @property
    def next_cursor(self) -> str | None:
        """The ``after`` cursor for the next (older) page, or None on the last page."""
        return self.pager.cursor.after if self.pager and self.pager.cursor else None

    @property
    def previous_cursor(self) -> str | None:
        return self.pager.cursor.before if self.pager and self.pager.cursor else None


T = TypeVar("T")


@dataclass(frozen=True)
class ApiResponse(Generic[T]):
    """A parsed answer together with exactly what MultiSafepay sent, for the raw view.

    ``raw`` is the whole JSON document (envelope included); ``text`` is the body
    as received. Note that GET /sites answers contain the site's API key in both.
    """

    data: T
    raw: dict[str, Any]
    text: str
    status_code: int
    # True when a create-order call failed in transit and the order was found by looking it up.
    reconciled: bool = False
