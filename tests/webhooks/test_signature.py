"""The Auth header, checked against MultiSafepay's two published vectors and an independent implementation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msp_desk.webhooks.acknowledgement import Acknowledgement, classify, is_acknowledged
from msp_desk.webhooks.signature import AuthHeaderError, decode_auth, parse, sign, signature_matches, verify

FIXTURES = Path(__file__).parent / "fixtures"

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
DOCS_PAYLOAD = (FIXTURES / "docs_webhook_payload.json").read_bytes()


@dataclass(frozen=True)
class Vector:
    name: str
    api_key: str
    timestamp: int
    auth: str
    body: bytes


VECTORS = [
    Vector(v["name"], v["api_key"], v["timestamp"], v["auth"], (FIXTURES / v["body"]).read_bytes())
    for v in json.loads((FIXTURES / "vectors.json").read_text())
]


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


# -- both published vectors ------------------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_sign_reproduces_each_published_vector(vector: Vector) -> None:
    assert sign(vector.api_key, vector.timestamp, vector.body) == vector.auth
    assert independent_auth(vector.api_key, vector.timestamp, vector.body) == vector.auth
    assert decode_auth(vector.auth)[0] == vector.timestamp
    assert verify(vector.api_key, vector.auth, vector.body, now=vector.timestamp + 1)


def test_python_sdk_vector_signs_the_compact_bytes_not_the_sdk_tests_own_string() -> None:
    (sdk,) = (v for v in VECTORS if v.name == "python-sdk")
    spaced = (FIXTURES / "python_sdk_webhook_payload_spaced.json").read_bytes()
    assert json.loads(spaced) == json.loads(sdk.body)
    assert b'", "' in spaced
    assert b'", "' not in sdk.body
    assert not verify(sdk.api_key, sdk.auth, spaced, now=sdk.timestamp)
    # The SDK's test also trims the key it is given.
    assert verify(" your-MultiSafepay-API-key ", sdk.auth, sdk.body, now=sdk.timestamp)


# -- decoding the header, with reasons --------------------------------------------------------


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("not base64 at all!", "not base64"),
        ("é" * 8, "not base64"),
        (_b64("no-colon"), "no “:”"),
        (_b64("abc:" + "0" * 128), "Unix timestamp"),
        (_b64("1" * 13 + ":" + "0" * 128), "Unix timestamp"),
        (_b64("-5:" + "0" * 128), "Unix timestamp"),
        (_b64("1700000000:"), "no signature"),
        (base64.b64encode(b"\xff\xfe:00").decode(), "not base64"),
    ],
)
def test_decode_auth_says_what_is_wrong(header: str, reason: str) -> None:
    with pytest.raises(AuthHeaderError, match=reason):
        decode_auth(header)
    assert parse(header) is None


def test_signature_matches_ignores_case_and_surrounding_space_of_the_hex() -> None:
    timestamp, digest = decode_auth(DOCS_AUTH)
    assert signature_matches(DOCS_KEY, timestamp, DOCS_PAYLOAD, f"  {digest.upper()}\n")
    assert not signature_matches(DOCS_KEY, timestamp, DOCS_PAYLOAD, digest[:-1])
    assert not signature_matches(DOCS_KEY, timestamp, DOCS_PAYLOAD, "é" * 128)


# -- bodies as MultiSafepay sends them: raw UTF-8, unescaped and escaped slashes -----------------


@pytest.mark.parametrize(
    "body",
    [
        '{"city":"München","price":"€100","description":"Descripción con ñ"}'.encode(),
        b'{"redirect_url":"https://shop.example/return?x=1"}',
        b'{"redirect_url":"https:\\/\\/shop.example\\/return"}',
        '{"emoji":"🙂","nbsp":"\u00a0"}'.encode(),
    ],
)
def test_non_ascii_and_slashes_sign_byte_for_byte(body: bytes) -> None:
    header = sign("key", 1700000000, body)
    assert header == independent_auth("key", 1700000000, body)
    assert verify("key", header, body, now=1700000000)
    # The escaped and unescaped spellings are different bytes, so different signatures.
    other = body.replace(b"\\/", b"/") if b"\\/" in body else body.replace(b"/", b"\\/")
    assert other == body or not verify("key", header, other, now=1700000000)


@given(
    key=st.text(st.characters(exclude_categories=["Cs"]), min_size=1).filter(lambda k: k.strip() != ""),
    timestamp=st.integers(min_value=0, max_value=10**11),
    body=st.binary(),
)
def test_sign_and_verify_agree_with_the_documented_scheme(key: str, timestamp: int, body: bytes) -> None:
    header = sign(key, timestamp, body)
    assert header == independent_auth(key.strip(), timestamp, body)
    assert verify(key, header, body, now=timestamp)
    assert not verify(key, header, body + b" ", now=timestamp)


@given(header=st.text())
def test_decode_auth_raises_only_its_own_error(header: str) -> None:
    try:
        timestamp, digest = decode_auth(header)
    except AuthHeaderError:
        return
    assert 0 <= timestamp < 10**12
    assert digest


# -- the acknowledgement, told apart by case -------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "text", "expected"),
    [
        (200, "OK", Acknowledgement.ACCEPTED),
        (200, "MULTISAFEPAY_OK", Acknowledgement.ACCEPTED),
        (200, "ok", Acknowledgement.CASE_DIFFERS),
        (200, "Ok, thanks", Acknowledgement.CASE_DIFFERS),
        (200, "received", Acknowledgement.REFUSED),
        (204, "", Acknowledgement.REFUSED),
        (500, "OK", Acknowledgement.REFUSED),
    ],
)
def test_classify_tells_lowercase_ok_apart(status: int, text: str, expected: Acknowledgement) -> None:
    assert classify(status, text) is expected
