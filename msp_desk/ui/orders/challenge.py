"""The order screen's 3-D Secure tab: the challenge in an embedded browser, made when first needed.

QtWebEngine is imported only when an order asks for a challenge; each
challenge gets a fresh off-the-record browser, thrown away afterwards, so
nothing carries over from one order to the next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.api.models import Order
    from msp_desk.core.verification_trace import Hop
    from msp_desk.ui.orders.threeds_view import ThreeDSecureView

IDLE = "No 3-D Secure challenge is running."


class ChallengeTab(QWidget):
    finished = Signal(str, str)  # outcome ("redirect" or "cancel"), the URL it ended on
    abandoned = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser: ThreeDSecureView | None = None
        self._layout = QVBoxLayout(self)
        self.use_payment_url = QCheckBox(
            "Open MultiSafepay's payment page instead of the verification form", self
        )
        self.use_payment_url.setObjectName("usePaymentUrl")
        self.use_payment_url.setAccessibleName(self.use_payment_url.text())
        self.use_payment_url.setToolTip(
            "MultiSafepay recommends the payment_url; the form is what a direct API client gets."
        )
        self.hint = MessageLabel("3-D Secure status", self)
        self.hint.setObjectName("verificationHint")
        self.hint.show_info(IDLE)
        self.stop_button = QPushButton("Stop &waiting", self)
        self.stop_button.setObjectName("stopVerification")
        self.stop_button.setAccessibleName("Stop waiting")
        self.stop_button.setToolTip("Close the challenge and look up the order's status as it is")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.abandoned.emit)
        top = QHBoxLayout()
        top.addWidget(self.hint, 1)
        top.addWidget(self.stop_button)
        self._layout.addWidget(self.use_payment_url)
        self._layout.addLayout(top)

    def start(
        self,
        order: Order,
        *,
        base_url: str,
        redirect_url: str,
        cancel_url: str,
        user_agent: str,
        language: str,
    ) -> None:
        browser = self._prepare(user_agent, language)
        html = order.customer_verification.html if order.customer_verification else None
        if order.payment_url and (self.use_payment_url.isChecked() or not html):
            browser.start_url(order.payment_url, redirect_url, cancel_url)
        else:
            browser.start_form(html or "", base_url, redirect_url, cancel_url)
        self.hint.show_info("Complete 3-D Secure below; msp-desk stops when the shop's page is reached.")
        self.stop_button.setEnabled(True)
        browser.view.setFocus()

    def end(self, text: str) -> list[Hop]:
        """Close the challenge; returns the steps it took."""
        hops = list(self.browser.hops) if self.browser is not None else []
        self.hint.show_info(text)
        self.stop_button.setEnabled(False)
        self.discard()
        return hops

    def reset(self) -> None:
        self.discard()
        self.hint.show_info(IDLE)
        self.stop_button.setEnabled(False)

    def discard(self) -> None:
        browser, self.browser = self.browser, None
        if browser is not None:
            browser.hide()
            browser.dispose()
            browser.deleteLater()

    def _prepare(self, user_agent: str, language: str) -> ThreeDSecureView:
        if self.browser is None:
            from msp_desk.ui.orders.threeds_view import ThreeDSecureView

            self.browser = ThreeDSecureView(self, user_agent=user_agent, language=language)
            self.browser.finished.connect(self.finished.emit)
            self._layout.addWidget(self.browser, 1)
        return self.browser
