"""Checks on request bodies, answering with MultiSafepay's error codes.

Every message names the offending field, so a support engineer reading the
error in the app sees what to fix without opening the docs.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from msp_desk.core import statuses
from msp_desk.core.urls import NOTIFICATION_URL_MAX_LENGTH
from msp_desk.sandbox.cards import CARD_GATEWAYS, Brand, brand_of, expected_cvc_lengths, luhn_valid
from msp_desk.sandbox.errors import ApiError
from msp_desk.sandbox.store import TransactionMatch

E_UNKNOWN = 1000
E_AMOUNT = 1001
E_CURRENCY = 1002
E_ORDER_ID = 1006
E_IP = 1007
E_DESCRIPTION = 1008
E_VAR = 1010
E_COUNTRY = 1018
E_GATEWAY = 1023
E_REFUND = 1034

CURRENCIES = frozenset(
    {"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "AUD", "CAD", "JPY"}
)
MAX_AMOUNT = 10**11
"""A billion euros in cents: anything above is a unit mistake, and keeps sums far from float trouble."""

ORDER_STATUSES = frozenset(statuses.ORDER_STATUSES)
"""``status`` values: schemas/Status.yaml plus the list-transactions filter's own enum."""
FINANCIAL_STATUSES = frozenset(statuses.FINANCIAL_STATUSES)
"""What an order's ``financial_status`` can be (schemas/FinancialStatus.yaml)."""
FINANCIAL_STATUS_FILTERS = frozenset(statuses.FINANCIAL_STATUS_FILTERS)
"""What GET /transactions accepts for ``financial_status``: the order values and the filter's enum
(paths/listtransactions.yaml), whose extra values name ledger states the sandbox never reaches."""
TRANSACTION_TYPES = frozenset(
    {
        "admin_fee",
        "affiliate_payout",
        "automatic_payout",
        "chargeback",
        "coupon",
        "currency_conversion",
        "deposit",
        "fastcheckout",
        "monthly_fee",
        "payment",
        "refund",
        "reserve_chargeback",
        "signup_fee",
    }
)
GATEWAY_IDENTIFIERS = frozenset(
    [
        "AFTERPAY",
        "ALIPAY",
        "AMAZONBTN",
        "AMEX",
        "APPLEPAY",
        "BANKTRANS",
        "BELFIUS",
        "BILLINK",
        "BIZUM",
        "BNPL_INSTM",
        "BNPL_MF",
        "CBC",
        "CREDITCARD",
        "DBRTP",
        "DIRDEB",
        "DIRECTBANK",
        "DOTPAY",
        "EINVOICE",
        "EPS",
        "GIROPAY",
        "GOOGLEPAY",
        "IDEAL",
        "IDEALQR",
        "IN3",
        "KBC",
        "KLARNA",
        "MAESTRO",
        "MASTERCARD",
        "MBWAY",
        "MISTERCASH",
        "MULTIBANCO",
        "PAYPAL",
        "SANTANDER",
        "TRUSTLY",
        "TRUSTPAY",
        "VISA",
        "WECHAT",
        "ZINIA",
        "AMSGIFT",
        "BABYCAD",
        "BEAUTYCAD",
        "BEAUTYWELL",
        "BIERCHEQUE",
        "BLOEMENCAD",
        "BOEKENBON",
        "BOEKENVOOR",
        "DORDTPAS",
        "EDENCOM",
        "EDENECO",
        "EDENRES",
        "EDENSPORTS",
        "FASHIONCHQ",
        "FASHIONGFT",
        "GELREPAS",
        "GEZONDHEID",
        "GOOD4FUN",
        "HORSESGIFT",
        "HUISTUIN",
        "KIDSCADEAU",
        "KLUSCADEAU",
        "NATNLBIOSC",
        "NATENCRD",
        "NATNLETUIN",
        "OHMYGOOD",
        "ROTGIFT",
        "SPORTENFIT",
        "SPORTSGIFT",
        "UPAS",
        "VVVGIFTCARD",
        "WIJNCADEAU",
        "YOURGIFT",
    ]
)
"""``payment_method`` filter values (schemas/GatewayIdentifiers.yaml)."""
TRANSACTIONS_MAX_LIMIT = 1000
TRANSACTIONS_DEFAULT_LIMIT = 100


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or error 1000 saying what is wrong with it."""
    if not raw.strip():
        raise ApiError(E_UNKNOWN, "Invalid request: the body is empty, expected a JSON object")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        # ValueError covers bad JSON, bad UTF-8 and over-long integers.
        raise ApiError(E_UNKNOWN, f"Invalid request: the body is not valid JSON ({_short(exc)})") from None
    if not isinstance(value, dict):
        raise ApiError(E_UNKNOWN, "Invalid request: the body must be a JSON object")
    bad = _not_text_at(value)
    if bad is not None:
        raise ApiError(E_UNKNOWN, f"Invalid {bad}: not valid Unicode text (an unpaired surrogate)")
    return value


def is_text(value: str) -> bool:
    """False for strings holding lone UTF-16 surrogates, which SQLite and UTF-8 output both refuse.

    JSON lets a client write one as an escape (``"\\ud800"``), and some decoders (UTF-7 forms,
    json's own ``surrogatepass``) turn bytes into one.
    """
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_text_at(value: dict[str, Any]) -> str | None:
    """Where in a parsed body the first string or key that is not text sits, e.g. ``customer.city``.

    Iterative, because a body may be nested as deep as the JSON parser allows.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not is_text(item):
                return path or "request: a field with an empty name"
        elif isinstance(item, dict):
            for key, child in item.items():
                if not is_text(key):
                    return f"{path} (a field name)" if path else "request: a field name"
                stack.append((f"{path}.{key}"[:100] if path else key[:100], child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{index}]"[:100], child) for index, child in enumerate(item))
    return None


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:120]


@dataclass(frozen=True)
class CardInput:
    """What the sandbox keeps of a card: never the full number or the CVC."""

    brand: Brand
    last4: str
    expiry: str
    holder: str | None
    number_for_behaviour: str = field(repr=False)
    flexible_3d: bool = True


@dataclass(frozen=True)
class OrderRequest:
    order_id: str
    order_type: str
    gateway: str | None
    currency: str
    amount: int
    description: str
    payment_options: dict[str, Any]
    customer: dict[str, Any]
    card: CardInput | None
    var1: str | None
    var2: str | None
    var3: str | None
    items: str | None
    custom_info: dict[str, Any]


def _string(
    body: dict[str, Any], name: str, code: int, *, required: bool, max_len: int, label: str
) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(code, f"Missing required field {label}")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ApiError(code, f"Invalid {label}: expected a string")
    text = str(value)
    if len(text) > max_len:
        raise ApiError(code, f"Invalid {label}: longer than {max_len} characters")
    return text


def _object(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(E_UNKNOWN, f"Invalid {name}: expected a JSON object")
    return value


def check_url(value: Any, label: str, max_len: int = 2000) -> str | None:
    """http(s) URLs only. Unlike production, plain http and localhost are allowed here."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError(E_UNKNOWN, f"Invalid {label}: expected a URL string")
    if len(value) > max_len:
        raise ApiError(E_UNKNOWN, f"Invalid {label}: longer than {max_len} characters")
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise ApiError(E_UNKNOWN, f"Invalid {label}: not a valid URL") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname or not port_ok:
        raise ApiError(E_UNKNOWN, f"Invalid {label}: expected an http:// or https:// URL")
    if any(ch.isspace() for ch in value):
        raise ApiError(E_UNKNOWN, f"Invalid {label}: contains whitespace")
    return value


def check_amount(value: Any, label: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(E_AMOUNT, f"Invalid {label}: expected an integer number of cents")
    if value < 1 or value > MAX_AMOUNT:
        raise ApiError(E_AMOUNT, f"Invalid {label}: must be between 1 and {MAX_AMOUNT} cents")
    return value


def check_currency(value: Any, label: str = "currency") -> str:
    if value is None or value == "":
        raise ApiError(E_CURRENCY, f"Missing required field {label}")
    if not isinstance(value, str) or value.upper() not in CURRENCIES:
        raise ApiError(E_CURRENCY, f"Invalid {label}: expected an ISO 4217 code such as EUR")
    return value.upper()


def parse_order_request(body: dict[str, Any], today: dt.date) -> OrderRequest:
    order_type = body.get("type", "redirect")
    if order_type is None or order_type == "":
        order_type = "redirect"
    if not isinstance(order_type, str) or order_type not in {"direct", "redirect"}:
        raise ApiError(E_UNKNOWN, "Invalid type: the sandbox supports 'direct' and 'redirect'")

    order_id = _string(body, "order_id", E_ORDER_ID, required=True, max_len=50, label="order_id")
    assert order_id is not None
    if "amount" not in body:
        raise ApiError(E_AMOUNT, "Missing required field amount")
    amount = check_amount(body["amount"])
    currency = check_currency(body.get("currency"))
    description = _string(body, "description", E_DESCRIPTION, required=True, max_len=200, label="description")
    assert description is not None

    gateway_value = body.get("gateway")
    gateway: str | None
    if gateway_value is None or gateway_value == "":
        if order_type == "direct":
            raise ApiError(E_GATEWAY, "Missing required field gateway: direct orders need a card gateway")
        gateway = None
    elif not isinstance(gateway_value, str) or gateway_value.upper() not in CARD_GATEWAYS:
        raise ApiError(
            E_GATEWAY,
            "Invalid gateway: the sandbox supports " + ", ".join(sorted(CARD_GATEWAYS)),
        )
    else:
        gateway = gateway_value.upper()

    variables = {
        name: _string(body, name, E_VAR, required=False, max_len=500, label=name)
        for name in ("var1", "var2", "var3")
    }
    items = _string(body, "items", E_UNKNOWN, required=False, max_len=10000, label="items")
    custom_info = _object(body, "custom_info")
    payment_options = parse_payment_options(_object(body, "payment_options"))
    customer = parse_customer(_object(body, "customer"))

    card = None
    if order_type == "direct":
        gateway_info = body.get("gateway_info")
        if not isinstance(gateway_info, dict):
            raise ApiError(
                E_UNKNOWN, "Missing required field gateway_info: direct card orders need the card data"
            )
        assert gateway is not None
        card = parse_card(gateway_info, gateway, today)

    return OrderRequest(
        order_id=order_id,
        order_type=order_type,
        gateway=gateway,
        currency=currency,
        amount=amount,
        description=description,
        payment_options=payment_options,
        customer=customer,
        card=card,
        var1=variables["var1"],
        var2=variables["var2"],
        var3=variables["var3"],
        items=items,
        custom_info=custom_info,
    )


def parse_payment_options(options: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    result["notification_url"] = check_url(
        options.get("notification_url"),
        "payment_options.notification_url",
        max_len=NOTIFICATION_URL_MAX_LENGTH,
    )
    method = options.get("notification_method")
    if method is None or method == "":
        result["notification_method"] = None
    elif isinstance(method, str) and method.upper() in {"POST", "GET"}:
        result["notification_method"] = method.upper()
    else:
        raise ApiError(E_UNKNOWN, "Invalid payment_options.notification_method: expected POST or GET")
    result["redirect_url"] = check_url(options.get("redirect_url"), "payment_options.redirect_url")
    result["cancel_url"] = check_url(options.get("cancel_url"), "payment_options.cancel_url")
    close_window = options.get("close_window", False)
    if not isinstance(close_window, bool) and close_window is not None:
        raise ApiError(E_UNKNOWN, "Invalid payment_options.close_window: expected true or false")
    result["close_window"] = bool(close_window)
    return result


_CUSTOMER_FIELDS = (
    "locale",
    "first_name",
    "last_name",
    "address1",
    "address2",
    "house_number",
    "zip_code",
    "city",
    "state",
    "company_name",
    "user_agent",
    "referrer",
    "reference",
    "gender",
    "birthday",
    "forwarded_ip",
)


def parse_customer(customer: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in _CUSTOMER_FIELDS:
        result[name] = _string(
            customer, name, E_UNKNOWN, required=False, max_len=500, label=f"customer.{name}"
        )
    result["email"] = _string(
        customer, "email", E_UNKNOWN, required=False, max_len=64, label="customer.email"
    )
    result["phone"] = _string(
        customer, "phone", E_UNKNOWN, required=False, max_len=50, label="customer.phone"
    )
    ip = _string(customer, "ip_address", E_IP, required=False, max_len=64, label="customer.ip_address")
    if ip is not None:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise ApiError(E_IP, "Invalid customer.ip_address: not an IPv4 or IPv6 address") from None
    result["ip_address"] = ip
    country = _string(customer, "country", E_COUNTRY, required=False, max_len=2, label="customer.country")
    if country is not None and not (len(country) == 2 and country.isalpha() and country.isascii()):
        raise ApiError(E_COUNTRY, "Invalid customer.country: expected an ISO 3166-1 alpha-2 code such as NL")
    result["country"] = country.upper() if country else None
    return result


def parse_card(info: dict[str, Any], gateway: str, today: dt.date) -> CardInput:
    number_value = info.get("card_number")
    if number_value is None or number_value == "":
        raise ApiError(E_UNKNOWN, "Missing required field gateway_info.card_number")
    if isinstance(number_value, bool) or not isinstance(number_value, str | int):
        raise ApiError(E_UNKNOWN, "Invalid gateway_info.card_number: expected a string of digits")
    number = str(number_value).replace(" ", "").replace("-", "")
    if not number.isdigit() or not number.isascii() or not 12 <= len(number) <= 19:
        raise ApiError(E_UNKNOWN, "Invalid gateway_info.card_number: expected 12 to 19 digits")
    if not luhn_valid(number):
        raise ApiError(E_UNKNOWN, "Invalid gateway_info.card_number: the check digit is wrong (Luhn)")
    brand = brand_of(number)
    if brand is None:
        raise ApiError(
            E_UNKNOWN, "Invalid gateway_info.card_number: not a Visa, Mastercard, Amex or Maestro card"
        )
    if gateway != "CREDITCARD" and gateway != brand.value:
        raise ApiError(
            E_UNKNOWN,
            f"Invalid gateway_info.card_number: a {brand.value} card cannot be paid with gateway {gateway}",
        )

    expiry = parse_expiry(info.get("card_expiry_date"), today)

    # PHP sends card_cvc and cvc, the Python SDK only cvc: take whichever is set.
    cvc_value = info.get("card_cvc")
    cvc_label = "gateway_info.card_cvc"
    if cvc_value is None or cvc_value == "":
        cvc_value = info.get("cvc")
        cvc_label = "gateway_info.cvc"
    if cvc_value is None or cvc_value == "":
        if brand is not Brand.MAESTRO:
            raise ApiError(E_UNKNOWN, "Missing required field gateway_info.card_cvc (or cvc)")
    else:
        if isinstance(cvc_value, bool) or not isinstance(cvc_value, str | int):
            raise ApiError(E_UNKNOWN, f"Invalid {cvc_label}: expected digits")
        cvc = str(cvc_value)
        if not (cvc.isdigit() and cvc.isascii()) or len(cvc) not in expected_cvc_lengths(brand):
            lengths = " or ".join(str(n) for n in expected_cvc_lengths(brand))
            raise ApiError(E_UNKNOWN, f"Invalid {cvc_label}: expected {lengths} digits for {brand.value}")

    holder_value = info.get("card_holder_name")
    if holder_value is not None and not isinstance(holder_value, str):
        raise ApiError(E_UNKNOWN, "Invalid gateway_info.card_holder_name: expected a string")
    if holder_value is not None and len(holder_value) > 150:
        raise ApiError(E_UNKNOWN, "Invalid gateway_info.card_holder_name: longer than 150 characters")

    flexible = info.get("flexible_3d", True)
    if flexible is None:
        flexible = True
    if not isinstance(flexible, bool):
        raise ApiError(E_UNKNOWN, "Invalid gateway_info.flexible_3d: expected true or false")
    check_url(info.get("term_url"), "gateway_info.term_url")

    return CardInput(
        brand=brand,
        last4=number[-4:],
        expiry=expiry,
        holder=holder_value or None,
        number_for_behaviour=number,
        flexible_3d=flexible,
    )


def parse_expiry(value: Any, today: dt.date) -> str:
    """YYMM as a string or an integer (2512, or 501 for May 2005). Must not be in the past."""
    label = "gateway_info.card_expiry_date"
    if value is None or value == "":
        raise ApiError(E_UNKNOWN, f"Missing required field {label}")
    if isinstance(value, bool):
        raise ApiError(E_UNKNOWN, f"Invalid {label}: expected YYMM")
    if isinstance(value, int):
        if not 0 <= value <= 9999:
            raise ApiError(E_UNKNOWN, f"Invalid {label}: expected YYMM")
        text = f"{value:04d}"
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ApiError(E_UNKNOWN, f"Invalid {label}: expected YYMM")
    if len(text) != 4 or not text.isdigit() or not text.isascii():
        raise ApiError(E_UNKNOWN, f"Invalid {label}: expected YYMM, e.g. 2512")
    year, month = 2000 + int(text[:2]), int(text[2:])
    if not 1 <= month <= 12:
        raise ApiError(E_UNKNOWN, f"Invalid {label}: month must be 01 to 12")
    if (year, month) < (today.year, today.month):
        raise ApiError(E_UNKNOWN, f"Invalid {label}: the card has expired")
    return text


@dataclass(frozen=True)
class TransactionQuery:
    """GET /transactions parameters, checked: ``_from`` times are inclusive, ``_until`` exclusive."""

    limit: int
    match: TransactionMatch
    site_id: int | None = None


_SINGLE_FILTERS: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("status", ORDER_STATUSES),
    ("financial_status", FINANCIAL_STATUS_FILTERS),
    ("type", TRANSACTION_TYPES),
    ("currency", None),
)
_TIME_FILTERS = (
    ("created_from", "created_until", "created"),
    ("completed_from", "completed_until", "completed"),
)
_CARD_BRANDS = ("VISA", "MASTERCARD", "AMEX", "MAESTRO")


def parse_transaction_query(params: list[tuple[str, str]]) -> TransactionQuery:
    """Check the list filters, so a typo answers 400 naming the parameter instead of an empty list.

    ``params`` are the query's pairs in order: ``payment_method`` may repeat (the
    OpenAPI array's default form style, as the SDKs send it), other names may
    repeat only with the same value. An empty value counts as not given, as a
    search form with blank fields sends them.
    """
    given: dict[str, str] = {}
    methods: list[str] = []
    for name, value in params:
        if value == "":
            continue
        if name == "payment_method":
            methods.extend(part.strip().upper() for part in value.split(",") if part.strip())
        elif name in given and given[name] != value:
            raise ApiError(E_UNKNOWN, f"Invalid {name}: given more than once with different values")
        else:
            given[name] = value
    limit_text = given.get("limit", str(TRANSACTIONS_DEFAULT_LIMIT))
    if not id_digits(limit_text) or not 1 <= int(limit_text) <= TRANSACTIONS_MAX_LIMIT:
        raise ApiError(E_UNKNOWN, f"Invalid limit: expected an integer from 1 to {TRANSACTIONS_MAX_LIMIT}")
    site_id = None
    if "site_id" in given:
        if not id_digits(given["site_id"]):
            raise ApiError(E_UNKNOWN, "Invalid site_id: expected a website id (digits only)")
        site_id = int(given["site_id"])
    filters: dict[str, str] = {}
    for name, allowed in _SINGLE_FILTERS:
        if name in given:
            if allowed is not None and given[name] not in allowed:
                raise ApiError(E_UNKNOWN, f"Invalid {name}: expected one of {', '.join(sorted(allowed))}")
            filters[name] = given[name]
    for method in methods:
        if method not in GATEWAY_IDENTIFIERS:
            raise ApiError(
                E_UNKNOWN,
                f"Invalid payment_method: {method[:40]!r} is not a MultiSafepay gateway id such as VISA",
            )
    times: list[tuple[str, str, str]] = []
    for start, end, column in _TIME_FILTERS:
        low = _list_time(given[start], start) if start in given else None
        high = _list_time(given[end], end) if end in given else None
        if low is not None and high is not None and low > high:
            raise ApiError(E_UNKNOWN, f"Invalid {start}: it is after {end}")
        if low is not None:
            times.append((column, ">=", low))
        if high is not None:
            times.append((column, "<", high))
    match = TransactionMatch(filters, _expand_card_gateway(methods), tuple(times))
    return TransactionQuery(int(limit_text), match, site_id)


def _expand_card_gateway(methods: list[str]) -> tuple[str, ...]:
    """CREDITCARD also matches the card brands: a paid card order is listed under its brand."""
    expanded = [*methods, *(_CARD_BRANDS if "CREDITCARD" in methods else ())]
    return tuple(dict.fromkeys(expanded))


def id_digits(text: str) -> bool:
    """Whether ``text`` is an id or count int() and SQLite both take."""
    # ASCII only: str.isdigit() also accepts "²", which int() refuses. At most 18 digits keeps
    # int() cheap and the value inside SQLite's 64-bit integers.
    return text.isascii() and text.isdigit() and len(text) <= 18


UNIX_SECONDS_MAX_DIGITS = 11
"""Unix seconds up to year 5138: a longer run of digits is not a time anyone meant."""


def _list_time(value: str, name: str) -> str:
    """A list filter's time as the stored UTC ``YYYY-MM-DDTHH:MM:SS``, for comparison.

    MultiSafepay's examples for these filters: ``2021-01-01T12:00:00``,
    ``2021-01-01`` and ``1609502400`` (requests/transactions/timestamp.yaml).
    Digits alone are Unix seconds; anything else is ISO 8601. A time with an
    offset is converted to UTC; one without is taken as UTC, like the
    timestamps the API answers with. A bare date means its midnight, so
    ``created_until=2024-06-01`` lists what was created before that day, as
    the docs say ("before but not on the specified date").
    """
    try:
        if value.isascii() and value.isdigit():
            if len(value) > UNIX_SECONDS_MAX_DIGITS:
                raise ValueError("too many digits")
            moment = dt.datetime.fromtimestamp(int(value), dt.UTC).replace(tzinfo=None)
        else:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                moment = dt.datetime.fromisoformat(value)
                if moment.tzinfo is not None:
                    moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
            else:
                moment = dt.datetime.combine(day, dt.time.min)
        if moment.microsecond:
            # Stored times are whole seconds: round up, so 12:00:00.5 neither lets in nor shuts out 12:00:00.
            moment = moment.replace(microsecond=0) + dt.timedelta(seconds=1)
    except (ValueError, OverflowError, OSError):
        raise ApiError(
            E_UNKNOWN,
            f"Invalid {name}: expected a date, a date-time or Unix seconds, such as 2024-05-01, "
            "2024-05-01T13:45:00 or 1714571100",
        ) from None
    return moment.isoformat(timespec="seconds")
