from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msp_desk.core.cards import luhn_valid
from msp_desk.core.logs import log_file, setup_logging
from msp_desk.core.redaction import mask, masked_json, redact, redact_json

KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"


def test_mask_keeps_last_four() -> None:
    assert mask(KEY) == "••••d0fa"
    assert mask("123") == "••••"


@pytest.mark.parametrize(
    "text",
    [
        f"key {KEY} used",
        f"GET /orders?api_key={KEY}&x=1",
        f'{{"api_key": "{KEY}"}}',
        f"api_key: {KEY}",
        f"Authorization: Bearer {KEY}",
    ],
)
def test_api_keys_are_masked(text: str) -> None:
    out = redact(text)
    assert KEY not in out
    assert "d0fa" in out


def test_short_non_hex_key_in_a_field_is_masked_too() -> None:
    out = redact("api_key=sandbox-secret-XYZ9")
    assert "sandbox-secret" not in out
    assert out.endswith("XYZ9")


@pytest.mark.parametrize(
    "card",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "374500000000015",
        "6799990000000000011",
    ],
)
def test_luhn_valid_card_numbers_are_masked(card: str) -> None:
    out = redact(f"card {card} declined")
    assert card not in out
    assert out == f"card ••••{card.replace(' ', '').replace('-', '')[-4:]} declined"


def test_digit_runs_that_fail_luhn_are_left_alone() -> None:
    # Order and PSP ids are long digit runs too; only card-shaped (Luhn) ones are hidden.
    assert redact("transaction 4111111111111112") == "transaction 4111111111111112"


@pytest.mark.parametrize("field", ['"card_cvc": "123"', "cvc=123", '"cvc":"1234"', "CVV: 999"])
def test_cvc_fields_are_masked(field: str) -> None:
    out = redact(f"body {field} end")
    assert not any(digits in out for digits in ("123", "1234", "999"))
    assert "••••" in out


@given(st.text(alphabet="0123456789", min_size=13, max_size=19))
def test_no_luhn_valid_run_survives(digits: str) -> None:
    out = redact(f"x {digits} y")
    assert (digits in out) is not luhn_valid(digits)


def test_log_file_receives_only_redacted_text(msp_home: object) -> None:
    path = setup_logging()
    logger = logging.getLogger("msp_desk.test")
    logger.info("key %s card %s", KEY, "5500000000000004")
    logger.info('body {"card_cvc": "737", "api_key": "%s"}', KEY)
    try:
        raise ValueError(f"bad card 4111111111111111 with key {KEY}")
    except ValueError:
        logger.exception("request failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert path == log_file()
    for secret in (KEY, "5500000000000004", "4111111111111111", '"737"'):
        assert secret not in text
    assert "••••0004" in text
    assert "ValueError: bad card ••••1111" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order 12 4111111111111111", "order 12 ••••1111"),
        ("amount 1000 4111 1111 1111 1111 paid", "amount 1000 ••••1111 paid"),
        ("4111-1111-1111-1111 2026 11", "••••1111 2026 11"),
        ("ids 17472052901237122 17472052901237123", "ids 17472052901237122 17472052901237123"),
    ],
)
def test_cards_next_to_other_numbers_are_still_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


# -- JSON documents: masked by field, so ids that pass the card checksum stay readable --------

LUHN_VALID_PSP_ID = 1796160041877000


def test_psp_ids_that_pass_the_card_checksum_stay_readable_in_json() -> None:
    assert luhn_valid(str(LUHN_VALID_PSP_ID))
    document = {
        "data": {
            "transaction_id": LUHN_VALID_PSP_ID,
            "related_transactions": [{"transaction_id": str(LUHN_VALID_PSP_ID), "type": "refund"}],
            "refund_id": LUHN_VALID_PSP_ID,
            "costs": [{"transaction_id": LUHN_VALID_PSP_ID, "amount": 0.03}],
        }
    }
    text = masked_json(document)
    assert text.count(str(LUHN_VALID_PSP_ID)) == 4
    assert "••••" not in text
    # What the free-text redaction would have done to the same document:
    assert str(LUHN_VALID_PSP_ID) not in redact(json.dumps(document))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("card_number", "4111111111111111"),
        ("card_number", 4111111111111111),
        ("card_cvc", "123"),
        ("cvc", 737),
        ("api_key", KEY),
        ("API_KEY", "short-key-XYZ9"),
    ],
)
def test_secret_fields_are_masked_whatever_their_shape(field: str, value: object) -> None:
    masked = redact_json({"gateway_info": {field: value}})["gateway_info"][field]
    assert masked.startswith("••••")
    assert str(value) not in masked or len(str(value)) <= 4


def test_secrets_in_other_fields_are_masked_by_their_shape() -> None:
    document = {
        "description": "paid with 4111 1111 1111 1111, key " + KEY,
        "var1": 5500000000000004,
        "items": [{"note": "cvc: 123"}],
        "order_id": "4111111111111111",  # not a PSP id: a merchant's text, and card-shaped
    }
    masked = redact_json(document)
    assert masked["description"] == "paid with ••••1111, key ••••d0fa"
    assert masked["var1"] == "••••0004"
    assert masked["items"][0]["note"] == "cvc: ••••"
    assert masked["order_id"] == "4111111111111111", "an id field keeps its digits"


def test_everything_else_is_kept_as_it_was() -> None:
    document = {
        "amount": 1000,
        "status": "completed",
        "costs": [{"amount": 0.03}],
        "related_transactions": None,
        "fastcheckout": False,
        "last4": "1111",
    }
    assert redact_json(document) == document
    assert json.loads(masked_json(document)) == document
