"""The support bundle: one Markdown file about one order, for MultiSafepay's integration team.

Why one Markdown file rather than a zip or a JSON document: it is read by a
person first, attached to a ticket or a mail, and Markdown is plain text that
reads as it is in any editor and renders as headings and tables in most ticket
systems; the parts a machine may want (the order as MultiSafepay answered, each
notification's headers and body) sit in it verbatim as fenced blocks. A zip
needs unpacking before anyone sees anything, and its compressed members hide
their text from the mail and ticket scanners that look for card numbers and
keys; one text file can be read and searched whole, by them and by us.

What it holds: the order (masked, as on the JSON tab), the timeline, the 3-D
Secure steps and outcome, every notification attempt with its headers (``Auth``
included: a signature is no secret by itself) and body, the app, Python, Qt and
PySide6 versions, the environment and the profile's name. Never a card number,
a CVC or an API key: none of those is put in, texts from outside are redacted on
the way, and before anything is written the finished text is searched for the
keys in play (plain, URL-encoded and JSON-escaped); a hit stops the bundle.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

from msp_desk import __version__
from msp_desk.core.redaction import masked_json, redact
from msp_desk.sandbox.inbox import body_text, delivery_text, header_text
from msp_desk.support.case import OrderCase
from msp_desk.support.timeline import TimelineEntry, summary

SUFFIX = ".md"
FORMAT = "msp-desk support bundle, version 1"
_ENVIRONMENTS = {
    "sandbox": "Sandbox (the local sandbox built into msp-desk)",
    "test": "Test (testapi.multisafepay.com)",
    "live": "Live (api.multisafepay.com)",
}
_TIMELINE_COLUMNS = ("Time (UTC)", "Event", "Request", "Code", "Answer", "Acknowledged", "Next retry")
_MARKUP = re.compile(r"([\\`*_\[\]<>|])")


class SecretInBundle(Exception):
    """The finished bundle contained a key it must never hold; it was not written."""


@dataclass(frozen=True)
class Versions:
    """What the bundle was made with; Qt's and PySide6's come from the window (the core has no Qt)."""

    app: str
    python: str
    qt: str
    pyside6: str
    system: str

    @classmethod
    def current(cls, *, qt: str, pyside6: str) -> Versions:
        python = f"{platform.python_version()} ({platform.python_implementation()})"
        return cls(__version__, python, qt, pyside6, platform.platform(terse=True))


@dataclass(frozen=True)
class BundleFacts:
    """Everything one bundle is made of.

    ``order`` is MultiSafepay's whole answer about the order (the JSON document,
    envelope included) as last shown, None when there is none; ``answered_at``
    when it came. ``environment`` is ``sandbox``, ``test`` or ``live``.
    """

    case: OrderCase
    profile_name: str
    environment: str
    site_id: int | None
    order: dict[str, Any] | None
    answered_at: dt.datetime | None
    versions: Versions
    made_at: dt.datetime


def file_name(order_id: str, made_at: dt.datetime) -> str:
    """``msp-desk-support-WS-1001-20251002-091403.md``: the order id kept to what every file system takes."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", order_id).strip("._") or "order"
    return f"msp-desk-support-{safe[:50]}-{made_at.astimezone(dt.UTC):%Y%m%d-%H%M%S}{SUFFIX}"


def build_bundle(facts: BundleFacts, *, secrets: Iterable[str] = ()) -> str:
    """The bundle's text; ``secrets`` (the keys in play) must not occur in it, or ``SecretInBundle``."""
    case = facts.case
    parts = [
        _heading(facts),
        _about(facts),
        _timeline(case),
        _three_ds(case),
        _notifications(case),
        _order(facts),
    ]
    text = "\n\n".join(parts) + "\n"
    check_clean(text, secrets)
    return text


