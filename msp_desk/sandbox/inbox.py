"""The notification inbox in words: what the receiver got and what the sandbox sent, for a screen.

The receiver's log (:mod:`msp_desk.sandbox.receiver`) is the merchant's side of a
notification, the attempt log (:mod:`msp_desk.sandbox.attempts`) MultiSafepay's side.
Both become rows of short words here (the status a notification carries, the
answer it got, what happens next) and, for the one a person selects, the whole
request with its signature explained by :mod:`msp_desk.webhooks.checker`.

A screen shows these texts as they are. Secrets are masked on the way: the
``Auth`` header is no secret and stays whole (a merchant compares it by eye), any
other header and a body with a card number or key in it are redacted; the
signature is always checked on the bytes as they arrived.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from msp_desk.core.redaction import mask, masked_json, redact, redact_json
from msp_desk.sandbox.attempts import NotificationAttempt
from msp_desk.sandbox.engine import NOTIFICATION_TIMEOUT, RETRIES, RETRY_INTERVAL
from msp_desk.sandbox.errors import INVALID_ORDER_ID, ApiError
from msp_desk.sandbox.receiver import AnswerMode, ReceivedNotification
from msp_desk.sandbox.store import Site
from msp_desk.webhooks.acknowledgement import Acknowledgement, classify
from msp_desk.webhooks.checker import SignatureCheckError, Verdict, check_signature
from msp_desk.webhooks.url_rules import Level, check_notification_url

_ANSWER_SHOWN = 80
_MASKED_NOTE = "card numbers and keys are masked here; the signature was checked on the body as received"
_RETRY_WORDS = f"retries {RETRIES} times, {RETRY_INTERVAL / 60:g} minutes apart, then gives up"

MODES: dict[AnswerMode, tuple[str, str]] = {
    AnswerMode.OK: (
        "OK (a correct handler)",
        "Answers 200 OK, as a correct handler does: the notification counts as received "
        "and nothing is sent again.",
    ),
    AnswerMode.LOWERCASE_OK: (
        "ok in lowercase (the Magento plugin)",
        "Answers 200 ok, as the Magento plugin does: the sandbox counts it as received, but "
        "MultiSafepay has not confirmed that its check ignores case; OK is the safe answer.",
    ),
    AnswerMode.SERVER_ERROR: (
        "HTTP 500 (a crashed handler)",
        f"Answers 500, like a handler that crashed: MultiSafepay counts it as failed and {_RETRY_WORDS}.",
    ),
    AnswerMode.REDIRECT: (
        "A redirect (302)",
        "Answers 302, like a handler behind a redirect to https or a login page: redirects are "
        f"never followed, so it counts as failed and MultiSafepay {_RETRY_WORDS}.",
    ),
    AnswerMode.NO_ANSWER: (
        "No answer (a stuck handler)",
        f"Holds the connection without answering: the sender gives up after {NOTIFICATION_TIMEOUT:g} s, "
        f"counts it as failed and {_RETRY_WORDS}.",
    ),
}
"""Each answer mode: its name in a list, and one line on what MultiSafepay then does."""

STATUSES = (
    "initialized",
    "completed",
    "uncleared",
    "declined",
    "cancelled",
    "void",
    "expired",
    "shipped",
    "reserved",
    "refunded",
    "partial_refunded",
    "chargeback",
)
"""The order statuses a notification can carry, for a filter."""


@dataclass(frozen=True)
class ReceivedRow:
    """One line of the inbox: a request the receiver got."""

    id: int
    time: str
    order_id: str
    method: str
    status: str
    signature: str
    answer: str
    signature_problem: bool
    """A POST without a valid signature."""
    answer_problem: bool
    """An answer MultiSafepay counts as failed."""

    @property
    def problem(self) -> bool:
        return self.signature_problem or self.answer_problem


@dataclass(frozen=True)
class AttemptRow:
    """One line of the attempt log: a request the sandbox sent, wherever it went."""

    id: int
    site_id: int
    time: str
    order_id: str
    status: str
    attempt: str
    url: str
    code: str
    answer: str
    acknowledged: str
    next_retry: str
    problem: bool


@dataclass(frozen=True)
class NotificationDetail:
    """Everything about one notification, as text blocks for a detail view."""

    summary: str
    headers: str
    raw_body: str
    pretty_json: str
    signature: str
    delivery: str
    verdict: str
    signature_problem: bool


@dataclass(frozen=True)
class SignatureExplanation:
    verdict: str
    """One line: the checker's verdict ("Signature: VALID")."""
    text: str
    problem: bool
    """The signature does not hold (a GET without one is no problem: MultiSafepay signs only POSTs)."""


