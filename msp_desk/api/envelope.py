"""Turning an HTTP answer into MultiSafepay's JSON document, or into the right error.

MultiSafepay wraps answers as ``{"success": bool, "data": ..., "error_code",
"error_info"}``, but not always: some endpoints answer ``{"message": ...}``,
partner endpoints use 422 with an ``errors`` list, and a proxy in front of the
API can answer with an HTML page. The HTTP status alone is not reliable
either (the PHP SDK ignores it and only trusts ``success``), so both are used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from msp_desk.api.environments import Environment
from msp_desk.api.errors import (
    InvalidApiKey,
    MalformedResponse,
    MspError,
    NotFound,
    RateLimited,
    RequestRejected,
    ServerError,
    ValidationFailed,
)
from msp_desk.core.redaction import redact

MAX_DETAIL = 200

# Error codes that are about one request field (MultiSafepay's error reference).
FIELD_FOR_CODE: dict[int, str] = {
    1001: "amount",
    1002: "currency",
    1003: "account_id",
    1007: "ip_address",
    1008: "description",
    1010: "var1",
    1018: "country",
    1036: "issuer_id",
}

# Names that may appear in ``error_info`` text; longest first so card_expiry_date beats card.
KNOWN_FIELDS: tuple[str, ...] = tuple(
    sorted(
        {
            "order_id",
            "refund_order_id",
            "currency",
            "amount",
            "description",
            "gateway",
            "card_number",
            "card_holder_name",
            "card_expiry_date",
            "card_cvc",
            "email",
            "country",
            "ip_address",
            "locale",
            "notification_url",
            "notification_method",
            "redirect_url",
            "cancel_url",
            "var1",
            "var2",
            "var3",
            "name",
            "url",
            "support_email",
            "support_phone",
            "price_from",
            "price_till",
        },
        key=len,
        reverse=True,
    )
)


def one_line(text: str, secrets: Sequence[str] = ()) -> str:
    """Collapse server text to a short, single, secret-free line."""
    text = redact(" ".join(text.split()), secrets)
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def field_in(text: str) -> str | None:
    lowered = text.lower()
    for name in KNOWN_FIELDS:
        if re.search(rf"(?<![a-z0-9_]){re.escape(name)}(?![a-z0-9_])", lowered):
            return name
    return None


def _looks_like_html(text: str, content_type: str) -> bool:
    head = text.lstrip()[:200].lower()
    return "html" in content_type.lower() or head.startswith(("<!doctype", "<html", "<"))


def _html_title(text: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    return match.group(1) if match else ""


def _parse_json(text: str) -> tuple[Any, ValueError | RecursionError | None]:
    try:
        return json.loads(text), None
    except (ValueError, RecursionError) as exc:
        # Besides malformed text: a number of more than 4,300 digits (Python's int limit) or
        # nesting deeper than the recursion limit. JSONDecodeError is a ValueError too.
        return None, exc


def _error_parts(doc: Any) -> tuple[int | None, str]:
    if not isinstance(doc, dict):
        return None, ""
    code = doc.get("error_code")
    if isinstance(code, str) and re.fullmatch(r"[0-9]{1,9}", code.strip()):
        # Not str.isdigit(): it accepts "²" and other scripts' digits, which int() refuses.
        code = int(code)
    info = doc.get("error_info") or doc.get("message") or ""
    return (code if isinstance(code, int) and not isinstance(code, bool) else None), str(info)


def decode(
    *,
    status: int,
    text: str,
    content_type: str,
    host: str,
    environment: Environment,
    subject: str,
    secrets: Sequence[str] = (),
    retry_after: float | None = None,
) -> dict[str, Any]:
    """Return the JSON document of a successful answer, or raise the matching ``MspError``.

    ``subject`` names what was asked for ("order abc-1"), for not-found messages.
    ``retry_after`` is the answer's ``Retry-After`` in seconds, kept on a 429's error.
    """
    doc, json_error = _parse_json(text)
    code, info = _error_parts(doc)
    detail = one_line(info, secrets)

    if status >= 500:
        if json_error is not None and _looks_like_html(text, content_type):
            title = one_line(_html_title(text), secrets)
            detail = f"an HTML error page{': ' + title if title else ''}"
        suffix = f": {detail}" if detail else ""
        raise ServerError(
            f"{host} had a server error (HTTP {status}){suffix}.",
            code=code if code is not None else status,
            http_status=status,
        )
    if status == 429:
        # Whatever the body says (a proxy's page, an error document), the request was not handled.
        asked = f"; it asks to wait {retry_after:g} s" if retry_after is not None else ""
        raise RateLimited(
            f"{host} is limiting the request rate (HTTP 429){asked}.",
            code=code if code is not None else status,
            retry_after=retry_after,
        )

    if json_error is not None and not isinstance(json_error, json.JSONDecodeError):
        raise MalformedResponse(
            f"{host} answered with JSON nested too deeply or with numbers too long to read (HTTP {status}).",
            code="unreadable_json",
            http_status=status,
        )
    if json_error is not None:
        raise _malformed(status, text, content_type, host, secrets)
    if not isinstance(doc, dict):
        raise MalformedResponse(
            f"{host} answered with JSON that is not an object (HTTP {status}).",
            code="unexpected_json",
            http_status=status,
        )

    if doc.get("success") is True and status < 400:
        return doc
    if status < 400 and code is None and doc.get("success") is not False:
        raise MalformedResponse(
            f"{host} answered without the success flag MultiSafepay always sends (HTTP {status}).",
            code="unexpected_json",
            http_status=status,
        )
    raise error_for(
        status=status, code=code, detail=detail, doc=doc, environment=environment, subject=subject
    )


def error_for(
    *,
    status: int,
    code: int | None,
    detail: str,
    doc: dict[str, Any],
    environment: Environment,
    subject: str,
) -> MspError:
    if code == 1032 or status in (401, 403):
        return InvalidApiKey(environment, code=code if code is not None else status, http_status=status)

    label = f"error {code}" if code is not None else f"HTTP {status}"
    because = f"{label}: {detail}" if detail else label
    if code == 1006 or (code in (None, 1000) and status in (404, 410)):
        return NotFound(
            f"{subject[:1].upper()}{subject[1:]} was not found on {environment.label} ({because}).",
            code=code if code is not None else status,
            http_status=status,
        )

    errors = doc.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        field = str(first.get("attribute") or "") or None
        text = one_line(str(first.get("message") or detail or "invalid value"))
        where = f" {field}" if field else ""
        return ValidationFailed(
            f"MultiSafepay rejected{where}: {text} ({label}).",
            code=code if code is not None else status,
            field=field,
            http_status=status,
        )

    field = FIELD_FOR_CODE.get(code) if code is not None else None
    field = field or field_in(detail)
    if field is not None or status in (400, 422):
        where = f" {field}" if field else " the request"
        return ValidationFailed(
            f"MultiSafepay rejected{where} ({because}).",
            code=code if code is not None else status,
            field=field,
            http_status=status,
        )
    return RequestRejected(
        f"MultiSafepay refused the request ({because}).",
        code=code if code is not None else status,
        http_status=status,
    )


def _cut_short(text: str) -> bool:
    """True when the JSON parser ran out of text, as it does on a body that was cut off.

    A cut can also fall inside a literal (``tr`` of ``true``) or a number (``-`` of ``-5``,
    ``0.`` of ``0.44``); the parser then stops at its start or at the dot, so what is left
    must be the beginning of one.
    """
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        rest = text[exc.pos :].rstrip()
        inside_literal = bool(rest) and (
            any(word.startswith(rest) for word in ("true", "false", "null"))
            or re.fullmatch(r"[-+.eE0-9]+", rest) is not None
        )
        return exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string") or inside_literal
    return False


def _malformed(
    status: int,
    text: str,
    content_type: str,
    host: str,
    secrets: Sequence[str],
) -> MalformedResponse:
    if not text.strip():
        return MalformedResponse(
            f"{host} sent an empty answer (HTTP {status}).", code="empty", http_status=status
        )
    if _looks_like_html(text, content_type):
        title = one_line(_html_title(text), secrets)
        named = f": {title}" if title else ""
        return MalformedResponse(
            f"{host} answered with an HTML page instead of JSON (HTTP {status}){named}.",
            code="html",
            http_status=status,
        )
    if _cut_short(text):
        return MalformedResponse(
            f"The answer from {host} was cut short (HTTP {status}).", code="truncated", http_status=status
        )
    return MalformedResponse(
        f"{host} answered with something that is not JSON (HTTP {status}).",
        code="not_json",
        http_status=status,
    )
