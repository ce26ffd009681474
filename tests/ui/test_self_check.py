"""``msp-desk --self-check`` in its own process, as the packaged build runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.webengine


def test_self_check_pays_a_3ds_order_in_the_embedded_browser(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
        "MSP_DESK_HOME": str(home),
    }
    done = subprocess.run(
        [sys.executable, "-m", "msp_desk", "--self-check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "msp-desk self-check: ok (3-D Secure completed)" in done.stdout.splitlines()
    # The log lands under MSP_DESK_HOME and, like every log, never holds the card number.
    log_text = (home / "log" / "msp-desk.log").read_text(encoding="utf-8")
    assert "3-D Secure flow ended: redirect" in log_text
    assert "4111111111111111" not in log_text