# -- rows ------------------------------------------------------------------------


def received_row(entry: ReceivedNotification) -> ReceivedRow:
    signature, signature_problem = _signature_words(entry)
    return ReceivedRow(
        id=entry.id,
        time=time_words(entry.received_at),
        order_id=entry.transaction_id or "",
        method=entry.method,
        status=status_carried(entry.body),
        signature=signature,
        answer=_received_answer(entry),
        signature_problem=signature_problem,
        answer_problem=not _counts_as_received(entry.answer_status, entry.answer_body),
    )


def _signature_words(entry: ReceivedNotification) -> tuple[str, bool]:
    if entry.signature == "valid":
        return "✓ valid", False
    if entry.signature == "absent" and entry.method == "GET":
        return "none (GET)", False  # GET notifications carry no body and no signature
    if entry.signature == "absent":
        return "✗ missing", True
    return "✗ invalid", True


def attempt_row(attempt: NotificationAttempt) -> AttemptRow:
    if attempt.acknowledged:
        after = "—"
    elif attempt.outcome == "retrying":
        after = time_words(attempt.next_retry_at or "")
    else:
        after = "given up" if attempt.trigger != "resend" else "none (a resend is sent once)"
    return AttemptRow(
        id=attempt.id,
        site_id=attempt.site_id,
        time=time_words(attempt.time),
        order_id=attempt.order_id,
        status=attempt.event.partition("/")[0],
        attempt=_attempt_words(attempt),
        url=redact(attempt.url.partition("?")[0]),  # the query (transactionid, timestamp) is in the detail
        code=str(attempt.response_status) if attempt.response_status is not None else "—",
        answer=_attempt_answer(attempt),
        acknowledged="✓ yes" if attempt.acknowledged else "✗ no",
        next_retry=after,
        problem=not attempt.acknowledged,
    )


def status_carried(body: str) -> str:
    """The order status a notification body reports; "" when it has none (a GET, or not an order)."""
    if not body.lstrip().startswith("{"):
        return ""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    status = document.get("status") if isinstance(document, dict) else None
    return status if isinstance(status, str) else ""


def time_words(iso: str) -> str:
    """``2025-10-02T09:14:03.123`` (UTC) as ``2025-10-02 09:14:03``."""
    return iso[:19].replace("T", " ")


def _attempt_words(attempt: NotificationAttempt) -> str:
    if attempt.trigger == "resend":
        return "resend"
    if attempt.acknowledged:
        return str(attempt.attempt)
    return f"{attempt.attempt} of {attempt.attempt + attempt.retries_left}"


def _received_answer(entry: ReceivedNotification) -> str:
    if entry.answer_status is None:
        return "no answer"
    if entry.answer_status in {301, 302, 303, 307, 308}:
        return f"{entry.answer_status} redirect"
    return f"{entry.answer_status} {_short(entry.answer_body or '')}".strip()


def _attempt_answer(attempt: NotificationAttempt) -> str:
    if attempt.response_status is None:
        return f"no answer: {_short(attempt.error or 'the connection failed')}"
    if 300 <= attempt.response_status < 400:
        return "redirect (not followed)"
    return _short(attempt.response_text) or "(empty)"


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _ANSWER_SHOWN else line[: _ANSWER_SHOWN - 1] + "…"


def _counts_as_received(status: int | None, body: str | None) -> bool:
    return status is not None and classify(status, body or "") is not Acknowledgement.REFUSED


