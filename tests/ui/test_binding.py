"""The Qt binding keeps Python's None alive through 200,000 calls that return nothing.

PySide6 6.12.0 on CPython 3.11 loses a reference to None per void call and
aborts the interpreter after ~30,000 (a few minutes of typing). This runs the
app's own check in a child process, so an abort fails the test instead of
taking the test run with it; packaging/smoke-test runs it in the built .deb.
"""

from __future__ import annotations

import os
import subprocess
import sys


def test_void_qt_calls_keep_none_alive() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "msp_desk", "--check-qt-binding"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"exit {result.returncode}: {result.stdout}{result.stderr[-2000:]}"
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("Qt binding check: 200000 void calls, refcount of None moved by ")
    assert line.endswith(": ok")
