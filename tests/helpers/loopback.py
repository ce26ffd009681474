"""MultiSafepay's Test and Live hosts, answered by the local sandbox on loopback.

A Live or Test profile must be testable without a request ever leaving the
machine: give the app's shared HTTP client this transport and
``api.multisafepay.com`` and ``testapi.multisafepay.com`` reach the sandbox,
while any other non-loopback host is refused.
"""

from __future__ import annotations

import httpx

MSP_HOSTS = frozenset({"api.multisafepay.com", "testapi.multisafepay.com"})


class LoopbackStandIn(httpx.BaseTransport):
    """Answers MultiSafepay's hosts from the local sandbox; records what was sent, and to which host."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.sandbox_port = 0
        self.sent: list[tuple[str, str, str]] = []  # (asked host, method, path)
        self.offline = False  # MultiSafepay's hosts unreachable, as with the network down
        # A loopback port that never answers a SYN: MultiSafepay's hosts go there instead, as behind
        # a firewall that drops packets, so connecting times out for real.
        self.silent_port: int | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        asked = request.url.host
        if asked in MSP_HOSTS and self.offline:
            raise httpx.ConnectError(f"network down: cannot reach {asked}", request=request)
        if asked in MSP_HOSTS:
            port = self.silent_port or self.sandbox_port
            request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=port)
            request.headers["host"] = f"127.0.0.1:{port}"
        elif asked != "127.0.0.1":
            raise httpx.ConnectError(f"tests never leave this machine ({asked})", request=request)
        self.sent.append((asked, request.method, request.url.path))
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()

    def patches(self) -> list[str]:
        return [path for _host, method, path in self.sent if method == "PATCH"]
