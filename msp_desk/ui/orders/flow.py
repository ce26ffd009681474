"""Sending one direct card order and following it to a final status, off the UI thread.

One flow handles one order at a time: while a request is on its way a second
``submit`` is refused, so a double click can never create a second order. The
prepared request (with the card in pydantic ``SecretStr``) is kept only until
MultiSafepay has the order, so a request that provably did not arrive can be
sent again unchanged; after that only the order id remains.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from msp_desk.core.order_draft import is_final
from msp_desk.ui.tasks import TaskContext, TaskHandle

if TYPE_CHECKING:
    from msp_desk.api.models import ApiResponse, Order
    from msp_desk.api.request_models import DirectCardOrder
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.context import AppContext

log = logging.getLogger(__name__)

# What the person can do about a failure.
RETRY = "retry"  # the order provably does not exist: sending again is safe
CHECK = "check"  # unknown whether it exists: look it up before anything else
FIX = "fix"  # MultiSafepay refused the request: change the form


class OrderFlow(QObject):
    sending = Signal()
    answered = Signal(object)  # ApiResponse[Order]: MultiSafepay has the order
    needs_verification = Signal(object)  # ApiResponse[Order] with customer_verification
    progress = Signal(str)
    finished = Signal(object)  # ApiResponse[Order] in a final status, or the last one seen
    failed = Signal(str, str)  # message, one of RETRY / CHECK / FIX

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._task: TaskHandle | None = None
        self._request: DirectCardOrder | None = None
        self.profile: Profile | None = None
        self.order_id: str | None = None
        self.base_url: str | None = None
        self.poll_limit_seconds = 90.0
        self.poll_first_delay = 0.3
        # Bumped by ``forget``: answers to an abandoned order must not reach the next one.
        self._generation = 0

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _start(
        self,
        job: Callable[[TaskContext], Any],
        name: str,
        on_success: Callable[[Any], None],
        *,
        follow: bool = False,
    ) -> None:
        generation = self._generation

        def current(handler: Callable[..., None]) -> Callable[..., None]:
            return lambda *args: handler(*args) if generation == self._generation else None

        self._task = self._context.tasks.submit(
            job,
            name=name,
            on_success=current(on_success),
            on_failure=current(self._on_failure),
            on_progress=current(self.progress.emit) if follow else None,
            on_cancelled=current(self._on_cancelled),
        )

    # -- sending ---------------------------------------------------------------

    def submit(self, profile: Profile, payload: dict[str, Any]) -> bool:
        """Send the order; False (and nothing sent) while another request is under way."""
        if self.busy:
            return False
        from msp_desk.api.request_models import DirectCardOrder

        self.profile = profile
        self._request = DirectCardOrder.model_validate(payload)
        self.order_id = self._request.order_id
        self._send()
        return True

    def retry(self) -> bool:
        """Send the same request again: only offered after the client proved it was not created."""
        if self.busy or self._request is None:
            return False
        self._send()
        return True

    def _send(self) -> None:
        profile, request = self.profile, self._request
        assert profile is not None
        assert request is not None

        def job(ctx: TaskContext) -> ApiResponse[Order]:
            client = self._context.profiles.client_for(self._context.http, profile)
            self.base_url = client.base_url
            return client.create_direct_card_order(request)

        self.sending.emit()
        self._start(job, f"Send order {request.order_id}", self._on_answer)

    def _on_answer(self, response: ApiResponse[Order]) -> None:
        self._task = None
        self._request = None  # MultiSafepay has it: the card is no longer needed anywhere
        self.answered.emit(response)
        order = response.data
        if order.needs_3ds:
            self.needs_verification.emit(response)
        elif is_final(order.status) or not order.status:
            self.finished.emit(response)
        else:
            # Not final and no challenge (uncleared, say): follow it like after 3-D Secure.
            self.follow()

    # -- following -------------------------------------------------------------

    def follow(self) -> None:
        """Ask GET /orders/{id} with growing pauses until the status is final or time is up."""
        if self.busy or self.profile is None or self.order_id is None:
            return
        profile, order_id = self.profile, self.order_id
        limit, first_delay = self.poll_limit_seconds, self.poll_first_delay

        def job(ctx: TaskContext) -> ApiResponse[Order]:
            client = self._context.profiles.client_for(self._context.http, profile)
            deadline = time.monotonic() + limit
            delay = first_delay
            while True:
                response = client.get_order(order_id)
                status = response.data.status or "unknown"
                if is_final(status) or time.monotonic() + delay > deadline:
                    return response
                ctx.report(f"Order is {status}; asking again in {delay:.1f} s…")
                ctx.wait(delay)
                delay = min(delay * 1.8, 8.0)

        self.progress.emit("Waiting for the final status…")
        self._start(job, f"Follow order {order_id}", self._on_followed, follow=True)

    def check_again(self) -> None:
        """After an unknown outcome: one lookup decides whether the order exists."""
        if self.busy or self.profile is None or self.order_id is None:
            return
        from msp_desk.api.errors import NotFound

        profile, order_id = self.profile, self.order_id

        def job(ctx: TaskContext) -> ApiResponse[Order] | None:
            client = self._context.profiles.client_for(self._context.http, profile)
            try:
                return client.get_order(order_id)
            except NotFound:
                return None

        def found(response: ApiResponse[Order] | None) -> None:
            self._task = None
            if response is None:
                self.failed.emit(
                    f"Order {order_id} does not exist: it was not created, so sending it is safe.", RETRY
                )
            else:
                self._request = None
                self.answered.emit(response)
                self._on_followed(response)

        self.progress.emit(f"Looking up order {order_id}…")
        self._start(job, f"Look up order {order_id}", found)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _on_followed(self, response: ApiResponse[Order]) -> None:
        self._task = None
        self.finished.emit(response)

    def _on_cancelled(self) -> None:
        self._task = None
        self.progress.emit("Stopped waiting; the order keeps its last status.")

    def _on_failure(self, error: BaseException) -> None:
        self._task = None
        from msp_desk.api.errors import MspError, OrderNotCreated, OrderStateUnknown
        from msp_desk.credentials.access import MissingApiKey
        from msp_desk.credentials.secrets import SecretStorageUnavailable

        if isinstance(error, MissingApiKey | SecretStorageUnavailable):
            self.failed.emit(str(error), FIX)
        elif isinstance(error, OrderNotCreated):
            self.failed.emit(error.message, RETRY)
        elif isinstance(error, OrderStateUnknown):
            self.failed.emit(error.message, CHECK)
        elif isinstance(error, MspError):
            # The request did not get through as sent; a lookup is cheap and settles it.
            remedy = (
                FIX if self._request is not None and error.http_status and error.http_status < 500 else CHECK
            )
            self.failed.emit(error.message, remedy)
        else:
            log.error("Order flow failed: %s", error, exc_info=error)
            self.failed.emit(str(error) or type(error).__name__, CHECK)

    def forget(self) -> None:
        """Start afresh for a new order: drop the prepared request, the order id and any pending answer."""
        self.stop()
        self._generation += 1
        self._task = None
        self._request = None
        self.order_id = None
