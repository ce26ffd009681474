from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Qt: headless platform, and Chromium's sandbox off
# because CI runs as root (tests only; the shipped launcher never sets this).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import keyring
import pytest
from hypothesis import settings

from tests.helpers.memory_keyring import InMemoryKeyring

# In CI every run tries the same examples: a failure there is reproducible, never a one-off.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    # QtWebEngine needs shared GL contexts set before the QApplication exists;
    # the app does the same in msp_desk.ui.app.
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["msp-desk-tests", "--webEngineArgs", "--disable-gpu"]


@pytest.fixture(autouse=True)
def msp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config, data and log folders."""
    home = tmp_path / "msp-home"
    monkeypatch.setenv("MSP_DESK_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring(request: pytest.FixtureRequest) -> Iterator[InMemoryKeyring | None]:
    """Unit tests use an in-memory keyring; Secret Service tests keep the real one."""
    if request.node.get_closest_marker("secret_service"):
        if not os.environ.get("MSP_DESK_SECRET_SERVICE"):
            if os.environ.get("CI"):
                pytest.fail("CI must run the Secret Service tests: start them through tools/run-tests")
            pytest.skip("no Secret Service session: run through tools/run-tests (make test)")
        yield None
        return
    previous = keyring.get_keyring()
    ring = InMemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _collector_unfrozen() -> Iterator[None]:
    """The app freezes what it made into the collector's permanent generation
    (``core/collector.py``); in a test process that would keep every earlier
    test's windows, so each test starts and ends unfrozen."""
    yield
    import gc

    gc.unfreeze()
