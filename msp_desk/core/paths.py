"""Where msp-desk keeps its files on this machine.

``MSP_DESK_HOME`` moves everything under one folder, which tests and portable
installs use. Otherwise Linux follows the XDG base directories directly (the
settings file is read before the first paint, and platformdirs costs a tenth of
start-up to import); other systems ask platformdirs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from msp_desk import APP_NAME

_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config", ""),
    "data": ("XDG_DATA_HOME", ".local/share", ""),
    "log": ("XDG_STATE_HOME", ".local/state", "log"),
}

_ON_LINUX = sys.platform.startswith("linux")


def _base(kind: str) -> Path:
    home = os.environ.get("MSP_DESK_HOME")
    if home:
        return Path(home) / kind
    if _ON_LINUX:
        variable, default, sub = _XDG[kind]
        root = os.environ.get(variable) or str(Path.home() / default)
        return Path(root) / APP_NAME / sub
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return Path({"config": dirs.user_config_dir, "data": dirs.user_data_dir, "log": dirs.user_log_dir}[kind])


def config_dir() -> Path:
    return _ensure(_base("config"))


def data_dir() -> Path:
    return _ensure(_base("data"))


def log_dir() -> Path:
    return _ensure(_base("log"))


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
