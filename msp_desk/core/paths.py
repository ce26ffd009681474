"""Where msp-desk keeps its files on this machine.

``MSP_DESK_HOME`` moves everything under one folder, which tests and portable
installs use; otherwise the platform's own user directories apply.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from msp_desk import APP_NAME


def _base(kind: str) -> Path:
    home = os.environ.get("MSP_DESK_HOME")
    if home:
        return Path(home) / kind
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return Path(
        {
            "config": dirs.user_config_dir,
            "data": dirs.user_data_dir,
            "log": dirs.user_log_dir,
        }[kind]
    )


def config_dir() -> Path:
    return _ensure(_base("config"))


def data_dir() -> Path:
    return _ensure(_base("data"))


def log_dir() -> Path:
    return _ensure(_base("log"))


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
