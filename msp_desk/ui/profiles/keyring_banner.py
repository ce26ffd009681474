"""The strip at the top of the Profiles screen that says whether API keys can be saved.

As in vorta, a keyring that works is barely mentioned, and one that does not
is explained in plain words with what can still be done: keep a key in memory
for this run, or unlock the keyring and try again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.secrets import KeyringStatus

NO_KEYRING_MESSAGE = (
    "No system keyring is available, so API keys cannot be saved. You can still use a key "
    "for this session only; it is forgotten when msp-desk closes."
)
LOCKED_MESSAGE = (
    "The system keyring is locked or refused access, so API keys cannot be saved or read right now. "
    "Unlock it and choose Try again, or use a key for this session only."
)

# keyring names its backends by module; people know them by product.
_BACKEND_NAMES = {
    "keyring.backends.SecretService.Keyring": "the desktop's Secret Service keyring",
    "keyring.backends.libsecret.Keyring": "the desktop's Secret Service keyring (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.macOS.Keyring": "the macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.chainer.ChainerBackend": "the system keyring",
}


def backend_description(backend: str) -> str:
    known = _BACKEND_NAMES.get(backend)
    if known:
        return known
    return f"the system keyring ({backend.rsplit('.', 1)[-1]})"


def storing_backend(backend: object) -> str:
    """The dotted name of the backend a key is written to; for keyring's chainer, its first link.

    The chainer tries its backends in priority order, so the first one is where
    keys end up; naming it tells people which keyring to look in.
    """
    inner = getattr(backend, "backends", None)
    if type(backend).__name__ == "ChainerBackend" and isinstance(inner, list | tuple) and inner:
        backend = inner[0]
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


class KeyringBanner(QFrame):
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyringBanner")
        self.setAccessibleName("Keyring status")
        self.state = "checking"

        self._icon = QLabel(self)
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize, None, self) // 2 + 8
        self._icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning, None, self).pixmap(size)
        )
        self.message = MessageLabel("Keyring status", self)
        self.message.setObjectName("keyringMessage")
        self.details = MessageLabel("Keyring details", self)
        self.details.setObjectName("keyringDetails")
        self.details.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.retry_button = QPushButton("Try &again", self)
        self.retry_button.setObjectName("keyringRetry")
        self.retry_button.setAccessibleName("Try again")
        self.retry_button.setToolTip("Ask the system keyring again, for example after unlocking it")
        self.retry_button.clicked.connect(self.retry_requested)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.message)
        text.addWidget(self.details)
        self._layout = QHBoxLayout(self)
        self._layout.addWidget(self._icon)
        self._layout.addLayout(text, 1)
        self._layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.show_checking()

    def show_checking(self) -> None:
        self._quiet("Checking the system keyring…")
        self.state = "checking"

    def show_status(self, status: KeyringStatus, backend: str | None = None) -> None:
        """``backend`` names where keys go when keyring's chainer hides it (see ``storing_backend``)."""
        self.state = status.state.value
        if self.state == "working":
            self._quiet(f"API keys are stored in {backend_description(backend or status.backend)}.")
            return
        message = NO_KEYRING_MESSAGE if self.state == "no_backend" else LOCKED_MESSAGE
        self._alert(message, status.explanation)

    def show_failure(self, text: str) -> None:
        self.state = "locked_or_refused"
        self._alert(LOCKED_MESSAGE, text)

    def _quiet(self, text: str) -> None:
        # A working keyring is not news: one dim line, no frame, nothing to press.
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(False)
        self._icon.hide()
        self.retry_button.hide()
        self.details.hide()
        self.message.setText(text)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        font = self.message.font()
        font.setBold(False)
        self.message.setFont(font)
        self._layout.setContentsMargins(2, 0, 2, 4)

    def _alert(self, text: str, details: str) -> None:
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # AlternateBase sets the strip apart in light and dark palettes alike.
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAutoFillBackground(True)
        self._icon.show()
        self.retry_button.show()
        self.message.setText(text)
        self.message.setForegroundRole(QPalette.ColorRole.WindowText)
        font = self.message.font()
        font.setBold(True)
        self.message.setFont(font)
        self.details.setText(details)
        self.details.setVisible(bool(details))
        self._layout.setContentsMargins(10, 8, 10, 8)
