"""Fixtures for client tests: a loopback MultiSafepay stand-in and a fast-failing client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.http import make_http_client
from msp_desk.api.retry import RetryPolicy
from tests.api.fake_msp import API_KEY, FakeMsp


@pytest.fixture
def fake_msp() -> Iterator[FakeMsp]:
    with FakeMsp() as server:
        yield server


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    # Short read timeout so timeout tests take a fraction of a second.
    with make_http_client(connect_timeout=1.0, read_timeout=0.5) as client:
        yield client


@pytest.fixture
def fast_retry() -> RetryPolicy:
    return RetryPolicy(attempts=3, backoff=0.0, max_backoff=0.0, reconcile_delay=0.0)


@pytest.fixture
def client(http_client: httpx.Client, fake_msp: FakeMsp, fast_retry: RetryPolicy) -> MspClient:
    return MspClient(http_client, fake_msp.base_url, API_KEY, retry=fast_retry)
