"""Which MultiSafepay installation a request goes to."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

LIVE_BASE_URL = "https://api.multisafepay.com/v1/json/"
TEST_BASE_URL = "https://testapi.multisafepay.com/v1/json/"


class Environment(StrEnum):
    # The values are what profiles.json stores, so they must never change.
    SANDBOX = "sandbox"
    TEST = "test"
    LIVE = "live"

    @property
    def label(self) -> str:
        return {"sandbox": "Sandbox", "test": "Test", "live": "Live"}[self.value]


def base_url_for(environment: Environment, sandbox_base_url: str | None = None) -> str:
    """The JSON API root for an environment, always ending in a slash.

    The local sandbox listens on a port chosen when it starts, so its URL is
    only known at run time and has to be passed in.
    """
    if environment is Environment.LIVE:
        return LIVE_BASE_URL
    if environment is Environment.TEST:
        return TEST_BASE_URL
    if not sandbox_base_url:
        raise ValueError("The sandbox base URL is only known once the sandbox is running")
    return sandbox_base_url if sandbox_base_url.endswith("/") else sandbox_base_url + "/"


def environment_for_url(base_url: str) -> Environment:
    """Best guess of the environment behind a base URL, for error messages.

    Anything that is not one of MultiSafepay's two hosts is treated as the
    sandbox, since that is the only other place the app sends requests to.
    """
    host = (urlsplit(base_url).hostname or "").lower()
    if host == "api.multisafepay.com":
        return Environment.LIVE
    if host == "testapi.multisafepay.com":
        return Environment.TEST
    return Environment.SANDBOX
