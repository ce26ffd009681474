"""The Order lookup screen: type or paste an order id, see the order in depth, follow it, refund or cancel it.

The page lays out the field, the detail view with its actions and the
website's transactions, and dispatches: looking up and following belong to
:class:`OrderWatch`, refunds to :class:`RefundOrder`, cancels to
:class:`CancelOrder`, the Timeline tab to :class:`OrderTimeline`, the support
bundle to :class:`ExportBundle`, the list to :class:`TransactionsPanel`. Other screens
open an order here through ``AppEvents.open_order`` (see ``look_up``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from msp_desk.api.remedies import Remedy, explain_lookup
from msp_desk.core.order_ids import order_id_problem
from msp_desk.core.statuses import is_pending, status_words
from msp_desk.ui.lookup.bundle import ExportBundle
from msp_desk.ui.lookup.cancel import CancelOrder
from msp_desk.ui.lookup.refund import RefundOrder
from msp_desk.ui.lookup.timeline import OrderTimeline
from msp_desk.ui.lookup.transactions import TransactionsPanel
from msp_desk.ui.lookup.watch import INITIATOR, Answer, Missing, OrderWatch
from msp_desk.ui.services.events import OrderChange
from msp_desk.ui.widgets.controls import button
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel
from msp_desk.ui.widgets.order_detail import OrderDetailView

if TYPE_CHECKING:
    from msp_desk.api.models import ApiResponse, Order
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure


class LookupPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupPage")
        self.context = context
        self.ops = context.operations(self, initiator=INITIATOR)  # refunds and cancels
        self.profile: Profile | None = None
        self._pending: str | None = None  # asked for before the profiles were loaded

        self.order_edit = QLineEdit(self)
        self.order_edit.setObjectName("lookupOrderId")
        self.order_edit.setAccessibleName("Order ID")
        self.order_edit.setPlaceholderText("Type or paste an order ID, then press Enter")
        self.order_edit.setClearButtonEnabled(True)
        self.order_edit.setToolTip("The order ID as the shop gave it; Enter looks it up (Ctrl+L comes here)")
        self.order_label = QLabel("&Order ID:", self)
        self.order_label.setBuddy(self.order_edit)
        self.lookup_button = button(self, "&Look up", "lookUp", "Look the order up (Enter in the field)")
        self.refresh_button = button(self, "&Refresh", "refreshOrder", "Ask MultiSafepay again (F5)")
        self.retry_button = button(self, "Re&try", "retryLookup", "Try the same lookup again")
        self.retry_button.hide()
        self.message = MessageLabel("Lookup result", self)
        self.message.setObjectName("lookupMessage")
        self.follow_note = MessageLabel("Automatic refresh", self, hide_when_empty=True)
        self.follow_note.setObjectName("followNote")

        self.detail = OrderDetailView(self, timeline=True)
        self.refund_button = button(
            self, "Refun&d…", "refundOrder", "Refund all or part of what is left (Ctrl+Shift+D)"
        )
        self.cancel_button = button(
            self, "&Cancel order", "cancelOrder", "Cancel the order while nobody has paid it"
        )
        self.bundle_button = button(
            self,
            "Support &bundle…",
            "supportBundle",
            "Save one file about this order for MultiSafepay's integration team: the order, its timeline, "
            "3-D Secure and notifications; never a card number, CVC or API key (Alt+B)",
        )
        self.action_message = MessageLabel("Refund and cancel result", self, hide_when_empty=True)
        self.action_message.setObjectName("actionMessage")
        self.transactions = TransactionsPanel(context, self)

        self.watch = OrderWatch(context, self)
        self.refund = RefundOrder(self)
        self.cancel = CancelOrder(self)
        assert self.detail.timeline is not None
        self.timeline = OrderTimeline(self, self.detail.timeline)
        self.bundle = ExportBundle(self)
        self.splitter = self._lay_out()
        self._connect()
        set_tab_chain(
            [
                self.order_edit,
                self.lookup_button,
                self.refresh_button,
                self.retry_button,
                self.detail.tabs,
                self.refund_button,
                self.cancel_button,
                self.bundle_button,
                *self.transactions.tab_chain(),
            ]
        )
        if context.profiles.is_ready:
            self._on_profile(context.profiles.active())
        else:
            self.message.show_hint("Loading profiles…")
        self.update_actions()

    def _lay_out(self) -> QSplitter:
        top = QHBoxLayout()
        top.addWidget(self.order_label)
        top.addWidget(self.order_edit, 1)
        for pushed in (self.lookup_button, self.refresh_button, self.retry_button):
            top.addWidget(pushed)
        actions = QHBoxLayout()
        actions.addWidget(self.refund_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        actions.addWidget(self.bundle_button)

        order_side = QWidget(self)
        order_layout = QVBoxLayout(order_side)
        order_layout.setContentsMargins(0, 0, 0, 0)
        order_layout.addWidget(self.detail, 1)
        order_layout.addLayout(actions)
        order_layout.addWidget(self.action_message)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("lookupSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(order_side)
        splitter.addWidget(self.transactions)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 480])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.follow_note)
        layout.addWidget(splitter, 1)
        return splitter

    def _connect(self) -> None:
        self.order_edit.returnPressed.connect(self.look_up)
        self.lookup_button.clicked.connect(self.look_up)
        self.refresh_button.clicked.connect(self.refresh)
        self.retry_button.clicked.connect(self.refresh)
        self.refund_button.clicked.connect(self.refund.start)
        self.cancel_button.clicked.connect(self.cancel.start)
        self.bundle_button.clicked.connect(self.bundle.start)
        self.detail.copied.connect(self.action_message.show_info)
        self.transactions.open_order.connect(self.look_up)
        self.watch.answered.connect(self._on_answer)
        self.watch.missing.connect(self._on_missing)
        self.watch.failed.connect(self._on_failed)
        self.watch.progress.connect(lambda text: self.follow_note.show_hint(f"Following the order: {text}"))
        self.watch.settled.connect(self._on_settled)
        self.context.profiles.active_changed.connect(self._on_profile)
        for keys, target in (
            ("F5", self.refresh),
            ("Ctrl+L", self._focus_field),
            ("Ctrl+Shift+D", self.refund.start),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(target)

    # -- what other parts of the screen ask ------------------------------------------

    def order(self) -> Order | None:
        """The order on screen, if it is the one being watched."""
        response = self.detail.response
        if response is None or str(response.data.order_id or "") != self.watch.order_id:
            return None
        return response.data

    def showing(self, profile: Profile, order_id: str) -> bool:
        return self.profile is not None and self.profile.id == profile.id and self.watch.order_id == order_id

    def tell_info(self, text: str) -> None:
        self.action_message.show_info(text)

    def tell_hint(self, text: str) -> None:
        self.action_message.show_hint(text)

    def tell_warning(self, text: str) -> None:
        self.action_message.show_warning(text)

    def tell_error(self, text: str) -> None:
        self.action_message.show_error(text)

    def update_actions(self) -> None:
        order = self.order()
        self.refund_button.setEnabled(self.refund.possible(order) and not self.refund.busy)
        self.cancel_button.setVisible(CancelOrder.possible(order))
        self.cancel_button.setEnabled(not self.cancel.busy)
        self.bundle_button.setEnabled(order is not None and not self.bundle.busy)
        self.refresh_button.setEnabled(bool(self.watch.order_id) and self.profile is not None)

    # -- looking up ------------------------------------------------------------------

    def look_up(self, order_id: str | None = None) -> None:
        """Look up ``order_id`` (another screen's request) or what is typed, and follow it."""
        if isinstance(order_id, str):
            self.order_edit.setText(order_id)
        text = self.order_edit.text().strip()
        self.retry_button.hide()
        if not text:
            self.message.show_error("Type or paste an order ID.")
            return
        problem = order_id_problem(text)
        if problem is not None:
            self.message.show_error(problem)
            return
        if self.profile is None:
            self._pending = text
            self.message.show_hint("Loading profiles…")
            return
        if text != self.watch.order_id:
            self.detail.clear()
            self.action_message.clear_message()
        self.follow_note.clear_message()
        self.message.show_hint(f"Looking up order {text}…")
        self.watch.watch(self.profile, text)
        self.update_actions()

    def refresh(self) -> None:
        """Ask again for the order on screen (or the one typed, when none is)."""
        if self.watch.order_id and self.order_edit.text().strip() != self.watch.order_id:
            self.order_edit.setText(self.watch.order_id)
        self.look_up()

    def _focus_field(self) -> None:
        self.order_edit.setFocus()
        self.order_edit.selectAll()

    def _environment(self) -> str:
        return self.profile.environment.value if self.profile is not None else "sandbox"

    def _on_answer(self, answer: Answer) -> None:
        response, profile = answer.response, self.profile
        self.detail.show_order(response, environment=self._environment())
        now = dt.datetime.now().strftime("%H:%M:%S")
        self.message.show_info(f"Order {self.watch.order_id} as MultiSafepay had it at {now}.")
        if answer.note:
            self.tell_warning(answer.note)
        if answer.changed and profile is not None:
            self.context.events.order_changed.emit(
                OrderChange(profile.id, self.watch.order_id, INITIATOR, "looked up")
            )
        if is_pending(response.data.status):
            self.follow_note.show_hint("The status can still change: asking again automatically…")
        self.timeline.load()
        self.update_actions()

    def _on_settled(self, response: ApiResponse[Order]) -> None:
        status = response.data.status
        if is_pending(status):
            self.follow_note.show_warning(
                f"Still {status_words(status).lower()}; automatic refresh stopped after a while. "
                "Refresh (F5) asks again."
            )
        elif self.follow_note.text():
            words = status_words(status, response.data.financial_status)
            self.follow_note.show_info(f"Final status: {words}. Automatic refresh stopped.")

    def _on_missing(self, missing: Missing) -> None:
        self.detail.clear()
        explained = explain_lookup(missing.error, self.watch.order_id, seen_under=missing.seen_under)
        self.message.show_error(explained.message)
        self.update_actions()

    def _on_failed(self, failure: Failure) -> None:
        explained = explain_lookup(failure.error, self.watch.order_id)
        shown = self.order() is not None
        kept = " The order below is its last answer." if shown else ""
        self.message.show_error(explained.message + kept)
        self.retry_button.setVisible(explained.remedy is Remedy.RETRY)
        if self.follow_note.text():
            self.follow_note.show_warning("Automatic refresh stopped.")
        self.update_actions()

    def _on_profile(self, profile: Profile) -> None:
        switched = self.profile is not None and self.profile.id != profile.id
        starting = self.profile is None
        self.profile = profile
        self.transactions.set_profile(profile)
        if switched:
            self.watch.stop()
            self.detail.clear()
            self.follow_note.clear_message()
            self.action_message.clear_message()
            self.retry_button.hide()
            self.message.show_info(f"Now using “{profile.name}”: press Enter to look the order up with it.")
        elif starting:
            self.message.clear_message()
            if self._pending:
                pending, self._pending = self._pending, None
                self.look_up(pending)
        self.update_actions()
