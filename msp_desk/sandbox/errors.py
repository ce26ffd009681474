"""MultiSafepay's error body and the error codes the sandbox answers with."""

from __future__ import annotations

from typing import Any

INVALID_API_KEY = 1032
INVALID_ORDER_ID = 1006


class ApiError(Exception):
    """A request the sandbox refuses, in MultiSafepay's words.

    ``http_status`` is the sandbox's choice where the docs give none: 400 for
    validation, 401 for keys, 404 for unknown orders.
    """

    def __init__(
        self, error_code: int, error_info: str, http_status: int = 400, field: str | None = None
    ) -> None:
        super().__init__(error_info)
        self.error_code = error_code
        self.error_info = error_info
        self.http_status = http_status
        self.field = field

    def body(self) -> dict[str, Any]:
        body = error_body(self.error_code, self.error_info)
        if self.http_status == 422 and self.field:
            # Validation (PATCH /sites): MultiSafepay's 422 shape, alongside the usual error fields.
            body["message"] = self.error_info
            body["errors"] = [
                {"attribute": self.field, "details": self.error_info, "message": self.error_info, "uri": ""}
            ]
        return body


def error_body(error_code: int, error_info: str) -> dict[str, Any]:
    return {"success": False, "data": {}, "error_code": error_code, "error_info": error_info}


def invalid_api_key() -> ApiError:
    return ApiError(INVALID_API_KEY, "Invalid API key", 401)


def order_not_found() -> ApiError:
    return ApiError(INVALID_ORDER_ID, "Invalid transaction ID", 404)
