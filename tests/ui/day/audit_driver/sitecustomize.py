"""Attaches the secrets audit's run to a real ``python -m msp_desk`` (see ``tests/ui/day/audit_run.py``).

Python imports ``sitecustomize`` at start-up from the first folder on the path
that has one; the audit puts this folder first on PYTHONPATH, so the app starts
exactly as ``python -m msp_desk`` does, with the run attached to its window.
"""

from __future__ import annotations

import os
import sys
import traceback

if os.environ.get("MSP_DESK_AUDIT"):
    try:
        from tests.ui.day.audit_run import install

        install()
    except Exception:  # pragma: no cover - shown by the test as a missing JSON line
        traceback.print_exc()
        sys.exit(3)
