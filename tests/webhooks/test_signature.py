"""The Auth header, checked against MultiSafepay's published example and an independent implementation."""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path

import pytest

from msp_desk.webhooks.acknowledgement import is_acknowledged
from msp_desk.webhooks.signature import parse, sign, verify

DOCS_KEY = "8HHhGgRWrA3O7NswjmgwyH7buPPCGnR5AkwAQyqI"
DOCS_TIMESTAMP = 1641218884
DOCS_HMAC = (
    "06cbf226e7c873eff96921d7fde3998eb6be0de7915ee1c1b5149511fca82e26"
    "bb0ab2e6d0e0ad997cbab151e4ba5615418d8e12528301726143ed1146287f93"
)
DOCS_AUTH = (
    "MTY0MTIxODg4NDowNmNiZjIyNmU3Yzg3M2VmZjk2OTIxZDdmZGUzOTk4ZWI2YmUwZGU3OTE1ZWUxYzFiNTE0OTUxMWZjYTgy"
    "ZTI2YmIwYWIyZTZkMGUwYWQ5OTdjYmFiMTUxZTRiYTU2MTU0MThkOGUxMjUyODMwMTcyNjE0M2VkMTE0NjI4N2Y5Mw=="
)
DOCS_PAYLOAD = (Path(__file__).parent / "fixtures" / "docs_webhook_payload.json").read_bytes()


def independent_auth(key: str, timestamp: int, body: bytes) -> str:
    """The documented scheme, written out separately from msp_desk.webhooks."""
    digest = hmac.new(key.encode(), f"{timestamp}:".encode() + body, hashlib.sha512).hexdigest()
    return base64.b64encode(f"{timestamp}:{digest}".encode()).decode()


def test_docs_vector_payload_is_the_byte_exact_page_text() -> None:
    assert b'"order_id":"my-order-id", "payment_details"' in DOCS_PAYLOAD
    assert not DOCS_PAYLOAD.endswith(b"\n")


def test_sign_reproduces_the_docs_example_header() -> None:
    assert sign(DOCS_KEY, DOCS_TIMESTAMP, DOCS_PAYLOAD) == DOCS_AUTH
    assert independent_auth(DOCS_KEY, DOCS_TIMESTAMP, DOCS_PAYLOAD) == DOCS_AUTH
    assert parse(DOCS_AUTH) == (DOCS_TIMESTAMP, DOCS_HMAC)


def test_verify_accepts_the_docs_example_within_the_window() -> None:
    assert verify(DOCS_KEY, DOCS_AUTH, DOCS_PAYLOAD, now=DOCS_TIMESTAMP + 599)
    assert verify(f"  {DOCS_KEY}\n", DOCS_AUTH, DOCS_PAYLOAD, now=DOCS_TIMESTAMP)


def test_verify_rejects_reserialised_json() -> None:
    # Re-encoding drops the page's stray space: the HMAC must be over the raw bytes.
    compact = DOCS_PAYLOAD.replace(b'"my-order-id", "', b'"my-order-id","')
    assert not verify(DOCS_KEY, DOCS_AUTH, compact, now=DOCS_TIMESTAMP)


@pytest.mark.parametrize(
    ("key", "header", "now"),
    [
        ("wrong-key", DOCS_AUTH, DOCS_TIMESTAMP),
        (DOCS_KEY, DOCS_AUTH, DOCS_TIMESTAMP + 601),
        (DOCS_KEY, DOCS_AUTH, DOCS_TIMESTAMP - 601),
        (DOCS_KEY, "", DOCS_TIMESTAMP),
        (DOCS_KEY, None, DOCS_TIMESTAMP),
        (DOCS_KEY, "not base64 at all!", DOCS_TIMESTAMP),
        (DOCS_KEY, base64.b64encode(b"no-colon").decode(), DOCS_TIMESTAMP),
        (DOCS_KEY, base64.b64encode(f"{DOCS_TIMESTAMP}:{'0' * 128}".encode()).decode(), DOCS_TIMESTAMP),
        ("   ", DOCS_AUTH, DOCS_TIMESTAMP),
    ],
)
def test_verify_rejects(key: str, header: str | None, now: float) -> None:
    assert not verify(key, header, DOCS_PAYLOAD, now=now)


def test_custom_tolerance() -> None:
    assert verify(DOCS_KEY, DOCS_AUTH, DOCS_PAYLOAD, now=DOCS_TIMESTAMP + 30, tolerance=60)
    assert not verify(DOCS_KEY, DOCS_AUTH, DOCS_PAYLOAD, now=DOCS_TIMESTAMP + 61, tolerance=60)


def test_unicode_body_round_trip() -> None:
    body = '{"description":"Café € 10 / 12"}'.encode()
    header = sign("key", 1700000000, body)
    assert header == independent_auth("key", 1700000000, body)
    assert verify("key", header, body, now=1700000000)


@pytest.mark.parametrize(
    ("status", "text", "expected"),
    [
        (200, "OK", True),
        (200, "ok", True),
        (200, "MULTISAFEPAY_OK", True),
        (200, " " * 98 + "OK", True),
        (200, " " * 99 + "OK", False),
        (200, "received", False),
        (204, "OK", False),
        (500, "OK", False),
        (302, "OK", False),
    ],
)
def test_acknowledgement_rule(status: int, text: str, expected: bool) -> None:
    assert is_acknowledged(status, text) is expected
