"""Cancelling an order nobody has paid yet (PATCH status ``cancelled``), asked first.

Only an initialized order can be cancelled, so the button is offered only
then. When the answer is lost the order is looked up again and the person is
told what it shows, rather than being offered to cancel blindly once more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.api.remedies import Remedy
from msp_desk.core.money import format_minor
from msp_desk.core.statuses import can_cancel, status_words
from msp_desk.ui.lookup.asking import ask
from msp_desk.ui.lookup.watch import INITIATOR
from msp_desk.ui.services.events import OrderChange
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.api.models import ApiResponse, Empty, Order
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.lookup.page import LookupPage
    from msp_desk.ui.services.operations import Failure, Operation


class CancelOrder:
    def __init__(self, page: LookupPage) -> None:
        self._page = page

    @property
    def busy(self) -> bool:
        return self._page.ops.busy("cancel")

    @staticmethod
    def possible(order: Order | None) -> bool:
        return order is not None and can_cancel(order.status)

    def start(self) -> None:
        page, profile, order = self._page, self._page.profile, self._page.order()
        if profile is None or order is None or self.busy or not self.possible(order):
            return
        order_id = str(order.order_id)
        money = (
            format_minor(order.amount, order.currency) if order.amount is not None and order.currency else ""
        )
        question = f"Cancel order {order_id}" + (f" ({money})" if money else "")
        details = "The shopper can no longer pay this order. A cancelled order cannot be reopened."
        if not ask(
            page,
            profile,
            verb="Cancel the order",
            question=question,
            details=details,
            name="cancelConfirmation",
            no="Keep the order",
        ):
            page.tell_info("Not cancelled.")
            return
        self._send(profile, order_id)

    def _send(self, profile: Profile, order_id: str) -> None:
        page, context = self._page, self._page.context

        def job(ctx: TaskContext) -> ApiResponse[Empty]:
            return context.profiles.client_for(context.http, profile).cancel_order(order_id)

        operation: Operation = page.ops.run(
            job,
            name=f"Cancel order {order_id}",
            lane="cancel",
            writing=True,
            keep=True,
            on_success=lambda _answer: self._cancelled(operation, profile, order_id),
            on_failure=lambda failure: self._failed(profile, order_id, failure),
            announce=lambda _answer: OrderChange(profile.id, order_id, INITIATOR, "cancelled"),
        )
        page.tell_hint(f"Cancelling order {order_id}…")
        page.update_actions()

    def _cancelled(self, operation: Operation, profile: Profile, order_id: str) -> None:
        page = self._page
        page.tell_info(f"Order {order_id} is cancelled.")
        if not operation.moved_on and page.showing(profile, order_id):
            page.refresh()
        page.update_actions()

    def _failed(self, profile: Profile, order_id: str, failure: Failure) -> None:
        page = self._page
        if failure.remedy is Remedy.CHECK:
            page.tell_warning(f"No answer to the cancel: {failure.message} Looking the order up…")
            self._look(profile, order_id)
        elif failure.remedy is Remedy.RETRY:
            page.tell_error(f"Not cancelled: {failure.message}")
        else:
            page.tell_error(f"MultiSafepay refused to cancel the order: {failure.message}")
        page.update_actions()

    def _look(self, profile: Profile, order_id: str) -> None:
        page, context = self._page, self._page.context

        def job(ctx: TaskContext) -> ApiResponse[Order]:
            return context.profiles.client_for(context.http, profile).get_order(order_id)

        def looked(response: ApiResponse[Order]) -> None:
            status = response.data.status
            if can_cancel(status):
                page.tell_warning(f"Order {order_id} is still initialized: it was not cancelled.")
            else:
                words = status_words(status, response.data.financial_status)
                page.tell_info(f"Order {order_id} now shows {words}: the cancel went through.")
            if page.showing(profile, order_id):
                page.refresh()

        page.ops.run(
            job,
            name=f"Look up order {order_id} after cancelling",
            lane="cancel",
            keep=True,
            on_success=looked,
            on_failure=lambda second: page.tell_error(
                f"Could not tell whether order {order_id} was cancelled ({second.message}). Refresh it (F5)."
            ),
        )
