"""MultiSafepay's notification-URL rules, each named, and what the local sandbox relaxes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msp_desk.webhooks.url_rules import RULES, Level, RuleFailure, check_notification_url


def named(failures: list[RuleFailure]) -> dict[str, Level]:
    return {f.rule: f.level for f in failures}


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.nl/webhook",
        "https://www.my-shop.co.uk/multisafepay/notify_url",
        "HTTPS://Shop.NL/Webhook",
        "https://shop.nl",
        "https://shop.nl./hook",
        "https://xn--shp-sna.de/hook",
    ],
)
def test_a_public_https_url_passes_every_rule(url: str) -> None:
    assert check_notification_url(url) == []


@pytest.mark.parametrize(
    ("url", "rule", "words"),
    [
        ("", "web-address", "Enter the notification URL"),
        ("shop.nl/webhook", "web-address", "must start with http:// or https://"),
        ("ftp://shop.nl/webhook", "web-address", "must start with http:// or https://"),
        ("https:shop.nl/webhook", "web-address", "must start with http:// or https://"),
        ("https:///webhook", "web-address", "no host name"),
        ("https://[::1/hook", "web-address", "not a web address"),
        ("http://shop.nl/webhook", "https", "only delivers webhooks to https://"),
        ("https://shop.nl:8443/webhook", "no-port", "port number (:8443)"),
        ("https://shop.nl:443/webhook", "no-port", "port number (:443)"),
        ("https://shop.nl:/webhook", "no-port", "port number (:)"),
        ("https://shop.nl:http/webhook", "no-port", "not a number"),
        ("https://shop.nl/web hook", "characters", "a space"),
        ("https://shop.nl/hook%20x", "characters", "“%”"),
        ("https://shop.nl/hook#frag", "characters", "“#”"),
        ("https://user@shop.nl/hook", "characters", "“@”"),
        ("https://shop.nl/caf\u00e9", "characters", "“é”"),
        ("https://shop.nl/a=b", "characters", "“=”"),
        ("https://shop.nl/hook?a=b?c", "characters", "“?”"),
        ("https://shop.nl/tab\there", "characters", "U+0009"),
        ("https://shop.nl/" + "a" * 140, "length", "at most 150 characters; this one has 156"),
        ("https://localhost/hook", "public-host", "is this computer"),
        ("https://api.localhost/hook", "public-host", "is this computer"),
        ("https://127.0.0.1/hook", "public-host", "loopback address"),
        ("https://10.1.2.3/hook", "public-host", "private address"),
        ("https://192.168.1.10/hook", "public-host", "private address"),
        ("https://172.16.0.1/hook", "public-host", "private address"),
        ("https://169.254.169.254/hook", "public-host", "link-local address"),
        ("https://100.64.0.1/hook", "public-host", "carrier-grade NAT"),
        ("https://0.0.0.0/hook", "public-host", "unspecified address"),
        ("https://240.0.0.1/hook", "public-host", "reserved address"),
        ("https://224.0.0.1/hook", "public-host", "multicast address"),
        ("https://intranet/hook", "public-host", "has no domain"),
        ("https://shop.test/hook", "public-host", ".test are reserved"),
        ("https://shop.example/hook", "public-host", ".example are reserved"),
        ("https://printer.local/hook", "public-host", ".local are reserved"),
        ("https://nas.home.arpa/hook", "public-host", ".home.arpa are reserved"),
        ("https://app.internal/hook", "public-host", ".internal are reserved"),
        ("https://my_shop.nl/hook", "public-host", "not a valid host name"),
        ("https://-shop.nl/hook", "public-host", "not a valid host name"),
        ("https://shop..nl/hook", "public-host", "not a valid host name"),
        ("https://1.2.3/hook", "public-host", "neither a host name nor an IP address"),
    ],
)
def test_each_broken_rule_is_named_with_a_sentence(url: str, rule: str, words: str) -> None:
    failures = check_notification_url(url)
    (failure,) = (f for f in failures if f.rule == rule)
    assert failure.level is Level.ERROR
    assert words in failure.message
    assert failure.message.endswith(".")
    assert rule in RULES


def test_several_broken_rules_all_come_back_in_rule_order() -> None:
    failures = check_notification_url("http://localhost:8080/web hook")
    assert [f.rule for f in failures] == ["https", "no-port", "characters", "public-host"]
    assert list(RULES).index("https") < list(RULES).index("public-host")


def test_a_bare_public_ip_address_warns_that_a_name_is_expected() -> None:
    (failure,) = check_notification_url("https://203.0.114.7/hook")
    assert (failure.rule, failure.level) == ("public-host", Level.WARNING)
    assert "bare IP address where a host name is expected" in failure.message


def test_ipv6_hosts_are_classified_and_their_brackets_are_not_allowed_characters() -> None:
    rules = named(check_notification_url("https://[::1]/hook"))
    assert rules == {"characters": Level.ERROR, "public-host": Level.ERROR}
    assert "“[”" in check_notification_url("https://[2001:db8::1]/hook")[0].message
    mapped = check_notification_url("https://[::ffff:127.0.0.1]/hook")
    assert any("loopback" in f.message for f in mapped)


def test_a_query_string_is_a_warning_not_a_refusal() -> None:
    (failure,) = check_notification_url("https://shop.nl/index.php?route=multisafepay&type=notify")
    assert (failure.rule, failure.level) == ("characters", Level.WARNING)
    assert "query string" in failure.message
    assert "the dashboard may refuse it" in failure.message


def test_exactly_150_characters_is_allowed() -> None:
    url = "https://shop.nl/" + "a" * (150 - len("https://shop.nl/"))
    assert len(url) == 150
    assert check_notification_url(url) == []
    assert named(check_notification_url(url + "a")) == {"length": Level.ERROR}


def test_surrounding_whitespace_is_ignored() -> None:
    assert check_notification_url("  https://shop.nl/webhook \n") == []


@pytest.mark.parametrize(
    ("url", "notes"),
    [
        ("http://127.0.0.1:8080/hook", {"https", "no-port", "public-host"}),
        ("http://localhost/hook", {"https", "public-host"}),
        ("https://localhost:8443/hook", {"no-port", "public-host"}),
        ("http://shop.nl/hook", {"https"}),
    ],
)
def test_the_sandbox_allows_http_ports_and_loopback_with_a_note(url: str, notes: set[str]) -> None:
    failures = check_notification_url(url, sandbox=True)
    assert named(failures) == dict.fromkeys(notes, Level.NOTE)
    assert all("test and live" in f.message for f in failures)
    assert any(f.level is Level.ERROR for f in check_notification_url(url))


def test_the_sandbox_still_refuses_private_addresses_and_bad_characters() -> None:
    rules = named(check_notification_url("http://192.168.1.5:8080/web hook", sandbox=True))
    assert rules == {
        "https": Level.NOTE,
        "no-port": Level.NOTE,
        "characters": Level.ERROR,
        "public-host": Level.ERROR,
    }


@given(st.text(max_size=300))
def test_any_text_gets_rule_results_and_never_an_exception(text: str) -> None:
    failures = check_notification_url(text)
    assert all(f.rule in RULES and f.message for f in failures)
    sandbox = check_notification_url(text, sandbox=True)
    assert len(sandbox) <= len(failures) or not text.strip()


@given(st.from_regex(r"https?://[a-z0-9.:\[\]@-]{1,30}(/[A-Za-z0-9_.%?=&#-]{0,20}){0,3}", fullmatch=True))
def test_url_shaped_text_never_raises(text: str) -> None:
    for failure in check_notification_url(text) + check_notification_url(text, sandbox=True):
        assert failure.rule in RULES
