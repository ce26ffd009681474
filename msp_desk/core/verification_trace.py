"""The steps of a 3D Secure flow as the embedded browser saw them.

Query strings are dropped on purpose: they carry session ids and 3DS message
data that have no place in a support trace or in the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from msp_desk.core.urls import endpoint


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


@dataclass
class Hop:
    """One request the 3-D Secure browser made; ``at`` is when it asked (UTC, milliseconds)."""

    method: str
    host: str
    path: str
    status: str
    at: str = field(default_factory=_now)

    @classmethod
    def from_url(cls, method: str, url: str, status: str = "requested") -> Hop:
        parts = urlsplit(url)
        host = parts.hostname or parts.scheme
        if parts.port:
            host = f"{host}:{parts.port}"
        return cls(method.upper(), host, parts.path or "/", status)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.method} {self.host}{self.path} — {self.status}"


def same_endpoint(url: str, target: str) -> bool:
    """True when ``url`` is the page ``target`` names, whatever its query: the merchant's return page.

    Both sides are normalised as a browser writes URLs (see ``core.urls.endpoint``), so
    ``http://127.0.0.1:80/shop/return`` matches the ``http://127.0.0.1/shop/return`` Chromium asks for.
    """
    return endpoint(url) == endpoint(target)
