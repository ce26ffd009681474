"""How the embedded browser introduces itself, known before it is started.

3-D Secure 2 wants the shopper's browser details in the order, before any
challenge page exists. Starting Chromium just to ask for its user agent would
load the whole browser for orders that never need it, so the string is built
from QtWebEngine's version functions (a library load, no browser process) and
the challenge browser is then told to use exactly this string.
"""

from __future__ import annotations

import sys


def _platform() -> str:
    if sys.platform.startswith("win"):
        return "Windows NT 10.0; Win64; x64"
    if sys.platform == "darwin":
        return "Macintosh; Intel Mac OS X 10_15_7"
    return "X11; Linux x86_64"


def user_agent() -> str:
    from PySide6.QtWebEngineCore import qWebEngineChromiumVersion, qWebEngineVersion

    # Chromium reports only its major version ("reduced user agent").
    major = _text(qWebEngineChromiumVersion()).split(".")[0]
    return (
        f"Mozilla/5.0 ({_platform()}) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"QtWebEngine/{_text(qWebEngineVersion())} Chrome/{major}.0.0.0 Safari/537.36"
    )


def _text(value: object) -> str:
    # The stubs say bytes (a C string); PySide6 hands over str.
    return bytes(value).decode() if isinstance(value, bytes | bytearray | memoryview) else str(value)
