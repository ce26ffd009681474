"""What one screen tells the others: an order changed, or a person wants to see one."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class OrderChange:
    """An order of ``profile_id`` was sent, refunded, cancelled or looked up by ``initiator`` (a screen)."""

    profile_id: str
    order_id: str
    initiator: str
    what: str = "changed"


class AppEvents(QObject):
    order_changed = Signal(object)  # OrderChange
    # Someone asked to see an order in depth (from the history, a bulk result, ...): order id.
    open_order = Signal(str)
    # Something nobody expected went wrong: (what was being done, the exception). The shell reports it.
    unexpected = Signal(str, object)
    # One line for the status bar.
    status = Signal(str)
