"""A check that the Qt binding keeps Python's ``None`` alive, for the tests and the installed build.

PySide6 6.12.0 drops one reference to ``None`` on every call of a Qt method
that returns nothing. CPython 3.12+ made ``None`` immortal, so nothing
happens there; on 3.11 the interpreter aborts (``none_dealloc``) after about
as many calls as ``None`` has references, a few minutes of typing. The lock
pins a binding per Python that does not leak; this proves it where it runs.
"""

from __future__ import annotations

import sys

VOID_CALLS = 200_000
# A few references come and go with whatever else runs meanwhile; a leak loses one per call.
TOLERANCE = 100


def none_refcount_drift(calls: int = VOID_CALLS) -> int:
    """Make ``calls`` void Qt calls; returns how far ``sys.getrefcount(None)`` moved."""
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "msp-desk"])
    label = QLabel("x")
    before = sys.getrefcount(None)
    for index in range(calls):
        label.setVisible(False)
        if index % 3 == 0:
            label.setText("y")
    drift = sys.getrefcount(None) - before
    label.deleteLater()
    del app
    return drift


def report(calls: int = VOID_CALLS) -> tuple[bool, str]:
    import PySide6

    drift = none_refcount_drift(calls)
    ok = abs(drift) <= TOLERANCE
    verdict = "ok" if ok else "LEAK"
    return ok, (
        f"Qt binding check: {calls} void calls, refcount of None moved by {drift} "
        f"(PySide6 {PySide6.__version__}, Python {sys.version.split()[0]}): {verdict}"
    )
