"""The order screen's Request tab: the JSON about to be sent (card masked, CVC left out) and curl."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from msp_desk.ui.widgets.labels import MessageLabel


class RequestTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel("JSON to be sent (card number masked, CVC left out):", self)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("requestPreview")
        self.preview.setAccessibleName("Request preview")
        self.preview.setReadOnly(True)
        label.setBuddy(self.preview)
        self.agent_note = MessageLabel("User agent note", self)
        self.agent_note.setObjectName("userAgentNote")
        self.agent_note.show_hint(
            "The embedded browser's user agent joins customer.browser when the order is sent."
        )
        self.copy_curl = QPushButton("Copy as curl", self)
        self.copy_curl.setObjectName("copyCurl")
        self.copy_curl.setAccessibleName("Copy as curl")
        self.copy_curl.setToolTip("Copies a curl command; the API key is left as $MSP_API_KEY")
        layout.addWidget(label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.agent_note)
        layout.addWidget(self.copy_curl, 0, Qt.AlignmentFlag.AlignLeft)

    def show_request(self, preview_json: str, *, agent_pending: bool) -> None:
        self.preview.setPlainText(preview_json)
        self.agent_note.setVisible(agent_pending)
        self.copy_curl.setEnabled(True)

    def show_problems(self, listed: list[str], *, agent_pending: bool) -> None:
        lines = "\n".join(f"• {line}" for line in listed)
        self.preview.setPlainText(
            f"The request appears here once every field is valid. Still to fix:\n{lines}"
        )
        self.agent_note.setVisible(agent_pending)
        self.copy_curl.setEnabled(False)
