"""MultiSafepay's rules for a notification URL, checked as the user types (no network).

MultiSafepay's webhook page (docs ``content/payment-management/webhook.md``) says the URL
must use HTTPS, have no port, be public and contain only ``alphanumeric - _ . : /``; the
sites API stores at most 150 characters. Each broken rule comes back named, with a
sentence a support person can read out to a merchant.

The local sandbox delivers from this computer, so for a Sandbox profile ``http://``, a
port and a loopback host are allowed, with a note that MultiSafepay itself refuses them.
"""

from __future__ import annotations

import ipaddress
import string
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

from msp_desk.core.urls import NOTIFICATION_URL_MAX_LENGTH


class Level(StrEnum):
    ERROR = "error"
    """MultiSafepay refuses the URL or cannot deliver to it."""
    WARNING = "warning"
    """It may work, but is against the letter of the rules or fragile."""
    NOTE = "note"
    """Fine for the local sandbox; MultiSafepay's test and live environments refuse it."""


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    level: Level
    message: str

    def line(self) -> str:
        """``error (https): MultiSafepay only delivers…``: the rule named, for a checklist or a field."""
        return f"{self.level.value} ({self.rule}): {self.message}"


RULES: dict[str, str] = {
    "web-address": "an http:// or https:// address with a host name",
    "https": "uses https://",
    "no-port": "has no port number",
    "characters": "only letters, digits and - _ . : /",
    "length": f"at most {NOTIFICATION_URL_MAX_LENGTH} characters",
    "public-host": "a public host name (not localhost, a private address or a bare IP address)",
}
"""Every rule's name and what it asks, in the order they are checked."""

_ALLOWED = frozenset(string.ascii_letters + string.digits + "-_.:/")
# The webhook page lists only the characters above, yet MultiSafepay's notification-URL FAQ
# (docs content/faq/api/notification-url.md, 2021) says "existing query parameters are kept"
# when it adds transactionid and timestamp. So `?` (once, before the query), `=` and `&` are
# accepted in the query only, as a warning rather than a refusal: an order's notification_url
# with a query string has been delivered to, while the dashboard field may reject it.
_QUERY_EXTRA = frozenset("=&")
# Special-use names (IANA registry, RFC 6761/6762/7686/8375) and ICANN's .internal:
# no public DNS answers for them.
_SPECIAL_USE_SUFFIXES = ("localhost", "test", "example", "invalid", "local", "internal", "home.arpa", "onion")
_HOST_LABEL = frozenset(string.ascii_lowercase + string.digits + "-")


def check_notification_url(url: str, *, sandbox: bool = False) -> list[RuleFailure]:
    """Every rule ``url`` breaks, in the order of :data:`RULES`; an empty list means it passes.

    ``sandbox`` relaxes https, the port and loopback hosts to notes, for the local sandbox.
    """
    text = url.strip()
    if not text:
        return [RuleFailure("web-address", Level.ERROR, "Enter the notification URL.")]
    parts, problem = _split(text)
    if parts is None:
        return [RuleFailure("web-address", Level.ERROR, problem)]
    failures = [
        *_https(parts, sandbox),
        *_port(parts, sandbox),
        *_characters(text, parts),
        *_length(text),
        *_public_host(parts.hostname or "", sandbox),
    ]
    return failures


def _split(text: str) -> tuple[SplitResult | None, str]:
    try:
        parts = urlsplit(text)
    except ValueError as error:
        return None, f"This is not a web address ({error})."
    if parts.scheme.lower() not in {"http", "https"} or not text.lower().startswith(parts.scheme + "://"):
        return None, "The notification URL must start with http:// or https://."
    if not parts.hostname:
        return None, f"The notification URL has no host name after {parts.scheme}://."
    return parts, ""


def _https(parts: SplitResult, sandbox: bool) -> list[RuleFailure]:
    if parts.scheme.lower() == "https":
        return []
    if sandbox:
        return [
            RuleFailure(
                "https",
                Level.NOTE,
                "http:// works with the local sandbox; MultiSafepay's test and live environments "
                "only deliver to https:// URLs.",
            )
        ]
    return [RuleFailure("https", Level.ERROR, "MultiSafepay only delivers webhooks to https:// URLs.")]


def _port(parts: SplitResult, sandbox: bool) -> list[RuleFailure]:
    try:
        port = parts.port
    except ValueError:
        return [RuleFailure("no-port", Level.ERROR, "The port after the host name is not a number.")]
    host_and_port = parts.netloc.rpartition("@")[2]
    has_colon = ":" in host_and_port.rpartition("]")[2]
    if port is None and not has_colon:
        return []
    shown = f":{port}" if port is not None else ":"
    if sandbox:
        return [
            RuleFailure(
                "no-port",
                Level.NOTE,
                f"A port ({shown}) works with the local sandbox; MultiSafepay's test and live "
                "environments refuse a URL with a port.",
            )
        ]
    return [
        RuleFailure(
            "no-port",
            Level.ERROR,
            f"MultiSafepay refuses URLs with a port number ({shown}); serve the webhook on the "
            "standard https port 443 and leave the port out.",
        )
    ]


