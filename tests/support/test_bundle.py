"""The support bundle from real records: the sandbox over loopback and a history file, without Qt."""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.http import make_http_client
from msp_desk.api.request_models import DirectCardOrder
from msp_desk.history.calls import CallRecorder
from msp_desk.history.store import HistoryStore
from msp_desk.sandbox.receiver import AnswerMode
from msp_desk.sandbox.server import SandboxServer
from msp_desk.support.bundle import (
    BundleFacts,
    SecretInBundle,
    Versions,
    build_bundle,
    check_clean,
    file_name,
)
from msp_desk.support.case import read_case, sandbox_attempts
from tests.helpers.secrets import card_forms, cvc_hits, hits
from tests.sandbox.conftest import direct_order

CARD = "4012001038443335"  # paid at once, no 3-D Secure
CVC = "737"
PROFILE = "p-bundle"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    # Retries 15 minutes apart become 0.9 s.
    with SandboxServer(time_scale=1000) as server:
        yield server


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history.sqlite3")
    yield store
    store.close()


def _wait(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the sandbox did not get there in time"
        time.sleep(0.05)


def _paid_order_with_a_retried_notification(
    sandbox: SandboxServer, history: HistoryStore, order_id: str, **fields: Any
) -> dict[str, Any]:
    """An order sent through the app's client; its first notification answered 500, the retry OK."""
    site = sandbox.sites[0]
    store = sandbox.engine.store
    sandbox.engine.receiver.set_mode(site.site_id, AnswerMode.SERVER_ERROR)
    body = direct_order(order_id, CARD, amount=2500, **fields)
    body["gateway_info"].update(flexible_3d=False, card_cvc=CVC)
    body["payment_options"]["notification_url"] = sandbox.receiver_url()
    with make_http_client() as http:
        client = MspClient(http, sandbox.base_url, site.api_key, observer=CallRecorder(history, PROFILE))
        client.create_direct_card_order(DirectCardOrder.model_validate(body))
        _wait(lambda: len(store.notification_attempts(site.site_id, order_id=order_id)) == 1)
        sandbox.engine.receiver.set_mode(site.site_id, AnswerMode.OK)
        _wait(lambda: len(store.notification_attempts(site.site_id, order_id=order_id)) == 2)
        answer = client.get_order(order_id)
    history.record_lookup(PROFILE, "Webshop | sandbox", "sandbox", answer.data)
    return answer.raw


def _facts(sandbox: SandboxServer, history: HistoryStore, order_id: str, raw: dict[str, Any]) -> BundleFacts:
    site = sandbox.sites[0]
    attempts = sandbox_attempts(sandbox.engine.store, site.api_key, order_id)
    return BundleFacts(
        case=read_case(history, PROFILE, order_id, attempts=attempts),
        profile_name="Webshop | sandbox",
        environment="sandbox",
        site_id=site.site_id,
        order=raw,
        answered_at=dt.datetime(2025, 10, 2, 9, 15, tzinfo=dt.UTC),
        versions=Versions.current(qt="6.11.3", pyside6="6.11.3"),
        made_at=dt.datetime(2025, 10, 2, 9, 16, 30, tzinfo=dt.UTC),
    )


def test_the_bundle_holds_the_order_timeline_notifications_and_versions_and_no_secret(
    sandbox: SandboxServer, history: HistoryStore
) -> None:
    raw = _paid_order_with_a_retried_notification(sandbox, history, "bundle-1")
    facts = _facts(sandbox, history, "bundle-1", raw)
    key = sandbox.sites[0].api_key
    text = build_bundle(facts, secrets=[key])

    assert text.startswith("# Support bundle: order bundle-1\n")
    about = text.split("## Timeline")[0]
    assert "| Environment | Sandbox (the local sandbox built into msp-desk) |" in about
    assert "| Profile | Webshop \\| sandbox |" in about, "a | in a name cannot break the table"
    assert f"| Website | site {sandbox.sites[0].site_id} |" in about
    assert "| Status | completed/completed (answered 2025-10-02 09:15:00 UTC) |" in about
    assert "| Qt | 6.11.3 |" in about
    assert "| PySide6 | 6.11.3 |" in about
    assert re.search(r"\| Python \| 3\.\d+\.\d+ \(CPython\) \|", about)
    assert "| msp-desk | 0.1.0 |" in about

    timeline = text.split("## Timeline")[1].split("## 3-D Secure")[0]
    rows = [line for line in timeline.splitlines() if line.startswith("| 20")]
    events = [row.split(" | ")[1] for row in rows]
    assert events == [
        "Create",
        "Notification completed #1 of 4 ⚠",
        "Notification completed #2",
        "Lookup",
        "Status",
    ]
    assert "`POST /v1/json/orders`" in rows[0]
    assert "| 500 (" in rows[1]
    assert "✗ no" in rows[1]
    assert "| ✓ yes |" in rows[2]

    notifications = text.split("## Notifications")[1].split("## The order as")[0]
    attempts = sandbox_attempts(sandbox.engine.store, key, "bundle-1")
    for attempt in attempts:
        assert f"Auth: {attempt.request_headers['Auth']}\n" in notifications, "the signature, whole"
        assert attempt.request_body is not None
        assert attempt.request_body in notifications, "the body byte for byte"
    assert "### 1. completed, status change: not acknowledged (retrying)" in notifications
    assert "### 2. completed, status change: acknowledged" in notifications
    assert "Answer: HTTP 500" in notifications

    order_json = text.split("## The order as MultiSafepay answered")[1]
    assert '"order_id": "bundle-1"' in order_json
    assert '"last4": "3335"' in order_json
    assert "Steps the embedded browser took" not in text
    assert "took no 3-D Secure steps for this order" in text

    data = text.encode()
    assert hits(data, [key, key[:-4], *card_forms(CARD)]) == []
    assert cvc_hits(data, CVC) == []


def test_a_card_number_or_key_typed_into_a_field_is_masked_in_every_part(
    sandbox: SandboxServer, history: HistoryStore
) -> None:
    key = sandbox.sites[0].api_key
    typed = f"card {CARD} cvc={CVC} api_key={key}"
    raw = _paid_order_with_a_retried_notification(sandbox, history, "bundle-2", description=typed)
    text = build_bundle(_facts(sandbox, history, "bundle-2", raw), secrets=[key])
    data = text.encode()
    assert hits(data, [key, key[:-4], *card_forms(CARD)]) == []
    assert cvc_hits(data, CVC) == []
    assert "••••3335" in text


def test_a_key_that_reached_the_text_stops_the_bundle() -> None:
    key = "0f3c" * 10
    check_clean("nothing secret here", [key])
    for leaked in (key, f'{{"api_key": "{key}"}}', f"api_key%3D{key}"):
        with pytest.raises(SecretInBundle, match="would contain an API key"):
            check_clean(f"some text {leaked} more", [key])
    spaced = "key with space/and+plus"
    with pytest.raises(SecretInBundle, match="URL-encoded"):
        check_clean("?k=key%20with%20space%2Fand%2Bplus", [spaced])
    with pytest.raises(SecretInBundle, match="JSON-escaped"):
        check_clean('{"k": "quote\\"d key!"}', ['quote"d key!'])


def test_the_search_finds_a_secret_in_each_shape_it_looks_for() -> None:
    """The zero-hit searches above mean something only if the search finds what is there."""
    key = "0123456789abcdef0123456789abcdef01234567"
    for lead in (b"", b"a", b"ab"):  # every alignment in the base64 stream
        assert hits(b"Zm9v" + base64.b64encode(lead + key.encode() + b"cd"), [key]) == [f"{key!r} (base64)"]
    assert f"{key!r} (plain)" in hits(b"x" + key.encode() + b"x", [key])
    assert hits("pre".encode("utf-16-le") + key.encode("utf-16-le"), [key]) == [f"{key!r} (UTF-16)"]
    odd = 'a key/with+"odd" chars'
    assert f"{odd!r} (URL-encoded)" in hits(b"k=a%20key%2Fwith%2B%22odd%22%20chars", [odd])
    assert f"{odd!r} (JSON-escaped)" in hits(b'{"k": "a key/with+\\"odd\\" chars"}', [odd])
    assert hits(b"4111 1111 1111 1111", card_forms("4111111111111111"))
    assert hits(b"4111%201111%201111%201111", card_forms("4111111111111111"))
    assert cvc_hits(b'{"card_cvc": "737"}', "737")
    assert cvc_hits(b"card_cvc%3D737", "737")
    assert cvc_hits(base64.b64encode(b'{"card_cvc":"737"}'), "737")
    assert cvc_hits(b"09:14:03.737", "737") == [], "a time stamp is no CVC"


def test_the_file_name_is_safe_on_every_file_system() -> None:
    made = dt.datetime(2025, 10, 2, 11, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert file_name("WS-1001", made) == "msp-desk-support-WS-1001-20251002-091630.md"
    assert file_name("../a b/c:d*?", made) == "msp-desk-support-a_b_c_d-20251002-091630.md"
    assert file_name("...", made) == "msp-desk-support-order-20251002-091630.md"


def test_markup_in_an_order_id_cannot_break_the_document(history: HistoryStore) -> None:
    from msp_desk.support.case import OrderCase

    order_id = "x|`y`|<b>z</b>"
    history.record_call(PROFILE, order_id, "lookup", method="GET", path="/v1/json/orders/x", http_status=200)
    case = read_case(history, PROFILE, order_id)
    facts = BundleFacts(
        case=OrderCase(case.profile_id, order_id, case.entry, case.events),
        profile_name="p",
        environment="test",
        site_id=None,
        order={"data": {"order_id": order_id, "description": "```\n# not a heading"}},
        answered_at=None,
        versions=Versions("0.1.0", "3.11", "6", "6", "Linux"),
        made_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    text = build_bundle(facts)
    assert text.startswith("# Support bundle: order x\\|\\`y\\`\\|\\<b\\>z\\</b\\>\n")
    assert "| Order ID | ``x\\|`y`\\|<b>z</b>`` |" in text
    assert "\n# not a heading" not in text.split("````json")[0], "the description stays inside its block"
    assert "````json\n" in text, "a fence longer than the backticks inside"
    assert "Test and Live orders do not pass through this app" in text
    table = [line for line in text.splitlines() if line.startswith("| 2025") or line.startswith("| 20")]
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 8 for row in table), "seven cells in every row"
