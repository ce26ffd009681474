"""The inbox's own endpoint: its URL for an order, how it answers, and what that makes MultiSafepay do."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QWidget

from msp_desk.sandbox.inbox import MODES
from msp_desk.sandbox.receiver import AnswerMode
from msp_desk.ui.widgets.labels import MessageLabel, ValueLabel


class ReceiverPanel(QWidget):
    mode_chosen = Signal(str)  # an AnswerMode value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxReceiver")
        url_title = QLabel("Inbox URL:", self)
        self.url = ValueLabel("Inbox URL: an order's notification URL that lands here", self)
        self.url.setObjectName("inboxUrl")
        self.url.setText("Starting the local sandbox…")
        self.copy_button = QPushButton("Cop&y inbox URL", self)
        self.copy_button.setObjectName("copyInboxUrl")
        self.copy_button.setAccessibleName("Copy inbox URL")
        self.copy_button.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_button.setToolTip("Copy the URL to use as an order's notification URL (Ctrl+Shift+C)")
        self.copy_button.setEnabled(False)

        self.mode = QComboBox(self)
        self.mode.setObjectName("inboxAnswerMode")
        self.mode.setAccessibleName("Answer notifications as")
        self.mode.setToolTip("How the inbox answers the notifications it receives")
        for mode, (title, _) in MODES.items():
            self.mode.addItem(title, mode.value)
        self.mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.mode.setEnabled(False)
        mode_label = QLabel("&Answer as:", self)
        mode_label.setBuddy(self.mode)
        self.explanation = MessageLabel("What this answer makes MultiSafepay do", self)
        self.explanation.setObjectName("inboxModeExplanation")
        self.feedback = MessageLabel("Answer mode feedback", self, hide_when_empty=True)
        self.feedback.setObjectName("inboxModeFeedback")

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(url_title, 0, 0)
        grid.addWidget(self.url, 0, 1)
        grid.addWidget(self.copy_button, 0, 2)
        grid.addWidget(mode_label, 1, 0)
        grid.addWidget(self.mode, 1, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.explanation, 2, 1, 1, 2)
        grid.addWidget(self.feedback, 3, 1, 1, 2)
        grid.setColumnStretch(1, 1)

        self.copy_button.clicked.connect(self._copy)
        self.mode.currentIndexChanged.connect(self._chosen)
        self._explain()

    def show_receiver(self, url: str, mode: AnswerMode) -> None:
        self.url.setText(url)
        self.copy_button.setEnabled(True)
        self.mode.setEnabled(True)
        self.show_mode(mode)

    def show_mode(self, mode: AnswerMode) -> None:
        """Show the sandbox's mode without asking to switch to it."""
        blocked = self.mode.blockSignals(True)
        self.mode.setCurrentIndex(max(self.mode.findData(mode.value), 0))
        self.mode.blockSignals(blocked)
        self._explain()

    def _chosen(self, index: int) -> None:
        self._explain()
        self.mode_chosen.emit(str(self.mode.itemData(index)))

    def current_mode(self) -> str:
        return str(self.mode.currentData())

    def _explain(self) -> None:
        mode = AnswerMode(self.current_mode())
        self.explanation.show_hint(MODES[mode][1])

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.url.text())
        self.feedback.show_info("Copied the inbox URL: use it as an order's notification URL.")