def _characters(text: str, parts: SplitResult) -> list[RuleFailure]:
    before_query, _, query = text.partition("?")
    bad = [c for c in before_query if c not in _ALLOWED]
    bad += [c for c in query if c not in _ALLOWED and c not in _QUERY_EXTRA]
    if bad:
        shown = ", ".join(_show_character(c) for c in dict.fromkeys(bad))
        return [
            RuleFailure(
                "characters",
                Level.ERROR,
                f"MultiSafepay accepts only letters, digits and - _ . : / in a notification URL; "
                f"this one also has {shown}.",
            )
        ]
    if "?" in text:
        return [
            RuleFailure(
                "characters",
                Level.WARNING,
                "A query string (?, =, &) is outside the characters MultiSafepay lists (letters, "
                "digits and - _ . : /); it is delivered with its query kept, but the dashboard may "
                "refuse it. A path such as /webhook/multisafepay is safer.",
            )
        ]
    return []


def _show_character(c: str) -> str:
    if c == " ":
        return "a space"
    if c.isprintable():
        return f"“{c}”"
    return f"U+{ord(c):04X}"


def _length(text: str) -> list[RuleFailure]:
    if len(text) <= NOTIFICATION_URL_MAX_LENGTH:
        return []
    return [
        RuleFailure(
            "length",
            Level.ERROR,
            f"MultiSafepay stores notification URLs of at most {NOTIFICATION_URL_MAX_LENGTH} "
            f"characters; this one has {len(text)}.",
        )
    ]


def _public_host(host: str, sandbox: bool) -> list[RuleFailure]:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return _host_name(host, sandbox)
    kind = address_kind(address)
    if kind == "public":
        return [
            RuleFailure(
                "public-host",
                Level.WARNING,
                f"{host} is a bare IP address where a host name is expected: certificates are "
                "issued for names, and the address changes when the shop moves.",
            )
        ]
    if kind == "loopback" and sandbox:
        return [_sandbox_loopback(host)]
    return [
        RuleFailure(
            "public-host",
            Level.ERROR,
            f"{host} is a {kind} address; MultiSafepay delivers over the internet and cannot reach it.",
        )
    ]


def _host_name(host: str, sandbox: bool) -> list[RuleFailure]:
    labels = host.rstrip(".").split(".")
    if any(not label or len(label) > 63 or not set(label) <= _HOST_LABEL for label in labels) or any(
        label.startswith("-") or label.endswith("-") for label in labels
    ):
        return [
            RuleFailure(
                "public-host",
                Level.ERROR,
                f"“{host}” is not a valid host name: use letters, digits and hyphens between dots.",
            )
        ]
    name = ".".join(labels)
    if name == "localhost" or name.endswith(".localhost"):
        if sandbox:
            return [_sandbox_loopback(host)]
        return [
            RuleFailure(
                "public-host",
                Level.ERROR,
                f"{host} is this computer; MultiSafepay delivers over the internet and cannot reach it.",
            )
        ]
    special = next((s for s in _SPECIAL_USE_SUFFIXES if name == s or name.endswith("." + s)), None)
    if special is not None:
        return [
            RuleFailure(
                "public-host",
                Level.ERROR,
                f"Names ending in .{special} are reserved and have no public address; "
                "MultiSafepay cannot reach them.",
            )
        ]
    if len(labels) == 1:
        return [
            RuleFailure(
                "public-host",
                Level.ERROR,
                f"“{host}” has no domain: a name without a dot only works inside a local network.",
            )
        ]
    if labels[-1].isdigit():
        return [
            RuleFailure("public-host", Level.ERROR, f"“{host}” is neither a host name nor an IP address.")
        ]
    return []


def _sandbox_loopback(host: str) -> RuleFailure:
    return RuleFailure(
        "public-host",
        Level.NOTE,
        f"The local sandbox can deliver to this computer ({host}); MultiSafepay's test and live "
        "environments cannot reach it.",
    )


def address_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """``"public"``, or why MultiSafepay's servers cannot reach ``address`` (``"private"``, ...)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "loopback"
    if address.is_unspecified:
        return "unspecified"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "carrier-grade NAT (shared)"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "non-public"
    return "public"


_SHARED = ipaddress.IPv4Network("100.64.0.0/10")