def check_clean(text: str, secrets: Iterable[str]) -> None:
    """Raise ``SecretInBundle`` when a secret occurs in ``text`` as written, URL-encoded or JSON-escaped."""
    for secret in secrets:
        if len(secret) < 8:
            continue  # keys only: a short value (a CVC) matches by chance in times and amounts
        for form, encoded in _forms(secret):
            if encoded in text:
                raise SecretInBundle(f"The bundle would contain an API key ({form}); it was not saved.")


def _forms(secret: str) -> list[tuple[str, str]]:
    return [
        ("as written", secret),
        ("URL-encoded", quote(secret, safe="")),
        ("URL-encoded", quote_plus(secret)),
        ("JSON-escaped", json.dumps(secret)[1:-1]),
    ]


# -- the parts -------------------------------------------------------------------


def _heading(facts: BundleFacts) -> str:
    made = facts.made_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"# Support bundle: order {_text(facts.case.order_id)}\n\n" + _para(
        f"Made {made} with msp-desk {facts.versions.app} ({FORMAT}). "
        "It holds no card number, CVC or API key: cards show their last four digits, "
        "other keys and card-like numbers in free text are masked to their last four characters."
    )


def _about(facts: BundleFacts) -> str:
    case, versions = facts.case, facts.versions
    entry = case.entry
    rows = [
        ("Order ID", _code(case.order_id)),
        ("Environment", _ENVIRONMENTS.get(facts.environment, _text(facts.environment))),
        ("Profile", _text(facts.profile_name)),
    ]
    if facts.site_id is not None:
        rows.append(("Website", f"site {facts.site_id}"))
    if facts.order is not None:
        found = facts.order.get("data")
        data: dict[str, Any] = found if isinstance(found, dict) else {}
        status = "/".join(str(data.get(k) or "—") for k in ("status", "financial_status"))
        when = f" (answered {_utc(facts.answered_at)})" if facts.answered_at else ""
        rows.append(("Status", f"{_text(status)}{when}"))
    if entry is not None:
        rows.append(("First seen here", "sent from msp-desk" if entry.source == "submitted" else "looked up"))
    rows += [
        ("msp-desk", versions.app),
        ("Python", _text(versions.python)),
        ("Qt", _text(versions.qt)),
        ("PySide6", _text(versions.pyside6)),
        ("System", _text(versions.system)),
    ]
    lines = ["## About", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def _timeline(case: OrderCase) -> str:
    entries = case.timeline
    lines = ["## Timeline", "", _para(summary(entries, notifications_known=case.notifications_known))]
    if not entries:
        return "\n".join(lines)
    lines += [
        "",
        "Oldest first. Calls are this app's requests to MultiSafepay; a code of — means no answer came.",
        "",
        "| " + " | ".join(_TIMELINE_COLUMNS) + " |",
        "|" + "---|" * len(_TIMELINE_COLUMNS),
    ]
    lines += [_timeline_row(entry) for entry in entries]
    return "\n".join(lines)


def _timeline_row(entry: TimelineEntry) -> str:
    time = entry.utc.removesuffix(" UTC")
    took = f" ({entry.duration_ms:g} ms)" if entry.duration_ms is not None else ""
    cells = (
        time,
        _text(entry.event) + (" ⚠" if entry.problem else ""),
        _code(entry.request) if entry.request else "",
        _text(entry.code) + took,
        _code(entry.answer) if entry.answer else "",
        _text(entry.acknowledged),
        _text(entry.next_retry),
    )
    return "| " + " | ".join(cells) + " |"


def _three_ds(case: OrderCase) -> str:
    lines = ["## 3-D Secure", ""]
    entry = case.entry
    reported = entry.authentication if entry is not None else {}
    if reported:
        said = ", ".join(f"{name} {_text(value)}" for name, value in sorted(reported.items()))
        lines.append(f"MultiSafepay reported: {said}.")
    else:
        lines.append("MultiSafepay's answers reported no 3-D Secure result for this order.")
    hops = entry.trace if entry is not None else []
    lines.append("")
    if not hops:
        lines.append(
            _para(
                "This app's browser took no 3-D Secure steps for this order: none was needed, "
                "or the challenge ran in another browser."
            )
        )
        return "\n".join(lines)
    lines += ["Steps the embedded browser took (query strings are never kept):", ""]
    for number, hop in enumerate(hops, start=1):
        at = _utc_text(hop.get("at", ""))
        request = f"{hop.get('method', '')} {hop.get('host', '')}{hop.get('path', '')}"
        lines.append(f"{number}. {at}: {_code(redact(request))}, {_text(hop.get('status', ''))}")
    return "\n".join(lines)


def _notifications(case: OrderCase) -> str:
    lines = ["## Notifications", ""]
    if not case.notifications_known:
        lines.append(
            _para(
                "Not available: MultiSafepay sends a Test or Live order's notifications straight to the "
                "shop's notification URL, never through this app. The shop's server logs have them."
            )
        )
        return "\n".join(lines)
    if not case.attempts:
        lines.append("The sandbox has sent no notification for this order.")
        return "\n".join(lines)
    lines.append(
        _para(
            f"Every attempt the sandbox made ({len(case.attempts)}), oldest first, with the request as sent "
            "(the Auth header is the signature: no secret by itself) and the answer it got."
        )
    )
    for number, attempt in enumerate(case.attempts, start=1):
        outcome = "acknowledged" if attempt.acknowledged else f"not acknowledged ({attempt.outcome})"
        carried = attempt.event.partition("/")[0] or "status unknown"
        lines += [
            "",
            f"### {number}. {_text(carried)}, {_text(attempt.trigger)}: {outcome}",
            "",
            f"Sent {_utc_text(attempt.time)}: {_code(f'{attempt.method} {redact(attempt.url)}')}",
            "",
            _block(redact(delivery_text(attempt))),
            "",
            "Request headers:",
            "",
            _block(header_text(list(attempt.request_headers.items()))),
            "",
            "Request body:",
            "",
            _block(body_text(attempt.request_body or "", attempt.method)),
        ]
    return "\n".join(lines)


def _order(facts: BundleFacts) -> str:
    lines = ["## The order as MultiSafepay answered", ""]
    if facts.order is None:
        lines.append("No answer about the order was on screen when the bundle was made.")
        return "\n".join(lines)
    lines += [
        "Card numbers, CVCs and keys are masked by field; IDs are exact.",
        "",
        _block(masked_json(facts.order), "json"),
    ]
    return "\n".join(lines)


# -- Markdown ----------------------------------------------------------------------


def _para(text: str) -> str:
    """Prose of this app's own, wrapped for reading as plain text (Markdown joins the lines again)."""
    return textwrap.fill(text, width=100, break_long_words=False, break_on_hyphens=False)


def _text(value: str) -> str:
    """Text from outside in running Markdown: on one line, its markup characters shown as they are."""
    return _MARKUP.sub(r"\\\1", " ".join(str(value).split()))


def _code(value: str) -> str:
    """An inline code span that survives any backticks in ``value``; ``|`` escaped for tables."""
    flat = " ".join(value.split()).replace("|", "\\|")
    fence = "`" * (_longest_run(flat, "`") + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") else flat
    return f"{fence}{padded}{fence}"


def _block(text: str, language: str = "") -> str:
    """A fenced block longer than any run of backticks in ``text``, so nothing in it can close it."""
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def _longest_run(text: str, char: str) -> int:
    runs: Sequence[str] = re.findall(f"{re.escape(char)}+", text)
    return max((len(run) for run in runs), default=0)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _utc_text(iso: str) -> str:
    """``2025-10-02T09:14:03.123`` (this app's and the sandbox's UTC) as ``2025-10-02 09:14:03.123 UTC``."""
    try:
        dt.datetime.fromisoformat(iso)
    except ValueError:
        return "unknown time"
    return f"{iso.replace('T', ' ')} UTC"