# -- the detail of one -----------------------------------------------------------


def received_detail(entry: ReceivedNotification, sites: Sequence[Site]) -> NotificationDetail:
    headers = entry.headers
    auth = next((value for name, value in headers if name.lower() == "auth"), None)
    arrived = _epoch(entry.received_at)
    check = explain_signature(
        entry.body.encode("utf-8"),
        auth,
        sites,
        entry.site_id,
        at=arrived,
        moment="when it arrived",
        method=entry.method,
    )
    order = entry.transaction_id or "(no transactionid in the URL)"
    summary = (
        f"{entry.method} {redact(entry.url)}\n"
        f"Received {time_words(entry.received_at)} UTC for order {order}; "
        f"answered {_received_answer(entry)}."
    )
    return NotificationDetail(
        summary=summary,
        headers=header_text(headers),
        raw_body=body_text(entry.body, entry.method),
        pretty_json=_pretty(entry.body, entry.method),
        signature=check.text,
        delivery=_received_delivery(entry),
        verdict=check.verdict,
        signature_problem=check.problem,
    )


def attempt_detail(attempt: NotificationAttempt, sites: Sequence[Site]) -> NotificationDetail:
    headers = list(attempt.request_headers.items())
    auth = attempt.request_headers.get("Auth") or attempt.request_headers.get("auth")
    body = attempt.request_body or ""
    check = explain_signature(
        body.encode("utf-8"),
        auth,
        sites,
        attempt.site_id,
        at=float(attempt.timestamp) or _epoch(attempt.time),
        moment="when it was sent",
        method=attempt.method,
    )
    summary = (
        f"{attempt.method} {redact(attempt.url)}\n"
        f"Sent {time_words(attempt.time)} UTC for order {attempt.order_id} "
        f"({attempt.event or 'status unknown'}, {attempt.trigger}); {_outcome_words(attempt)}."
    )
    return NotificationDetail(
        summary=summary,
        headers=header_text(headers),
        raw_body=body_text(body, attempt.method),
        pretty_json=_pretty(body, attempt.method),
        signature=check.text,
        delivery=delivery_text(attempt),
        verdict=check.verdict,
        signature_problem=check.problem,
    )


def explain_signature(
    body: bytes,
    auth: str | None,
    sites: Sequence[Site],
    site_id: int,
    *,
    at: float,
    moment: str,
    method: str = "POST",
) -> SignatureExplanation:
    """The signature checker's words on ``auth``, judged at ``at`` (Unix seconds), and whether it holds.

    Tried with every sandbox website's key, as the receiver does: the first that
    signs the body is named; when none does, the report for ``site_id``'s key
    says why.
    """
    own = next((site for site in sites if site.site_id == site_id), sites[0] if sites else None)
    if own is None:
        words = "No sandbox website is known, so there is no key to check the signature with."
        return SignatureExplanation(words, words, True)
    chosen = own
    try:
        report = check_signature(body, auth, own.api_key, now=at)
        if report.verdict is not Verdict.VALID:
            for site in sites:
                if site is own:
                    continue
                other = check_signature(body, auth, site.api_key, now=at)
                if other.verdict is Verdict.VALID:
                    chosen, report = site, other
                    break
    except SignatureCheckError as error:
        return SignatureExplanation(str(error), str(error), True)
    lines = report.lines()
    text = "\n".join(
        [f"Checked with website {chosen.site_id}'s API key ({mask(chosen.api_key)}), {moment}.", *lines]
    )
    if method == "GET" and not auth:
        return SignatureExplanation("No signature: MultiSafepay signs POST notifications only.", text, False)
    return SignatureExplanation(lines[0], text, not report.valid)


def header_text(headers: Sequence[tuple[str, str]]) -> str:
    """One ``Name: value`` line per header, each value redacted but ``Auth``'s.

    The Auth header is a signature, no secret: it stays whole so it can be compared by eye.
    """
    lines = [f"{name}: {value if name.lower() == 'auth' else redact(value)}" for name, value in headers]
    return "\n".join(lines) or "(no headers)"


