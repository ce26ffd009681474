"""``msp-desk webhook``: check a notification endpoint, or verify a notification's signature.

    msp-desk webhook check URL [--profile NAME] [--get]
    msp-desk webhook verify --body FILE --auth HEADER [--profile NAME]

Made for a merchant's CI and for support tickets: ``check`` prints its checklist
as it goes and exits non-zero when MultiSafepay could not deliver; ``verify``
says whether an ``Auth`` header signs a body, and why not. The key comes from
the profile's keyring entry or ``MSP_DESK_API_KEY``, never from an argument.
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from msp_desk.cli.session import API_KEY_VARIABLE, CommandError, Session

if TYPE_CHECKING:
    from msp_desk.webhooks.doctor import EndpointDoctor
    from msp_desk.webhooks.report import DoctorReport, StepResult

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CANCELLED = 130
"""What a shell reports for a command stopped with Ctrl-C."""

CANCEL_GRACE_SECONDS = 5.0

_KEY_SOURCE = (
    f"The key is the profile's, from the keyring, or {API_KEY_VARIABLE} when set; without --profile "
    "the built-in local sandbox profile is used."
)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("give a number of seconds above 0 and at most 3600")
    return value


def _window(text: str) -> float:
    return 0.0 if text.strip() in {"0", "0.0"} else _seconds(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="msp-desk webhook",
        description="Check a webhook (notification URL) endpoint, or verify a notification's signature.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{check,verify}")

    check = commands.add_parser(
        "check",
        help="check that MultiSafepay can deliver to a notification URL",
        description="Check a notification URL step by step: MultiSafepay's URL rules, DNS, the "
        "connection, the TLS certificate, and a signed test POST (and GET with --get) whose answer "
        "is judged as MultiSafepay does. Only the URL's own host is contacted; redirects are "
        "reported, never followed. Ctrl-C cancels. " + _KEY_SOURCE,
        epilog="Exit status: 0 passed (perhaps with warnings), 1 failed, 2 usage error, 130 cancelled.",
    )
    check.add_argument("url", metavar="URL", help="the notification URL, as entered at MultiSafepay")
    check.add_argument("--profile", metavar="NAME", help="the profile whose key signs the test POST")
    check.add_argument(
        "--get", action="store_true", help="the site uses GET notifications: send a GET as well"
    )
    check.add_argument(
        "--production-rules",
        action="store_true",
        help="apply MultiSafepay's rules even with a Sandbox profile (http://, ports and this "
        "computer then fail), e.g. in CI",
    )
    check.add_argument("--ca-bundle", metavar="FILE", help="PEM file of trusted CAs instead of the system's")
    check.add_argument(
        "--timeout", type=_seconds, default=30.0, metavar="S", help="wait at most S seconds for an answer"
    )
    check.add_argument(
        "--connect-timeout",
        type=_seconds,
        default=10.0,
        metavar="S",
        help="wait at most S seconds for DNS, the connection and TLS (default 10)",
    )
    check.add_argument(
        "--slow-after",
        type=_seconds,
        default=10.0,
        metavar="S",
        help="an answer slower than S seconds fails (default 10)",
    )

    verify = commands.add_parser(
        "verify",
        help="say whether an Auth header signs a notification body, and why not",
        description="Verify a POST notification's Auth header against its raw body with the "
        "site's API key, and explain a mismatch: a wrong key, an old timestamp, or a body that "
        "was changed (re-encoded JSON, an added newline or byte-order mark). " + _KEY_SOURCE,
        epilog="Exit status: 0 valid, 1 not valid as given, 2 usage error.",
    )
    verify.add_argument(
        "--body",
        required=True,
        metavar="FILE",
        help="the raw request body exactly as received; - reads standard input",
    )
    verify.add_argument("--auth", required=True, metavar="HEADER", help="the Auth header's value")
    verify.add_argument("--profile", metavar="NAME", help="the profile whose key to verify with")
    verify.add_argument(
        "--window",
        type=_window,
        default=600.0,
        metavar="S",
        help="largest accepted age of the timestamp (default 600); 0 turns the age check off, "
        "e.g. for a body saved from an old ticket",
    )
    return parser


def main(argv: list[str]) -> int:
    options = _parser().parse_args(argv)
    try:
        if options.command == "check":
            return _check(options)
        return _verify(options)
    except CommandError as error:
        print(f"msp-desk: {error}", file=sys.stderr)
        return EXIT_USAGE


def _check(options: argparse.Namespace) -> int:
    from msp_desk.api.environments import Environment
    from msp_desk.webhooks.doctor import DoctorOptions, EndpointDoctor

    if options.ca_bundle and not Path(options.ca_bundle).is_file():
        raise CommandError(f"There is no CA bundle file {options.ca_bundle}.")
    with Session() as session:
        profile = session.profile(options.profile)
        try:
            key: str | None = session.api_key(profile)
        except CommandError as error:
            print(f"msp-desk: {error} The test POST is sent unsigned.", file=sys.stderr)
            key = None
        doctor = EndpointDoctor(
            options.url,
            api_key=key,
            options=DoctorOptions(
                sandbox=profile.environment is Environment.SANDBOX and not options.production_rules,
                use_get=options.get,
                resolve_timeout=options.connect_timeout,
                connect_timeout=options.connect_timeout,
                answer_timeout=options.timeout,
                slow_after=options.slow_after,
                ca_bundle=options.ca_bundle,
            ),
        )
        report = _run_live(doctor)
    if report is None or report.cancelled:
        return EXIT_CANCELLED
    return EXIT_PASSED if report.passed else EXIT_FAILED


def _run_live(doctor: EndpointDoctor) -> DoctorReport | None:
    """Run the doctor on a worker thread, printing each step as it ends; Ctrl-C cancels it.

    The main thread only waits and prints, so Ctrl-C lands here rather than in the middle
    of a socket call, and the doctor winds down through its own cancel path.
    """
    from msp_desk.webhooks.report import DoctorReport

    events: queue.Queue[StepResult | DoctorReport | BaseException] = queue.Queue()

    def work() -> None:
        try:
            events.put(doctor.run(on_result=events.put))
        except BaseException as error:  # handed to the main thread, which raises it
            events.put(error)

    _print(*doctor.setup.lines(), "")
    threading.Thread(target=work, name="webhook-check", daemon=True).start()
    deadline: float | None = None
    while True:
        try:
            try:
                event = events.get(timeout=0.1)
            except queue.Empty:
                if deadline is not None and time.monotonic() > deadline:
                    _print("", "Result: CANCELLED (the check did not stop in time)")
                    return None
                continue
            if isinstance(event, BaseException):
                raise event
            if isinstance(event, DoctorReport):
                _print("", event.verdict())
                return event
            _print(*event.lines())
        except KeyboardInterrupt:
            if deadline is not None:
                return None
            print("Cancelling…", file=sys.stderr, flush=True)
            doctor.cancel()
            deadline = time.monotonic() + CANCEL_GRACE_SECONDS


def _print(*lines: str) -> None:
    print("\n".join(lines), flush=True)


def _verify(options: argparse.Namespace) -> int:
    from msp_desk.webhooks.checker import SignatureCheckError, check_signature

    try:
        body = sys.stdin.buffer.read() if options.body == "-" else Path(options.body).read_bytes()
    except OSError as error:
        raise CommandError(f"The body file {options.body} cannot be read ({error.strerror}).") from None
    with Session() as session:
        key = session.api_key(session.profile(options.profile))
    try:
        report = check_signature(body, options.auth, key, now=time.time(), window=options.window or None)
    except SignatureCheckError as error:
        raise CommandError(str(error)) from None
    _print(*report.lines())
    return EXIT_PASSED if report.valid else EXIT_FAILED
