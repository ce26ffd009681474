"""MultiSafepay's JSON API, one method per operation msp-desk needs.

The same code talks to Live, Test and the local sandbox; only the base URL
and the key differ. Every call blocks, so the UI runs them off its thread.
An optional observer hears of every HTTP exchange (:mod:`msp_desk.api.exchanges`):
that is how each call about an order reaches its timeline, from one place.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from msp_desk.api.envelope import decode
from msp_desk.api.environments import Environment, environment_for_url
from msp_desk.api.errors import (
    ConnectionDropped,
    MalformedResponse,
    MspError,
    NetworkUnreachable,
    NotFound,
    OrderNotCreated,
    OrderStateUnknown,
    RateLimited,
    RequestTimeout,
    ServerError,
    ValidationFailed,
)
from msp_desk.api.exchanges import Exchange, ExchangeObserver, Purpose
from msp_desk.api.models import ApiResponse, Empty, Me, Order, RefundResult, Site, TransactionPage
from msp_desk.api.request_models import (
    DirectCardOrder,
    RefundRequest,
    SiteUpdate,
    TransactionFilters,
    cancel_payload,
)
from msp_desk.api.retry import RetryPolicy, retry_after_seconds
from msp_desk.core.money import format_minor
from msp_desk.core.order_ids import invalid_character
from msp_desk.core.redaction import redact

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

_INVALID_TEXT = "The request has text that is not valid (a lone surrogate); nothing was sent."

# Failures after which a GET is worth repeating.
_TRANSIENT: tuple[type[MspError], ...] = (NetworkUnreachable, RequestTimeout, ConnectionDropped, ServerError)


@dataclass(frozen=True)
class _Received:
    status: int
    text: str
    content_type: str
    retry_after: float | None = None


@dataclass(frozen=True)
class _Call:
    """What the observer is told a request is for, besides its method and path."""

    purpose: Purpose = Purpose.OTHER
    order_id: str | None = None
    summary: str = ""


_NOT_ABOUT_AN_ORDER = _Call()


class MspClient:
    """A MultiSafepay API client for one key on one environment.

    ``http_client`` is shared and owned by the caller (see ``make_http_client``).
    The key travels only in the ``api_key`` header, never in a URL, so it
    cannot end up in access logs, proxies or exception text. ``observer`` is
    told of each exchange (see :class:`~msp_desk.api.exchanges.Exchange`).
    """

    def __init__(
        self,
        http_client: httpx.Client,
        base_url: str,
        api_key: str,
        *,
        retry: RetryPolicy | None = None,
        environment: Environment | None = None,
        observer: ExchangeObserver | None = None,
    ) -> None:
        if not api_key or any(c.isspace() for c in api_key) or not api_key.isascii():
            # An HTTP header cannot carry anything else; httpx would fail on every call.
            raise ValueError("The API key is empty, contains whitespace or is not ASCII")
        self._http = http_client
        self._base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._api_key = api_key
        self._retry = retry or RetryPolicy()
        self._host = urlsplit(self._base_url).netloc or self._base_url
        self._base_path = urlsplit(self._base_url).path or "/"
        self.environment = environment or environment_for_url(self._base_url)
        self.observer = observer

    def __repr__(self) -> str:
        return f"MspClient({self._base_url!r}, environment={self.environment.value})"

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def retry(self) -> RetryPolicy:
        return self._retry

    def with_retry(self, retry: RetryPolicy) -> MspClient:
        """The same key, URL and shared HTTP client with another retry policy."""
        return MspClient(
            self._http,
            self._base_url,
            self._api_key,
            retry=retry,
            environment=self.environment,
            observer=self.observer,
        )

    # --- operations -------------------------------------------------------

    def me(self) -> ApiResponse[Me]:
        """Who the key belongs to: account id, site id and role."""
        doc, received = self._get("me", subject="the key's identity")
        return self._result(Me, doc.get("data"), doc, received)

    def get_order(self, order_id: str, *, poll: bool = False) -> ApiResponse[Order]:
        """The order as it stands; ``poll``: asked again while following it (so its timeline says)."""
        return self._get_order(order_id, _Call(Purpose.POLL if poll else Purpose.LOOKUP, order_id))

    def _get_order(self, order_id: str, call: _Call) -> ApiResponse[Order]:
        doc, received = self._get(f"orders/{_segment(order_id)}", call, subject=f"order {order_id}")
        return self._result(Order, doc.get("data"), doc, received)

    def create_direct_card_order(self, order: DirectCardOrder) -> ApiResponse[Order]:
        """POST /orders, never blindly repeated.

        If the answer is lost (timeout, dropped connection, 5xx, cut-short or
        unreadable 2xx body), the order may or may not exist. The client then
        looks it up by ``order_id``: found means the result is returned with
        ``reconciled=True``; not found raises ``OrderNotCreated``. Either way
        the order exists at most once.
        """
        brand, last4 = order.card_summary()
        call = _Call(
            Purpose.CREATE,
            order.order_id,
            f"order of {format_minor(order.amount, order.currency)}, {brand} ••••{last4}",
        )
        try:
            doc, received = self._request(
                "POST",
                "orders",
                call,
                subject=f"order {order.order_id}",
                body=order.to_payload(),
                secrets=order.secrets(),
            )
        except (RequestTimeout, ConnectionDropped, ServerError) as exc:
            return self._reconcile(order.order_id, exc)
        except MalformedResponse as exc:
            if exc.http_status is not None and 200 <= exc.http_status < 300:
                return self._reconcile(order.order_id, exc)
            raise
        except NotFound as exc:
            if exc.code != 1006:
                raise
            # On create, 1006 means the order id is taken (or invalid), not that something is missing.
            raise ValidationFailed(
                f"MultiSafepay refused order ID {order.order_id}: it is already used on this site "
                "or is not valid (error 1006).",
                code=1006,
                field="order_id",
                http_status=exc.http_status,
            ) from exc
        try:
            return self._result(Order, doc.get("data"), doc, received)
        except MalformedResponse as exc:
            return self._reconcile(order.order_id, exc)

    def create_again(self, order: DirectCardOrder) -> ApiResponse[Order]:
        """Send an order once more after MultiSafepay provably did not have it.

        If it has it by now (error 1006: the first request created the order
        late, after the lookup said it did not exist), that order is looked up
        and returned with ``reconciled=True`` instead of offering a new order ID.
        """
        try:
            return self.create_direct_card_order(order)
        except ValidationFailed as exc:
            if exc.code != 1006:
                raise
            try:
                found = self.get_order(order.order_id)
            except NotFound:
                raise exc from None
            log.info("Order %s was created by the earlier request after all", order.order_id)
            return replace(found, reconciled=True)

    def cancel_order(self, order_id: str, *, exclude_order: bool = True) -> ApiResponse[Empty]:
        """PATCH the order to ``cancelled``; only works while it is still initialized."""
        doc, received = self._request(
            "PATCH",
            f"orders/{_segment(order_id)}",
            _Call(Purpose.CANCEL, order_id, "cancel"),
            subject=f"order {order_id}",
            body=cancel_payload(exclude_order),
        )
        return self._result(Empty, doc.get("data") or {}, doc, received)

    def refund(self, order_id: str, refund: RefundRequest) -> ApiResponse[RefundResult]:
        """Refund all (``refund.amount`` None) or part of an order. Not retried: it moves money."""
        money = (
            format_minor(refund.amount, refund.currency)
            if refund.amount is not None
            else f"everything left ({refund.currency.upper()})"
        )
        doc, received = self._request(
            "POST",
            f"orders/{_segment(order_id)}/refunds",
            _Call(Purpose.REFUND, order_id, f"refund of {money}"),
            subject=f"order {order_id}",
            body=refund.to_payload(),
        )
        return self._result(RefundResult, doc.get("data"), doc, received)

    def refund_full(
        self, order_id: str, currency: str, description: str | None = None
    ) -> ApiResponse[RefundResult]:
        return self.refund(order_id, RefundRequest(currency=currency, description=description))

    def refund_partial(
        self, order_id: str, amount: int, currency: str, description: str | None = None
    ) -> ApiResponse[RefundResult]:
        return self.refund(order_id, RefundRequest(currency=currency, amount=amount, description=description))

    def get_site(self, site_id: int | str) -> ApiResponse[Site]:
        doc, received = self._get(f"sites/{_segment(str(site_id))}", subject=f"site {site_id}")
        return self._result(Site, doc.get("data"), doc, received)

    def update_site(self, site_id: int | str, update: SiteUpdate) -> ApiResponse[Site]:
        doc, received = self._request(
            "PATCH",
            f"sites/{_segment(str(site_id))}",
            _NOT_ABOUT_AN_ORDER,
            subject=f"site {site_id}",
            body=update.to_payload(),
        )
        return self._result(Site, doc.get("data"), doc, received)

    def list_transactions(self, filters: TransactionFilters | None = None) -> ApiResponse[TransactionPage]:
        """One page, newest first; pass ``page.next_cursor`` as ``filters.after`` for the next."""
        params = (filters or TransactionFilters()).to_params()
        doc, received = self._get("transactions", params=params, subject="the transaction list")
        data = doc.get("data")
        page = {"transactions": data if data is not None else [], "pager": doc.get("pager")}
        return self._result(TransactionPage, page, doc, received)

    # --- plumbing ---------------------------------------------------------

    def _reconcile(self, order_id: str, cause: MspError) -> ApiResponse[Order]:
        log.warning(
            "Creating order %s failed in transit (%s); looking it up", order_id, cause.message.rstrip(".")
        )
        self._retry.sleep(self._retry.reconcile_delay)
        try:
            found = self._get_order(order_id, _Call(Purpose.LOOKUP, order_id, "after the answer was lost"))
        except NotFound:
            log.info("Order %s does not exist: it was not created", order_id)
            raise OrderNotCreated(order_id, cause) from cause
        except MspError as lookup_error:
            raise OrderStateUnknown(order_id, cause, lookup_error) from cause
        log.info("Order %s exists after all; using the looked-up order", order_id)
        return replace(found, reconciled=True)

    def _get(
        self,
        path: str,
        call: _Call = _NOT_ABOUT_AN_ORDER,
        *,
        subject: str,
        params: Sequence[tuple[str, str]] = (),
    ) -> tuple[dict[str, Any], _Received]:
        attempts = max(1, self._retry.attempts)
        for attempt in range(1, attempts + 1):
            try:
                return self._request("GET", path, call, subject=subject, params=params)
            except RateLimited as exc:
                exc.attempts = attempt
                if attempt == attempts:
                    raise
                wait = self._retry.wait_after_rate_limit(exc.retry_after, attempt)
                log.warning(
                    "GET %s rate limited (HTTP 429); retry %d of %d in %.1f s",
                    path,
                    attempt,
                    attempts - 1,
                    wait,
                )
                self._retry.wait_out_rate_limit(wait)
            except MspError as exc:
                exc.attempts = attempt
                retryable = isinstance(exc, _TRANSIENT) or exc.code == "truncated"
                if not retryable or attempt == attempts:
                    raise
                wait = self._retry.wait_before_retry(attempt)
                log.warning(
                    "GET %s failed (%s); retry %d of %d in %.1f s",
                    path,
                    exc.message,
                    attempt,
                    attempts - 1,
                    wait,
                )
                self._retry.sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _request(
        self,
        method: str,
        path: str,
        call: _Call,
        *,
        subject: str,
        params: Sequence[tuple[str, str]] = (),
        body: dict[str, Any] | None = None,
        secrets: Sequence[str] = (),
    ) -> tuple[dict[str, Any], _Received]:
        """One exchange: send, read the answer as MultiSafepay's JSON, and tell the observer either way."""
        started, clock = dt.datetime.now(dt.UTC), time.monotonic()
        status: int | None = None
        try:
            received = self._send(method, path, params=params, body=body)
            status = received.status
            doc = self._decode(received, subject=subject, secrets=secrets)
        except Exception as exc:
            # An MspError's message is already redacted; anything else is named by its type alone.
            failure = exc.message if isinstance(exc, MspError) else f"unexpected {type(exc).__name__}"
            http_status = status if status is not None else getattr(exc, "http_status", None)
            self._observe(method, path, call, started, clock, http_status, failure, secrets)
            raise
        self._observe(method, path, call, started, clock, status, None, secrets)
        return doc, received

    def _observe(
        self,
        method: str,
        path: str,
        call: _Call,
        started: dt.datetime,
        clock: float,
        http_status: int | None,
        failure: str | None,
        secrets: Sequence[str],
    ) -> None:
        observer = self.observer
        if observer is None:
            return
        hidden = (self._api_key, *secrets)
        exchange = Exchange(
            method=method,
            path=redact(self._base_path + path, hidden),
            purpose=call.purpose,
            order_id=call.order_id,
            started=started,
            duration_ms=round((time.monotonic() - clock) * 1000, 1),
            http_status=http_status,
            failure=redact(failure, hidden) if failure is not None else None,
            summary=call.summary,
        )
        try:
            observer(exchange)
        except Exception as exc:
            # Noting a call must never fail it: the answer is what the person is waiting for.
            log.warning("%s %s: the exchange could not be noted (%s)", method, path, type(exc).__name__)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        body: dict[str, Any] | None = None,
    ) -> _Received:
        headers = {"api_key": self._api_key, "accept": "application/json"}
        content: bytes | None = None
        if body is not None:
            headers["content-type"] = "application/json"
            try:
                content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            except UnicodeEncodeError:
                # A lone surrogate (pasted from another program) has no UTF-8 form.
                raise ValidationFailed(_INVALID_TEXT, code="invalid_text") from None
        url = self._base_url + path
        started = time.monotonic()
        got_headers = False
        status = 0
        try:
            with self._http.stream(
                method, url, params=list(params), headers=headers, content=content
            ) as response:
                got_headers = True
                status = response.status_code
                raw = response.read()
                text = _text_of(raw, response.encoding)
                content_type = response.headers.get("content-type", "")
                retry_after = retry_after_seconds(response.headers.get("retry-after"))
        except UnicodeEncodeError:
            # A query value with a lone surrogate (a cursor from a broken answer) cannot be put in a URL.
            raise ValidationFailed(_INVALID_TEXT, code="invalid_text") from None
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            log.warning("%s %s: cannot connect (%s)", method, path, type(exc).__name__)
            timed_out = " (connecting timed out)" if isinstance(exc, httpx.ConnectTimeout) else ""
            raise NetworkUnreachable(
                f"Cannot reach {self._host}{timed_out}.", code="network_unreachable"
            ) from None
        except httpx.TimeoutException as exc:
            log.warning("%s %s: timed out after %.1f s", method, path, time.monotonic() - started)
            raise RequestTimeout(
                f"{self._host} did not answer in time ({type(exc).__name__}).",
                code="timeout",
                http_status=status or None,
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            log.warning("%s %s: connection lost (%s)", method, path, type(exc).__name__)
            if got_headers:
                raise MalformedResponse(
                    f"The answer from {self._host} was cut short (HTTP {status}).",
                    code="truncated",
                    http_status=status,
                ) from None
            raise ConnectionDropped(
                f"{self._host} closed the connection before answering.", code="connection_dropped"
            ) from None
        except httpx.TransportError as exc:
            log.warning("%s %s: transport error (%s)", method, path, type(exc).__name__)
            raise NetworkUnreachable(
                f"Cannot reach {self._host} ({type(exc).__name__}).", code="network_unreachable"
            ) from None
        log.info("%s %s -> %d in %.0f ms", method, path, status, (time.monotonic() - started) * 1000)
        return _Received(status=status, text=text, content_type=content_type, retry_after=retry_after)

    def _decode(self, received: _Received, *, subject: str, secrets: Sequence[str] = ()) -> dict[str, Any]:
        return decode(
            status=received.status,
            text=received.text,
            content_type=received.content_type,
            host=self._host,
            environment=self.environment,
            subject=subject,
            secrets=(self._api_key, *secrets),
            retry_after=received.retry_after,
        )

    def _result(self, model: type[M], data: Any, doc: dict[str, Any], received: _Received) -> ApiResponse[M]:
        try:
            parsed = model.model_validate(data if data is not None else {})
        except ValidationError as exc:
            # Only locations and messages: pydantic's own text would quote the values.
            problems = exc.errors(include_input=False, include_url=False)
            first = problems[0]
            where = ".".join(str(part) for part in first["loc"]) or "data"
            raise MalformedResponse(
                f"The answer from {self._host} did not have the expected shape "
                f"({len(problems)} problem(s), first at {where}: {first['msg']}).",
                code="unexpected_json",
                http_status=received.status,
            ) from None
        return ApiResponse(data=parsed, raw=doc, text=received.text, status_code=received.status)


def _segment(value: str) -> str:
    """``value`` as one path segment, or ValidationFailed: nothing is sent for a value that cannot be one."""
    if not value:
        raise ValidationFailed("An empty ID cannot be asked for; nothing was sent.", code="empty_id")
    if invalid_character(value) is not None:
        raise ValidationFailed(
            f"ID {value.encode('utf-8', 'replace').decode()} has a character that is not valid text; "
            "nothing was sent.",
            code="invalid_text",
        )
    # Order ids are chosen by merchants and may contain '/', '?' or spaces.
    segment = quote(value, safe="")
    # "." and ".." are dot-segments: URL normalisation would drop them and ask for another resource.
    return segment.replace(".", "%2E") if segment in (".", "..") else segment


def _text_of(raw: bytes, charset: str | None) -> str:
    try:
        return raw.decode(charset or "utf-8", errors="replace")
    except LookupError:
        # A charset Python knows that is no text encoding ("base64", "rot13"): read it as UTF-8.
        return raw.decode("utf-8", errors="replace")
