"""What the sandbox does: orders, 3-D Secure, refunds, sites and notifications, independent of HTTP.

The routes in :mod:`msp_desk.sandbox.app` only translate between HTTP and the
methods here. Times taken from MultiSafepay's docs (the 3-minute uncleared
delay, the 15-minute notification retry interval, the 5-minute duplicate
refund window) are divided by ``time_scale`` so tests can run them in
milliseconds.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import secrets
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from msp_desk.core.redaction import mask_key
from msp_desk.core.urls import NOTIFICATION_URL_MAX_LENGTH
from msp_desk.sandbox import orders
from msp_desk.sandbox.attempts import NotificationAttempt
from msp_desk.sandbox.cards import BRAND_NAMES, TEST_CARDS, Behaviour, Brand, behaviour_of
from msp_desk.sandbox.errors import ApiError, invalid_api_key, order_not_found
from msp_desk.sandbox.faults import FaultRules
from msp_desk.sandbox.notifier import Delivery, Notifier
from msp_desk.sandbox.receiver import NotificationReceiver
from msp_desk.sandbox.scheduler import Scheduler
from msp_desk.sandbox.store import DuplicateOrderError, Site, Store, StoredOrder, TransactionMatch, dumps
from msp_desk.sandbox.threeds import ACS_PATH, TERM_PATH, pareq, verification_form
from msp_desk.sandbox.validation import (
    CURRENCIES,
    E_AMOUNT,
    E_CURRENCY,
    E_ORDER_ID,
    E_REFUND,
    E_UNKNOWN,
    MAX_AMOUNT,
    CardInput,
    check_amount,
    check_currency,
    check_url,
    id_digits,
    parse_card,
    parse_json_object,
    parse_order_request,
    parse_transaction_query,
)

log = logging.getLogger(__name__)

UNCLEARED_DELAY = 180.0
RETRY_INTERVAL = 900.0
RETRIES = 3
DUPLICATE_REFUND_WINDOW = 300.0
DEFAULT_SITE_META = "default_site_id"
NOTIFICATION_TIMEOUT = 10.0
"""How long a notification waits for the merchant's answer (not scaled: it is the sender's patience)."""


@dataclass(frozen=True)
class Redirect:
    """Where the browser goes next."""

    url: str


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Engine:
    def __init__(
        self,
        store: Store,
        *,
        time_scale: float = 1.0,
        notification_timeout: float = NOTIFICATION_TIMEOUT,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.store = store
        self.time_scale = time_scale
        self.faults = FaultRules()
        self.timers = Scheduler("sandbox-timers")
        self.notify_worker = Scheduler("sandbox-notifier")
        self.notifier = Notifier(
            store,
            self.notify_worker,
            retries=RETRIES,
            retry_interval=RETRY_INTERVAL / time_scale,
            http_timeout=notification_timeout,
        )
        self.receiver = NotificationReceiver(store)
        self._id_lock = threading.Lock()
        self._last_id = store.max_transaction_id()

    def start(self) -> None:
        self.timers.start()
        self.notify_worker.start()
        self._resume_uncleared()

    def close(self) -> None:
        self.receiver.close()
        self.timers.stop()
        self.notify_worker.stop()
        self.notifier.close()

    # sites

    def ensure_sites(self, api_keys: list[str] | None) -> list[Site]:
        """The sites for these keys, created on first use; without keys, one persistent default site.

        In one transaction, so two processes starting on a new state file agree on the sites.
        """
        keys = [key.strip() for key in api_keys] if api_keys is not None else None
        if keys is not None and not all(keys):
            raise ValueError("an API key must not be empty")
        with self.store.locked():
            if keys is None:
                default_id = self.store.get_meta(DEFAULT_SITE_META)
                site = self.store.site_by_id(int(default_id)) if default_id else None
                if site is None:
                    site = self._new_site(secrets.token_hex(20), "Sandbox website")
                    self.store.set_meta(DEFAULT_SITE_META, str(site.site_id))
                return [site]
            return [
                self.store.site_by_key(key) or self._new_site(key, f"Sandbox website {index}")
                for index, key in enumerate(keys, start=1)
            ]

    def _new_site(self, api_key: str, name: str) -> Site:
        taken = {s.site_id for s in self.store.all_sites()}
        site_id = next(n for n in iter(lambda: 10000 + secrets.randbelow(90000), None) if n not in taken)
        site = Site(
            site_id=site_id,
            account_id=10_000_000 + secrets.randbelow(90_000_000),
            api_key=api_key,
            name=name,
        )
        self.store.save_site(site)
        log.info("created site %s with key %s", site.site_id, mask_key(api_key))
        return site

    def authenticate(self, api_key: str | None) -> Site:
        site = self.store.site_by_key(api_key.strip()) if api_key else None
        if site is None:
            raise invalid_api_key()
        return site

    def me(self, site: Site) -> dict[str, Any]:
        return {"account_id": site.account_id, "role": "merchant", "site_id": site.site_id}

    def get_site(self, site: Site, site_id: str) -> dict[str, Any]:
        self._own_site(site, site_id)
        return site.public()

    def update_site(self, site: Site, site_id: str, raw: bytes) -> dict[str, Any]:
        self._own_site(site, site_id)
        body = parse_json_object(raw)
        changes: dict[str, Any] = {}
        for name, value in body.items():
            if name == "name":
                if not isinstance(value, str) or not value.strip() or len(value) > 120:
                    raise _site_error(name, "expected a non-empty string of at most 120 characters")
                changes[name] = value
            elif name in {"notification_url", "url"}:
                try:
                    changes[name] = check_url(value, name, max_len=NOTIFICATION_URL_MAX_LENGTH)
                except ApiError as exc:
                    raise _site_error(name, exc.error_info) from None
                if name == "url" and changes[name] is None:
                    raise _site_error(name, "expected an http:// or https:// URL")
            elif name == "notification_method":
                if not isinstance(value, str) or value.upper() not in {"POST", "GET"}:
                    raise _site_error(name, "expected POST or GET")
                changes[name] = value.upper()
            elif name in {"price_from", "price_till"}:
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT
                ):
                    raise _site_error(name, f"expected a whole number of cents from 0 to {MAX_AMOUNT}")
                changes[name] = value
            elif name in {"support_email", "support_phone"}:
                if value is not None and (not isinstance(value, str) or len(value) > 100):
                    raise _site_error(name, "expected a string of at most 100 characters")
                changes[name] = value or None
            # Other fields (id, api_key, account_id) cannot be changed through the API; ignore them.
        with self.store.locked():
            current = self.store.site_by_id(site.site_id) or site
            _check_price_range(current, changes)
            for name, value in changes.items():
                setattr(current, name, value)
            self.store.save_site(current)
        return current.public()

    @staticmethod
    def _own_site(site: Site, site_id: str) -> None:
        # A site key sees only its own site; anything else looks like a missing site.
        if site_id != str(site.site_id):
            raise SiteNotFoundError()

    def gateways(self, params: dict[str, str]) -> list[dict[str, str]]:
        currency = params.get("currency")
        if currency and currency.upper() not in CURRENCIES:
            return []
        return [{"id": brand.value, "description": BRAND_NAMES[brand]} for brand in Brand]

    # orders

    def _new_transaction_id(self) -> int:
        """16-digit PSP-style ids, below 2**53 so JavaScript clients read them exactly too.

        Called inside ``store.locked()``, whose write lock also holds off other
        processes on the same state file, so the stored maximum is current.
        """
        with self._id_lock:
            latest = max(self._last_id, self.store.max_transaction_id())
            candidate = max(int(time.time() * 1000) * 1000, latest + 10)
            self._last_id = candidate
            return candidate

    def create_order(self, site: Site, raw: bytes, root: str) -> dict[str, Any]:
        body = parse_json_object(raw)
        request = parse_order_request(body, utcnow().date())
        now = utcnow()
        changed: list[tuple[StoredOrder, str]] = []
        with self.store.locked():
            if self.store.order_exists(site.site_id, request.order_id):
                raise ApiError(
                    E_ORDER_ID, f"Invalid order_id: {request.order_id} is already used for this site"
                )
            doc = orders.new_order_doc(request, self._new_transaction_id(), now)
            order = StoredOrder(
                site.site_id,
                request.order_id,
                doc,
                {
                    "type": request.order_type,
                    "gateway": request.gateway,
                    "payment_options": request.payment_options,
                },
            )
            extras: dict[str, Any] = {}
            if request.order_type == "redirect":
                session = secrets.token_urlsafe(24)
                order.private["session_id"] = session
                locale = doc["customer"]["locale"]
                result = {
                    "order_id": request.order_id,
                    "payment_url": f"{root}/connect/{session}/?{urlencode({'lang': locale})}",
                    "session_id": session,
                }
                self._insert(order)
                self.store.add_token(session, site.site_id, request.order_id)
                return result
            card = request.card
            assert card is not None
            behaviour = behaviour_of(card.number_for_behaviour)
            order.private["behaviour"] = behaviour.value
            if behaviour.needs_3ds and card.flexible_3d:
                extras = self._start_3ds(order, site, root)
            else:
                before = self._status(order)
                self._after_authentication(order, behaviour, None, now)
                changed.append((order, before))
                extras = {
                    "payment_url": self.final_url(order, root, cancelled=False),
                    "cancel_url": self.final_url(order, root, cancelled=True),
                }
            self._insert(order)
        self._after_change(site, changed)
        return {**order.doc, **extras}

    def _insert(self, order: StoredOrder) -> None:
        try:
            self.store.insert_order(order)
        except DuplicateOrderError:
            raise ApiError(
                E_ORDER_ID, f"Invalid order_id: {order.order_id} is already used for this site"
            ) from None
        self.store.save_transaction(
            order.site_id, order.order_id, orders.transaction_item(order.site_id, order.doc)
        )

    def _save(self, order: StoredOrder) -> None:
        self.store.update_order(order)
        self.store.save_transaction(
            order.site_id, order.order_id, orders.transaction_item(order.site_id, order.doc)
        )

    def _start_3ds(self, order: StoredOrder, site: Site, root: str) -> dict[str, Any]:
        md = secrets.token_urlsafe(24)
        self.store.add_token(md, site.site_id, order.order_id)
        order.private["threeds"] = {"md": md, "done": False}
        term_url = f"{root}{TERM_PATH}?mspid={order.transaction_id}"
        html = verification_form(f"{root}{ACS_PATH}", pareq(order.doc, site.name), md, term_url)
        return {
            "customer_verification": {"type": "form", "html": html},
            "payment_url": f"{root}/customer-verification?{urlencode({'md': md, 'type': '3ds'})}",
        }

    @staticmethod
    def _status(order: StoredOrder) -> str:
        return f"{order.doc['status']}/{order.doc['financial_status']}"

    def _after_authentication(
        self, order: StoredOrder, behaviour: Behaviour, auth_status: str | None, now: dt.datetime
    ) -> None:
        """Apply the issuer's answer once 3-D Secure is done (auth_status Y/A/N/R) or skipped (None)."""
        doc = order.doc
        details = doc["payment_details"]
        brand = details.get("type") or "VISA"
        if behaviour is Behaviour.THREEDS_FAILED and auth_status in {"Y", "A"}:
            # This test card fails 3-D Secure whatever the simulator page answered.
            auth_status = "N"
        if auth_status is not None:
            details["card_authentication_result"] = orders.authentication_result(brand, auth_status)
            details["card_authentication_details"] = {"flow": "challenge"}
        if auth_status in {"N", "R"} or (auth_status is None and behaviour is Behaviour.THREEDS_FAILED):
            orders.record_issuer_answer(doc, "08")
            orders.set_status(
                doc, "declined", "declined", now, reason=orders.REASON_3DS_FAILED, reason_code="3001"
            )
        elif behaviour is Behaviour.INSUFFICIENT_FUNDS:
            orders.record_issuer_answer(doc, "51")
            orders.set_status(
                doc, "declined", "declined", now, reason="Insufficient funds", reason_code="4002"
            )
        elif behaviour in {Behaviour.UNCLEARED_THEN_VOID, Behaviour.UNCLEARED_THEN_COMPLETED}:
            orders.record_issuer_answer(doc, "00")
            orders.set_status(doc, "uncleared", "uncleared", now, reason="Held for review", reason_code="")
            self._schedule_uncleared(order.site_id, order.order_id, UNCLEARED_DELAY / self.time_scale)
        else:
            orders.record_issuer_answer(doc, "00")
            orders.set_status(doc, "completed", "completed", now, reason="Successful approval/completion")

    def _schedule_uncleared(self, site_id: int, order_id: str, delay: float) -> None:
        self.timers.call_later(delay, lambda: self._resolve_uncleared(site_id, order_id))

    def _resume_uncleared(self) -> None:
        """After a restart, uncleared test-card orders still move on (their timer was in memory)."""
        for site in self.store.all_sites():
            waiting = TransactionMatch({"status": "uncleared"})
            for item in self.store.list_transactions(site.site_id, waiting, 1000, None, None):
                self._schedule_uncleared(site.site_id, item["order_id"], UNCLEARED_DELAY / self.time_scale)

    def _resolve_uncleared(self, site_id: int, order_id: str) -> None:
        changed = []
        with self.store.locked():
            order = self.store.get_order(site_id, order_id)
            if order is None or order.doc["status"] != "uncleared":
                return
            before = self._status(order)
            behaviour = Behaviour(order.private.get("behaviour", Behaviour.UNCLEARED_THEN_COMPLETED.value))
            if behaviour is Behaviour.UNCLEARED_THEN_VOID:
                orders.set_status(order.doc, "void", "void", utcnow(), reason="Declined after review")
            else:
                orders.set_status(
                    order.doc, "completed", "completed", utcnow(), reason="Accepted after review"
                )
            self._save(order)
            changed.append((order, before))
        site = self.store.site_by_id(site_id)
        if site is not None:
            self._after_change(site, changed)

    def _after_change(
        self, site: Site, changed: list[tuple[StoredOrder, str]], *, force: bool = False
    ) -> None:
        for order, before in changed:
            if not force and before == self._status(order):
                continue
            delivery = self._delivery(site, order)
            if delivery is not None:
                self.notifier.enqueue(delivery)

    def _delivery(
        self,
        site: Site,
        order: StoredOrder,
        url: str | None = None,
        method: str | None = None,
        **extra: Any,
    ) -> Delivery | None:
        """A notification of the order as it is now: to ``url``, else the order's URL, else the site's."""
        options = order.private.get("payment_options") or {}
        target = url or options.get("notification_url") or site.notification_url
        if not target:
            return None
        method = method or options.get("notification_method") or site.notification_method or "POST"
        body = dumps(order.doc).encode("utf-8")
        return Delivery(site.site_id, order.order_id, target, method, body, self._status(order), **extra)

    def resend_notification(
        self, site: Site, order_id: str, *, url: str | None = None, method: str | None = None
    ) -> Future[NotificationAttempt | None]:
        """Notify about the order once more, now, as MultiSafepay's dashboard does: fresh timestamp and
        signature, one attempt without retries. The future holds the attempt as logged."""
        order = self.store.get_order(site.site_id, order_id)
        if order is None:
            raise order_not_found()
        delivery = self._delivery(site, order, url, method, retries=0, trigger="resend")
        if delivery is None:
            raise ApiError(
                E_UNKNOWN,
                "Missing url: neither the order nor the website has a notification_url; give one",
            )
        return self.notifier.send_now(delivery)

    def get_order_json(self, site: Site, order_id: str) -> str:
        text = self.store.get_order_json(site.site_id, order_id)
        if text is None:
            raise order_not_found()
        return text

    def update_order(self, site: Site, order_id: str, raw: bytes) -> dict[str, Any]:
        body = parse_json_object(raw)
        status = body.get("status")
        if not isinstance(status, str) or status not in {"cancelled", "shipped"}:
            raise ApiError(E_UNKNOWN, "Invalid status: expected 'cancelled' or 'shipped'", 410)
        shipping: dict[str, Any] = {}
        if status == "shipped":
            for name in ("tracktrace_code", "carrier", "ship_date", "invoice_id", "reason", "tracktrace_url"):
                value = body.get(name)
                if value is not None and (not isinstance(value, str) or len(value) > 200):
                    raise ApiError(
                        E_UNKNOWN, f"Invalid {name}: expected a string of at most 200 characters", 410
                    )
                shipping[name] = value
        with self.store.locked():
            order = self.store.get_order(site.site_id, order_id)
            if order is None:
                raise order_not_found()
            before = self._status(order)
            current = order.doc["status"]
            now = utcnow()
            if status == "cancelled":
                if current != "initialized":
                    raise ApiError(
                        E_UNKNOWN, f"Invalid status: the order is {current} and cannot be cancelled", 410
                    )
                orders.set_status(order.doc, "void", "cancelled", now, reason="Cancelled by merchant")
            else:
                if current not in {"completed", "uncleared", "shipped"}:
                    raise ApiError(
                        E_UNKNOWN, f"Invalid status: the order is {current} and cannot be shipped", 410
                    )
                orders.set_status(order.doc, "shipped", order.doc["financial_status"], now)
                order.private["shipping"] = shipping
            self._save(order)
        self._after_change(site, [(order, before)])
        return {}

    def refund(self, site: Site, order_id: str, raw: bytes) -> dict[str, Any]:
        body = parse_json_object(raw)
        currency = check_currency(body.get("currency"))
        amount_value = body.get("amount")
        amount = None if amount_value in (None, 0) else check_amount(amount_value)
        description = body.get("description") or ""
        if not isinstance(description, str) or len(description) > 200:
            raise ApiError(E_UNKNOWN, "Invalid description: expected a string of at most 200 characters")
        refund_order_id = body.get("refund_order_id")
        if refund_order_id is not None and (
            not isinstance(refund_order_id, str) or len(refund_order_id) > 50
        ):
            raise ApiError(E_UNKNOWN, "Invalid refund_order_id: expected a string of at most 50 characters")
        with self.store.locked():
            order = self.store.get_order(site.site_id, order_id)
            if order is None:
                raise order_not_found()
            doc = order.doc
            if currency != doc["currency"]:
                raise ApiError(E_CURRENCY, f"Invalid currency: the order is in {doc['currency']}")
            if doc["status"] not in {"completed", "shipped", "partial_refunded"}:
                raise ApiError(E_REFUND, f"Cannot refund: the order is {doc['status']}")
            remaining = doc["amount"] - doc["amount_refunded"]
            amount = remaining if amount is None else amount
            if amount > remaining:
                raise ApiError(E_REFUND, f"Cannot refund: amount exceeds the refundable {remaining} cents")
            if amount < 1:
                raise ApiError(E_AMOUNT, "Invalid amount: nothing left to refund")
            now_wall = time.time()
            window = DUPLICATE_REFUND_WINDOW / self.time_scale
            recent = order.private.setdefault("refund_times", [])
            if any(a == amount and now_wall - t < window for a, t in recent):
                raise ApiError(E_REFUND, "Cannot refund: a refund of the same amount was made moments ago")
            recent.append([amount, now_wall])
            before = self._status(order)
            now = utcnow()
            refund_id = self._new_transaction_id()
            related: dict[str, Any] = {
                "amount": amount,
                "costs": [],
                "created": orders.timestamp(now),
                "modified": orders.timestamp(now),
                "currency": currency,
                "description": description or f"Refund for order {order_id}",
                "order_id": order_id,
                "refund_order_id": refund_order_id,
                "reference_transaction_id": order.transaction_id,
                "status": "completed",
                "transaction_id": refund_id,
                "type": "refund",
            }
            doc["related_transactions"] = [*(doc["related_transactions"] or []), related]
            doc["amount_refunded"] += amount
            new_status = "refunded" if doc["amount_refunded"] >= doc["amount"] else "partial_refunded"
            orders.set_status(doc, new_status, doc["financial_status"], now)
            self._save(order)
            item = orders.transaction_item(site.site_id, doc)
            item.update(
                {
                    "transaction_id": refund_id,
                    "type": "refund",
                    "debit_credit": "D",
                    "amount": amount,
                    "net": amount,
                    "costs": [],
                    "created": related["created"],
                    "completed": related["created"],
                    "status": "completed",
                    "financial_status": "completed",
                    "description": related["description"],
                }
            )
            self.store.save_transaction(site.site_id, order_id, item)
        # Every processed refund notifies, even when a second partial refund leaves the status unchanged.
        self._after_change(site, [(order, before)], force=True)
        return {"transaction_id": order.transaction_id, "refund_id": refund_id}

    # GET /transactions

    def list_transactions(self, site: Site, params: list[tuple[str, str]], base_url: str) -> dict[str, Any]:
        """One page of GET /transactions; ``params`` are the query's pairs, repeats included."""
        query = parse_transaction_query(params)
        limit = query.limit
        cursors = dict(params)
        after = _decode_cursor(cursors.get("after"), "after")
        before = _decode_cursor(cursors.get("before"), "before")
        if query.site_id is not None and query.site_id != site.site_id:
            # A website key sees only its own transactions; another site's id simply has none.
            items: list[dict[str, Any]] = []
        else:
            items = self.store.list_transactions(site.site_id, query.match, limit, after, before)
        next_cursor = prev_cursor = None
        if items:
            oldest, newest = items[-1]["transaction_id"], items[0]["transaction_id"]
            if self.store.has_transactions(site.site_id, query.match, older_than=oldest):
                next_cursor = _encode_cursor(oldest)
            if self.store.has_transactions(site.site_id, query.match, newer_than=newest):
                prev_cursor = _encode_cursor(newest)
        keep = [(k, v) for k, v in params if k not in {"after", "before", "api_key", "limit"}]

        def page_url(key: str, cursor: str | None) -> str | None:
            if cursor is None:
                return None
            return f"{base_url}transactions?{urlencode([*keep, (key, cursor), ('limit', str(limit))])}"

        return {
            "data": items,
            "pager": {
                "after": page_url("after", next_cursor),
                "before": page_url("before", prev_cursor),
                "cursor": {"after": next_cursor, "before": prev_cursor},
                "limit": limit,
            },
            "success": True,
        }

    # browser flows: 3-D Secure and the payment page

    def order_for_token(self, token: str) -> tuple[StoredOrder, Site] | None:
        order = self.store.order_for_token(token) if token else None
        site = self.store.site_by_id(order.site_id) if order else None
        if order is None or site is None:
            return None
        return order, site

    def term_url(self, order: StoredOrder, root: str) -> str:
        return f"{root}{TERM_PATH}?mspid={order.transaction_id}"

    def complete_3ds(self, md: str, mspid: str, outcome: str, root: str) -> Redirect:
        found = self.order_for_token(md)
        if found is None:
            raise ApiError(E_UNKNOWN, "Unknown or expired 3D Secure session (MD)")
        order, site = found
        if mspid and mspid != str(order.transaction_id):
            raise ApiError(E_UNKNOWN, "The mspid does not belong to this 3D Secure session")
        changed = []
        with self.store.locked():
            fresh = self.store.get_order(order.site_id, order.order_id)
            assert fresh is not None
            order = fresh
            threeds = order.private.get("threeds") or {}
            if threeds.get("md") == md and not threeds.get("done") and order.doc["status"] == "initialized":
                before = self._status(order)
                now = utcnow()
                threeds["done"] = True
                threeds["outcome"] = outcome
                if outcome == "cancel":
                    details = order.doc["payment_details"]
                    details["card_authentication_result"] = orders.authentication_result(
                        details.get("type") or "VISA", "N", cancelled=True
                    )
                    orders.set_status(order.doc, "void", "cancelled", now, reason="Cancelled by customer")
                else:
                    behaviour = Behaviour(order.private.get("behaviour", Behaviour.THREEDS_SUCCESS.value))
                    self._after_authentication(order, behaviour, outcome, now)
                self._save(order)
                changed.append((order, before))
        self._after_change(site, changed)
        cancelled = (order.private.get("threeds") or {}).get("outcome") == "cancel"
        return Redirect(self.final_url(order, root, cancelled=cancelled))

    def final_url(self, order: StoredOrder, root: str, *, cancelled: bool) -> str:
        options = order.private.get("payment_options") or {}
        url = (options.get("cancel_url") if cancelled else None) or options.get("redirect_url")
        if url:
            return orders.with_transaction_id(url, order.order_id)
        query = urlencode({"transactionid": order.order_id, "mspid": order.transaction_id})
        return f"{root}/sandbox/finished?{query}"

    def finished_order(self, mspid: str) -> dict[str, Any] | None:
        if not id_digits(mspid):
            return None
        order = self.store.order_by_transaction_id(int(mspid))
        return None if order is None else order.doc

    def pay_on_page(self, session: str, form: dict[str, str], root: str) -> Redirect:
        """The payment page's form: a test card (or a typed one), or cancel."""
        found = self.order_for_token(session)
        if found is None or found[0].private.get("session_id") != session:
            raise ApiError(E_UNKNOWN, "Unknown or expired payment session")
        order, site = found
        if order.doc["status"] != "initialized" or order.private.get("threeds"):
            return Redirect(
                self.final_url(order, root, cancelled=order.doc["financial_status"] == "cancelled")
            )
        changed = []
        if form.get("action") == "cancel":
            with self.store.locked():
                fresh = self.store.get_order(order.site_id, order.order_id)
                assert fresh is not None
                order = fresh
                before = self._status(order)
                orders.set_status(order.doc, "void", "cancelled", utcnow(), reason="Cancelled by customer")
                self._save(order)
                changed.append((order, before))
            self._after_change(site, changed)
            return Redirect(self.final_url(order, root, cancelled=True))
        card = self._card_from_form(form, order.private.get("gateway") or "CREDITCARD")
        with self.store.locked():
            fresh = self.store.get_order(order.site_id, order.order_id)
            assert fresh is not None
            order = fresh
            orders.attach_card(order.doc, card)
            behaviour = behaviour_of(card.number_for_behaviour)
            order.private["behaviour"] = behaviour.value
            if behaviour.needs_3ds:
                md = secrets.token_urlsafe(24)
                self.store.add_token(md, site.site_id, order.order_id)
                order.private["threeds"] = {"md": md, "done": False}
                self._save(order)
                return Redirect(f"{root}{ACS_PATH}?{urlencode({'MD': md})}")
            before = self._status(order)
            self._after_authentication(order, behaviour, None, utcnow())
            self._save(order)
            changed.append((order, before))
        self._after_change(site, changed)
        return Redirect(self.final_url(order, root, cancelled=False))

    @staticmethod
    def _card_from_form(form: dict[str, str], gateway: str) -> CardInput:
        today = utcnow().date()
        typed = form.get("card_number", "").strip()
        if typed:
            info: dict[str, Any] = {
                "card_number": typed,
                "card_expiry_date": form.get("card_expiry_date", ""),
                "card_cvc": form.get("card_cvc", ""),
                "card_holder_name": form.get("card_holder_name") or None,
            }
        else:
            number = form.get("card", "")
            card = next((c for c in TEST_CARDS if c.number == number), None)
            if card is None:
                raise ApiError(E_UNKNOWN, "Choose a test card or type a card number")
            info = {
                "card_number": card.number,
                "card_expiry_date": f"{(today.year + 2) % 100:02d}12",
                "card_cvc": "1234" if card.gateway == Brand.AMEX else "123",
                "card_holder_name": form.get("card_holder_name") or "Sandbox Tester",
            }
        return parse_card(info, gateway, today)


class SiteNotFoundError(Exception):
    pass


def _check_price_range(current: Site, changes: dict[str, Any]) -> None:
    """The range as it will be after the change, so a PATCH of one end is checked against the other."""
    low = changes.get("price_from", current.price_from)
    high = changes.get("price_till", current.price_till)
    if low is None or high is None or low <= high:
        return
    if "price_from" in changes:
        raise _site_error("price_from", f"must not be more than price_till ({high})")
    raise _site_error("price_till", f"must not be less than price_from ({low})")


def _site_error(name: str, details: str) -> ApiError:
    return ApiError(E_UNKNOWN, f"Invalid {name}: {details}", 422, field=name)


def _encode_cursor(transaction_id: int) -> str:
    return base64.urlsafe_b64encode(f"tx:{transaction_id}".encode()).decode().rstrip("=")


def _decode_cursor(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        text = ""
    prefix, _, number = text.partition(":")
    if prefix != "tx" or not id_digits(number):
        raise ApiError(E_UNKNOWN, f"Invalid {name}: not a cursor returned by this API")
    return int(number)
