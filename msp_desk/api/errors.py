"""Everything that can go wrong talking to MultiSafepay, as exception types.

Each error has a ``code`` (MultiSafepay's ``error_code`` when it sent one, else
the HTTP status, else a short symbolic name) and a one-line ``message`` meant
for a support engineer. Messages never contain the API key, a card number or
a CVC: whatever comes from the server is passed through ``redact`` first.
"""

from __future__ import annotations

from msp_desk.api.environments import Environment

ErrorCode = int | str


class MspError(Exception):
    """Base of every error the API client raises."""

    def __init__(self, message: str, *, code: ErrorCode, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        # How many times the request was sent before giving up; GETs are retried (RetryPolicy).
        self.attempts = 1

    def __str__(self) -> str:
        return self.message


class InvalidApiKey(MspError):
    """MultiSafepay refused the key (error 1032, or HTTP 401/403)."""

    def __init__(
        self, environment: Environment, *, code: ErrorCode = 1032, http_status: int | None = None
    ) -> None:
        other = {
            Environment.LIVE: "a Test key was used against Live",
            Environment.TEST: "a Live key was used against Test",
            Environment.SANDBOX: "a Test or Live key was used against the local sandbox",
        }[environment]
        super().__init__(
            f"{environment.label} refused the API key (error {code}); perhaps {other}.",
            code=code,
            http_status=http_status,
        )
        self.environment = environment


class NotFound(MspError):
    """The order, site or other resource does not exist for this key (error 1006, HTTP 404/410)."""


class ValidationFailed(MspError):
    """MultiSafepay rejected a field of the request; ``field`` names it when it could be found."""

    def __init__(
        self, message: str, *, code: ErrorCode, field: str | None = None, http_status: int | None = None
    ) -> None:
        super().__init__(message, code=code, http_status=http_status)
        self.field = field


class RequestRejected(MspError):
    """Any other refusal with an ``error_code``, e.g. 1024 declined or 1034 cannot refund."""


class ServerError(MspError):
    """MultiSafepay (or a proxy in front of it) answered with a 5xx status."""


class RateLimited(MspError):
    """HTTP 429: too many requests; ``retry_after`` is the wait in seconds the server asked for, if any."""

    def __init__(
        self, message: str, *, code: ErrorCode, http_status: int | None = 429, retry_after: float | None
    ) -> None:
        super().__init__(message, code=code, http_status=http_status)
        self.retry_after = retry_after


class RequestTimeout(MspError):
    """No complete answer arrived within the read timeout."""


class NetworkUnreachable(MspError):
    """The connection could not be opened, so nothing was sent."""


class ConnectionDropped(MspError):
    """The connection closed after the request was sent but before an answer arrived."""


class MalformedResponse(MspError):
    """The answer was not the JSON MultiSafepay sends: an HTML page, other text, or cut short."""


class OrderNotCreated(MspError):
    """A create-order call failed in transit and a follow-up lookup showed no such order.

    MultiSafepay refuses a second order with the same ``order_id`` on a site,
    so sending the same request again cannot create a duplicate.
    """

    def __init__(self, order_id: str, cause: MspError) -> None:
        super().__init__(
            f"Order {order_id} was not created ({_clause(cause.message)}); "
            "it is safe to try again with the same order ID.",
            code="order_not_created",
            http_status=cause.http_status,
        )
        self.order_id = order_id
        self.cause = cause


class OrderStateUnknown(MspError):
    """A create-order call failed in transit and the follow-up lookup failed too."""

    def __init__(self, order_id: str, cause: MspError, lookup_error: MspError) -> None:
        super().__init__(
            f"Could not tell whether order {order_id} was created ({_clause(cause.message)}; "
            f"looking it up failed: {_clause(lookup_error.message)}). "
            "Look the order up before trying again; reusing the same order ID cannot create a duplicate.",
            code="order_state_unknown",
            http_status=cause.http_status,
        )
        self.order_id = order_id
        self.cause = cause
        self.lookup_error = lookup_error


def _clause(message: str) -> str:
    """A message inside another one's parentheses, without its own full stop."""
    return message.rstrip(".")
