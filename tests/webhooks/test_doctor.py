"""The endpoint check against real endpoints on loopback: every step, every answer MultiSafepay judges."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
import trustme

from msp_desk.webhooks.doctor import DoctorOptions, EndpointDoctor
from msp_desk.webhooks.network import Cancelled, CancelToken
from msp_desk.webhooks.report import STEPS, DoctorReport, Outcome, StepResult
from tests.webhooks.conftest import Endpoint, now, server_context

KEY = "c0ffee5a1e5ecre7c0ffee5a1e5ecre7c0ffee5a"
SANDBOX = DoctorOptions(
    sandbox=True, resolve_timeout=3, connect_timeout=3, answer_timeout=3, slow_after=2, ca_bundle=None
)


def check(url: str, options: DoctorOptions = SANDBOX, api_key: str | None = KEY) -> DoctorReport:
    return EndpointDoctor(url, api_key=api_key, options=options).run()


def outcomes(report: DoctorReport) -> dict[str, Outcome]:
    return {r.step: r.outcome for r in report.results}


def step(report: DoctorReport, name: str) -> StepResult:
    return next(r for r in report.results if r.step == name)


def independent_valid(key: str, header: str, body: bytes) -> bool:
    timestamp, _, digest = base64.b64decode(header).decode().partition(":")
    expected = hmac.new(key.encode(), timestamp.encode() + b":" + body, hashlib.sha512).hexdigest()
    return hmac.compare_digest(expected, digest)


# -- answers, judged as MultiSafepay does --------------------------------------------------------------


def test_an_endpoint_that_answers_ok_passes_and_got_a_signed_bare_order(endpoint: Endpoint) -> None:
    report = check(endpoint.url("/webhook/msp"))
    assert outcomes(report) == {
        "rules": Outcome.PASS,
        "resolve": Outcome.PASS,
        "connect": Outcome.PASS,
        "tls": Outcome.SKIPPED,
        "post": Outcome.PASS,
        "get": Outcome.SKIPPED,
    }
    assert report.passed
    (got,) = endpoint.requests
    assert got.method == "POST"
    assert got.path == "/webhook/msp"
    timestamp = got.query["timestamp"][0]
    assert got.query["transactionid"] == [f"msp-desk-test-{timestamp}"]
    assert got.headers["Content-Type"] == "application/json"
    assert independent_valid(KEY, got.headers["Auth"], got.body)
    order = json.loads(got.body)
    assert order["order_id"] == got.query["transactionid"][0]
    assert "Test notification from msp-desk" in order["description"]
    assert "success" not in order
    assert b", " not in got.body
    assert step(report, "post").summary.startswith("Answered 200 with OK")
    assert "local sandbox" in step(report, "rules").summary


def test_multisafepay_ok_passes(endpoint: Endpoint) -> None:
    endpoint.script.body = "MULTISAFEPAY_OK"
    report = check(endpoint.url())
    assert step(report, "post").outcome is Outcome.PASS
    assert "MULTISAFEPAY_OK" in step(report, "post").summary


def test_lowercase_ok_is_a_warning_that_explains_the_doubt(endpoint: Endpoint) -> None:
    endpoint.script.body = "ok"
    report = check(endpoint.url())
    post = step(report, "post")
    assert post.outcome is Outcome.WARN
    assert "“ok”" in post.summary
    assert "has not confirmed" in post.summary
    assert report.passed
    assert report.verdict() == "Result: PASSED with 1 warning"


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (500, "OK", "Answered 500 Internal Server Error; MultiSafepay counts anything but 200 with OK"),
        (204, "", "Answered 204 No Content, but MultiSafepay needs 200 with OK"),
        (200, "received", "Answered 200 but without OK in the first 100 characters"),
        (200, " " * 100 + "OK", "without OK in the first 100 characters"),
        (403, "Forbidden", "Answered 403 Forbidden"),
    ],
)
def test_answers_multisafepay_refuses_fail(endpoint: Endpoint, status: int, body: str, words: str) -> None:
    endpoint.script = replace(endpoint.script, status=status, body=body)
    report = check(endpoint.url())
    post = step(report, "post")
    assert post.outcome is Outcome.FAIL
    assert words in post.summary
    assert "would resend" in post.summary
    assert any("does not exist at MultiSafepay" in d for d in post.details)
    assert not report.passed
    assert report.verdict() == "Result: FAILED (1 step failed)"


def test_a_redirect_fails_and_is_never_followed(endpoints: Callable[..., Endpoint]) -> None:
    elsewhere = endpoints()
    endpoint = endpoints()
    endpoint.script = replace(endpoint.script, status=302, headers={"Location": elsewhere.url("/final")})
    report = check(endpoint.url())
    post = step(report, "post")
    assert post.outcome is Outcome.FAIL
    assert "a redirect to" in post.summary
    assert elsewhere.url("/final") in post.summary
    assert "does not follow redirects" in post.summary
    assert len(endpoint.requests) == 1
    assert elsewhere.requests == []


def test_an_answer_after_20_s_fails_as_slow(endpoint: Endpoint) -> None:
    """The 20-second answer, scaled: the endpoint waits 0.6 s and the check counts 0.2 s as slow."""
    endpoint.script.delay = 0.6
    report = check(endpoint.url(), replace(SANDBOX, slow_after=0.2))
    post = step(report, "post")
    assert post.outcome is Outcome.FAIL
    assert post.summary.startswith("Answered after 0.")
    assert "slower than 0.2 s" in post.summary
    assert "Acknowledge first" in post.summary


def test_a_connection_that_opens_and_says_nothing_times_out(endpoint: Endpoint) -> None:
    endpoint.script.silent = True
    report = check(endpoint.url(), replace(SANDBOX, answer_timeout=0.5))
    post = step(report, "post")
    assert post.outcome is Outcome.FAIL
    assert post.summary == "No answer within 0.5 s."
    assert len(endpoint.requests) == 1


def test_a_server_that_hangs_up_without_answering_fails(endpoint: Endpoint) -> None:
    endpoint.script.hang_up = True
    post = step(check(endpoint.url()), "post")
    assert post.outcome is Outcome.FAIL
    assert "closed the connection" in post.summary


def test_a_server_that_resets_the_connection_fails_and_says_so(endpoint: Endpoint) -> None:
    endpoint.script.reset = True
    post = step(check(endpoint.url()), "post")
    assert post.outcome is Outcome.FAIL
    assert post.summary.startswith("The server reset the connection after ")
    assert len(endpoint.requests) == 1


def test_an_ok_cut_short_fails_although_the_ok_arrived(endpoint: Endpoint) -> None:
    # "OK" arrives, but the answer announced 100 bytes: an HTTP client reports an error, not an OK.
    endpoint.script.declared_length = 100
    post = step(check(endpoint.url()), "post")
    assert post.outcome is Outcome.FAIL
    assert post.summary == (
        "Answered 200 OK, but the connection closed after 2 of the 100 bytes it announced: the answer was "
        "cut short. An HTTP client reports that as an error, so the notification would count as failed "
        "and be sent again."
    )


def test_a_long_answer_read_only_in_part_is_not_cut_short(endpoint: Endpoint) -> None:
    endpoint.script.body = "OK" + "." * 10_000  # more than the doctor reads; all of it was sent
    assert step(check(endpoint.url()), "post").outcome is Outcome.PASS


def test_a_refused_connection_fails_and_sends_nothing(refused_port: int) -> None:
    report = check(f"http://127.0.0.1:{refused_port}/webhook")
    connect = step(report, "connect")
    assert connect.outcome is Outcome.FAIL
    assert "connection refused: nothing listens on port" in connect.summary
    assert step(report, "tls").outcome is Outcome.SKIPPED
    post = step(report, "post")
    assert post.outcome is Outcome.SKIPPED
    assert "no connection could be made" in post.summary


# -- TLS -----------------------------------------------------------------------------------------------


def tls_endpoint(endpoints: Callable[..., Endpoint], leaf: trustme.LeafCert) -> Endpoint:
    return endpoints(server_context(leaf))


def test_a_trusted_certificate_passes_with_its_issuer_and_expiry(
    endpoints: Callable[..., Endpoint], ca: trustme.CA, ca_file: str
) -> None:
    endpoint = tls_endpoint(endpoints, ca.issue_cert("127.0.0.1", "localhost"))
    report = check(endpoint.url(), replace(SANDBOX, ca_bundle=ca_file))
    tls = step(report, "tls")
    assert tls.outcome is Outcome.PASS
    assert tls.summary == "The certificate is trusted and valid for 127.0.0.1."
    assert any(d.startswith("Protocol: TLSv1.") for d in tls.details)
    assert any("Issued by: " in d and "msp-desk test CA" in d for d in tls.details)
    assert any(d.startswith("Valid: ") for d in tls.details)
    assert step(report, "post").outcome is Outcome.PASS
    assert endpoint.requests[0].headers["Auth"]


def test_an_expired_certificate_fails_with_its_expiry_date(
    endpoints: Callable[..., Endpoint], ca: trustme.CA, ca_file: str
) -> None:
    expired_on = now() - dt.timedelta(days=2)
    leaf = ca.issue_cert("127.0.0.1", not_before=expired_on - dt.timedelta(days=365), not_after=expired_on)
    endpoint = tls_endpoint(endpoints, leaf)
    report = check(endpoint.url(), replace(SANDBOX, ca_bundle=ca_file))
    tls = step(report, "tls")
    assert tls.outcome is Outcome.FAIL
    assert tls.summary.startswith(f"The certificate expired on {expired_on:%Y-%m-%d}")
    assert any("msp-desk test CA" in d for d in tls.details)
    assert step(report, "post").outcome is Outcome.SKIPPED
    assert endpoint.requests == []


def test_a_certificate_for_another_host_fails_naming_both(
    endpoints: Callable[..., Endpoint], ca: trustme.CA, ca_file: str
) -> None:
    endpoint = tls_endpoint(endpoints, ca.issue_cert("other.example"))
    tls = step(check(endpoint.url(), replace(SANDBOX, ca_bundle=ca_file)), "tls")
    assert tls.outcome is Outcome.FAIL
    assert tls.summary == "The certificate is for other.example, not for 127.0.0.1."


def test_an_untrusted_chain_fails_and_still_shows_the_issuer(
    endpoints: Callable[..., Endpoint], ca_file: str
) -> None:
    stranger = trustme.CA(organization_name="Unknown CA")
    endpoint = tls_endpoint(endpoints, stranger.issue_cert("127.0.0.1"))
    tls = step(check(endpoint.url(), replace(SANDBOX, ca_bundle=ca_file)), "tls")
    assert tls.outcome is Outcome.FAIL
    assert "chain is not trusted" in tls.summary
    assert any("Issued by: " in d and "Unknown CA" in d for d in tls.details)


def test_a_self_signed_certificate_fails(
    endpoints: Callable[..., Endpoint], self_signed: ssl.SSLContext, ca_file: str
) -> None:
    endpoint = endpoints(self_signed)
    tls = step(check(endpoint.url(), replace(SANDBOX, ca_bundle=ca_file)), "tls")
    assert tls.outcome is Outcome.FAIL
    assert "self-signed" in tls.summary
    assert any("self-signed shop" in d for d in tls.details)


def test_a_certificate_about_to_expire_warns(
    endpoints: Callable[..., Endpoint], ca: trustme.CA, ca_file: str
) -> None:
    soon = now() + dt.timedelta(days=5, hours=1)
    endpoint = tls_endpoint(endpoints, ca.issue_cert("127.0.0.1", not_after=soon))
    tls = step(check(endpoint.url(), replace(SANDBOX, ca_bundle=ca_file)), "tls")
    assert tls.outcome is Outcome.WARN
    assert "expires in 5 days" in tls.summary


def test_https_to_a_plain_http_port_fails_the_handshake(endpoint: Endpoint, ca_file: str) -> None:
    tls = step(
        check(f"https://127.0.0.1:{endpoint.port}/webhook", replace(SANDBOX, ca_bundle=ca_file)), "tls"
    )
    assert tls.outcome is Outcome.FAIL
    assert "TLS handshake failed" in tls.summary


def test_a_port_that_accepts_but_never_speaks_tls_times_out(mute_listener: int, ca_file: str) -> None:
    options = replace(SANDBOX, ca_bundle=ca_file, connect_timeout=0.5)
    report = check(f"https://127.0.0.1:{mute_listener}/webhook", options)
    assert step(report, "connect").outcome is Outcome.PASS
    tls = step(report, "tls")
    assert tls.outcome is Outcome.FAIL
    assert "no TLS handshake within 0.5 s" in tls.summary


def test_an_unreadable_ca_bundle_fails_the_tls_step(endpoint: Endpoint, tmp_path: object) -> None:
    url = f"https://127.0.0.1:{endpoint.port}/webhook"
    tls = step(check(url, replace(SANDBOX, ca_bundle="/nonexistent/ca.pem")), "tls")
    assert tls.outcome is Outcome.FAIL
    assert "cannot be read" in tls.summary


# -- GET sites, rules, keys ---------------------------------------------------------------------------


def test_a_get_site_gets_a_get_with_the_query_and_no_body(endpoint: Endpoint) -> None:
    report = check(endpoint.url("/hook?shop=1"), replace(SANDBOX, use_get=True))
    assert step(report, "get").outcome is Outcome.PASS
    post, get = endpoint.requests
    assert (post.method, get.method) == ("POST", "GET")
    assert get.body == b""
    assert "Auth" not in get.headers
    assert get.query["shop"] == ["1"]
    assert get.query["transactionid"][0].startswith("msp-desk-test-")
    assert get.query["timestamp"][0].isdigit()


def test_for_a_get_site_a_refused_post_only_warns(endpoint: Endpoint) -> None:
    endpoint.script = replace(endpoint.script, status=405, body="Method Not Allowed")
    report = check(endpoint.url(), replace(SANDBOX, use_get=True))
    post = step(report, "post")
    assert post.outcome is Outcome.WARN
    assert "The site uses GET" in post.summary
    assert step(report, "get").outcome is Outcome.FAIL


def test_production_rules_never_contact_this_computer(endpoint: Endpoint) -> None:
    report = check(endpoint.url(), replace(SANDBOX, sandbox=False))
    rules = step(report, "rules")
    assert rules.outcome is Outcome.FAIL
    assert rules.summary == "Breaks MultiSafepay's rules: https, no-port, public-host."
    assert any(d.startswith("error (no-port): ") for d in rules.details)
    resolve = step(report, "resolve")
    assert resolve.outcome is Outcome.FAIL
    assert "127.0.0.1: loopback: MultiSafepay cannot reach it; not contacted" in resolve.details
    assert [r.outcome for r in report.results[2:]] == [Outcome.SKIPPED] * 4
    assert endpoint.requests == []


def test_localhost_under_production_rules_is_resolved_but_not_contacted() -> None:
    report = check("https://localhost/webhook", replace(SANDBOX, sandbox=False))
    assert step(report, "rules").outcome is Outcome.FAIL
    assert step(report, "resolve").outcome is Outcome.FAIL
    assert step(report, "connect").outcome is Outcome.SKIPPED


def test_text_that_is_no_web_address_skips_every_network_step() -> None:
    report = check("shop.nl/webhook")
    assert step(report, "rules").outcome is Outcome.FAIL
    assert all(r.outcome is Outcome.SKIPPED for r in report.results[1:])
    assert "not a web address" in step(report, "resolve").summary


def test_without_a_key_the_post_goes_unsigned_and_says_so(endpoint: Endpoint) -> None:
    report = check(endpoint.url(), api_key=None)
    assert "Auth" not in endpoint.requests[0].headers
    assert any("unsigned" in d for d in step(report, "post").details)
    assert "unsigned (no API key)" in report.checklist()


# -- live progress, cancelling, the checklist, secrets -------------------------------------------------


def test_progress_is_reported_step_by_step(endpoint: Endpoint) -> None:
    started: list[str] = []
    ended: list[StepResult] = []
    report = EndpointDoctor(endpoint.url(), api_key=KEY, options=SANDBOX).run(
        on_start=lambda step, title: started.append(step), on_result=ended.append
    )
    assert started == ["rules", "resolve", "connect", "post"]
    assert [r.step for r in ended] == [s for s, _ in STEPS]
    assert tuple(ended) == report.results
    assert all(r.seconds >= 0 for r in ended)
    assert [r.title for r in ended] == [t for _, t in STEPS]


def test_cancelling_during_a_step_stops_it_at_once(endpoint: Endpoint) -> None:
    endpoint.script.silent = True
    doctor = EndpointDoctor(endpoint.url(), api_key=KEY, options=replace(SANDBOX, answer_timeout=60))
    reports: list[DoctorReport] = []
    worker = threading.Thread(target=lambda: reports.append(doctor.run()), daemon=True)
    worker.start()
    assert endpoint.arrived.wait(10)
    doctor.cancel()
    worker.join(10)
    assert not worker.is_alive()
    (report,) = reports
    assert step(report, "post").outcome is Outcome.CANCELLED
    assert step(report, "get").outcome is Outcome.SKIPPED
    assert report.cancelled
    assert not report.passed
    assert report.verdict() == "Result: CANCELLED before the check finished"


def test_cancelling_before_the_start_runs_nothing(endpoint: Endpoint) -> None:
    token = CancelToken()
    token.cancel()
    report = EndpointDoctor(endpoint.url(), api_key=KEY, options=SANDBOX, cancel=token).run()
    assert all(r.outcome is Outcome.SKIPPED for r in report.results)
    assert endpoint.requests == []


def test_a_cancel_wakes_a_blocked_read() -> None:
    token = CancelToken()
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname())
    outcome: list[bytes | BaseException] = []

    def read() -> None:
        with token.guarding(client, 60):
            try:
                outcome.append(client.recv(10))
            except OSError as error:
                outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    token.cancel()
    reader.join(10)
    assert not reader.is_alive()
    (woken,) = outcome
    assert woken == b"" or isinstance(woken, OSError)
    with pytest.raises(Cancelled):
        token.check()
    client.close()
    server.close()


def test_the_checklist_lists_every_step_with_its_reason(refused_port: int) -> None:
    text = check(f"http://127.0.0.1:{refused_port}/webhook").checklist()
    lines = text.splitlines()
    assert lines[0].startswith("Webhook check by msp-desk ")
    assert f"URL: http://127.0.0.1:{refused_port}/webhook" in lines
    assert "Rules: local sandbox (http://, a port and this computer allowed)" in lines
    assert "Sends: POST; POST signed with the API key ending ••••ee5a" in lines
    for _, title in STEPS:
        assert any(line.startswith("[") and f"] {title}: " in line for line in lines)
    assert "[FAIL] Connection: 127.0.0.1 port" in text
    assert lines[-1] == "Result: FAILED (1 step failed)"


def test_the_api_key_never_reaches_the_report_or_the_log(
    endpoint: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    # A server that echoes what it got, key-shaped text included, must not put the key on screen.
    endpoint.script = replace(endpoint.script, status=500, body=f"bad request, api_key={KEY} {KEY}")
    with caplog.at_level(logging.DEBUG):
        report = check(endpoint.url(), replace(SANDBOX, use_get=True))
    assert KEY not in report.checklist()
    assert KEY not in caplog.text
    assert "webhook check get: fail" in caplog.text
    assert "••••ee5a" in report.checklist()
