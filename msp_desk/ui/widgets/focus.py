"""Keyboard focus helpers shared by the screens."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtWidgets import QWidget


def set_tab_chain(widgets: Sequence[QWidget]) -> None:
    """Make Tab visit ``widgets`` in this order (reading order), whatever order they were made in."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)
