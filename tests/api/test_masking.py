"""What may appear in a message about a request, and what is masked."""

from __future__ import annotations

import pytest

from msp_desk.api.environments import Environment, base_url_for, environment_for_url
from msp_desk.core.redaction import mask_key, redact

KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"


def test_mask_key_keeps_only_the_last_four() -> None:
    assert mask_key(KEY) == "••••d0fa"
    assert mask_key("  abcdef  ") == "••••cdef"
    assert mask_key("abc") == "••••"
    assert mask_key("") == ""


def test_known_secrets_are_masked_exactly() -> None:
    text = redact(f"key={KEY} short=x9Y", secrets=[KEY, "x9Y"])
    assert text == "key=••••d0fa short=••••"


def test_unknown_key_shaped_and_card_shaped_text_is_masked() -> None:
    text = redact(
        "key 8HHhGgRWrA3O7NswjmgwyH7buPPCGnR5AkwAQyqI card 4111 1111 1111 1111 and 5500000000000004"
    )
    assert text == "key ••••QyqI card ••••1111 and ••••0004"


def test_psp_ids_that_are_not_card_numbers_stay_readable() -> None:
    # 17472052901237122 fails the card checksum, so it is an id, not a card.
    assert redact("transaction 17472052901237122") == "transaction 17472052901237122"


@pytest.mark.parametrize("text", ['"card_cvc": "123"', "cvc=123", "CVV: 1234"])
def test_cvc_next_to_its_name_is_masked(text: str) -> None:
    assert not any(ch.isdigit() for ch in redact(text).split("••••")[-1])
    assert "••••" in redact(text)


def test_a_cvc_value_does_not_eat_longer_numbers() -> None:
    assert redact("error 1234 and 123", secrets=["123"]) == "error 1234 and ••••"


def test_base_urls_and_environment_guess() -> None:
    assert base_url_for(Environment.LIVE) == "https://api.multisafepay.com/v1/json/"
    assert base_url_for(Environment.TEST) == "https://testapi.multisafepay.com/v1/json/"
    assert (
        base_url_for(Environment.SANDBOX, "http://127.0.0.1:8123/v1/json") == "http://127.0.0.1:8123/v1/json/"
    )
    with pytest.raises(ValueError, match="sandbox"):
        base_url_for(Environment.SANDBOX)
    assert environment_for_url("https://api.multisafepay.com/v1/json/") is Environment.LIVE
    assert environment_for_url("https://testapi.multisafepay.com/v1/json/") is Environment.TEST
    assert environment_for_url("http://127.0.0.1:8123/v1/json/") is Environment.SANDBOX
