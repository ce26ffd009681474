"""A website's settings as the Webhooks screen edits them: prices, checks by field, the PATCH, no key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.errors import ValidationFailed
from msp_desk.api.http import make_http_client
from msp_desk.sandbox.server import SandboxServer
from msp_desk.webhooks.site_settings import (
    PriceError,
    SiteFormValues,
    SiteSnapshot,
    check_site_form,
    fetch_site,
    masked_answer,
    parse_price,
    price_text,
    save_site,
)

KEY = "5173e4e0a1c1b1f8d2a3c4e5f60718293a4b9f3c"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(api_keys=[KEY]) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[MspClient]:
    with make_http_client() as http:
        yield MspClient(http, sandbox.base_url, KEY)


def snapshot(**fields: object) -> SiteSnapshot:
    values: dict[str, object] = {
        "site_id": "10325",
        "account_id": "10231456",
        "name": "Webshop NL",
        "url": "https://webshop.example.com",
        "notification_url": "https://webshop.example.com/msp/notify",
        "support_email": None,
        "support_phone": None,
        "price_from": None,
        "price_till": None,
        "notification_method": None,
        "answer": "{}",
    }
    values.update(fields)
    return SiteSnapshot(**values)  # type: ignore[arg-type]


# -- prices -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("10", 1000), ("10.5", 1050), ("10,50", 1050), ("0", 0), ("0.01", 1), (" 2500.00 ", 250000), ("", None)],
)
def test_prices_are_typed_in_euros_and_kept_in_cents(typed: str, cents: int | None) -> None:
    assert parse_price(typed) == cents


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("ten", "is not an amount"),
        ("-5", "is not an amount"),
        ("1,000.00", "is not an amount"),
        ("10.001", "at most 2 decimals"),
        ("1e3", "is not an amount"),
        ("9" * 13, "more than"),
    ],
)
def test_a_price_that_is_not_euros_says_which_rule_it_breaks(typed: str, says: str) -> None:
    with pytest.raises(PriceError, match=says):
        parse_price(typed)


def test_prices_show_without_thousands_separators_so_they_read_back_as_typed() -> None:
    assert price_text(250000) == "2500.00"
    assert price_text(None) == ""
    assert parse_price(price_text(123456789)) == 123456789


# -- checking the form ----------------------------------------------------------------------------


def test_only_changed_fields_are_sent() -> None:
    saved = snapshot()
    values = SiteFormValues(
        **{**saved.values().__dict__, "notification_url": "https://webshop.example.com/hook"}
    )
    check = check_site_form(values, saved, sandbox=False)
    assert check.ok
    assert check.update().to_payload() == {"notification_url": "https://webshop.example.com/hook"}
    assert check.described == [
        "Notification URL: “https://webshop.example.com/msp/notify” → “https://webshop.example.com/hook”"
    ]


def test_an_unchanged_form_sends_nothing() -> None:
    saved = snapshot(price_from=100, support_email="help@webshop.example.com")
    check = check_site_form(saved.values(), saved, sandbox=False)
    assert check.ok
    assert check.changes == {}


def test_clearing_a_field_sends_null() -> None:
    saved = snapshot(support_phone="+31 20 123 4567", price_till=500000)
    values = SiteFormValues(**{**saved.values().__dict__, "support_phone": "", "price_till": ""})
    check = check_site_form(values, saved, sandbox=False)
    assert check.update().to_payload() == {"support_phone": None, "price_till": None}
    assert "Price till: 5,000.00 EUR → (none)" in check.described


def test_each_bad_field_is_named() -> None:
    values = SiteFormValues(
        name="",
        url="webshop",
        notification_url="http://webshop.example.com:8080/hook",
        support_email="not an address",
        support_phone="call us",
        price_from="20",
        price_till="10",
    )
    check = check_site_form(values, snapshot(), sandbox=False)
    assert set(check.errors) == {
        "name",
        "url",
        "notification_url",
        "support_email",
        "support_phone",
        "price_till",
    }
    assert "https, no-port" in check.errors["notification_url"]
    assert [f.rule for f in check.url_rules] == ["https", "no-port"]
    assert "must not be below the lowest (20.00 EUR)" in check.errors["price_till"]


def test_the_sandbox_allows_http_a_port_and_this_computer_with_notes() -> None:
    values = SiteFormValues(
        **{**snapshot().values().__dict__, "notification_url": "http://127.0.0.1:8080/hook"}
    )
    check = check_site_form(values, snapshot(), sandbox=True)
    assert check.ok
    assert [(f.rule, f.level.value) for f in check.url_rules] == [
        ("https", "note"),
        ("no-port", "note"),
        ("public-host", "note"),
    ]
    assert "test and live environments" in check.warnings["notification_url"]


def test_a_query_string_only_warns() -> None:
    url = "https://webshop.example.com/?route=msp"
    values = SiteFormValues(**{**snapshot().values().__dict__, "notification_url": url})
    check = check_site_form(values, snapshot(), sandbox=False)
    assert check.ok
    assert check.warnings["notification_url"].startswith("A query string")


def test_removing_the_notification_url_warns_what_it_means() -> None:
    values = SiteFormValues(**{**snapshot().values().__dict__, "notification_url": ""})
    check = check_site_form(values, snapshot(), sandbox=False)
    assert check.ok
    assert check.changes == {"notification_url": None}
    assert "only orders that carry their own" in check.warnings["notification_url"]


# -- the key ------------------------------------------------------------------------------------


def test_the_answer_shows_the_key_masked_to_its_last_four() -> None:
    raw = {"success": True, "data": {"id": 1, "api_key": KEY, "sites": [{"api_key": KEY}]}}
    text = masked_answer(raw, KEY)
    assert KEY not in text
    assert text.count("••••9f3c") == 2


def test_loading_and_saving_against_the_sandbox_keeps_no_key(
    client: MspClient, sandbox: SandboxServer
) -> None:
    site = fetch_site(client)
    assert site.site_id == str(sandbox.sites[0].site_id)
    assert KEY not in repr(site)
    assert "••••9f3c" in site.answer

    values = SiteFormValues(
        **{**site.values().__dict__, "notification_url": "https://shop.example.com/notify"}
    )
    saved = save_site(client, site.site_id, check_site_form(values, site, sandbox=True))
    assert saved.notification_url == "https://shop.example.com/notify"
    assert saved.name == site.name
    assert KEY not in repr(saved)


def test_a_refusal_names_the_field(client: MspClient) -> None:
    site = fetch_site(client)
    values = SiteFormValues(**{**site.values().__dict__, "support_email": "a" * 95 + "@example.com"})
    check = check_site_form(values, site, sandbox=True)
    assert check.ok  # no limit of ours; the sandbox keeps 100 characters at most
    with pytest.raises(ValidationFailed) as refused:
        save_site(client, site.site_id, check)
    assert refused.value.field == "support_email"
    assert refused.value.http_status == 422
