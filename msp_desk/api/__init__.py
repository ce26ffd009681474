"""MultiSafepay JSON API client: typed requests, answers and errors, no Qt.

Names are imported on first use, so importing a light module such as
``msp_desk.api.environments`` does not pull in httpx at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from msp_desk.api.client import MspClient
    from msp_desk.api.environments import LIVE_BASE_URL, TEST_BASE_URL, Environment, base_url_for
    from msp_desk.api.errors import (
        ConnectionDropped,
        InvalidApiKey,
        MalformedResponse,
        MspError,
        NetworkUnreachable,
        NotFound,
        OrderNotCreated,
        OrderStateUnknown,
        RequestRejected,
        RequestTimeout,
        ServerError,
        ValidationFailed,
    )
    from msp_desk.api.http import USER_AGENT, make_http_client
    from msp_desk.api.models import ApiResponse, Me, Order, RefundResult, Site, Transaction, TransactionPage
    from msp_desk.api.request_models import (
        Browser,
        CardGatewayInfo,
        Customer,
        DirectCardOrder,
        PaymentOptions,
        RefundRequest,
        SiteUpdate,
        TransactionFilters,
    )
    from msp_desk.api.retry import RetryPolicy
    from msp_desk.core.redaction import mask_key, redact

_MODULE_OF = {
    "MspClient": "msp_desk.api.client",
    "LIVE_BASE_URL": "msp_desk.api.environments",
    "TEST_BASE_URL": "msp_desk.api.environments",
    "Environment": "msp_desk.api.environments",
    "base_url_for": "msp_desk.api.environments",
    "ConnectionDropped": "msp_desk.api.errors",
    "InvalidApiKey": "msp_desk.api.errors",
    "MalformedResponse": "msp_desk.api.errors",
    "MspError": "msp_desk.api.errors",
    "NetworkUnreachable": "msp_desk.api.errors",
    "NotFound": "msp_desk.api.errors",
    "OrderNotCreated": "msp_desk.api.errors",
    "OrderStateUnknown": "msp_desk.api.errors",
    "RequestRejected": "msp_desk.api.errors",
    "RequestTimeout": "msp_desk.api.errors",
    "ServerError": "msp_desk.api.errors",
    "ValidationFailed": "msp_desk.api.errors",
    "USER_AGENT": "msp_desk.api.http",
    "make_http_client": "msp_desk.api.http",
    "mask_key": "msp_desk.core.redaction",
    "redact": "msp_desk.core.redaction",
    "ApiResponse": "msp_desk.api.models",
    "Me": "msp_desk.api.models",
    "Order": "msp_desk.api.models",
    "RefundResult": "msp_desk.api.models",
    "Site": "msp_desk.api.models",
    "Transaction": "msp_desk.api.models",
    "TransactionPage": "msp_desk.api.models",
    "Browser": "msp_desk.api.request_models",
    "CardGatewayInfo": "msp_desk.api.request_models",
    "Customer": "msp_desk.api.request_models",
    "DirectCardOrder": "msp_desk.api.request_models",
    "PaymentOptions": "msp_desk.api.request_models",
    "RefundRequest": "msp_desk.api.request_models",
    "SiteUpdate": "msp_desk.api.request_models",
    "TransactionFilters": "msp_desk.api.request_models",
    "RetryPolicy": "msp_desk.api.retry",
}

__all__ = [
    "LIVE_BASE_URL",
    "TEST_BASE_URL",
    "USER_AGENT",
    "ApiResponse",
    "Browser",
    "CardGatewayInfo",
    "ConnectionDropped",
    "Customer",
    "DirectCardOrder",
    "Environment",
    "InvalidApiKey",
    "MalformedResponse",
    "Me",
    "MspClient",
    "MspError",
    "NetworkUnreachable",
    "NotFound",
    "Order",
    "OrderNotCreated",
    "OrderStateUnknown",
    "PaymentOptions",
    "RefundRequest",
    "RefundResult",
    "RequestRejected",
    "RequestTimeout",
    "RetryPolicy",
    "ServerError",
    "Site",
    "SiteUpdate",
    "Transaction",
    "TransactionFilters",
    "TransactionPage",
    "ValidationFailed",
    "base_url_for",
    "make_http_client",
    "mask_key",
    "redact",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
