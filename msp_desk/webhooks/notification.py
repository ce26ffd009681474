"""A notification request as MultiSafepay sends it: URL, headers and signed body.

The local sandbox delivers these and the endpoint doctor sends a sample one, so
both build them here and a merchant's handler sees the same request from either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

from msp_desk.webhooks.signature import sign

Method = Literal["GET", "POST"]


@dataclass(frozen=True)
class Notification:
    method: Method
    url: str
    headers: dict[str, str]
    body: bytes | None


def notification_url(url: str, order_id: str, timestamp: int) -> str:
    """The merchant's URL with ``transactionid`` and ``timestamp`` added; its own query stays.

    MultiSafepay keeps existing query parameters (docs ``content/faq/api/notification-url.md``).
    """
    parts = urlsplit(url)
    extra = urlencode({"transactionid": order_id, "timestamp": str(timestamp)})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def compact_json(value: Any) -> bytes:
    """JSON as MultiSafepay's notification bodies are: no spaces, raw UTF-8, ``/`` unescaped."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def build_notification(
    url: str,
    order_id: str,
    timestamp: int,
    *,
    method: Method,
    body: bytes,
    api_key: str | None,
    user_agent: str,
) -> Notification:
    """The request for one delivery; a POST is signed when ``api_key`` is given, a GET has no body.

    MultiSafepay signs only POST bodies (the ``Auth`` header); a GET tells the shop to fetch
    the order itself.
    """
    headers = {"User-Agent": user_agent, "Accept": "*/*"}
    target = notification_url(url, order_id, timestamp)
    if method == "GET":
        return Notification("GET", target, headers, None)
    # ⚠️ MultiSafepay does not document the Content-Type; the WooCommerce plugin reads the
    # body as JSON parameters, which suggests application/json.
    headers["Content-Type"] = "application/json"
    if api_key:
        headers["Auth"] = sign(api_key, timestamp, body)
    return Notification("POST", target, headers, body)
