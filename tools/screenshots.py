"""Screenshots of the real windows for docs/screenshots, taken by driving the app as a person would.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py docs/screenshots

Runs against the embedded sandbox in a throwaway home folder, so nothing of the
user's own profiles or history appears. Chromium's sandbox is switched off only
when running as root, which it refuses otherwise (never in the app's launcher).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ["MSP_DESK_HOME"] = tempfile.mkdtemp(prefix="msp-desk-shots-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from msp_desk.ui.app import create_application
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.areas import build_main_window


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def settle(seconds: float = 0.4) -> None:
    wait_until(lambda: True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def grab(widget: QWidget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(f"wrote {path}")


def add_example_profiles() -> None:
    """A Test and a Live website, so the profile list shows what support staff see."""
    from msp_desk.api.environments import Environment
    from msp_desk.credentials.profiles import KeyStorage, Profile, ProfileStore
    from msp_desk.credentials.secrets import SecretStore

    storage = KeyStorage.KEYRING if SecretStore().status().working else KeyStorage.SESSION_ONLY
    store = ProfileStore()
    for name, environment, site in (
        ("Webshop NL", Environment.TEST, 10325),
        ("Webshop NL", Environment.LIVE, 10325),
    ):
        store.add(
            Profile(
                name=f"{name} ({environment.label})",
                environment=environment,
                site_id=site,
                account_id=10231456,
                notification_url="https://webshop.example/msp/notify",
                key_storage=storage,
            ),
            "0f3c" * 10,
        )


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app: QApplication = create_application([sys.argv[0], "--webEngineArgs", "--disable-gpu"])
    context = AppContext()
    add_example_profiles()
    window = build_main_window(context)
    window.resize(1366, 860)
    window.show()
    wait_until(lambda: context.sandbox.running and context.profiles.is_ready)

    orders = window.area_widget("orders")
    assert orders is not None
    window.show_area("orders")
    form = orders.form  # type: ignore[attr-defined]
    form.scenario.setCurrentIndex(1)
    form._apply_scenario(1)
    form.fields["email"].setText("shopper@example.com")
    grab(window, out / "order-form.png")

    orders.send()  # type: ignore[attr-defined]
    wait_until(lambda: orders.browser is not None and orders.tabs.currentIndex() == 1)  # type: ignore[attr-defined]
    page = orders.browser.page  # type: ignore[attr-defined]
    loaded: list[bool] = []
    wait_until(lambda: any(hop.path.endswith("/acs") for hop in orders.browser.hops))  # type: ignore[attr-defined]

    def probe() -> None:
        page.runJavaScript("!!document.getElementById('auth-Y')", 0, lambda ok: loaded.append(bool(ok)))

    while not any(loaded):
        probe()
        settle(0.3)
    grab(window, out / "three-d-secure.png")

    page.runJavaScript("document.getElementById('auth-Y').click()", 0)
    wait_until(lambda: orders.result.status.text().startswith("Completed"))  # type: ignore[attr-defined]
    grab(window, out / "order-result.png")

    window.show_area("profiles")
    profiles = window.area_widget("profiles")
    assert profiles is not None
    profiles.profile_list.setCurrentRow(2)  # type: ignore[attr-defined]
    grab(window, out / "profiles.png")
    window.show_area("orders")
    grab(window, out / "main-window.png")

    QTimer.singleShot(0, app.quit)
    window.close()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
