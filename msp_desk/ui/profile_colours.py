"""Colours the Profiles screen shares: the environment colours and a red that reads on any palette."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QPalette

from msp_desk.ui.environment_badge import environment_style

_STYLE_COLOUR = re.compile(r"(background|color)\s*:\s*(#[0-9a-fA-F]{6})")


def environment_colours(environment: str) -> tuple[QColor, QColor]:
    """(background, text) of the environment, as the status-bar badge paints it.

    Read from the badge's style sheet so the list, the form and the status bar
    can never disagree about which red means Live.
    """
    found = dict(_STYLE_COLOUR.findall(environment_style(environment)))
    return QColor(found.get("background", "#757575")), QColor(found.get("color", "#ffffff"))


def environment_label(environment: str) -> str:
    # Spelled out in capitals for Live, so it is never told by colour alone.
    return "LIVE" if environment == "live" else environment.capitalize()


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def alert_text_colour(palette: QPalette) -> QColor:
    """Red for error text and Live names; the badge red is too dark to read on a dark window."""
    return QColor("#ef9a9a" if is_dark(palette) else "#c62828")


def alert_style(palette: QPalette) -> str:
    return f"color: {alert_text_colour(palette).name()};"
