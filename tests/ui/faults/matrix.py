"""The faults every screen is driven through, and the sandbox seen as the shop's back office.

A fault is what goes wrong between msp-desk and MultiSafepay; ``items`` is how
the sandbox plays it (docs/sandbox.md). ``carried_out`` says whether the
request was carried out before its answer went wrong: only then may a write
exist although the person saw no success.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.helpers.loopback import LoopbackStandIn

READ_TIMEOUT = 1.0
CONNECT_TIMEOUT = 0.5
HOST = "testapi.multisafepay.com"


@dataclass(frozen=True)
class Fault:
    key: str
    title: str
    items: str | None  # the sandbox's fault items; None: the host never answers a SYN
    carried_out: bool = False


FAULTS: tuple[Fault, ...] = (
    Fault("read-timeout", "Read timeout", "slow-response=1500", carried_out=True),
    Fault("connect-timeout", "Connect timeout", None),
    Fault("reset", "Connection reset", "reset"),
    Fault("http-500", "HTTP 500", "status=500"),
    Fault("http-502", "HTTP 502", "status=502"),
    Fault("http-503", "HTTP 503", "status=503"),
    Fault("http-429", "HTTP 429, Retry-After 1 s", "status=429,retry-after=1"),
    Fault("malformed", "Malformed JSON", "malformed"),
    Fault("html", "HTML error page", "html"),
    Fault("truncated", "Truncated body", "truncated", carried_out=True),
    Fault("http-401", "401 / 1032", "status=401"),
    Fault("http-404", "404 / 1006", "status=404"),
    Fault("http-422", "422", "status=422"),
)
BY_KEY = {fault.key: fault for fault in FAULTS}
KEYS = [fault.key for fault in FAULTS]

# Why a request failed, as the client words it for each fault (reads and writes alike).
CAUSE = {
    "read-timeout": f"{HOST} did not answer in time (ReadTimeout).",
    "connect-timeout": f"Cannot reach {HOST} (connecting timed out).",
    "reset": f"{HOST} closed the connection before answering.",
    "http-500": f"{HOST} had a server error (HTTP 500): Internal server error (injected by the sandbox).",
    "http-502": f"{HOST} had a server error (HTTP 502): Bad gateway (injected by the sandbox).",
    "http-503": f"{HOST} had a server error (HTTP 503): Service unavailable (injected by the sandbox).",
    "http-429": f"{HOST} is limiting the request rate (HTTP 429); it asks to wait 1 s.",
    "malformed": f"{HOST} answered with something that is not JSON (HTTP 200).",
    "html": f"{HOST} had a server error (HTTP 502): an HTML error page: 502 Bad Gateway.",
    "truncated": f"The answer from {HOST} was cut short (HTTP 200).",
    "http-401": "Test refused the API key (error 1032); perhaps a Live key was used against Test.",
    "http-404": "Order {order_id} was not found on Test (error 1006: Invalid transaction ID).",
    "http-422": "MultiSafepay rejected the request (error 1000: HTTP 422 (injected by the sandbox)).",
}
REFUSED = {"http-401", "http-404", "http-422"}
# Failures whose outcome is unknown to a write: the screen looks the order up instead of offering to resend.
UNKNOWN = {key for key in KEYS if key not in REFUSED and key != "connect-timeout"}


@dataclass(frozen=True)
class Cell:
    """One cell as the docs show it: in short, what the person saw, what they did next, what was kept,
    and what the sandbox holds afterwards."""

    outcome: str
    seen: str
    again: str
    kept: str
    writes: str = "—"

    def public(self) -> dict[str, str]:
        return {
            "outcome": self.outcome,
            "seen": self.seen,
            "again": self.again,
            "kept": self.kept,
            "writes": self.writes,
        }


class Shop:
    """The sandbox's website as its owner sees it through the API, and the faults it is made to show."""

    def __init__(
        self, admin: httpx.Client, stand_in: LoopbackStandIn, silent_port: int, site_id: int
    ) -> None:
        self.admin = admin
        self.stand_in = stand_in
        self.silent_port = silent_port
        self.site_id = site_id

    # -- faults ----------------------------------------------------------------------------------

    def inject(self, fault: Fault, *, paths: str, method: str | None = None, count: int = 1) -> None:
        """The next ``count`` matching requests meet ``fault``; a connect timeout lasts until ``heal``."""
        if fault.items is None:
            self.stand_in.silent_port = self.silent_port
            return
        self.inject_items(fault.items, paths=paths, method=method, count=count)

    def inject_items(self, items: str, *, paths: str, method: str | None = None, count: int = 1) -> None:
        rule: dict[str, Any] = {"fault": items, "count": count, "paths": paths}
        if method is not None:
            rule["method"] = method
        answer = self.admin.post("_sandbox/faults", json=rule)
        assert answer.status_code == 200, answer.text

    def heal(self) -> None:
        self.stand_in.silent_port = None
        self.admin.delete("_sandbox/faults").raise_for_status()

    # -- what exists -----------------------------------------------------------------------------

    def create_order(self, order_id: str, *, amount: int = 2500, card: str = "4012001038443335") -> None:
        """A paid card order, made straight through the API as a shop makes it (no 3-D Secure)."""
        from tests.sandbox.conftest import direct_order

        body = direct_order(order_id, card, amount=amount)
        body["gateway_info"]["flexible_3d"] = False
        answer = self.admin.post("orders", json=body)
        assert answer.status_code == 200, answer.text

    def create_unpaid(self, order_id: str, *, amount: int = 2500) -> None:
        """An order nobody paid yet (initialized), which can be cancelled."""
        body = {
            "type": "redirect",
            "order_id": order_id,
            "currency": "EUR",
            "amount": amount,
            "description": "x",
        }
        answer = self.admin.post("orders", json=body)
        assert answer.status_code == 200, answer.text

    def order(self, order_id: str) -> dict[str, Any]:
        answer = self.admin.get(f"orders/{order_id}")
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()["data"]
        return data

    def orders_with_id(self, order_id: str) -> int:
        return self.order_counts([order_id])[order_id]

    def order_counts(self, order_ids: list[str]) -> dict[str, int]:
        """How many orders the website has under each of these ids, from its whole transaction list."""
        wanted = set(order_ids)
        counts = dict.fromkeys(order_ids, 0)
        params: dict[str, Any] = {"limit": 1000}
        for _page in range(100):
            answer = self.admin.get("transactions", params=params).json()
            for item in answer["data"]:
                if item["order_id"] in wanted and item["type"] != "refund":
                    counts[item["order_id"]] += 1
            after = ((answer.get("pager") or {}).get("cursor") or {}).get("after")
            if not after or not answer["data"]:
                return counts
            params["after"] = after
        raise AssertionError("the transaction list did not end")

    def refunds(self, order_id: str) -> list[int]:
        """The amounts refunded, oldest first."""
        related = self.order(order_id).get("related_transactions") or []
        return [item["amount"] for item in related if item["type"] == "refund"]

    def site(self) -> dict[str, Any]:
        data: dict[str, Any] = self.admin.get(f"sites/{self.site_id}").json()["data"]
        return data
