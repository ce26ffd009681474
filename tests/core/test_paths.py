from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from msp_desk.core import paths


def test_msp_desk_home_holds_everything(msp_home: Path) -> None:
    assert paths.config_dir() == msp_home / "config"
    assert paths.data_dir() == msp_home / "data"
    assert paths.log_dir() == msp_home / "log"
    assert paths.config_dir().is_dir()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")
def test_linux_folders_match_platformdirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MSP_DESK_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    dirs = platformdirs.PlatformDirs("msp-desk", appauthor=False)
    assert paths.config_dir() == Path(dirs.user_config_dir)
    assert paths.data_dir() == Path(dirs.user_data_dir)
    assert paths.log_dir() == Path(dirs.user_log_dir)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert paths.config_dir() == tmp_path / "cfg" / "msp-desk"
