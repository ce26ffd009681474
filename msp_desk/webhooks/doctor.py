"""The endpoint doctor: does a notification URL work the way MultiSafepay needs, step by step?

Each step reports pass, warning, fail or skipped with its reason and time, through
callbacks a screen can follow live, and the report becomes a checklist for a ticket.
Only the entered URL's host is contacted, only at addresses MultiSafepay could reach
(or this computer, for the local sandbox), and redirects are reported, never followed.
A :class:`CancelToken` stops the check between steps and during them; every wait is
bounded by the options, which tests shorten.

The API key only signs the sample POST: every text leaving here is redacted of it.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from msp_desk import __version__
from msp_desk.core.redaction import mask, redact
from msp_desk.webhooks.exchange import NoAnswer, exchange
from msp_desk.webhooks.judgement import judge_answer
from msp_desk.webhooks.network import Address, Cancelled, CancelToken, open_tcp, resolve
from msp_desk.webhooks.notification import Method, build_notification
from msp_desk.webhooks.report import STEPS, CheckSetup, DoctorReport, Finding, Outcome, StepResult, duration
from msp_desk.webhooks.sample import sample_body, sample_order_id
from msp_desk.webhooks.tls import (
    Certificate,
    client_context,
    handshake,
    peer_certificate,
    read_unverified,
    refusal,
)
from msp_desk.webhooks.url_rules import Level, check_notification_url

log = logging.getLogger(__name__)

EXPIRY_WARNING_DAYS = 14


@dataclass(frozen=True)
class DoctorOptions:
    sandbox: bool = False
    """Local sandbox rules: http://, a port and this computer are allowed."""
    use_get: bool = False
    """The site uses GET notifications: send a GET too, and a failing POST only warns."""
    resolve_timeout: float = 10.0
    connect_timeout: float = 10.0
    answer_timeout: float = 30.0
    slow_after: float = 10.0
    """An answer slower than this fails. MultiSafepay does not publish how long it waits;
    a handler that takes this long should acknowledge first and work afterwards."""
    ca_bundle: str | None = None
    """PEM file of trusted certificate authorities instead of the system's (tests use their own CA)."""
    user_agent: str = f"msp-desk/{__version__} (webhook check)"


