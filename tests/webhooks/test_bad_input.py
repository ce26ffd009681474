"""Whatever URL reaches the endpoint doctor, whatever a merchant pastes as a body and Auth header.

The doctor is built for any text and runs its rules step; it is cancelled right
after, so nothing is contacted (the rules are what a typed URL decides). The
signature checker's own fuzzing is in ``test_checker.py``; here it is fed the
shapes the screen and the command pass on: a pasted header with line breaks,
a body file's bytes, a key typed with spaces.
"""

from __future__ import annotations

import base64

from hypothesis import example, given, settings
from hypothesis import strategies as st

from msp_desk.webhooks.checker import SignatureCheckError, check_signature
from msp_desk.webhooks.doctor import DoctorOptions, EndpointDoctor
from msp_desk.webhooks.report import Outcome
from msp_desk.webhooks.url_rules import RULES, check_notification_url
from tests.helpers.nasty import nasty_text

KEY = "0123456789abcdef0123456789abcdef01234567"
NOW = 1_750_000_000

_urls = st.one_of(
    nasty_text(200),
    st.builds(
        lambda scheme, host, rest: f"{scheme}://{host}{rest}",
        st.sampled_from(["http", "https", "HTTPS", "ftp", "javascript", ""]),
        st.one_of(
            nasty_text(30),
            st.sampled_from(
                ["127.0.0.1", "[::1]", "[fe80::1%eth0]", "10.0.0.1", "shop.example", "xn--", "a" * 64]
            ),
        ),
        st.one_of(
            nasty_text(40), st.sampled_from([":0", ":65536", ":-1", ":http", "/webhook?a=1&b", "@evil"])
        ),
    ),
)


@settings(max_examples=250, deadline=None)
@given(url=_urls, sandbox=st.booleans(), use_get=st.booleans(), key=st.one_of(st.none(), nasty_text(50)))
@example(url="https://[::1", sandbox=False, use_get=False, key=None)
@example(url="https://shop.example:99999/", sandbox=True, use_get=True, key=KEY)
@example(url="https://\ud800.example/", sandbox=False, use_get=False, key="\udc80")
def test_any_url_gets_the_doctor_s_rules_and_a_checklist(
    url: str, sandbox: bool, use_get: bool, key: str | None
) -> None:
    doctor = EndpointDoctor(url, api_key=key, options=DoctorOptions(sandbox=sandbox, use_get=use_get))
    assert doctor.setup.url == url.strip()
    started: list[str] = []
    report = doctor.run(
        on_start=lambda step, _title: started.append(step), on_result=lambda _r: doctor.cancel()
    )
    assert started == ["rules"]  # cancelled after the rules: nothing was contacted
    rules = report.results[0]
    assert rules.outcome in (Outcome.PASS, Outcome.WARN, Outcome.FAIL)
    assert rules.summary.endswith(".")
    broken = [f for f in check_notification_url(url, sandbox=sandbox) if f.rule in RULES]
    assert (rules.outcome is Outcome.FAIL) == any(f.level.value == "error" for f in broken)
    assert all(result.outcome in (Outcome.SKIPPED, Outcome.CANCELLED) for result in report.results[1:])
    checklist = report.checklist()
    assert rules.summary in checklist
    if key and len(key.strip()) >= 8 and key.strip() not in url:
        assert key.strip() not in checklist


@settings(max_examples=200, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=300), nasty_text(300).map(lambda t: t.encode("utf-8", "surrogatepass"))
    ),
    auth=st.one_of(
        st.none(),
        nasty_text(200),
        st.builds(
            lambda raw, around: around + base64.b64encode(raw).decode() + around,
            st.binary(max_size=200),
            st.sampled_from(["", " ", "\n", "\r\n", "\t", "\u00a0", "\ufeff"]),
        ),
    ),
    key=nasty_text(60),
    window=st.one_of(st.none(), st.sampled_from([0, 600, 10**12])),
)
def test_pasted_headers_and_bodies_get_a_report_or_the_checker_s_own_error(
    body: bytes, auth: str | None, key: str, window: int | None
) -> None:
    try:
        report = check_signature(body, auth, key, now=NOW, window=window)
    except SignatureCheckError as error:
        message = str(error)
    else:
        assert report.lines()[0].startswith("Signature: ")
        assert all(isinstance(line, str) and "\n" not in line for line in report.lines())
        return
    assert message.endswith(".")
