"""What MultiSafepay accepts as a web address, in one place for the app, the client and the sandbox."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import quote, unquote, urlsplit

# MultiSafepay stores notification URLs of at most this many characters.
NOTIFICATION_URL_MAX_LENGTH = 150

_WEB_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def looks_like_web_url(text: str) -> bool:
    """An http:// or https:// address with a host and no spaces."""
    return bool(_WEB_URL.match(text))


_DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 3986's unreserved and sub-delimiter characters, which a browser leaves as they are in a path.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def endpoint(url: str) -> tuple[str, str, int | None, str]:
    """Scheme, host, port and path of ``url`` as a browser writes them, for comparing two URLs.

    The host is lowercased and an international name written in punycode (UTS #46, as Chromium
    does, through the ``idna`` package); a scheme's default port is dropped; the path's
    percent-encoding is normalised and its trailing slash ignored. Query and fragment are left out.
    """
    import idna

    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if host and not host.isascii():
        # Not a valid name: compared as written.
        with contextlib.suppress(idna.IDNAError):
            host = idna.encode(host, uts46=True).decode("ascii")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port == _DEFAULT_PORTS.get(scheme):
        port = None
    path = quote(unquote(parts.path), safe=_PATH_SAFE).rstrip("/") or "/"
    return scheme, host.lower(), port, path
