"""The screens under faults: a Test profile whose MultiSafepay is the local sandbox, reached over loopback.

Every request goes through the app's own HTTP client and API client; the
sandbox misbehaves on purpose (docs/sandbox.md, "Fault injection"), or the
stand-in sends MultiSafepay's host to a loopback port that never answers a
SYN. Timeouts are short and the pauses between retries shorter, but the
number of tries, and what is retried, are the app's own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from msp_desk.api.environments import Environment
from msp_desk.api.retry import RetryPolicy
from msp_desk.credentials.access import open_store
from msp_desk.credentials.profiles import Profile
from msp_desk.sandbox.server import SandboxServer
from msp_desk.ui.services.context import AppContext
from tests.helpers.loopback import LoopbackStandIn
from tests.ui.faults.matrix import CONNECT_TIMEOUT, READ_TIMEOUT, Cell, Fault, Shop
from tests.ui.faults.silent import SilentPort

RESULTS_ENV = "MSP_DESK_RELIABILITY_RESULTS"
"""Where the tests write what they showed, for tools/reliability_table.py (unset: nowhere)."""

# The app's three tries, with pauses of 50 and 100 ms instead of 0.5 and 1 s. A 429's Retry-After is honoured.
QUICK = RetryPolicy(backoff=0.05, max_backoff=0.1, reconcile_delay=0.05)


KEY = "fa017ed0" * 5


@pytest.fixture(scope="session")
def msp() -> Iterator[SandboxServer]:
    """The sandbox playing MultiSafepay for every test here; each test's orders have ids of their own."""
    with SandboxServer(api_keys=[KEY]) as server:
        yield server


@pytest.fixture(scope="session")
def silent_port() -> Iterator[int]:
    """A loopback port whose accept queue is full: the kernel drops every new SYN, so connecting times out."""
    silent = SilentPort()
    yield silent.port
    silent.open()


@pytest.fixture
def read_timeout() -> float:
    """The app's read timeout in these tests (a module may shorten it)."""
    return READ_TIMEOUT


@pytest.fixture
def context(
    qtbot, stand_in: LoopbackStandIn, msp: SandboxServer, read_timeout: float
) -> Iterator[AppContext]:
    """A Test profile, active, whose MultiSafepay is the sandbox (the app's own sandbox is never started)."""
    ctx = AppContext(
        http_factory=lambda: httpx.Client(
            transport=stand_in,
            timeout=httpx.Timeout(read_timeout, connect=CONNECT_TIMEOUT),
            follow_redirects=False,
        ),
    )
    ctx.profiles.adopt(*open_store())
    ctx.profiles.retry = QUICK
    stand_in.sandbox_port = msp.port
    profile = ctx.profiles.store.add(Profile(name="Shop test", environment=Environment.TEST), KEY)
    ctx.profiles.set_active(profile)
    yield ctx
    ctx.close()


@pytest.fixture
def shop(msp: SandboxServer, stand_in: LoopbackStandIn, silent_port: int) -> Iterator[Shop]:
    with httpx.Client(base_url=msp.base_url, headers={"api_key": KEY}, timeout=10) as admin:
        made = Shop(admin, stand_in, silent_port, msp.sites[0].site_id)
        yield made
        made.heal()


# -- what the matrix showed, for the docs ------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.cells: list[dict[str, Any]] = []
        self.figures: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="session")
def results() -> Iterator[Results]:
    kept = Results()
    yield kept
    target = os.environ.get(RESULTS_ENV)
    if target:
        Path(target).write_text(
            json.dumps({"cells": kept.cells, "figures": kept.figures}, indent=1, ensure_ascii=False),
            encoding="utf-8",
        )


@pytest.fixture
def record(request: pytest.FixtureRequest, results: Results):
    """Call last in a test, once everything is asserted: the cell as the matrix in the docs shows it."""

    def keep(operation: str, fault: Fault, cell: Cell) -> None:
        results.cells.append(
            {"operation": operation, "fault": fault.key, **cell.public(), "test": request.node.nodeid}
        )

    return keep


@pytest.fixture
def figures(request: pytest.FixtureRequest, results: Results):
    def keep(name: str, values: dict[str, Any]) -> None:
        results.figures[name] = {**values, "test": request.node.nodeid}

    return keep
