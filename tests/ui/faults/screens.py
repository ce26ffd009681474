"""Acting on the screens under test as a person does, and reading them back."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from PySide6.QtCore import Qt

from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.widgets.labels import MessageLabel
from tests.ui.conftest import replace_text

_numbers = itertools.count(1)


def new_id(prefix: str) -> str:
    """An order id no other test here uses (the sandbox is shared by the whole session)."""
    return f"{prefix}-{next(_numbers)}-{time.monotonic_ns() % 10**7}"


class Seen:
    """Every text a message label showed while a wait polled it: the steps a person read, in order."""

    def __init__(self, label: MessageLabel) -> None:
        self._label = label
        self.texts: list[str] = []

    def poll(self) -> None:
        text = self._label.text()
        if text and (not self.texts or self.texts[-1] != text):
            self.texts.append(text)

    def until(self, done: Callable[[], bool]) -> Callable[[], bool]:
        def check() -> bool:
            self.poll()
            return done()

        return check


def look_up(qtbot, page: LookupPage, order_id: str) -> None:
    """Type the id and press Enter."""
    replace_text(qtbot, page.order_edit, order_id)
    qtbot.keyClick(page.order_edit, Qt.Key.Key_Return)


def shown(page: LookupPage, order_id: str) -> bool:
    return page.detail.values["order_id"].text() == order_id
