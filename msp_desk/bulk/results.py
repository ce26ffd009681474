"""What a bulk lookup found for each id, and a short reason for each id it could not look up.

The reasons are meant for a table cell and a summary line ("not found
(1006)", "server error 500 after 3 tries"); the client's full message is kept
beside them for a tooltip or a log. Both are free of secrets: the client
redacts whatever the server sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from msp_desk.api.errors import (
    ConnectionDropped,
    InvalidApiKey,
    MalformedResponse,
    MspError,
    NetworkUnreachable,
    NotFound,
    RateLimited,
    RequestRejected,
    RequestTimeout,
    ServerError,
    ValidationFailed,
)
from msp_desk.api.models import Order

NOT_LOOKED_UP = "not looked up"
NO_STATUS = "no status"

_MALFORMED = {
    "html": "HTML page instead of JSON",
    "not_json": "answer is not JSON",
    "truncated": "answer cut short",
    "empty": "empty answer",
    "unexpected_json": "answer of an unexpected shape",
}


class Outcome(StrEnum):
    PENDING = "pending"  # not looked up (yet, or the run was cancelled first)
    FOUND = "found"
    FAILED = "failed"


@dataclass(frozen=True)
class LookupResult:
    """One input id; ``index`` is its position in the input."""

    index: int
    order_id: str
    outcome: Outcome = Outcome.PENDING
    order: Order | None = None
    error: str | None = None
    detail: str | None = None

    @property
    def reason(self) -> str:
        """Why there is no order: the error, or that it was never looked up."""
        return self.error or (NOT_LOOKED_UP if self.outcome is Outcome.PENDING else "")


def status_of(result: LookupResult) -> str | None:
    """The status a found order is counted (and filtered) under; None for an id without an order."""
    if result.outcome is Outcome.FOUND and result.order is not None:
        return result.order.status or NO_STATUS
    return None


def describe_error(error: MspError) -> str:
    """A few words naming what went wrong, with the number of tries when there was more than one."""
    tries = f" after {error.attempts} tries" if error.attempts > 1 else ""
    if isinstance(error, NotFound):
        return f"not found ({error.code})"
    if isinstance(error, InvalidApiKey):
        return f"API key refused ({error.code})"
    if isinstance(error, RateLimited):
        return f"rate limited{tries}"
    if isinstance(error, ServerError):
        return f"server error {error.http_status}{tries}"
    if isinstance(error, RequestTimeout):
        return f"timed out{tries}"
    if isinstance(error, ConnectionDropped):
        return f"connection dropped{tries}"
    if isinstance(error, NetworkUnreachable):
        return f"cannot connect{tries}"
    if isinstance(error, MalformedResponse):
        return _MALFORMED.get(str(error.code), "unreadable answer") + tries
    if isinstance(error, ValidationFailed | RequestRejected):
        return f"refused ({error.code})"
    return error.message


@dataclass(frozen=True)
class Tally:
    """Counts for a summary: found orders per status, failures per reason, and ids not looked up."""

    total: int
    statuses: Counter[str]
    failures: Counter[str]
    pending: int

    @property
    def found(self) -> int:
        return sum(self.statuses.values())

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    def line(self, pending: str = NOT_LOOKED_UP) -> str:
        """For example: ``5 orders: 3 found (2 completed, 1 void); 1 failed (1 not found (1006)); 1 not
        looked up``.

        Statuses and reasons are listed most frequent first. ``pending`` names the ids without an
        answer: "still to look up" while a run goes on.
        """
        parts = [f"{self.found} found" + _breakdown(self.statuses)]
        if self.failures:
            parts.append(f"{self.failed} failed" + _breakdown(self.failures))
        if self.pending:
            parts.append(f"{self.pending} {pending}")
        noun = "order" if self.total == 1 else "orders"
        return f"{self.total} {noun}: " + "; ".join(parts)

    @classmethod
    def of(cls, counts: Counter[tuple[Outcome, str]]) -> Tally:
        """From counts by :func:`counted_under`, which a screen can keep up to date one result at a time."""
        statuses: Counter[str] = Counter()
        failures: Counter[str] = Counter()
        for (outcome, what), n in counts.items():
            if n and outcome is Outcome.FOUND:
                statuses[what] += n
            elif n and outcome is Outcome.FAILED:
                failures[what] += n
        pending = sum(n for (outcome, _), n in counts.items() if outcome is Outcome.PENDING)
        return cls(sum(counts.values()), statuses, failures, pending)


def counted_under(result: LookupResult) -> tuple[Outcome, str]:
    """Where a summary counts ``result``: the status of the order found, or why there is none."""
    if result.outcome is Outcome.FOUND:
        return Outcome.FOUND, status_of(result) or NO_STATUS
    if result.outcome is Outcome.FAILED:
        return Outcome.FAILED, result.error or "failed"
    return Outcome.PENDING, NOT_LOOKED_UP


def tally(results: Sequence[LookupResult]) -> Tally:
    return Tally.of(Counter(counted_under(result) for result in results))


def _breakdown(counts: Counter[str]) -> str:
    if not counts:
        return ""
    return " (" + ", ".join(f"{n} {what}" for what, n in counts.most_common()) + ")"
