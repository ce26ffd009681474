"""The colours every screen shares: one per environment, and a red for problems on any palette.

Live must be impossible to miss: white on a strong red in light and dark
palettes alike, always next to the word LIVE for people who cannot tell
colours apart.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from msp_desk.core.statuses import tone

# environment → (background, text)
ENVIRONMENT_COLOURS: dict[str, tuple[str, str]] = {
    "live": ("#c62828", "#ffffff"),
    "test": ("#f9a825", "#1b1b1b"),
    "sandbox": ("#2e7d32", "#ffffff"),
}
_NEUTRAL = ("#757575", "#ffffff")

# A status's tone (msp_desk.core.statuses.tone) → (background, text): paid green, refused red,
# waiting amber, money given back blue, stopped grey. Each pair reads on light and dark windows.
TONE_COLOURS: dict[str, tuple[str, str]] = {
    "good": ("#2e7d32", "#ffffff"),
    "bad": ("#c62828", "#ffffff"),
    "waiting": ("#f9a825", "#1b1b1b"),
    "returned": ("#1565c0", "#ffffff"),
    "stopped": ("#616161", "#ffffff"),
}


def environment_style(environment: str) -> str:
    background, text = ENVIRONMENT_COLOURS.get(environment.lower(), _NEUTRAL)
    if environment.lower() not in ENVIRONMENT_COLOURS:
        return "padding:2px 8px; border-radius:3px;"
    return f"background:{background}; color:{text}; font-weight:bold; padding:2px 8px; border-radius:3px;"


def environment_colours(environment: str) -> tuple[QColor, QColor]:
    background, text = ENVIRONMENT_COLOURS.get(environment.lower(), _NEUTRAL)
    return QColor(background), QColor(text)


def environment_label(environment: str) -> str:
    return "LIVE" if environment.lower() == "live" else environment.capitalize()


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def alert_text_colour(palette: QPalette) -> QColor:
    """Red for error text and Live names; the badge red is too dark to read on a dark window."""
    return QColor("#ef9a9a" if is_dark(palette) else "#c62828")


def alert_style(palette: QPalette) -> str:
    return f"color: {alert_text_colour(palette).name()};"


def status_style(status: str | None) -> str:
    """Background and text colour for a status badge; an unknown status keeps the window's colours."""
    colours = TONE_COLOURS.get(tone(status))
    return f"background:{colours[0]}; color:{colours[1]};" if colours else ""
