"""What MultiSafepay accepts as a web address, in one place for the app, the client and the sandbox."""

from __future__ import annotations

import re

# MultiSafepay stores notification URLs of at most this many characters.
NOTIFICATION_URL_MAX_LENGTH = 150

_WEB_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def looks_like_web_url(text: str) -> bool:
    """An http:// or https:// address with a host and no spaces."""
    return bool(_WEB_URL.match(text))
