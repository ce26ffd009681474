"""Labels that say something: a field's problem, a connection result, an order status, a value.

A screen reader must hear what such a label *says*. In Qt an accessible name on
a label replaces its text for AT-SPI (Orca would read "Connection result" and
never the result), so these labels get no accessible name at all: Qt then
reports the text itself, and announces it when it changes. What the label is
for goes into the accessible description, which is read after the text.

They show plain text only: an order id or a profile name such as ``<h1>x</h1>``
is shown as typed, never rendered.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from msp_desk.ui.widgets.colours import alert_text_colour


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label for text that comes from a person or a server: never interpreted as markup."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


class MessageLabel(QLabel):
    """A word-wrapped, plain-text label whose text screen readers read; ``role`` says what it is for.

    Its size hint is the height its text needs at its real width: layouts size a
    word-wrapped label for QLabel's own narrow hint, which left gaps of several lines.
    """

    def __init__(
        self,
        role: str,
        parent: QWidget | None = None,
        *,
        wrap: bool = True,
        selectable: bool = True,
        hide_when_empty: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleDescription(role)
        self.setWordWrap(wrap)
        if selectable:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self._hide_when_empty = hide_when_empty
        self._hinted_height = -1
        if hide_when_empty:
            self.hide()

    @property
    def role(self) -> str:
        return self.accessibleDescription()

    # -- what it says ----------------------------------------------------------

    def show_error(self, text: str) -> None:
        self._show("error", f"⚠ {text}" if text else "", QPalette.ColorRole.WindowText)

    def show_warning(self, text: str) -> None:
        self._show("warning", text, QPalette.ColorRole.WindowText)

    def show_hint(self, text: str) -> None:
        """Quiet text: what happens next, or work under way."""
        self._show("hint", text, QPalette.ColorRole.PlaceholderText)

    def show_info(self, text: str) -> None:
        self._show("info", text, QPalette.ColorRole.WindowText)

    def clear_message(self) -> None:
        self._show("", "", QPalette.ColorRole.WindowText)

    def _show(self, kind: str, text: str, role: QPalette.ColorRole) -> None:
        kind = kind if text else ""
        if (
            kind == self.kind
            and text == self.text()
            and (not self._hide_when_empty or self.isHidden() != bool(text))
        ):
            return  # forms refresh on every keystroke: restyling unchanged labels would cost a frame
        self.kind = kind
        self._colour_errors()
        self.setForegroundRole(role)
        self.setText(text)
        if self._hide_when_empty:
            self.setVisible(bool(text))

    # -- sizing and theme ------------------------------------------------------

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.wordWrap() and self.width() > 0 and self.text():
            hint = QSize(self.width(), self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.wordWrap():
            height = self.heightForWidth(self.width())
            if height != self._hinted_height:
                self._hinted_height = height
                self.updateGeometry()

    def _colour_errors(self) -> None:
        """Errors in red, the red chosen for the window's light or dark background.

        Only the text colour is set on the palette, so every other role still follows
        the window's; a style sheet would stop that, and the switch to a dark theme with it.
        """
        palette = self.palette()
        wanted = alert_text_colour(palette) if self.kind == "error" else None
        if wanted is None:
            if palette.isBrushSet(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText):
                self.setPalette(QPalette())
            return
        if palette.color(QPalette.ColorRole.WindowText) != wanted:
            palette.setColor(QPalette.ColorRole.WindowText, wanted)
            self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        # A switch between light and dark desktop themes: keep problem text readable.
        if event.type() == QEvent.Type.PaletteChange and self.kind == "error":
            self._colour_errors()
        super().changeEvent(event)


class ValueLabel(MessageLabel):
    """One value in a details view ("10.00 EUR"), selectable; its buddy label names it."""

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(role, parent, wrap=True, selectable=True)
        self.setText("—")


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as typed: Qt renders tooltips that look like markup as rich text."""
    if "<" not in text and "&" not in text:
        return text
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"
