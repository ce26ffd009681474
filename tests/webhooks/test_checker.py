"""The signature checker: valid or not, and why, for the bodies merchants actually hold."""

from __future__ import annotations

import base64
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msp_desk.webhooks.checker import PREFIX_LENGTH, SignatureCheckError, Verdict, check_signature
from msp_desk.webhooks.notification import compact_json
from msp_desk.webhooks.signature import sign, signature_hex
from tests.webhooks.test_signature import FIXTURES, VECTORS, Vector

NOW = 1_700_000_000
KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"
BODY = compact_json({"order_id": "A-1", "city": "Zürich", "redirect_url": "https://shop.nl/r", "amount": 1})
AUTH = sign(KEY, NOW - 5, BODY)


def vector(name: str) -> Vector:
    return next(v for v in VECTORS if v.name == name)


def text_of(report: object) -> str:
    return "\n".join(report.lines())  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["docs", "python-sdk"])
def test_both_published_vectors_are_valid(name: str) -> None:
    v = vector(name)
    report = check_signature(v.body, v.auth, v.api_key, now=v.timestamp + 30)
    assert report.verdict is Verdict.VALID
    assert report.timestamp == v.timestamp
    assert report.age_seconds == 30
    assert report.expected_prefix == report.received_prefix
    assert len(report.expected_prefix or "") == PREFIX_LENGTH
    assert "Timestamp: " + str(v.timestamp) in text_of(report)


def test_the_docs_body_warns_that_re_serialising_handlers_would_reject_it() -> None:
    docs = vector("docs")
    report = check_signature(docs.body, docs.auth, docs.api_key, now=docs.timestamp)
    assert report.valid
    assert any("python-sdk" in w and "Hash the raw request body" in w for w in report.warnings)
    sdk = vector("python-sdk")
    compact = check_signature(sdk.body, sdk.auth, sdk.api_key, now=sdk.timestamp)
    assert compact.valid
    assert compact.warnings == ()


def test_the_sdk_tests_spaced_string_verifies_only_after_compact_re_serialisation() -> None:
    sdk = vector("python-sdk")
    spaced = (FIXTURES / "python_sdk_webhook_payload_spaced.json").read_bytes()
    report = check_signature(spaced, sdk.auth, sdk.api_key, now=sdk.timestamp)
    assert report.verdict is Verdict.VALID_AFTER_CHANGE
    assert not report.valid
    assert report.matched_change == "re-serialising the JSON compactly with raw UTF-8"
    assert "separators=(',', ':'), ensure_ascii=False" in report.reason
    assert "not the bytes MultiSafepay signed" in report.reason
    assert report.expected_prefix != report.received_prefix


@pytest.mark.parametrize(
    ("changed", "words"),
    [
        (BODY + b"\n", "removing the trailing newline"),
        (BODY + b"\r\n", "removing the trailing newline"),
        (b"\xef\xbb\xbf" + BODY, "removing the UTF-8 byte-order mark"),
        (b"\xef\xbb\xbf" + BODY + b"\n", "byte-order mark and the trailing newline"),
        (json.dumps(json.loads(BODY)).encode(), "compactly with raw UTF-8"),
        (json.dumps(json.loads(BODY), indent=2).encode(), "compactly with raw UTF-8"),
        (BODY.replace(b"/", b"\\/"), "compactly with raw UTF-8"),
    ],
)
def test_a_body_changed_after_signing_is_named(changed: bytes, words: str) -> None:
    report = check_signature(changed, AUTH, KEY, now=NOW)
    assert report.verdict is Verdict.VALID_AFTER_CHANGE
    assert words in (report.matched_change or "")
    assert "Verify the raw request body exactly as received" in report.reason


@pytest.mark.parametrize(
    ("signed", "words"),
    [
        (json.dumps(json.loads(BODY), separators=(",", ":")).encode(), "JSON_UNESCAPED_SLASHES"),
        (json.dumps(json.loads(BODY), separators=(",", ":")).replace("/", "\\/").encode(), "default flags"),
        (compact_json(json.loads(BODY)).replace(b"/", b"\\/"), "JSON_UNESCAPED_UNICODE"),
        (json.dumps(json.loads(BODY)).encode(), "json.dumps with its defaults"),
        (json.dumps(json.loads(BODY), ensure_ascii=False).encode(), "json.dumps(…, ensure_ascii=False)"),
        (json.dumps(json.loads(BODY), indent=4, ensure_ascii=False).encode(), "indent=4"),
    ],
)
def test_each_common_serialisation_is_recognised(signed: bytes, words: str) -> None:
    """The merchant holds MultiSafepay's compact body, but their code hashed another encoding."""
    header = sign(KEY, NOW, signed)
    report = check_signature(BODY, header, KEY, now=NOW)
    assert report.verdict is Verdict.VALID_AFTER_CHANGE
    assert words in report.reason


def test_a_wrong_key_is_invalid_and_shows_only_signature_prefixes() -> None:
    report = check_signature(BODY, AUTH, "another-sites-key-0000000000000000000000", now=NOW)
    assert report.verdict is Verdict.INVALID
    assert "not this website's API key" in report.reason
    assert report.received_prefix == signature_hex(KEY, NOW - 5, BODY)[:PREFIX_LENGTH]
    assert report.expected_prefix != report.received_prefix
    text = text_of(report)
    assert signature_hex(KEY, NOW - 5, BODY)[: PREFIX_LENGTH + 1] not in text
    assert KEY not in text


