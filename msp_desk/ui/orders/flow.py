"""One direct card order, from the request to its final status, off the UI thread.

Each order gets its own flow. While its request is on its way a second
``submit`` is refused, so a double click can never create a second order; and
a flow the person walked away from ("Next order" while it was still sending)
keeps going quietly and records its outcome in the history. Its calls reach
the order's timeline through the client (``history.calls``); the 3-D Secure
browser's hops are kept by the job that follows the order after them. The request model
(card number and CVC as pydantic ``SecretStr``) is kept only until MultiSafepay
has the order, so a request that provably did not arrive can be sent again
unchanged; after that only the brand and last four digits remain, in the history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from msp_desk.api.remedies import Remedy
from msp_desk.core.redaction import redact
from msp_desk.core.statuses import is_final
from msp_desk.ui.services.events import OrderChange
from msp_desk.ui.services.operations import Failure
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.api.follow import Backoff
    from msp_desk.api.models import ApiResponse, Order
    from msp_desk.api.request_models import DirectCardOrder
    from msp_desk.core.verification_trace import Hop
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext

log = logging.getLogger(__name__)

INITIATOR = "orders"


class OrderFlow(QObject):
    sending = Signal()
    answered = Signal(object)  # ApiResponse[Order]: MultiSafepay has the order
    needs_verification = Signal(object)  # ApiResponse[Order] with customer_verification
    progress = Signal(str)
    finished = Signal(object)  # ApiResponse[Order] in a final status, or the last one seen
    failed = Signal(object)  # Failure
    note = Signal(str)  # something the person should know that changes nothing (a history problem)

    def __init__(
        self, context: AppContext, profile: Profile, request: DirectCardOrder, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._ops = context.operations(self, initiator=INITIATOR)
        self.profile = profile
        self.order_id = request.order_id
        self._request: DirectCardOrder | None = request
        self.exists = False
        self.base_url: str | None = None
        self.backoff: Backoff | None = None  # None: the default pauses (tests shorten them)
        self._history_failed = False

    @property
    def busy(self) -> bool:
        return self._ops.busy()

    @property
    def sending_now(self) -> bool:
        """The create request is on its way: its outcome decides whether the order exists."""
        return self._ops.busy("create")

    # -- sending ---------------------------------------------------------------

    def submit(self) -> bool:
        """Send the order; False (and nothing sent) while a request is under way or after it arrived."""
        return self._send(again=False)

    def retry(self) -> bool:
        """Send the same request again: only offered after the client proved it was not created."""
        return self._send(again=True)

    def _send(self, *, again: bool) -> bool:
        request = self._request
        if self.busy or request is None or self.exists:
            return False
        profile, context = self.profile, self._context

        def job(ctx: TaskContext) -> ApiResponse[Order]:
            client = context.profiles.client_for(context.http, profile)
            self.base_url = client.base_url
            return client.create_again(request) if again else client.create_direct_card_order(request)

        self.sending.emit()
        self._ops.run(
            job,
            name=f"Send order {request.order_id}",
            lane="create",
            writing=True,
            on_success=self._on_answer,
            on_failure=self._on_failure,
            announce=lambda _response: OrderChange(profile.id, request.order_id, INITIATOR, "sent"),
        )
        return True

    def _on_answer(self, response: ApiResponse[Order]) -> None:
        self.exists = True
        request, self._request = self._request, None  # MultiSafepay has it: the card is needed nowhere
        self.answered.emit(response)
        if request is not None:
            self._remember(request, response)
        order = response.data
        if order.needs_3ds:
            self.needs_verification.emit(response)
        elif is_final(order.status) or not order.status:
            self._finish(response)
        else:
            # Not final and no challenge (uncleared, say): follow it as after 3-D Secure.
            self.follow()

    # -- following -------------------------------------------------------------

    def follow(self, trace: Sequence[Hop] = ()) -> None:
        """Ask GET /orders/{id} with growing pauses until the status is final or time is up.

        ``trace``: the 3-D Secure browser's hops, kept in the history first, on the worker.
        """
        if self.busy:
            return
        from msp_desk.api.follow import follow_order

        profile, order_id, context, backoff = self.profile, self.order_id, self._context, self.backoff

        def job(ctx: TaskContext) -> ApiResponse[Order]:
            self._keep_trace(trace)
            client = context.profiles.client_for(context.http, profile)
            return follow_order(
                client, order_id, backoff=backoff, wait=ctx.wait, report=ctx.report, known=True
            )

        self.progress.emit("Waiting for the final status…")
        self._ops.run(
            job,
            name=f"Follow order {order_id}",
            lane="follow",
            on_success=self._finish,
            on_failure=self._on_failure,
            on_progress=self.progress.emit,
            on_cancelled=lambda: self.progress.emit("Stopped waiting; the order keeps its last status."),
        )

    def check_again(self, trace: Sequence[Hop] = ()) -> None:
        """After an unknown outcome, one lookup says whether the order exists; ``trace`` as for ``follow``."""
        if self.busy:
            return
        from msp_desk.api.errors import NotFound

        profile, order_id, context = self.profile, self.order_id, self._context

        def job(ctx: TaskContext) -> ApiResponse[Order] | None:
            self._keep_trace(trace)
            client = context.profiles.client_for(context.http, profile)
            try:
                return client.get_order(order_id)
            except NotFound:
                return None

        def found(response: ApiResponse[Order] | None) -> None:
            if response is None:
                message = f"Order {order_id} does not exist: it was not created, so sending it is safe."
                self.failed.emit(Failure(LookupError(message), message, Remedy.RETRY))
                return
            if not self.exists:
                self._on_answer(response)
            else:
                self._finish(response)

        self.progress.emit(f"Looking up order {order_id}…")
        self._ops.run(
            job,
            name=f"Look up order {order_id}",
            lane="lookup",
            on_success=found,
            on_failure=self._on_failure,
        )

    def stop(self) -> None:
        self._ops.cancel("follow")

    # -- outcomes --------------------------------------------------------------

    def _finish(self, response: ApiResponse[Order]) -> None:
        order = response.data
        self._best_effort(
            "update the order's status",
            lambda: self._context.history.update_status(
                self.profile.id, self.order_id, order.status or "", order.reason or ""
            ),
        )
        self.finished.emit(response)

    def _on_failure(self, failure: Failure) -> None:
        self.failed.emit(failure)

    def _keep_trace(self, hops: Sequence[Hop]) -> None:
        """On the worker: the hops the browser saw, with the order and on its timeline."""
        if hops:
            self._best_effort(
                "keep the 3-D Secure steps",
                lambda: self._context.history.record_hops(self.profile.id, self.order_id, hops),
            )

    def _remember(self, request: DirectCardOrder, response: ApiResponse[Order]) -> None:
        """Start the order's history row from the request model: the card's brand and last four only."""
        from msp_desk.history.store import HistoryEntry

        brand, last4 = request.card_summary()
        profile = self.profile
        entry = HistoryEntry(
            profile_id=profile.id,
            order_id=request.order_id,
            profile_name=profile.name,
            environment=profile.environment.value,
            amount=request.amount,
            currency=request.currency,
            description=request.description,
            card_brand=brand,
            card_last4=last4,
            status=response.data.status or "",
            reason=response.data.reason or "",
        )
        self._best_effort("record the order", lambda: self._context.history.record_submitted(entry))

    def _best_effort(self, what: str, write: Callable[[], object]) -> None:
        """History writes never stand between the person and the order's outcome.

        Also called on workers: ``note`` then reaches the screen through Qt's queued signals.
        """
        try:
            write()
        except Exception as error:
            text = redact(str(error) or type(error).__name__)
            log.warning("Could not %s in the history: %s", what, text)
            if not self._history_failed:  # once per order: one note says it all
                self._history_failed = True
                self.note.emit(
                    f"The order history could not be updated ({text}); the order itself is not affected."
                )

    def forget(self) -> None:
        """The person started the next order: drop what is pending but let a create request finish."""
        self._ops.move_on("follow")
        self._ops.move_on("lookup")
