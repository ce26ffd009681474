"""Start-up time: process start to the first painted main window.

Runs msp-desk's ``--smoke-test`` and a bare PySide6 window alternately, several
times each, on the same machine in the same run, and reports the medians and
their ratio. The target is msp-desk within 1.5x of the bare window, with
QtWebEngine not loaded on the start-up path.

    .venv/bin/python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE_WINDOW = """
import sys
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("bare: painted", flush=True)
            QTimer.singleShot(0, QCoreApplication.quit)
        return False

app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1180, 780)
window.installEventFilter(FirstPaint(window))
window.show()
app.exec()
"""


def time_to_paint(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert process.stdout is not None
    for line in process.stdout:
        if "painted" in line:
            elapsed = time.perf_counter() - started
            process.wait(timeout=30)
            return elapsed, line.strip()
    process.wait(timeout=30)
    raise RuntimeError(f"{command} exited with {process.returncode} before painting")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    app_times: list[float] = []
    bare_times: list[float] = []
    marker = ""
    with tempfile.TemporaryDirectory() as home:
        env["MSP_DESK_HOME"] = home
        # One unmeasured run of each warms the OS file cache for both alike.
        time_to_paint([sys.executable, "-c", BARE_WINDOW], env)
        time_to_paint([sys.executable, "-m", "msp_desk", "--smoke-test"], env)
        for _ in range(options.runs):
            bare_times.append(time_to_paint([sys.executable, "-c", BARE_WINDOW], env)[0])
            elapsed, marker = time_to_paint([sys.executable, "-m", "msp_desk", "--smoke-test"], env)
            app_times.append(elapsed)

    bare = statistics.median(bare_times)
    app = statistics.median(app_times)
    webengine_loaded = "QtWebEngine loaded: yes" in marker
    print(f"runs per program:         {options.runs}")
    print(f"bare PySide6 window:      {bare * 1000:.0f} ms (median)")
    print(f"msp-desk main window:     {app * 1000:.0f} ms (median)")
    print(f"ratio:                    {app / bare:.2f}x (target <= 1.5x)")
    print(f"QtWebEngine at start-up:  {'loaded' if webengine_loaded else 'not loaded'}")
    return 0 if app / bare <= 1.5 and not webengine_loaded else 1


if __name__ == "__main__":
    sys.exit(main())