@pytest.mark.parametrize(
    ("now", "words"),
    [(NOW + 601, "10 min 6 s old, outside the 600 s window"), (NOW - 3600, "59 min 55 s in the future")],
)
def test_an_old_or_future_timestamp_is_invalid_even_with_a_matching_signature(now: float, words: str) -> None:
    report = check_signature(BODY, AUTH, KEY, now=now)
    assert report.verdict is Verdict.INVALID
    assert "The signature matches the body, but" in report.reason
    assert words in report.reason


def test_the_window_is_configurable_and_can_be_turned_off() -> None:
    assert check_signature(BODY, AUTH, KEY, now=NOW + 55, window=60).valid
    assert not check_signature(BODY, AUTH, KEY, now=NOW + 66, window=60).valid
    days_later = check_signature(BODY, AUTH, KEY, now=NOW + 9 * 86400, window=None)
    assert days_later.valid
    assert "no age check" in text_of(days_later)
    assert "9 days old" in text_of(days_later)


def test_a_body_changed_and_too_old_is_invalid_with_both_reasons() -> None:
    report = check_signature(BODY + b"\n", AUTH, KEY, now=NOW + 9999)
    assert report.verdict is Verdict.INVALID
    assert "trailing newline" in report.reason
    assert "outside the 600 s window" in report.reason


@pytest.mark.parametrize(
    ("auth", "words"),
    [
        (None, "There is no Auth header"),
        ("  ", "There is no Auth header"),
        ("%%%", "not base64"),
        (base64.b64encode(b"1700000000").decode(), "no “:”"),
        (base64.b64encode(b"soon:abc").decode(), "Unix timestamp"),
    ],
)
def test_an_unusable_header_is_invalid_with_its_reason(auth: str | None, words: str) -> None:
    report = check_signature(BODY, auth, KEY, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert words in report.reason


def test_a_signature_of_the_wrong_shape_is_warned_about() -> None:
    header = base64.b64encode(f"{NOW}:{'Z' * 64}".encode()).decode()
    report = check_signature(BODY, header, KEY, now=NOW)
    assert not report.valid
    assert any("64 characters long; MultiSafepay sends 128 hexadecimal digits" in w for w in report.warnings)


def test_a_key_with_whitespace_is_trimmed_and_said_so() -> None:
    report = check_signature(BODY, AUTH, f"  {KEY}\n", now=NOW)
    assert report.valid
    assert any("spaces or line breaks" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"api_key": ""}, "No API key"),
        ({"api_key": " \n"}, "No API key"),
        ({"api_key": "\ud800abc"}, "characters no key can have"),
        ({"body": "text"}, "raw bytes"),
        ({"auth": 5}, "must be text"),
        ({"now": math.nan}, "finite"),
        ({"now": math.inf}, "finite"),
        ({"window": -1.0}, "0 or more"),
        ({"window": math.nan}, "0 or more"),
    ],
)
def test_unusable_arguments_raise_the_checkers_own_error(kwargs: dict[str, object], words: str) -> None:
    arguments: dict[str, object] = {"body": BODY, "auth": AUTH, "api_key": KEY, "now": NOW, **kwargs}
    with pytest.raises(SignatureCheckError, match=words):
        check_signature(**arguments)  # type: ignore[arg-type]


def test_deeply_nested_json_is_only_compared_as_bytes() -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    report = check_signature(body, sign(KEY, NOW, b"other"), KEY, now=NOW)
    assert report.verdict is Verdict.INVALID


_auth_headers = st.one_of(
    st.none(),
    st.text(),
    st.builds(
        lambda ts, sig: base64.b64encode(f"{ts}:{sig}".encode()).decode(),
        st.integers(min_value=-5, max_value=10**14),
        st.text(alphabet="0123456789abcdefXYZ :", max_size=140),
    ),
)


@settings(max_examples=300)
@given(
    body=st.one_of(
        st.binary(), st.builds(compact_json, st.dictionaries(st.text(), st.text() | st.integers()))
    ),
    auth=_auth_headers,
    key=st.text() | st.text(min_size=1).map(lambda k: "secret-" + k),
    now=st.floats(allow_nan=True, allow_infinity=True) | st.integers(min_value=-(10**15), max_value=10**15),
    window=st.none() | st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_input_gets_a_report_or_the_checkers_own_error(
    body: bytes, auth: str | None, key: str, now: float, window: float | None
) -> None:
    try:
        report = check_signature(body, auth, key, now=now, window=window)
    except SignatureCheckError as error:
        message = str(error)
        report = None
    if report is None:
        assert message.endswith(".")
        return
    assert report.reason
    text = text_of(report)
    if key.startswith("secret-") and "secret-" not in (auth or ""):
        assert key.strip() not in text


@given(body=st.binary(max_size=200), timestamp=st.integers(min_value=0, max_value=NOW))
def test_what_sign_makes_the_checker_accepts(body: bytes, timestamp: int) -> None:
    report = check_signature(body, sign(KEY, timestamp, body), KEY, now=timestamp, window=600)
    assert report.verdict is Verdict.VALID