def _parsed(body: str) -> tuple[bool, Any]:
    try:
        return True, json.loads(body)
    except (ValueError, RecursionError):
        return False, None


def body_text(body: str, method: str) -> str:
    """The body byte for byte when it holds nothing secret; else redacted, saying so."""
    if not body:
        return (
            "(no body: a GET notification names the order in the URL only)" if method == "GET" else "(empty)"
        )
    is_json, document = _parsed(body)
    if is_json and redact_json(document) == document:
        return body  # the exact text, so a merchant can compare byte for byte
    shown = redact(body)
    if shown == body:
        return body
    return f"{shown}\n\n({_MASKED_NOTE})"


def _pretty(body: str, method: str) -> str:
    if not body:
        return "(no body)" if method == "GET" else "(empty)"
    is_json, document = _parsed(body)
    if not is_json:
        return "(the body is not JSON)"
    return masked_json(document)


def _received_delivery(entry: ReceivedNotification) -> str:
    try:
        title = MODES[AnswerMode(entry.mode)][0]
    except ValueError:
        title = entry.mode
    lines = [f"The inbox answered as: {title}."]
    if entry.answer_status is None:
        lines.append("It gave no answer and held the connection until the sender gave up.")
    else:
        lines.append(f"Answer: HTTP {entry.answer_status} {entry.answer_body or ''}".rstrip())
    if _counts_as_received(entry.answer_status, entry.answer_body):
        lines.append("MultiSafepay counts this answer as received and sends no more.")
    else:
        lines.append(f"MultiSafepay counts this answer as failed and {_RETRY_WORDS}.")
    lines.append("The Delivery attempts list shows what the sender did next.")
    return "\n".join(lines)


def delivery_text(attempt: NotificationAttempt) -> str:
    """What became of one attempt: the answer, whether it counts as acknowledged, what happens next."""
    lines = [f"Attempt: {_attempt_words(attempt)} (notification {attempt.notification_id})"]
    if attempt.response_status is None:
        lines.append(f"No answer: {attempt.error or 'the connection failed'}")
    else:
        lines.append(f"Answer: HTTP {attempt.response_status} after {attempt.duration_ms:g} ms")
        lines.append(f"Answer body: {attempt.response_text or '(empty)'}")
    lines.append(f"Acknowledged: {'yes' if attempt.acknowledged else 'no'}")
    lines.append(f"What happens next: {_outcome_words(attempt)}.")
    return "\n".join(lines)


def _outcome_words(attempt: NotificationAttempt) -> str:
    if attempt.acknowledged:
        return "acknowledged, nothing more is sent"
    if attempt.outcome == "retrying":
        return f"failed; retry at {time_words(attempt.next_retry_at or '')} UTC ({attempt.retries_left} left)"
    if attempt.trigger == "resend":
        return "failed; a resend is sent once, without retries"
    return "failed; no retries left, MultiSafepay has given up"


def _epoch(iso: str) -> float:
    try:
        return dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC).timestamp()
    except ValueError:
        return 0.0


# -- resending -------------------------------------------------------------------


def resend_problem(order_id: str, url: str) -> str | None:
    """What stops a resend of ``order_id`` to ``url`` (blank: the order's own URL), or None."""
    if not order_id.strip():
        return "Enter the order ID to resend, or select a notification in the list."
    if not url.strip():
        return None
    errors = [f for f in check_notification_url(url, sandbox=True) if f.level is Level.ERROR]
    return f"To URL: {errors[0].message}" if errors else None


def resend_refusal(error: ApiError, order_id: str) -> str:
    """The sandbox's refusal of a resend, in words."""
    if error.error_code == INVALID_ORDER_ID:
        return f"The sandbox has no order “{order_id}” on this website."
    if error.error_info.startswith("Missing url"):
        return f"Order “{order_id}” has no notification URL, nor does the website: enter one to send it to."
    return f"The sandbox refused the resend: {error.error_info}"
