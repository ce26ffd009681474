"""The notification inbox: what the sandbox's notifications told the merchant, and how each was answered.

For a Sandbox profile the embedded sandbox plays the merchant's server too (its
receiver): every notification that reaches it is listed live with the status
it carries, whether its signature holds and the answer it got, beside the
sandbox's own log of delivery attempts (to the inbox or any other URL) with
retries and their times. The answer can be switched to a broken handler's to
show what MultiSafepay then does, and an order's notification can be resent.

With a Test or Live profile MultiSafepay's notifications go to the merchant's
server, never to this app; the screen says so and where to look instead.

The page lays out and dispatches: reading the logs belongs to ``InboxFeed``,
the rows to ``RowsModel``, the request in full to ``DetailView``, resending
to ``ResendNotification``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from msp_desk.sandbox.inbox import MODES, STATUSES, AttemptRow, ReceivedRow
from msp_desk.sandbox.receiver import AnswerMode
from msp_desk.ui.inbox.detail import DetailView
from msp_desk.ui.inbox.feed import InboxFeed, InboxSource
from msp_desk.ui.inbox.models import Column, RowFilter, RowsModel
from msp_desk.ui.inbox.receiver_panel import ReceiverPanel
from msp_desk.ui.inbox.resend import ResendNotification, ResendPanel
from msp_desk.ui.widgets.colours import alert_text_colour, environment_label
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.sandbox.inbox import NotificationDetail
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure

RECEIVED_COLUMNS = (
    Column("Time (UTC)", "time"),
    Column("Order ID", "order_id"),
    Column("Method", "method"),
    Column("Status", "status"),
    Column("Signature", "signature", alert="signature_problem"),
    Column("Answer", "answer", alert="answer_problem"),
)
ATTEMPT_COLUMNS = (
    Column("Time (UTC)", "time"),
    Column("Order ID", "order_id"),
    Column("Status", "status"),
    Column("Attempt", "attempt"),
    Column("URL", "url"),
    Column("Code", "code", alert="problem"),
    Column("Answer", "answer", alert="problem"),
    Column("Acknowledged", "acknowledged", alert="problem"),
    Column("Next retry (UTC)", "next_retry", alert="problem"),
)
_WIDTHS = {
    "Time (UTC)": 145,
    "Order ID": 140,
    "Method": 70,
    "Status": 100,
    "Signature": 100,
    "Attempt": 65,
    "URL": 330,
    "Code": 50,
    "Answer": 180,
    "Acknowledged": 105,
}
_ANY_STATUS = "Any status"
RECEIVED_TAB, ATTEMPTS_TAB = 0, 1


def _table(name: str, accessible: str, model: RowFilter, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # a burst of rows needs no measuring
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class InboxPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxPage")
        self.context = context
        self.ops = context.operations(self, initiator="inbox")
        self.feed = InboxFeed(context, self)
        self.profile: Profile | None = None
        self._detail_key: tuple[str, int] | None = None

        self.notice = MessageLabel("Notification inbox", self)
        self.notice.setObjectName("inboxNotice")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.notice.show_hint("Loading profiles…")
        self.receiver = ReceiverPanel(self)

        self.order_filter = QLineEdit(self)
        self.order_filter.setObjectName("inboxOrderFilter")
        self.order_filter.setAccessibleName("Order ID contains")
        self.order_filter.setPlaceholderText("Part of an order ID")
        self.order_filter.setClearButtonEnabled(True)
        self.order_filter.setToolTip("Show only notifications for orders whose ID contains this (Ctrl+F)")
        order_label = QLabel("&Order ID contains:", self)
        order_label.setBuddy(self.order_filter)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("inboxStatusFilter")
        self.status_filter.setAccessibleName("Status")
        self.status_filter.addItem(_ANY_STATUS, "")
        for status in STATUSES:
            self.status_filter.addItem(status, status)
        status_label = QLabel("S&tatus:", self)
        status_label.setBuddy(self.status_filter)
        self.counts = MessageLabel("How many notifications are listed", self, wrap=False)
        self.counts.setObjectName("inboxCounts")
        filters = QHBoxLayout()
        filters.addWidget(order_label)
        filters.addWidget(self.order_filter, 2)
        filters.addWidget(status_label)
        filters.addWidget(self.status_filter, 1)
        filters.addStretch(1)
        filters.addWidget(self.counts)

        self.received_model: RowsModel[ReceivedRow] = RowsModel(RECEIVED_COLUMNS, self)
        self.received_rows = RowFilter(self.received_model, self)
        self.received_view = _table("inboxReceived", "Notifications received", self.received_rows, self)
        self.attempts_model: RowsModel[AttemptRow] = RowsModel(ATTEMPT_COLUMNS, self)
        self.attempt_rows = RowFilter(self.attempts_model, self)
        self.attempts_view = _table("inboxAttempts", "Delivery attempts", self.attempt_rows, self)
        for view, columns in ((self.received_view, RECEIVED_COLUMNS), (self.attempts_view, ATTEMPT_COLUMNS)):
            for number, column in enumerate(columns):
                view.setColumnWidth(number, _WIDTHS.get(column.title, 110))
        self.lists = QTabWidget(self)
        self.lists.setObjectName("inboxLists")
        self.lists.setAccessibleName("Notifications")
        # Fixed titles: a count in a tab's title would resize the tab bar, and repaint the whole
        # screen, with every batch of a burst; the counts have a label of their own.
        self.lists.addTab(self.received_view, "&Received")
        self.lists.addTab(self.attempts_view, "&Delivery attempts")
        self.detail = DetailView(self)
        # The detail below the lists, not beside them: the attempt log's URL and answer need the width.
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("inboxSplitter")
        self.splitter.addWidget(self.lists)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.resend = ResendPanel(self)
        self.resend_action = ResendNotification(self.resend, self.feed, self.ops)

        sandbox_view = QWidget(self)
        sandbox_layout = QVBoxLayout(sandbox_view)
        sandbox_layout.setContentsMargins(0, 0, 0, 0)
        sandbox_layout.addWidget(self.receiver)
        sandbox_layout.addLayout(filters)
        sandbox_layout.addWidget(self.splitter, 1)
        sandbox_layout.addWidget(self.resend)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.notice)
        self.stack.addWidget(sandbox_view)
        self._sandbox_view = sandbox_view
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        self._connect()
        self._count()
        set_tab_chain(
            [
                self.receiver.mode,
                self.receiver.copy_button,
                self.order_filter,
                self.status_filter,
                self.lists,
                self.received_view,
                self.attempts_view,
                self.detail.tabs,
                self.resend.order_edit,
                self.resend.url_edit,
                self.resend.inbox_button,
                self.resend.resend_button,
            ]
        )
        if context.profiles.is_ready:
            self._on_profile(context.profiles.active())

    def _connect(self) -> None:
        self.context.profiles.active_changed.connect(self._on_profile)
        self.feed.ready.connect(self._on_ready)
        self.feed.received.connect(self._on_received)
        self.feed.attempts.connect(self._on_attempts)
        self.receiver.mode_chosen.connect(self._switch_mode)
        self.order_filter.textChanged.connect(lambda _text: self._filter())
        self.status_filter.currentIndexChanged.connect(lambda _index: self._filter())
        for view, kind in ((self.received_view, "received"), (self.attempts_view, "attempt")):
            selection = view.selectionModel()
            selection.currentRowChanged.connect(lambda current, _previous, k=kind: self._selected(k, current))
        self.lists.currentChanged.connect(self._tab_changed)
        self.resend.resend_button.clicked.connect(self.resend_action.start)
        self.resend.use_inbox.connect(self._resend_to_inbox)
        for edit in (self.resend.order_edit, self.resend.url_edit):
            edit.returnPressed.connect(self.resend_action.start)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(lambda: self.order_filter.setFocus(Qt.FocusReason.ShortcutFocusReason))

    # -- profile ---------------------------------------------------------------------

    def _on_profile(self, profile: Profile) -> None:
        from msp_desk.api.environments import Environment

        self.profile = profile
        if profile.environment is Environment.SANDBOX:
            self.stack.setCurrentWidget(self._sandbox_view)
            self.feed.start(profile)
            return
        self.feed.pause()
        self.notice.show_info(_elsewhere(profile.name, environment_label(profile.environment.value)))
        self.stack.setCurrentWidget(self.notice)

    def _on_ready(self, source: InboxSource) -> None:
        self.receiver.show_receiver(source.receiver_url, source.mode)
        self.resend.inbox_button.setEnabled(True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.feed.watch_attempts = True
        self.feed.poll_attempts_now()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.feed.watch_attempts = False

    # -- the lists -------------------------------------------------------------------

    def _on_received(self, rows: list[ReceivedRow]) -> None:
        self.received_model.alert_colour = alert_text_colour(self.palette())
        self.received_model.append(rows)
        self._count()

    def _on_attempts(self, rows: list[AttemptRow]) -> None:
        self.attempts_model.alert_colour = alert_text_colour(self.palette())
        self.attempts_model.append(rows)
        self._count()

    def _filter(self) -> None:
        status = str(self.status_filter.currentData() or "")
        for rows in (self.received_rows, self.attempt_rows):
            rows.set_filter(self.order_filter.text(), status)
        self._count()

    def _count(self) -> None:
        parts = []
        for what, rows, model in (
            ("received", self.received_rows, self.received_model),
            ("delivery attempts", self.attempt_rows, self.attempts_model),
        ):
            shown, total = rows.rowCount(), model.rowCount()
            what = what.removesuffix("s") if total == 1 else what
            parts.append(f"{total:,} {what}" if shown == total else f"{shown:,} of {total:,} {what}")
        self.counts.show_info(" · ".join(parts))

    def _selected(self, kind: str, current: QModelIndex) -> None:
        if not current.isValid():
            return
        rows = self.received_rows if kind == "received" else self.attempt_rows
        row = rows.row_at(current.row())
        if row.order_id:
            self.resend.order_edit.setText(row.order_id)
        self._show_detail(kind, row.id)

    def _tab_changed(self, tab: int) -> None:
        view = self.received_view if tab == RECEIVED_TAB else self.attempts_view
        current = view.currentIndex()
        if current.isValid():
            self._selected("received" if tab == RECEIVED_TAB else "attempt", current)
        else:
            self.detail.clear("Select a notification to see the whole request and its signature check.")

    def _show_detail(self, kind: str, row_id: int) -> None:
        if self._detail_key == (kind, row_id):
            return
        self._detail_key = (kind, row_id)
        feed = self.feed

        def job(_ctx: Any) -> NotificationDetail | None:
            return feed.received_detail(row_id) if kind == "received" else feed.attempt_detail(row_id)

        self.ops.run(
            job,
            name="Show a notification",
            lane="detail",
            on_success=self._detail_ready,
            on_failure=lambda failure: self._detail_failed(failure),
        )

    def _detail_ready(self, detail: NotificationDetail | None) -> None:
        if detail is None:
            self._detail_key = None
            self.detail.clear(
                "This notification is no longer in the sandbox's log (it keeps the newest 20,000)."
            )
            return
        self.detail.show_detail(detail)

    def _detail_failed(self, failure: Failure) -> None:
        self._detail_key = None
        self.detail.clear(f"The notification could not be read: {failure.message}")

    def select_row(self, tab: int, row: int) -> None:
        """Select a row as a click does (for the keyboard's sake too: it becomes the current row)."""
        self.lists.setCurrentIndex(tab)
        view = self.received_view if tab == RECEIVED_TAB else self.attempts_view
        view.selectionModel().setCurrentIndex(
            view.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )

    # -- the receiver and resending -------------------------------------------------

    def _switch_mode(self, mode: str) -> None:
        feed = self.feed
        feed.wanted_mode = mode
        self.ops.run(
            lambda _ctx: feed.apply_wanted_mode(),
            name="Switch the inbox's answer",
            lane="mode",
            on_success=self._mode_switched,
            on_failure=lambda failure: self.receiver.feedback.show_error(
                f"The answer was not switched: {failure.message}"
            ),
        )

    def _mode_switched(self, mode: AnswerMode) -> None:
        self.receiver.show_mode(mode)
        text = f"The inbox now answers: {MODES[mode][0]}."
        self.receiver.feedback.show_info(text)
        self.context.events.status.emit(text)

    def _resend_to_inbox(self) -> None:
        if self.feed.source is not None:
            self.resend.url_edit.setText(self.feed.source.receiver_url)


def _elsewhere(profile_name: str, environment: str) -> str:
    return (
        f"The notification inbox works with the local sandbox. With “{profile_name}” ({environment}), "
        "MultiSafepay sends its notifications straight to the merchant's server, at the website's "
        "notification URL, so they never pass through msp-desk and cannot be listed here.\n\n"
        "To see whether that server receives and acknowledges them, check its notification URL "
        "with the endpoint doctor on the Webhooks screen, or run "
        f"msp-desk webhook check URL --profile “{profile_name}” in a terminal. The merchant's own "
        "logs show each notification as it arrives; MultiSafepay's dashboard shows each order's "
        "notification attempts and can resend them.\n\n"
        "To watch notifications arrive here, switch to a Sandbox profile: the local sandbox then "
        "plays MultiSafepay and the merchant's server at once."
    )
