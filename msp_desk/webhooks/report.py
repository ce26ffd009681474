"""The endpoint doctor's results as data a screen can show live, and as a checklist for a ticket."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from msp_desk import __version__


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 - a check's outcome, not a password
    WARN = "warning"
    FAIL = "fail"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


STEPS: tuple[tuple[str, str], ...] = (
    ("rules", "MultiSafepay's URL rules"),
    ("resolve", "Host name and addresses"),
    ("connect", "Connection"),
    ("tls", "TLS certificate"),
    ("post", "Signed POST notification"),
    ("get", "GET notification"),
)
"""Every step's id and title, in order, so a screen can list them before the check starts."""

_MARKS = {
    Outcome.PASS: "PASS",
    Outcome.WARN: "WARN",
    Outcome.FAIL: "FAIL",
    Outcome.SKIPPED: "SKIP",
    Outcome.CANCELLED: "STOP",
}


@dataclass(frozen=True)
class Finding:
    """What a step found, before the doctor adds its name, time and redaction."""

    outcome: Outcome
    summary: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepResult:
    step: str
    title: str
    outcome: Outcome
    summary: str
    details: tuple[str, ...] = ()
    seconds: float = 0.0

    def lines(self) -> list[str]:
        took = "" if self.outcome is Outcome.SKIPPED else f" ({duration(self.seconds)})"
        return [
            f"[{_MARKS[self.outcome]}] {self.title}: {self.summary}{took}",
            *(f"       {detail}" for detail in self.details),
        ]


@dataclass(frozen=True)
class CheckSetup:
    """What was checked and how; shown above the steps."""

    url: str
    sandbox: bool
    methods: tuple[str, ...]
    key_hint: str | None
    """The masked key (``••••abcd``) the POST is signed with, None when unsigned."""
    started: float

    def lines(self) -> list[str]:
        when = dt.datetime.fromtimestamp(self.started, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        rules = (
            "local sandbox (http://, a port and this computer allowed)"
            if self.sandbox
            else "MultiSafepay test and live"
        )
        signed = (
            f"signed with the API key ending {self.key_hint}" if self.key_hint else "unsigned (no API key)"
        )
        return [
            f"Webhook check by msp-desk {__version__}, {when}",
            f"URL: {self.url}",
            f"Rules: {rules}",
            f"Sends: {' and '.join(self.methods)}; POST {signed}",
        ]


@dataclass(frozen=True)
class DoctorReport:
    setup: CheckSetup
    results: tuple[StepResult, ...]

    @property
    def cancelled(self) -> bool:
        return any(r.outcome is Outcome.CANCELLED for r in self.results)

    @property
    def failures(self) -> int:
        return sum(r.outcome is Outcome.FAIL for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(r.outcome is Outcome.WARN for r in self.results)

    @property
    def passed(self) -> bool:
        return not self.cancelled and not self.failures

    def verdict(self) -> str:
        if self.cancelled:
            return "Result: CANCELLED before the check finished"
        if self.failures:
            return f"Result: FAILED ({_count(self.failures, 'step')} failed)"
        if self.warnings:
            return f"Result: PASSED with {_count(self.warnings, 'warning')}"
        return "Result: PASSED"

    def checklist(self) -> str:
        """Plain text for a support ticket: setup, every step with its reasons, the verdict."""
        lines = [*self.setup.lines(), ""]
        for result in self.results:
            lines += result.lines()
        lines += ["", self.verdict()]
        return "\n".join(lines) + "\n"


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
