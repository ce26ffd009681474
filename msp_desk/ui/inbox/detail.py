"""One notification in full: the request line, headers, raw body, pretty JSON, the signature, the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QTabWidget, QVBoxLayout, QWidget

from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.sandbox.inbox import NotificationDetail

# (attribute of NotificationDetail, tab title, accessible name)
_TABS = (
    ("signature", "Si&gnature", "Signature check"),
    ("headers", "Head&ers", "Request headers"),
    ("raw_body", "Ra&w body", "Raw body"),
    ("pretty_json", "&JSON", "Body as JSON"),
    ("delivery", "De&livery", "Answer and what happens next"),
)


class DetailView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = MessageLabel("Selected notification", self)
        self.summary.setObjectName("inboxDetailSummary")
        self.verdict = MessageLabel("Signature verdict", self, hide_when_empty=True)
        self.verdict.setObjectName("inboxSignatureVerdict")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("inboxDetailTabs")
        self.tabs.setAccessibleName("Notification details")
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.texts: dict[str, QPlainTextEdit] = {}
        for field, title, name in _TABS:
            text = QPlainTextEdit(self)
            text.setObjectName(f"inboxDetail-{field}")
            text.setAccessibleName(name)
            text.setReadOnly(True)
            text.setFont(fixed)
            text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            self.tabs.addTab(text, title)
            self.texts[field] = text
        layout.addWidget(self.summary)
        layout.addWidget(self.verdict)
        layout.addWidget(self.tabs, 1)
        self.clear("Select a notification to see the whole request and its signature check.")

    def show_detail(self, detail: NotificationDetail) -> None:
        self.summary.show_info(detail.summary)
        if detail.signature_problem:
            self.verdict.show_error(detail.verdict)
        else:
            self.verdict.show_info(detail.verdict)
        for field, text in self.texts.items():
            text.setPlainText(str(getattr(detail, field)))

    def clear(self, hint: str) -> None:
        self.summary.show_hint(hint)
        self.verdict.clear_message()
        for text in self.texts.values():
            text.clear()

    def text_of(self, field: str) -> str:
        return self.texts[field].toPlainText()
