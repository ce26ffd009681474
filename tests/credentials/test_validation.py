"""The profile form's checks and the connection test the screen offers."""

from __future__ import annotations

import httpx
import pytest

from msp_desk.api.environments import Environment
from msp_desk.api.errors import InvalidApiKey
from msp_desk.api.http import make_http_client
from msp_desk.core.redaction import mask_key
from msp_desk.credentials.connection import check_connection, with_identity
from msp_desk.credentials.profiles import Profile
from msp_desk.credentials.validation import (
    check_api_key,
    check_default_notification_url,
    validate_profile_form,
)
from tests.api.fake_msp import FakeMsp, Reply, fixture_text

KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"
EXISTING = [Profile(name="Shop Live", environment=Environment.LIVE)]


def test_a_good_form_passes() -> None:
    check = validate_profile_form(
        name="Shop Test",
        api_key=KEY,
        existing=EXISTING,
        environment=Environment.TEST,
        notification_url="https://example.com/hook",
    )
    assert check.ok
    assert check.warnings == {}


def test_name_must_be_present_and_unique() -> None:
    empty = validate_profile_form(name="  ", api_key=KEY, existing=EXISTING, environment=Environment.TEST)
    assert "name" in empty.errors
    taken = validate_profile_form(
        name="shop live", api_key=KEY, existing=EXISTING, environment=Environment.TEST
    )
    assert taken.errors["name"] == "There is already a profile named “shop live”."
    # Editing the profile that owns the name is fine.
    own = validate_profile_form(
        name="Shop Live",
        api_key=None,
        existing=EXISTING,
        editing_id=EXISTING[0].id,
        environment=Environment.LIVE,
    )
    assert own.ok


@pytest.mark.parametrize(
    ("key", "error", "warning"),
    [
        (KEY, None, None),
        ("  " + KEY + "\n", None, None),
        ("", "Enter the website's API key.", None),
        ("abc def", "An API key contains no spaces or line breaks.", None),
        ("short-key", None, "MultiSafepay API keys are 40 characters; this one has 9."),
        ("x" * 39 + "-", None, "MultiSafepay API keys are letters and digits only."),
    ],
)
def test_key_checks(key: str, error: str | None, warning: str | None) -> None:
    assert check_api_key(key) == (error, warning)


def test_key_warning_does_not_block_saving() -> None:
    check = validate_profile_form(
        name="S", api_key="sandbox-key", existing=[], environment=Environment.SANDBOX
    )
    assert check.ok
    assert "api_key" in check.warnings


def test_notification_url_and_environment() -> None:
    check = validate_profile_form(
        name="S", api_key=KEY, existing=[], environment=None, notification_url="ftp://x"
    )
    assert set(check.errors) == {"environment", "notification_url"}
    plain = validate_profile_form(
        name="S",
        api_key=KEY,
        existing=[],
        environment=Environment.TEST,
        notification_url="http://example.com/h",
    )
    assert plain.ok
    assert "https" in plain.warnings["notification_url"]


@pytest.mark.parametrize(
    ("environment", "url", "error", "warning"),
    [
        (Environment.LIVE, "https://shop.nl/" + "a" * 140, "at most 150 characters", None),
        (Environment.LIVE, "shop.nl/hook", "must start with http:// or https://", None),
        (Environment.LIVE, "https://shop.nl:8443/hook", None, "port number (:8443)"),
        (Environment.TEST, "https://localhost/hook", None, "is this computer"),
        (Environment.TEST, "https://shop.nl/hook?type=notify", None, "query string"),
        (Environment.SANDBOX, "http://127.0.0.1:8080/hook", None, "test and live environments"),
        (Environment.SANDBOX, "https://shop.nl/hook", None, None),
    ],
)
def test_the_notification_url_follows_the_webhook_rules(
    environment: Environment, url: str, error: str | None, warning: str | None
) -> None:
    check = validate_profile_form(
        name="S", api_key=KEY, existing=[], environment=environment, notification_url=url
    )
    assert (error is None) == check.ok
    if error:
        assert error in check.errors["notification_url"]
    if warning:
        assert warning in check.warnings["notification_url"]
    if error is None and warning is None:
        assert "notification_url" not in check.warnings


def test_mask_key() -> None:
    assert mask_key(KEY) == "••••d0fa"


@pytest.fixture
def http() -> httpx.Client:
    return make_http_client(connect_timeout=1.0, read_timeout=1.0)


def test_check_connection_reports_identity_and_fills_the_profile(http: httpx.Client) -> None:
    with FakeMsp() as fake, http:
        fake.on("GET", "me", Reply(body=fixture_text("me.json")))
        result = check_connection(http, fake.base_url, KEY, environment=Environment.TEST)
        assert fake.requests[0].headers["api_key"] == KEY
    assert (result.site_id, result.account_id, result.role) == (12345, 12345678, "merchant")
    filled = with_identity(Profile(name="S", environment=Environment.TEST), result)
    assert (filled.site_id, filled.account_id) == (12345, 12345678)


def test_check_connection_with_a_wrong_key(http: httpx.Client) -> None:
    with FakeMsp() as fake, http:
        fake.on("GET", "me", Reply(401, fixture_text("error1032.json")))
        with pytest.raises(InvalidApiKey) as caught:
            check_connection(http, fake.base_url, KEY, environment=Environment.TEST)
        assert fake.count("GET", "me") == 1
    assert "Test refused the API key" in caught.value.message


def test_a_default_notification_url_alone_follows_the_profile_forms_rule() -> None:
    assert check_default_notification_url("", environment=Environment.LIVE).ok
    refused = check_default_notification_url("shop.example.com/notify", environment=Environment.LIVE)
    assert refused.errors == {"notification_url": "The notification URL must start with http:// or https://."}
    kept = check_default_notification_url("http://shop.example.com:8080/notify", environment=Environment.LIVE)
    assert kept.ok
    assert kept.warnings["notification_url"] == "MultiSafepay only delivers webhooks to https:// URLs."
    sandbox = check_default_notification_url("http://127.0.0.1:8080/n", environment=Environment.SANDBOX)
    assert sandbox.ok
    assert sandbox.warnings["notification_url"].startswith("http:// works with the local sandbox")
