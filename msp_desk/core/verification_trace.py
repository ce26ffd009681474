"""The steps of a 3D Secure flow as the embedded browser saw them.

Query strings are dropped on purpose: they carry session ids and 3DS message
data that have no place in a support trace or in the history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit


@dataclass
class Hop:
    method: str
    host: str
    path: str
    status: str

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
    """True when ``url`` is ``target`` with any query: the merchant's return page."""
    a, b = urlsplit(url), urlsplit(target)
    return (a.scheme, a.hostname, a.port, a.path.rstrip("/")) == (
        b.scheme,
        b.hostname,
        b.port,
        b.path.rstrip("/"),
    )
