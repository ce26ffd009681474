"""What msp-desk sends to MultiSafepay.

Card number and CVC are ``SecretStr``: they print as ``**********`` in repr,
str, logs, tracebacks and ``model_dump``. Only ``to_payload()`` reveals them,
and only for the request body.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from msp_desk.core.urls import NOTIFICATION_URL_MAX_LENGTH

NotificationMethod = Literal["POST", "GET"]


class RequestModel(BaseModel):
    # Our own requests: a misspelt field is a bug, not a MultiSafepay quirk.
    # Validation errors must not quote the input: it may be a card number.
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    def to_payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class CardGatewayInfo(RequestModel):
    card_number: SecretStr
    card_holder_name: str = Field(min_length=1)
    card_expiry_date: str = Field(description="YYMM, e.g. '2512'")
    card_cvc: SecretStr | None = Field(default=None, description="Not needed for Maestro")
    flexible_3d: bool | None = None
    term_url: str | None = None
    moto: bool | None = None

    @field_validator("card_number", mode="before")
    @classmethod
    def _digits_only(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(raw, str):
            raise ValueError("card number must be text")
        digits = re.sub(r"[ -]", "", raw)
        # The message never repeats the value: it would end up in the validation error text.
        if not digits.isdigit() or not 12 <= len(digits) <= 19:
            raise ValueError("card number must be 12 to 19 digits")
        return digits

    @field_validator("card_cvc", mode="before")
    @classmethod
    def _cvc_digits(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw is None:
            return None
        if not isinstance(raw, str) or not raw.isdigit() or len(raw) not in (3, 4):
            raise ValueError("CVC must be 3 or 4 digits")
        return raw

    @field_validator("card_expiry_date", mode="before")
    @classmethod
    def _yymm(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value).zfill(4)
        if not isinstance(value, str) or not re.fullmatch(r"\d{2}(0[1-9]|1[0-2])", value):
            raise ValueError("expiry date must be YYMM, e.g. 2512")
        return value

    def to_payload(self) -> dict[str, Any]:
        payload = super().to_payload()
        payload["card_number"] = self.card_number.get_secret_value()
        if self.card_cvc is not None:
            payload["card_cvc"] = self.card_cvc.get_secret_value()
        return payload


class PaymentOptions(RequestModel):
    notification_url: str | None = Field(default=None, max_length=NOTIFICATION_URL_MAX_LENGTH)
    notification_method: NotificationMethod | None = None
    redirect_url: str | None = None
    cancel_url: str | None = None
    close_window: bool | None = None


class Browser(RequestModel):
    """Device details 3-D Secure 2 needs for direct card payments."""

    javascript_enabled: Literal[0, 1] | None = None
    java_enabled: Literal[0, 1] | None = None
    cookies_enabled: Literal[0, 1] | None = None
    language: str | None = None
    accept_header: str | None = None
    screen_color_depth: str | None = None
    screen_height: str | None = None
    screen_width: str | None = None
    time_zone: str | None = None
    user_agent: str | None = None
    platform: str | None = None


class Customer(RequestModel):
    email: str | None = Field(default=None, max_length=64)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    ip_address: str | None = None
    forwarded_ip: str | None = None
    locale: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    house_number: str | None = None
    zip_code: str | None = None
    city: str | None = None
    state: str | None = None
    phone: str | None = None
    birthday: str | None = None
    gender: str | None = None
    user_agent: str | None = None
    referrer: str | None = None
    browser: Browser | None = None


class DirectCardOrder(RequestModel):
    """POST /orders for a card payment whose card details msp-desk sends itself."""

    order_id: str = Field(min_length=1, max_length=50)
    currency: str = Field(min_length=3, max_length=3)
    amount: int = Field(ge=1, description="Minor units (cents)")
    description: str = Field(min_length=1, max_length=200)
    gateway: str = "CREDITCARD"
    type: Literal["direct"] = "direct"
    gateway_info: CardGatewayInfo
    payment_options: PaymentOptions | None = None
    customer: Customer | None = None
    var1: str | None = Field(default=None, max_length=100)
    var2: str | None = Field(default=None, max_length=100)
    var3: str | None = Field(default=None, max_length=100)

    @field_validator("amount", mode="before")
    @classmethod
    def _whole_cents(cls, value: Any) -> Any:
        if isinstance(value, float):
            raise ValueError("amount is in cents and must be a whole number")
        return value

    def to_payload(self) -> dict[str, Any]:
        payload = super().to_payload()
        payload["gateway_info"] = self.gateway_info.to_payload()
        return payload

    def card_summary(self) -> tuple[str, str]:
        """The brand (gateway) and the card's last four digits: all of the card that may be kept."""
        return self.gateway, self.gateway_info.card_number.get_secret_value()[-4:]

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a message about this request."""
        info = self.gateway_info
        cvc = info.card_cvc.get_secret_value() if info.card_cvc else ""
        return tuple(s for s in (info.card_number.get_secret_value(), cvc) if s)


class RefundRequest(RequestModel):
    currency: str = Field(min_length=3, max_length=3)
    amount: int | None = Field(default=None, ge=1, description="Cents; None refunds the whole order")
    description: str | None = None
    refund_order_id: str | None = Field(default=None, max_length=50)
    var1: str | None = None
    var2: str | None = None
    var3: str | None = None


class SiteUpdate(RequestModel):
    """PATCH /sites/{id}: only the fields that were set are sent, so None can clear a field."""

    name: str | None = Field(default=None, max_length=120)
    url: str | None = None
    notification_url: str | None = Field(default=None, max_length=NOTIFICATION_URL_MAX_LENGTH)
    price_from: int | None = None
    price_till: int | None = None
    support_email: str | None = None
    support_phone: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class TransactionFilters(RequestModel):
    site_id: int | str | None = None
    status: str | None = None
    financial_status: str | None = None
    payment_method: list[str] | None = None
    type: str | None = None
    currency: str | None = None
    created_from: datetime | date | str | None = None
    created_until: datetime | date | str | None = None
    completed_from: datetime | date | str | None = None
    completed_until: datetime | date | str | None = None
    limit: int | None = Field(default=None, ge=1, le=1000)
    after: str | None = None
    before: str | None = None

    def to_params(self) -> list[tuple[str, str]]:
        """Query parameters; lists repeat the name (OpenAPI's default form/explode style)."""
        params: list[tuple[str, str]] = []
        for name, value in self:
            if value is None:
                continue
            if isinstance(value, list):
                params.extend((name, str(item)) for item in value)
            elif isinstance(value, datetime | date):
                params.append((name, value.isoformat()))
            else:
                params.append((name, str(value)))
        return params


def cancel_payload(exclude_order: bool = True) -> dict[str, Any]:
    return {"status": "cancelled", "exclude_order": exclude_order}
