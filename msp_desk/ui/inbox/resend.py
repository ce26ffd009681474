"""Resending a sandbox order's notification now, as MultiSafepay's dashboard does: a fresh timestamp.

It goes to the order's own notification URL, or to another URL typed here
(checked against MultiSafepay's URL rules as the local sandbox relaxes them).
The attempt is one request without retries; it appears in the delivery
attempts, and in the inbox when it was sent there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from msp_desk.sandbox.inbox import resend_problem
from msp_desk.ui.services.tasks import TaskContext
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.sandbox.attempts import NotificationAttempt
    from msp_desk.ui.inbox.feed import InboxFeed
    from msp_desk.ui.services.operations import Failure, Operations


class ResendPanel(QGroupBox):
    use_inbox = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Resend a notification", parent)
        self.setObjectName("inboxResend")
        self.order_edit = QLineEdit(self)
        self.order_edit.setObjectName("resendOrderId")
        self.order_edit.setAccessibleName("Order ID to resend")
        self.order_edit.setPlaceholderText("Selected in the list, or typed")
        order_label = QLabel("Order &ID:", self)
        order_label.setBuddy(self.order_edit)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("resendUrl")
        self.url_edit.setAccessibleName("Send to URL")
        self.url_edit.setPlaceholderText("Empty: the order's own notification URL")
        url_label = QLabel("Se&nd to URL:", self)
        url_label.setBuddy(self.url_edit)
        self.inbox_button = QPushButton("Use the in&box", self)
        self.inbox_button.setObjectName("resendToInbox")
        self.inbox_button.setAccessibleName("Use the inbox")
        self.inbox_button.setToolTip("Send it to this inbox instead of the order's own URL")
        self.resend_button = QPushButton("Re&send now", self)
        self.resend_button.setObjectName("resendNow")
        self.resend_button.setAccessibleName("Resend now")
        self.resend_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.resend_button.setToolTip(
            "Send the order's notification again now, with a fresh timestamp and signature (Ctrl+Enter)"
        )
        self.message = MessageLabel("Resend result", self)
        self.message.setObjectName("resendMessage")

        buttons = QHBoxLayout()
        buttons.addWidget(self.inbox_button)
        buttons.addWidget(self.resend_button)
        buttons.addStretch(1)
        grid = QGridLayout(self)
        grid.addWidget(order_label, 0, 0)
        grid.addWidget(self.order_edit, 0, 1)
        grid.addWidget(url_label, 0, 2)
        grid.addWidget(self.url_edit, 0, 3)
        grid.addLayout(buttons, 0, 4)
        grid.addWidget(self.message, 1, 0, 1, 5)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)

        self.inbox_button.clicked.connect(self.use_inbox.emit)
        self.order_edit.textChanged.connect(lambda _text: self.check())
        self.url_edit.textChanged.connect(lambda _text: self.check())
        self.inbox_button.setEnabled(False)
        self.check()

    def check(self) -> str | None:
        """Show what stops a resend (if anything) and allow the button only when nothing does."""
        problem = resend_problem(self.order_edit.text(), self.url_edit.text())
        self.resend_button.setEnabled(problem is None and self.isEnabled())
        if problem is not None and self.url_edit.text().strip() and problem.startswith("To URL"):
            self.message.show_error(problem)
        elif problem is not None:
            self.message.show_hint(problem)
        elif self.message.kind in {"hint", "error"}:
            self.message.clear_message()
        return problem


class ResendNotification:
    """One resend: checked, sent on a worker, its outcome in words."""

    def __init__(self, panel: ResendPanel, feed: InboxFeed, ops: Operations) -> None:
        self._panel = panel
        self._feed = feed
        self._ops = ops

    def start(self) -> None:
        panel = self._panel
        if panel.check() is not None or self._ops.busy("resend"):
            return
        order_id = panel.order_edit.text().strip()
        url = panel.url_edit.text().strip() or None
        feed = self._feed

        def job(ctx: TaskContext) -> tuple[NotificationAttempt | None, str | None]:
            from msp_desk.sandbox.errors import ApiError
            from msp_desk.sandbox.inbox import resend_refusal

            try:
                return feed.resend(ctx, order_id, url), None
            except ApiError as error:
                return None, resend_refusal(error, order_id)

        panel.resend_button.setEnabled(False)
        panel.message.show_hint(f"Resending the notification for order {order_id}…")
        self._ops.run(
            job,
            name="Resend a notification",
            lane="resend",
            on_success=lambda result: self._done(order_id, *result),
            on_failure=self._failed,
        )

    def _done(self, order_id: str, attempt: NotificationAttempt | None, refusal: str | None) -> None:
        panel = self._panel
        panel.check()
        if refusal is not None:
            panel.message.show_error(refusal)
            return
        if attempt is None:
            panel.message.show_error(
                f"Order {order_id}'s website is gone from the sandbox; nothing was sent."
            )
            return
        from msp_desk.sandbox.inbox import attempt_row

        row = attempt_row(attempt)
        answer = f"{row.code} {row.answer}" if attempt.response_status is not None else row.answer
        if attempt.acknowledged:
            panel.message.show_info(f"Resent order {order_id} to {row.url}: answered {answer}, acknowledged.")
        else:
            panel.message.show_warning(
                f"Resent order {order_id} to {row.url}: {answer}. Not acknowledged; a resend is not retried."
            )
        self._feed.poll_attempts_now()

    def _failed(self, failure: Failure) -> None:
        self._panel.check()
        self._panel.message.show_error(f"The resend failed: {failure.message}")
