"""The order screen: build a direct card order, send it, pass 3-D Secure in the app, see the outcome."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from msp_desk.core.money import format_minor, to_minor_units
from msp_desk.core.order_draft import curl_command, is_final, preview_json
from msp_desk.ui.focus import set_tab_chain
from msp_desk.ui.order_flow import CHECK, FIX, RETRY, OrderFlow
from msp_desk.ui.order_form import OrderForm
from msp_desk.ui.order_result import OrderResultView, status_words

if TYPE_CHECKING:
    from msp_desk.api.models import ApiResponse, Order
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.context import AppContext
    from msp_desk.ui.threeds_view import ThreeDSecureView

log = logging.getLogger(__name__)

SANDBOX_URL_PLACEHOLDER = "http://127.0.0.1:PORT/v1/json/"


class OrdersPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ordersPage")
        self._context = context
        self.flow = OrderFlow(context, self)
        self.profile: Profile | None = None
        self.browser: ThreeDSecureView | None = None
        self._order_exists = False
        # The body of the one request under way, until MultiSafepay has the order.
        self._sent: dict[str, Any] | None = None

        self.form = OrderForm(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setAccessibleName("Order form")

        self.message = QLabel(self)
        self.message.setObjectName("orderMessage")
        self.message.setAccessibleName("Order message")
        self.message.setWordWrap(True)
        self.send_button = QPushButton("&Send order", self)
        self.send_button.setObjectName("sendOrder")
        self.send_button.setAccessibleName("Send order")
        self.send_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.send_button.setToolTip("Send the order to MultiSafepay (Ctrl+Enter)")
        self.retry_button = QPushButton("Send a&gain", self)
        self.retry_button.setObjectName("retryOrder")
        self.retry_button.setAccessibleName("Send again")
        self.check_button = QPushButton("Chec&k order status", self)
        self.check_button.setObjectName("checkOrder")
        self.check_button.setAccessibleName("Check order status")
        self.new_button = QPushButton("Ne&xt order", self)
        self.new_button.setObjectName("newOrder")
        self.new_button.setAccessibleName("Next order")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_button.setToolTip("Start a new order with a fresh order ID (Ctrl+Shift+N)")
        buttons = QHBoxLayout()
        for button in (self.send_button, self.retry_button, self.check_button, self.new_button):
            buttons.addWidget(button)
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
        self.tabs.addTab(self._request_tab(), "Re&quest")
        self.tabs.addTab(self._verification_tab(), "&3-D Secure")
        self.result = OrderResultView(self)
        self.tabs.addTab(self.result, "Result")

        splitter = QSplitter(self)
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
        self.flow.sending.connect(self._on_sending)
        self.flow.answered.connect(self._on_answered)
        self.flow.needs_verification.connect(self._on_needs_verification)
        self.flow.progress.connect(self.message.setText)
        self.flow.finished.connect(self._on_finished)
        self.flow.failed.connect(self._on_failed)
        context.profiles.active_changed.connect(self._on_profile)
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

    # -- tabs ------------------------------------------------------------------

    def _request_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        label = QLabel("JSON to be sent (card number masked, CVC left out):", tab)
        self.agent_note = QLabel(
            "The embedded browser's user agent joins customer.browser when the order is sent.", tab
        )
        self.agent_note.setObjectName("userAgentNote")
        self.agent_note.setWordWrap(True)
        self.preview = QPlainTextEdit(tab)
        self.preview.setObjectName("requestPreview")
        self.preview.setAccessibleName("Request preview")
        self.preview.setReadOnly(True)
        label.setBuddy(self.preview)
        self.copy_curl = QPushButton("Copy as curl", tab)
        self.copy_curl.setObjectName("copyCurl")
        self.copy_curl.setAccessibleName("Copy as curl")
        self.copy_curl.setToolTip("Copies a curl command; the API key is left as $MSP_API_KEY")
        self.copy_curl.clicked.connect(self._copy_curl)
        layout.addWidget(label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.agent_note)
        layout.addWidget(self.copy_curl, 0, Qt.AlignmentFlag.AlignLeft)
        return tab

    def _verification_tab(self) -> QWidget:
        tab = QWidget(self)
        self._verification_layout = QVBoxLayout(tab)
        self.use_payment_url = QCheckBox(
            "Open MultiSafepay's payment page instead of the verification form", tab
        )
        self.use_payment_url.setObjectName("usePaymentUrl")
        self.use_payment_url.setAccessibleName(
            "Open MultiSafepay's payment page instead of the verification form"
        )
        self.use_payment_url.setToolTip(
            "MultiSafepay recommends the payment_url; the form is what a direct API client gets."
        )
        self.verification_hint = QLabel("No 3-D Secure challenge is running.", tab)
        self.verification_hint.setObjectName("verificationHint")
        self.verification_hint.setAccessibleName("3-D Secure status")
        self.stop_button = QPushButton("Stop &waiting", tab)
        self.stop_button.setObjectName("stopVerification")
        self.stop_button.setAccessibleName("Stop waiting")
        self.stop_button.setToolTip("Close the challenge and look up the order's status as it is")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self._abandon_verification)
        top = QHBoxLayout()
        top.addWidget(self.verification_hint, 1)
        top.addWidget(self.stop_button)
        self._verification_layout.addWidget(self.use_payment_url)
        self._verification_layout.addLayout(top)
        return tab

    # -- profile and form --------------------------------------------------------

    def _on_profile(self, profile: Profile) -> None:
        starting = self.profile is None
        switched = self.profile is None or self.profile.id != profile.id
        self.profile = profile
        # Saving or testing any profile re-announces the active one; only a real switch
        # may replace what was typed in the webhook fields.
        self.form.set_profile(profile, prefill=switched)
        if starting:
            self.message.clear()
        self._refresh()

    def _base_url(self) -> str:
        from msp_desk.api.environments import Environment, base_url_for

        if self.profile is None or self.profile.environment is Environment.SANDBOX:
            return self._context.sandbox.base_url or SANDBOX_URL_PLACEHOLDER
        return base_url_for(self.profile.environment)

    def _refresh(self) -> None:
        problems = self.form.refresh_problems()
        if problems:
            listed = "\n".join(f"• {self._field_title(name)}: {text}" for name, text in problems.items())
            self.preview.setPlainText(
                f"The request appears here once every field is valid. Still to fix:\n{listed}"
            )
        else:
            self.preview.setPlainText(preview_json(self.form.draft().payload()))
        self.agent_note.setVisible(not self.form.fields["browser_user_agent"].text().strip())
        self.copy_curl.setEnabled(not problems)
        can_send = not problems and self.profile is not None and not self.flow.busy and not self._order_exists
        self.send_button.setEnabled(can_send)
        if self.profile is None:
            self.message.setText("Loading profiles…")

    def _field_title(self, name: str) -> str:
        label = self.form.labels.get(name)
        return label.text().replace("&", "") if label else name.replace("_", " ").capitalize()

    def _copy_curl(self) -> None:
        command = curl_command(self._base_url(), self.form.draft().payload())
        QGuiApplication.clipboard().setText(command)
        self.message.setText("Copied a curl command; set MSP_API_KEY before running it.")

    # -- sending -----------------------------------------------------------------

    def send(self) -> None:
        if self.flow.busy or self._order_exists or self.profile is None:
            return
        draft = self.form.draft()
        if draft.problems():
            self.form.show_all_problems()
            self.message.setText("Some fields need fixing; they are marked ⚠.")
            return
        profile = self.profile
        if profile.environment.value == "live" and not self.confirm_live(
            draft.amount, draft.currency, profile
        ):
            self.message.setText("Not sent.")
            return
        if not draft.browser_user_agent.strip():
            from msp_desk.ui.browser_identity import user_agent

            self.form.fields["browser_user_agent"].setText(user_agent())
            draft = self.form.draft()
        payload = draft.payload()
        if self.flow.submit(profile, payload):
            self._sent = payload

    def confirm_live(self, amount: str, currency: str, profile: Profile) -> bool:
        money = format_minor(to_minor_units(amount, currency), currency)
        site = f"site {profile.site_id}" if profile.site_id else "the site of this profile"
        box = QMessageBox(self)
        box.setObjectName("liveConfirmation")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Send a LIVE order?")
        box.setText(f"Charge {money} on {site} ({profile.name}) in the LIVE environment?")
        box.setInformativeText("This is a real payment with a real card.")
        send = box.addButton(f"Charge {money}", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is send

    def _on_sending(self) -> None:
        self.form.set_enabled_for_sending(False)
        self._show_buttons()
        self.send_button.setEnabled(False)
        self.message.setText(f"Sending order {self.flow.order_id}…")

    def _on_answered(self, response: ApiResponse[Order]) -> None:
        self._order_exists = True
        self._remember(response)
        self.form.clear_card()
        self.result.show_order(response, waiting=not is_final(response.data.status))
        if response.reconciled:
            self.result.show_note(
                "The first answer was lost on the way; the order was looked up and exists once. "
                "Nothing was sent twice."
            )
        self.message.setText(f"MultiSafepay has order {response.data.order_id}: {response.data.status}.")

    def _on_needs_verification(self, response: ApiResponse[Order]) -> None:
        order = response.data
        browser = self._prepare_browser()
        draft = self.form.draft()
        redirect_url, cancel_url = draft.redirect_url.strip(), draft.cancel_url.strip()
        html = order.customer_verification.html if order.customer_verification else None
        if order.payment_url and (self.use_payment_url.isChecked() or not html):
            browser.start_url(order.payment_url, redirect_url, cancel_url)
        else:
            browser.start_form(html or "", self.flow.base_url or self._base_url(), redirect_url, cancel_url)
        self.verification_hint.setText(
            "Complete 3-D Secure below; msp-desk stops when the shop's page is reached."
        )
        self.stop_button.setEnabled(True)
        self.tabs.setCurrentIndex(1)
        self.message.setText("3-D Secure is needed: complete the challenge in the 3-D Secure tab.")
        browser.view.setFocus()

    def _prepare_browser(self) -> ThreeDSecureView:
        """The embedded browser, loaded when an order asks for a challenge and not before."""
        if self.browser is None:
            from msp_desk.ui.threeds_view import ThreeDSecureView

            draft = self.form.draft()
            self.browser = ThreeDSecureView(
                self, user_agent=draft.browser_user_agent.strip(), language=draft.browser_language.strip()
            )
            self.browser.finished.connect(self._on_verified)
            self._verification_layout.addWidget(self.browser, 1)
        return self.browser

    def _on_verified(self, outcome: str, url: str) -> None:
        self._keep_trace()
        word = "returned to the shop" if outcome == "redirect" else "cancelled by the shopper"
        self.verification_hint.setText(f"3-D Secure finished: {word}.")
        self.stop_button.setEnabled(False)
        self.tabs.setCurrentIndex(2)
        self.flow.follow()

    def _abandon_verification(self) -> None:
        self._keep_trace()
        self.stop_button.setEnabled(False)
        self.verification_hint.setText(
            "3-D Secure was abandoned here; the order keeps the status MultiSafepay gives it."
        )
        self.tabs.setCurrentIndex(2)
        self.flow.check_again()

    def _keep_trace(self) -> None:
        """Show the 3-D Secure steps and keep them with the order, then close the browser."""
        if self.browser is None:
            return
        hops = list(self.browser.hops)
        self.result.show_trace(hops)
        if self.flow.profile is not None and self.flow.order_id:
            self._context.history.set_trace(
                self.flow.profile.id, self.flow.order_id, [h.as_dict() for h in hops]
            )
        self._discard_browser()

    def _discard_browser(self) -> None:
        """Each challenge gets a fresh off-the-record browser; nothing carries over."""
        browser, self.browser = self.browser, None
        if browser is not None:
            browser.hide()
            browser.dispose()
            browser.deleteLater()

    def _on_finished(self, response: ApiResponse[Order]) -> None:
        order = response.data
        final = is_final(order.status)
        self.result.show_order(response, waiting=not final)
        self._record_status(response)
        self.tabs.setCurrentIndex(2)
        if final:
            self.message.setText(
                f"Order {order.order_id}: {status_words(order.status, order.financial_status)}."
            )
            self._show_buttons(new=True)
        else:
            self.message.setText(
                f"Order {order.order_id} is still {order.status}; MultiSafepay decides later. "
                "Check again in a while."
            )
            self._show_buttons(check=True, new=True)

    def _on_failed(self, message: str, remedy: str) -> None:
        self.message.setText(f"⚠ {message}")
        if remedy == RETRY:
            self._show_buttons(retry=True, new=True)
        elif remedy == CHECK:
            self._show_buttons(check=True, new=self._order_exists)
        elif remedy == FIX:
            self.form.set_enabled_for_sending(True)
            self._show_buttons(send=True)
        self._refresh()

    def _retry(self) -> None:
        if self.flow.retry():
            self._show_buttons()

    def _check_again(self) -> None:
        self._show_buttons()
        self.flow.check_again()

    def next_order(self) -> None:
        """A fresh order ID and an empty card; the customer and options stay for the next test."""
        if self.flow.busy and not self._order_exists:
            return  # a request is on its way: its outcome must be seen first
        self.flow.forget()
        self._sent = None
        self._discard_browser()
        self._order_exists = False
        self.form.set_enabled_for_sending(True)
        self.form.clear_card()
        self.form.renew_order_id()
        self.result.clear()
        self.verification_hint.setText("No 3-D Secure challenge is running.")
        self.stop_button.setEnabled(False)
        self.tabs.setCurrentIndex(0)
        self.message.clear()
        self._show_buttons(send=True)
        self._refresh()
        self.form.fields["card_number"].setFocus()

    def _remember(self, response: ApiResponse[Order]) -> None:
        """Start the order's history row once MultiSafepay has the order; refused ones get none."""
        profile, sent = self.flow.profile, self._sent
        if profile is None or sent is None:
            return
        from msp_desk.history.store import HistoryEntry

        number = str(sent["gateway_info"]["card_number"])
        self._context.history.record_submitted(
            HistoryEntry(
                profile_id=profile.id,
                order_id=str(sent["order_id"]),
                profile_name=profile.name,
                environment=profile.environment.value,
                amount=int(sent["amount"]),
                currency=str(sent["currency"]),
                description=str(sent["description"]),
                card_brand=str(sent["gateway"]),
                card_last4=number[-4:],
                status=response.data.status or "",
                reason=response.data.reason or "",
            )
        )
        self._sent = None  # the card number goes with it

    def _record_status(self, response: ApiResponse[Order]) -> None:
        order = response.data
        if self.flow.profile is not None and order.order_id:
            self._context.history.update_status(
                self.flow.profile.id, str(order.order_id), order.status or "", order.reason or ""
            )

    def _show_buttons(
        self, *, send: bool = False, retry: bool = False, check: bool = False, new: bool = False
    ) -> None:
        self.send_button.setVisible(send)
        self.retry_button.setVisible(retry)
        self.check_button.setVisible(check)
        self.new_button.setVisible(new or send)
        self.new_button.setEnabled(not (self.flow.busy and not self._order_exists))
