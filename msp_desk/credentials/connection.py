"""The “Test connection” check: GET /me with a key, and what it teaches a profile."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from msp_desk.api.client import MspClient
from msp_desk.api.environments import Environment
from msp_desk.api.retry import RetryPolicy
from msp_desk.credentials.profiles import Profile

# One quick try: a person is waiting for the answer.
_NO_RETRY = RetryPolicy(attempts=1, backoff=0.0, max_backoff=0.0)


@dataclass(frozen=True)
class ConnectionCheck:
    site_id: int | str | None
    account_id: int | str | None
    role: str | None


def check_connection(
    http_client: httpx.Client,
    base_url: str,
    api_key: str,
    *,
    environment: Environment | None = None,
    retry: RetryPolicy | None = None,
) -> ConnectionCheck:
    """Call GET /me with the key; raises the client's MspError subclasses on failure."""
    client = MspClient(http_client, base_url, api_key, retry=retry or _NO_RETRY, environment=environment)
    me = client.me().data
    return ConnectionCheck(site_id=me.site_id, account_id=me.account_id, role=me.role)


def with_identity(profile: Profile, check: ConnectionCheck) -> Profile:
    """The profile with the site and account ids learned from GET /me."""
    site_id = check.site_id if isinstance(check.site_id, int) else profile.site_id
    return profile.model_copy(update={"site_id": site_id, "account_id": check.account_id})
