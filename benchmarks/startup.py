"""Start-up time: process start to the first painted main window.

Runs msp-desk's ``--smoke-test`` and a bare PySide6 window alternately, several
times each, on the same machine in the same run, and reports the medians and
their ratio. The target is msp-desk within 1.5x of the bare window, with
QtWebEngine not loaded on the start-up path. It also reports when msp-desk's
screens are built and usable, which happens right after the first paint.

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


def time_to_paint(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds to the first paint, seconds to the last marker line, and the first marker."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert process.stdout is not None
    painted, marker, last = 0.0, "", 0.0
    for line in process.stdout:
        now = time.perf_counter() - started
        if "painted" in line:
            painted, marker = now, line.strip()
        if ": " in line:
            last = now
    process.wait(timeout=30)
    if not painted:
        raise RuntimeError(f"{command} exited with {process.returncode} before painting")
    return painted, last, marker


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # Measured as installed: with its modules' bytecode cached (the .deb ships it; a checkout writes
    # it on the first run), not compiled from source each start as PYTHONDONTWRITEBYTECODE would make it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    app_times: list[float] = []
    ready_times: list[float] = []
    bare_times: list[float] = []
    marker = ""
    with tempfile.TemporaryDirectory() as home:
        env["MSP_DESK_HOME"] = home
        # One unmeasured run of each warms the OS file cache for both alike.
        time_to_paint([sys.executable, "-c", BARE_WINDOW], env)
        time_to_paint([sys.executable, "-m", "msp_desk", "--smoke-test"], env)
        for _ in range(options.runs):
            bare_times.append(time_to_paint([sys.executable, "-c", BARE_WINDOW], env)[0])
            elapsed, ready, marker = time_to_paint([sys.executable, "-m", "msp_desk", "--smoke-test"], env)
            app_times.append(elapsed)
            ready_times.append(ready)

    bare = statistics.median(bare_times)
    app = statistics.median(app_times)
    webengine_loaded = "QtWebEngine loaded: yes" in marker
    print(f"runs per program:         {options.runs}")
    print(f"bare PySide6 window:      {bare * 1000:.0f} ms (median)")
    print(f"msp-desk main window:     {app * 1000:.0f} ms (median)")
    print(f"ratio:                    {app / bare:.2f}x (target <= 1.5x)")
    print(f"msp-desk screens built:   {statistics.median(ready_times) * 1000:.0f} ms (median)")
    print(f"QtWebEngine at start-up:  {'loaded' if webengine_loaded else 'not loaded'}")
    return 0 if app / bare <= 1.5 and not webengine_loaded else 1


if __name__ == "__main__":
    sys.exit(main())
