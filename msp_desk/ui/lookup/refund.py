"""Refunding an order, all or part of what is left: asked first, sent once, never sent again blindly.

While a refund is on its way the Refund button is off and a second request is
refused, so a double click cannot refund twice. When its answer is lost (a
timeout, a dropped connection, a server error) nobody knows whether the money
moved: the order is then looked up until the refund shows or a while has
passed, and the person is told which, instead of being offered to send again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.api.remedies import Remedy
from msp_desk.core.money import left_to_refund
from msp_desk.core.statuses import can_refund, status_words
from msp_desk.ui.lookup.asking import ask
from msp_desk.ui.lookup.refund_form import RefundForm, RefundPlan
from msp_desk.ui.lookup.watch import INITIATOR
from msp_desk.ui.services.events import OrderChange
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.api.follow import Backoff
    from msp_desk.api.models import ApiResponse, Order, RefundResult
    from msp_desk.api.refunds import RefundSeen
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.lookup.page import LookupPage
    from msp_desk.ui.services.operations import Failure, Operation


class RefundOrder:
    def __init__(self, page: LookupPage) -> None:
        self._page = page
        self.form: RefundForm | None = None
        self.look_again: Backoff | None = None  # None: api.refunds.LOOK_AGAIN (tests shorten it)
        # Refunds whose answer was lost and that never showed on the order, by (profile id, order id).
        self.unsettled: dict[tuple[str, str], RefundPlan] = {}
        # The last refund asked for and not made (refused, never sent, not showing): the form offers it again.
        self.unmade: dict[tuple[str, str], RefundPlan] = {}

    @property
    def busy(self) -> bool:
        return self._page.ops.busy("refund")

    def possible(self, order: Order | None) -> bool:
        return order is not None and can_refund(
            order.status, left_to_refund(order.amount, order.amount_refunded)
        )

    # -- asking ------------------------------------------------------------------

    def start(self) -> None:
        """The Refund button: the form, then the question, then the request."""
        page = self._page
        order = page.order()
        if (
            order is None
            or page.profile is None
            or self.busy
            or (self.form is not None and self.form.isVisible())
        ):
            return
        left = left_to_refund(order.amount, order.amount_refunded)
        if not self.possible(order) or not order.currency:
            words = status_words(order.status, order.financial_status).lower()
            page.tell_error(
                f"Order {order.order_id} cannot be refunded: it is {words} with nothing left to refund."
            )
            return
        order_id = str(order.order_id)
        form = RefundForm(
            page,
            order_id=order_id,
            currency=order.currency,
            left=left,
            earlier=self.unmade.get((page.profile.id, order_id)),
        )
        form.accepted.connect(lambda: self.confirm_and_send(form.plan))
        # Closed either way, the form goes: one kept per refund would stay as long as the screen.
        form.finished.connect(lambda _result: self._forget(form))
        self.form = form
        form.open()

    def _forget(self, form: RefundForm) -> None:
        if self.form is form:
            self.form = None
        form.deleteLater()

    def confirm_and_send(self, plan: RefundPlan | None) -> None:
        page, profile = self._page, self._page.profile
        if plan is None or profile is None or page.order() is None:
            return
        if self.busy:
            page.tell_warning("A refund of this order is already on its way: wait for its answer.")
            return
        details = "The money goes back to the shopper. A refund cannot be undone."
        earlier = self.unsettled.get((profile.id, plan.order_id))
        if earlier is not None:
            details += (
                f" An earlier refund of {earlier.money} got no answer and has not shown on the order;"
                " MultiSafepay refuses a second refund of the same amount within 5 minutes."
            )
        question = f"Refund {plan.money} of order {plan.order_id}"
        if not ask(
            page,
            profile,
            verb=f"Refund {plan.money}",
            question=question,
            details=details,
            name="refundConfirmation",
            no="Don't refund",
        ):
            page.tell_info("Not refunded.")
            return
        self.send(plan)

    # -- sending -------------------------------------------------------------------

    def send(self, plan: RefundPlan) -> bool:
        """Send the refund once; False (and nothing sent) while another refund is on its way."""
        page, profile, order = self._page, self._page.profile, self._page.order()
        if profile is None or order is None:
            return False
        if self.busy:
            page.tell_warning("A refund of this order is already on its way: wait for its answer.")
            return False
        context = page.context

        def job(ctx: TaskContext) -> ApiResponse[RefundResult]:
            client = context.profiles.client_for(context.http, profile)
            if plan.amount is None:
                return client.refund_full(plan.order_id, plan.currency, plan.description or None)
            return client.refund_partial(plan.order_id, plan.amount, plan.currency, plan.description or None)

        operation: Operation = page.ops.run(
            job,
            name=f"Refund order {plan.order_id}",
            lane="refund",
            writing=True,
            keep=True,
            on_success=lambda answer: self._refunded(operation, profile, plan, answer),
            on_failure=lambda failure: self._failed(profile, plan, order, failure),
            announce=lambda _answer: OrderChange(profile.id, plan.order_id, INITIATOR, "refunded"),
        )
        page.tell_hint(f"Refunding {plan.money} of order {plan.order_id}…")
        page.update_actions()
        return True

    def _refunded(
        self, operation: Operation, profile: Profile, plan: RefundPlan, answer: ApiResponse[RefundResult]
    ) -> None:
        page = self._page
        self.unsettled.pop((profile.id, plan.order_id), None)
        self.unmade.pop((profile.id, plan.order_id), None)
        refund_id = answer.data.refund_id
        named = f"refund {refund_id}" if refund_id is not None else "MultiSafepay gave no refund id"
        page.tell_info(f"Refunded {plan.money} of order {plan.order_id}: {named}.")
        if not operation.moved_on and page.showing(profile, plan.order_id):
            page.refresh()
        page.update_actions()

    def _failed(self, profile: Profile, plan: RefundPlan, before: Order, failure: Failure) -> None:
        page = self._page
        self.unmade[(profile.id, plan.order_id)] = plan
        if failure.remedy is Remedy.CHECK:
            self.unsettled[(profile.id, plan.order_id)] = plan
            page.tell_warning(
                f"No answer to the refund of {plan.money}: {failure.message} "
                f"Looking at order {plan.order_id} to see whether it went through…"
            )
            self._look_for(profile, plan, before)
        elif failure.remedy is Remedy.RETRY:
            page.tell_error(f"Not refunded: {failure.message}")
        else:
            page.tell_error(f"MultiSafepay refused the refund: {failure.message}")
        page.update_actions()

    # -- an answer that was lost -----------------------------------------------------

    def _look_for(self, profile: Profile, plan: RefundPlan, before: Order) -> None:
        from msp_desk.api.refunds import LOOK_AGAIN, look_for_refund

        page, context, backoff = self._page, self._page.context, self.look_again or LOOK_AGAIN

        def job(ctx: TaskContext) -> tuple[ApiResponse[Order], RefundSeen | None]:
            client = context.profiles.client_for(context.http, profile)
            return look_for_refund(client, plan.order_id, before, backoff=backoff, wait=ctx.wait)

        seconds = round(sum(backoff.delays()))
        operation: Operation = page.ops.run(
            job,
            name=f"Look for the refund of order {plan.order_id}",
            lane="refund",
            keep=True,
            on_success=lambda result: self._looked(operation, profile, plan, seconds, *result),
            on_failure=lambda second: page.tell_error(
                f"Could not tell whether the refund of {plan.money} went through ({second.message}). "
                "Refresh the order (F5) before anything else."
            ),
            announce=lambda result: (
                OrderChange(profile.id, plan.order_id, INITIATOR, "refunded")
                if result[1] is not None
                else None
            ),
        )

    def _looked(
        self,
        operation: Operation,
        profile: Profile,
        plan: RefundPlan,
        seconds: int,
        response: ApiResponse[Order],
        seen: RefundSeen | None,
    ) -> None:
        page = self._page
        if seen is not None:
            self.unsettled.pop((profile.id, plan.order_id), None)
            self.unmade.pop((profile.id, plan.order_id), None)
            named = (
                f"refund {seen.refund_id}" if seen.refund_id is not None else "its refund id is not shown yet"
            )
            page.tell_info(f"The refund went through after all: {named}. Nothing was sent twice.")
        else:
            page.tell_warning(
                f"No refund of {plan.money} shows on order {plan.order_id} after {seconds} s of looking: "
                "it most likely did not go through. Refresh the order before refunding again."
            )
        if not operation.moved_on and page.showing(profile, plan.order_id):
            page.refresh()
        page.update_actions()
