"""MultiSafepay JSON API client: typed requests, answers and errors, no Qt."""

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
from msp_desk.api.masking import mask_key, redact
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
