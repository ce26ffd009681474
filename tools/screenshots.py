"""Screenshots of the real windows for docs/screenshots, taken by driving the app as a person would.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py docs/screenshots [SCREEN ...]

Each module in ``tools/shots/`` has ``shoot(window, context, out)`` and drives one
screen; naming some (``orders``, ``profiles``, ...) takes only those.

Runs against the embedded sandbox in a throwaway home folder, so nothing of the
user's own profiles or history appears. Chromium's sandbox is switched off only
when running as root, which it refuses otherwise (never in the app's launcher).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ["MSP_DESK_HOME"] = tempfile.mkdtemp(prefix="msp-desk-shots-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from shots._drive import grab, wait_until

from msp_desk.ui.app import create_application
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.areas import build_main_window


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


def main(out: Path, only: list[str]) -> int:
    """Each module in tools/shots drives one screen; ``only`` picks some by name."""
    import importlib
    import pkgutil

    import shots

    out.mkdir(parents=True, exist_ok=True)
    app: QApplication = create_application([sys.argv[0], "--webEngineArgs", "--disable-gpu"])
    context = AppContext()
    add_example_profiles()
    window = build_main_window(context)
    window.resize(1366, 860)
    window.show()
    wait_until(lambda: context.sandbox.running and context.profiles.is_ready)

    names = sorted(
        info.name for info in pkgutil.iter_modules(shots.__path__) if not info.name.startswith("_")
    )
    for name in names:
        if only and name not in only:
            continue
        module = importlib.import_module(f"shots.{name}")
        module.shoot(window, context, out)
    window.show_area("orders")
    grab(window, out / "main-window.png")

    QTimer.singleShot(0, app.quit)
    window.close()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"), sys.argv[2:]))