class EndpointDoctor:
    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        options: DoctorOptions | None = None,
        cancel: CancelToken | None = None,
    ) -> None:
        self.url = url.strip()
        self.options = options or DoctorOptions()
        self.cancel_token = cancel or CancelToken()
        self._api_key = api_key.strip() if api_key and api_key.strip() else None
        self._target: SplitResult | None = None
        self._port = 0
        self._addresses: list[Address] = []
        self._address: Address | None = None
        self._blocked: str | None = None
        self.setup = CheckSetup(
            url=self.url,
            sandbox=self.options.sandbox,
            methods=("POST", "GET") if self.options.use_get else ("POST",),
            key_hint=mask(self._api_key) if self._api_key else None,
            started=time.time(),
        )
        """What is checked and how, known before :meth:`run` so a screen can show it first."""

    def cancel(self) -> None:
        """Stop the check from any thread; the running step ends as cancelled."""
        self.cancel_token.cancel()

    def run(
        self,
        *,
        on_start: Callable[[str, str], None] | None = None,
        on_result: Callable[[StepResult], None] | None = None,
    ) -> DoctorReport:
        """Run every step in order; ``on_start(step, title)`` and ``on_result`` follow it live."""
        results = []
        for step, title in STEPS:
            result = self._step(step, title, on_start)
            log.info("webhook check %s: %s, %s", step, result.outcome.value, result.summary)
            results.append(result)
            if on_result is not None:
                on_result(result)
        return DoctorReport(self.setup, tuple(results))

    def _step(self, step: str, title: str, on_start: Callable[[str, str], None] | None) -> StepResult:
        if self.cancel_token.cancelled:
            return StepResult(step, title, Outcome.SKIPPED, "Not run: the check was cancelled.")
        skipped = self._skip_reason(step)
        if skipped:
            return StepResult(step, title, Outcome.SKIPPED, skipped)
        if on_start is not None:
            on_start(step, title)
        started = time.monotonic()
        try:
            done = self._work(step)
        except Cancelled:
            done = Finding(Outcome.CANCELLED, "Cancelled.")
        secrets = [self._api_key]
        return StepResult(
            step,
            title,
            done.outcome,
            redact(done.summary, secrets),
            tuple(redact(detail, secrets) for detail in done.details),
            time.monotonic() - started,
        )

    def _work(self, step: str) -> Finding:
        self.cancel_token.check()
        if step == "rules":
            return self._rules()
        if step == "resolve":
            return self._resolve()
        if step == "connect":
            return self._connect()
        if step == "tls":
            return self._tls()
        return self._notify("POST" if step == "post" else "GET")

    def _skip_reason(self, step: str) -> str | None:
        if step == "rules":
            return None
        if step == "get" and not self.options.use_get:
            return "The site uses POST notifications; turn GET on for a site set to GET."
        if self._target is None:
            return "Not run: the URL is not a web address that can be contacted."
        if step == "resolve":
            return None
        if not self._addresses:
            return (
                "Not run: the host has no address MultiSafepay could reach, so msp-desk does not contact it."
            )
        if step == "connect":
            return None
        if self._blocked:
            return f"Not run: {self._blocked}, so MultiSafepay could not deliver either."
        if step == "tls" and self._target.scheme == "http":
            return "http:// has no TLS (the local sandbox allows it; MultiSafepay does not)."
        return None

    # -- the steps ----------------------------------------------------------------------------

    def _rules(self) -> Finding:
        failures = check_notification_url(self.url, sandbox=self.options.sandbox)
        self._target = _contactable(self.url)
        if self._target is not None:
            self._port = self._target.port or (443 if self._target.scheme == "https" else 80)
        details = tuple(f.line() for f in failures)
        broken = [f.rule for f in failures if f.level is Level.ERROR]
        if broken:
            return Finding(Outcome.FAIL, f"Breaks MultiSafepay's rules: {', '.join(broken)}.", details)
        if any(f.level is Level.WARNING for f in failures):
            return Finding(Outcome.WARN, "Meets the rules, with warnings.", details)
        if failures:
            return Finding(
                Outcome.PASS, "Meets the local sandbox's rules; MultiSafepay itself would refuse it.", details
            )
        return Finding(Outcome.PASS, "Meets MultiSafepay's rules (https, no port, characters, length, host).")

    def _resolve(self) -> Finding:
        assert self._target is not None
        host = self._target.hostname or ""
        try:
            found = resolve(host, self._port, timeout=self.options.resolve_timeout, cancel=self.cancel_token)
        except TimeoutError as error:
            return Finding(Outcome.FAIL, f"{host} could not be resolved: {error}.")
        except (OSError, UnicodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            return Finding(Outcome.FAIL, f"{host} does not resolve ({reason}).")
        self._addresses = [a for a in found if self._reachable(a)]
        details = tuple(f"{a.ip}: {self._describe(a)}" for a in found)
        unreachable = [a.ip for a in found if not self._reachable(a)]
        if unreachable:
            return Finding(
                Outcome.FAIL,
                f"{host} has addresses MultiSafepay cannot reach ({', '.join(unreachable)}); "
                "they are not contacted.",
                details,
            )
        if any(a.kind != "public" for a in found):
            return Finding(
                Outcome.PASS, f"{host} is this computer, which only the local sandbox can reach.", details
            )
        plural = "" if len(found) == 1 else "es"
        return Finding(Outcome.PASS, f"{host} resolves to {len(found)} public address{plural}.", details)

    def _reachable(self, address: Address) -> bool:
        return address.kind == "public" or (self.options.sandbox and address.kind == "loopback")

    def _describe(self, address: Address) -> str:
        if address.kind == "public":
            return "public"
        if self._reachable(address):
            return f"{address.kind}: reachable from this computer only (local sandbox)"
        return f"{address.kind}: MultiSafepay cannot reach it; not contacted"

    def _connect(self) -> Finding:
        problems = []
        for address in self._addresses:
            started = time.monotonic()
            try:
                open_tcp(address, timeout=self.options.connect_timeout, cancel=self.cancel_token).close()
            except OSError as error:
                problems.append(f"{address.ip} port {self._port}: {_connection_problem(error, self._port)}")
                continue
            self._address = address
            summary = (
                f"Connected to {address.ip} port {self._port} in {duration(time.monotonic() - started)}."
            )
            if problems:
                return Finding(
                    Outcome.WARN,
                    summary + " Other addresses of the host failed; deliveries to them would fail.",
                    tuple(problems),
                )
            return Finding(Outcome.PASS, summary)
        self._blocked = "no connection could be made"
        return Finding(
            Outcome.FAIL,
            problems[0] if len(problems) == 1 else "No address accepted a connection.",
            tuple(problems),
        )

    def _tls(self) -> Finding:
        assert self._address is not None
        assert self._target is not None
        host = self._target.hostname or ""
        self._blocked = "the TLS connection failed"
        try:
            context = client_context(self.options.ca_bundle)
        except OSError as error:
            return Finding(
                Outcome.FAIL, f"The CA bundle {self.options.ca_bundle} cannot be read ({error.strerror})."
            )
        try:
            sock = self._open()
        except OSError as error:
            return Finding(Outcome.FAIL, f"Could not connect again: {_connection_problem(error, self._port)}")
        try:
            with handshake(
                sock, host, context, timeout=self.options.connect_timeout, cancel=self.cancel_token
            ) as tls:
                certificate, protocol = peer_certificate(tls), tls.version() or "TLS"
        except ssl.SSLCertVerificationError as error:
            certificate = self._unverified_certificate(host)
            return Finding(Outcome.FAIL, refusal(error, host, certificate), _certificate_lines(certificate))
        except ssl.SSLError as error:
            hint = " The port may serve plain HTTP." if "WRONG_VERSION_NUMBER" in str(error) else ""
            return Finding(Outcome.FAIL, f"The TLS handshake failed ({error.reason or error}).{hint}")
        except TimeoutError as error:
            return Finding(Outcome.FAIL, f"The server accepted the connection but made {error}.")
        except (OSError, ValueError) as error:
            return Finding(
                Outcome.FAIL, f"The TLS handshake failed: {_connection_problem(error, self._port)}"
            )
        self._blocked = None
        details = (f"Protocol: {protocol}", *_certificate_lines(certificate))
        if certificate is not None:
            left = certificate.not_after - dt.datetime.now(dt.UTC)
            if left < dt.timedelta(days=EXPIRY_WARNING_DAYS):
                return Finding(
                    Outcome.WARN,
                    f"The certificate is trusted but expires in {left.days} days; renew it.",
                    details,
                )
        return Finding(Outcome.PASS, f"The certificate is trusted and valid for {host}.", details)

    def _unverified_certificate(self, host: str) -> Certificate | None:
        try:
            sock = self._open()
        except OSError:
            return None
        return read_unverified(sock, host, timeout=self.options.connect_timeout, cancel=self.cancel_token)

    def _open(self) -> socket.socket:
        assert self._address is not None
        return open_tcp(self._address, timeout=self.options.connect_timeout, cancel=self.cancel_token)

    def _notify(self, method: Method) -> Finding:
        assert self._target is not None
        timestamp = int(time.time())
        order_id = sample_order_id(timestamp)
        notification = build_notification(
            self.url,
            order_id,
            timestamp,
            method=method,
            body=sample_body(order_id, timestamp),
            api_key=self._api_key,
            user_agent=self.options.user_agent,
        )
        sent = f"Sent: {method} {notification.url}"
        if method == "POST":
            sent += (
                " (signed)"
                if self._api_key
                else " (unsigned: no API key, so a handler that checks it refuses)"
            )
        try:
            sock = self._open()
            if self._target.scheme == "https":
                sock = handshake(
                    sock,
                    self._target.hostname or "",
                    client_context(self.options.ca_bundle),
                    timeout=self.options.connect_timeout,
                    cancel=self.cancel_token,
                )
            answer = exchange(
                sock, notification, timeout=self.options.answer_timeout, cancel=self.cancel_token
            )
        except NoAnswer as error:
            done = Finding(Outcome.FAIL, str(error), (sent,))
        except (OSError, ValueError) as error:
            done = Finding(
                Outcome.FAIL, f"Could not connect again: {_connection_problem(error, self._port)}", (sent,)
            )
        else:
            done = judge_answer(answer, sent=sent, order_id=order_id, slow_after=self.options.slow_after)
        if method == "POST" and self.options.use_get and done.outcome is Outcome.FAIL:
            return Finding(
                Outcome.WARN,
                f"{done.summary} The site uses GET, so this matters only for orders that ask for POST.",
                done.details,
            )
        return done


def _contactable(url: str) -> SplitResult | None:
    """The URL's parts if it names an http(s) host and a usable port, whatever the rules say."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    return parts


def _connection_problem(error: BaseException, port: int) -> str:
    if isinstance(error, ConnectionRefusedError):
        return f"connection refused: nothing listens on port {port}, or a firewall rejects it."
    if isinstance(error, TimeoutError):
        return (
            f"{error or 'timed out'}: a firewall may drop the traffic; "
            "MultiSafepay's addresses must be let in."
        )
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}."
    return f"{error}."


def _certificate_lines(certificate: Certificate | None) -> tuple[str, ...]:
    if certificate is None:
        return ("The certificate could not be read.",)
    names = ", ".join(certificate.names) or "(no names)"
    return (
        f"Issued to: {certificate.subject}; names: {names}",
        f"Issued by: {certificate.issuer}",
        f"Valid: {certificate.not_before:%Y-%m-%d} to {certificate.not_after:%Y-%m-%d}",
    )
