"""Finding the files in ``resources/`` from a checkout, a wheel or a frozen bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve()
    candidates = [
        here.parents[3] / "resources",  # source checkout
        here.parents[2] / "_resources",  # installed wheel
        Path(getattr(sys, "_MEIPASS", "")) / "resources",  # PyInstaller bundle
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("msp-desk's resources folder is missing from this installation")


def icon(name: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))
