"""The order screen: build a direct card order, send it, pass 3-D Secure in the app, see the outcome.

The page lays out the form, the Request / 3-D Secure / Result tabs and the
buttons, and dispatches: sending and following belong to :class:`OrderFlow`,
the challenge to :class:`ChallengeTab`, the outcome to the shared result view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from msp_desk.api.remedies import Remedy
from msp_desk.core.money import format_minor, to_minor_units
from msp_desk.core.order_draft import curl_command, preview_json
from msp_desk.core.statuses import is_final, status_words
from msp_desk.ui.orders.challenge import ChallengeTab
from msp_desk.ui.orders.flow import OrderFlow
from msp_desk.ui.orders.form import OrderForm
from msp_desk.ui.orders.request_tab import RequestTab
from msp_desk.ui.widgets.controls import button
from msp_desk.ui.widgets.dialogs import confirm, confirm_charge
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel
from msp_desk.ui.widgets.order_result import OrderResultView

if TYPE_CHECKING:
    from msp_desk.api.follow import Backoff
    from msp_desk.api.models import ApiResponse, Order
    from msp_desk.api.request_models import DirectCardOrder
    from msp_desk.core.verification_trace import Hop
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure

SANDBOX_URL_PLACEHOLDER = "http://127.0.0.1:PORT/v1/json/"
REQUEST_TAB, CHALLENGE_TAB, RESULT_TAB = 0, 1, 2


class OrdersPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ordersPage")
        self._context = context
        self.flow: OrderFlow | None = None
        self.profile: Profile | None = None
        self.backoff: Backoff | None = None  # pauses while following an order; None: the defaults
        self._background: list[OrderFlow] = []  # orders left while still sending; they finish quietly

        self.form = OrderForm(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setAccessibleName("Order form")

        self.message = MessageLabel("Order message", self)
        self.message.setObjectName("orderMessage")
        self.send_button = button(
            self, "&Send order", "sendOrder", "Send the order to MultiSafepay (Ctrl+Enter)"
        )
        self.send_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.retry_button = button(self, "Send a&gain", "retryOrder", "Send the same order again")
        self.check_button = button(
            self,
            "Chec&k order status",
            "checkOrder",
            "Ask MultiSafepay whether the order exists and how it is",
        )
        self.new_button = button(
            self, "Ne&xt order", "newOrder", "Start a new order with a fresh order ID (Ctrl+Shift+N)"
        )
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        buttons = QHBoxLayout()
        for pushed in (self.send_button, self.retry_button, self.check_button, self.new_button):
            buttons.addWidget(pushed)
        buttons.addStretch(1)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addWidget(self.message)
        left_layout.addLayout(buttons)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("orderTabs")
        self.tabs.setAccessibleName("Order details")
        self.request_tab = RequestTab(self)
        self.challenge = ChallengeTab(self)
        self.result = OrderResultView(self)
        self.tabs.addTab(self.request_tab, "Re&quest")
        self.tabs.addTab(self.challenge, "&3-D Secure")
        self.tabs.addTab(self.result, "Result")
        self.preview = self.request_tab.preview
        self.copy_curl = self.request_tab.copy_curl

        splitter = QSplitter(self)
        splitter.setObjectName("ordersSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.form.changed.connect(self._refresh)
        self.send_button.clicked.connect(self.send)
        self.retry_button.clicked.connect(self._retry)
        self.check_button.clicked.connect(self._check_again)
        self.new_button.clicked.connect(self.next_order)
        self.copy_curl.clicked.connect(self._copy_curl)
        self.challenge.finished.connect(self._on_verified)
        self.challenge.abandoned.connect(self._abandon_verification)
        context.profiles.active_changed.connect(self._on_profile)
        context.sandbox.started.connect(lambda _url: self._on_profile(self.profile) if self.profile else None)
        if context.profiles.is_ready:
            self._on_profile(context.profiles.active())
        self._show_buttons(send=True)
        self._refresh()
        set_tab_chain(
            [
                self.form.tab_chain()[-1],
                self.send_button,
                self.retry_button,
                self.check_button,
                self.new_button,
            ]
        )

    @property
    def browser(self) -> object:
        return self.challenge.browser

    # -- profile and form --------------------------------------------------------

    def _on_profile(self, profile: Profile) -> None:
        starting = self.profile is None
        switched = self.profile is None or self.profile.id != profile.id
        self.profile = profile
        # Saving or testing any profile re-announces the active one; only a real switch
        # may replace what was typed in the webhook fields. A sandbox order nobody chose a URL
        # for notifies the sandbox's own receiver, so its notifications show in the inbox.
        from msp_desk.api.environments import Environment

        receiver = (
            self._context.sandbox.default_notification_url()
            if profile.environment is Environment.SANDBOX
            else None
        )
        self.form.set_profile(profile, prefill=switched, fallback_url=receiver or "")
        if starting:
            self.message.clear_message()
        self._refresh()

    def _base_url(self) -> str:
        from msp_desk.api.environments import Environment, base_url_for

        if self.profile is None or self.profile.environment is Environment.SANDBOX:
            return self._context.sandbox.base_url or SANDBOX_URL_PLACEHOLDER
        return base_url_for(self.profile.environment)

    def _environment(self) -> str:
        """The environment the shown order lives in: it decides how its times are read."""
        profile = self.flow.profile if self.flow is not None else self.profile
        return profile.environment.value if profile is not None else "sandbox"

    def _order_exists(self) -> bool:
        return self.flow is not None and self.flow.exists

    def _refresh(self) -> None:
        problems = self.form.refresh_problems()
        agent_pending = not self.form.fields["browser_user_agent"].text().strip()
        if problems:
            listed = [f"{self.form.title_of(name)}: {text}" for name, text in problems.items()]
            self.request_tab.show_problems(listed, agent_pending=agent_pending)
        else:
            self.request_tab.show_request(
                preview_json(self.form.draft().payload()), agent_pending=agent_pending
            )
        busy = self.flow is not None and self.flow.busy
        self.send_button.setEnabled(
            not problems and self.profile is not None and not busy and not self._order_exists()
        )
        if self.profile is None:
            self.message.show_hint("Loading profiles…")

    def _copy_curl(self) -> None:
        QGuiApplication.clipboard().setText(curl_command(self._base_url(), self.form.draft().payload()))
        self.message.show_info("Copied a curl command; set MSP_API_KEY before running it.")

    # -- sending -----------------------------------------------------------------

    def send(self) -> None:
        if self.profile is None or self._order_exists() or (self.flow is not None and self.flow.busy):
            return
        draft = self.form.draft()
        if draft.problems():
            self.form.show_all_problems()
            self.message.show_error("Some fields need fixing; they are marked ⚠.")
            return
        profile = self.profile
        if profile.environment.value == "live":
            money = format_minor(to_minor_units(draft.amount, draft.currency), draft.currency)
            site = f"site {profile.site_id}" if profile.site_id else "the site of this profile"
            if not confirm_charge(self, money=money, site=site, profile_name=profile.name):
                self.message.show_info("Not sent.")
                return
        if not draft.browser_user_agent.strip():
            from msp_desk.ui.orders.browser_identity import user_agent

            self.form.fields["browser_user_agent"].setText(user_agent())
            draft = self.form.draft()
        from msp_desk.api.request_models import DirectCardOrder

        # A new flow for every send from the form: what was typed may have changed since a refusal.
        self._start_flow(profile, DirectCardOrder.model_validate(draft.payload())).submit()

    def _start_flow(self, profile: Profile, request: DirectCardOrder) -> OrderFlow:
        self._drop_flow()
        flow = OrderFlow(self._context, profile, request, self)
        flow.backoff = self.backoff
        flow.sending.connect(self._on_sending)
        flow.answered.connect(self._on_answered)
        flow.needs_verification.connect(self._on_needs_verification)
        flow.progress.connect(self.message.show_hint)
        flow.finished.connect(self._on_finished)
        flow.failed.connect(self._on_failed)
        flow.note.connect(self.result.show_note)
        self.flow = flow
        return flow

    def _drop_flow(self) -> None:
        """Leave the current order: one still being sent finishes quietly and records its outcome."""
        flow, self.flow = self.flow, None
        for finished in [f for f in self._background if not f.busy]:
            self._background.remove(finished)
            finished.deleteLater()
        if flow is None:
            return
        flow.blockSignals(True)
        flow.forget()
        if flow.busy:
            self._background.append(flow)
        else:
            flow.deleteLater()

    def _on_sending(self) -> None:
        self.form.set_enabled_for_sending(False)
        self._show_buttons()
        self.send_button.setEnabled(False)
        assert self.flow is not None
        self.message.show_hint(f"Sending order {self.flow.order_id}…")

    def _on_answered(self, response: ApiResponse[Order]) -> None:
        # The card goes first, whatever happens next.
        self.form.clear_card()
        self.result.show_order(
            response, waiting=not is_final(response.data.status), environment=self._environment()
        )
        if response.reconciled:
            self.result.show_note(
                "The first answer was lost on the way; the order was looked up and exists once. "
                "Nothing was sent twice."
            )
        self.message.show_info(f"MultiSafepay has order {response.data.order_id}: {response.data.status}.")
        self._show_buttons()

    def _on_needs_verification(self, response: ApiResponse[Order]) -> None:
        draft = self.form.draft()
        assert self.flow is not None
        self.challenge.start(
            response.data,
            base_url=self.flow.base_url or self._base_url(),
            redirect_url=draft.redirect_url.strip(),
            cancel_url=draft.cancel_url.strip(),
            user_agent=draft.browser_user_agent.strip(),
            language=draft.browser_language.strip(),
        )
        self.tabs.setCurrentIndex(CHALLENGE_TAB)
        self.message.show_info("3-D Secure is needed: complete the challenge in the 3-D Secure tab.")

    def _on_verified(self, outcome: str, url: str) -> None:
        word = "returned to the shop" if outcome == "redirect" else "cancelled by the shopper"
        hops = self._end_challenge(f"3-D Secure finished: {word}.")
        if self.flow is not None:
            self.flow.follow(trace=hops)

    def _abandon_verification(self) -> None:
        hops = self._end_challenge(
            "3-D Secure was abandoned here; the order keeps the status MultiSafepay gives it."
        )
        if self.flow is not None:
            self.flow.check_again(trace=hops)

    def _end_challenge(self, text: str) -> list[Hop]:
        hops = self.challenge.end(text)
        self.result.show_trace(hops)
        self.tabs.setCurrentIndex(RESULT_TAB)
        return hops

    def _on_finished(self, response: ApiResponse[Order]) -> None:
        order = response.data
        final = is_final(order.status)
        self.result.show_order(response, waiting=not final, environment=self._environment())
        self.tabs.setCurrentIndex(RESULT_TAB)
        if final:
            self.message.show_info(
                f"Order {order.order_id}: {status_words(order.status, order.financial_status)}."
            )
            self._show_buttons()
        else:
            self.message.show_info(
                f"Order {order.order_id} is still {order.status}; MultiSafepay decides later. "
                "Check again in a while."
            )
            self._show_buttons(check=True)

    def _on_failed(self, failure: Failure) -> None:
        self.message.show_error(failure.message)
        if self._order_exists():
            self._show_buttons(check=True)
        elif failure.remedy is Remedy.RETRY:
            self._show_buttons(retry=True)
        elif failure.remedy is Remedy.CHECK:
            self._show_buttons(check=True)
        else:
            self.form.set_enabled_for_sending(True)
            self._show_buttons(send=True)
        self._refresh()

    def _retry(self) -> None:
        if self.flow is not None and self.flow.retry():
            self._show_buttons()

    def _check_again(self) -> None:
        if self.flow is not None:
            self._show_buttons()
            self.flow.check_again()

    def next_order(self) -> None:
        """A fresh order ID and an empty card; the customer and options stay for the next test."""
        flow = self.flow
        if (
            flow is not None
            and flow.sending_now
            and not confirm(
                self,
                "Start the next order?",
                f"Order {flow.order_id} is still being sent. Its outcome will be kept in the order history.",
                yes="Start the next order",
                no="Wait for it",
                name="leaveSendingOrder",
            )
        ):
            return
        self._drop_flow()
        self.challenge.reset()
        self.form.set_enabled_for_sending(True)
        self.form.clear_card()
        self.form.renew_order_id()
        self.result.clear()
        self.tabs.setCurrentIndex(REQUEST_TAB)
        self.message.clear_message()
        self._show_buttons(send=True)
        self._refresh()
        self.form.fields["card_number"].setFocus()

    def _show_buttons(self, *, send: bool = False, retry: bool = False, check: bool = False) -> None:
        self.send_button.setVisible(send)
        self.retry_button.setVisible(retry)
        self.check_button.setVisible(check)
        # Always there: a person can leave any order, whatever state it is in.
        self.new_button.setVisible(True)
        self.new_button.setEnabled(True)
