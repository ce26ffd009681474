"""A working stretch on the order screen survives, and its memory settles after warm-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.webengine

ROOT = Path(__file__).resolve().parents[3]


def test_two_thousand_keystrokes_and_three_orders_leave_the_process_alive() -> None:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("soak_orders.py"))],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, f"exit {result.returncode} (an abort is -6): {result.stderr[-3000:]}"
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["keystrokes"] == 2000
    assert figures["orders"] == 3
    # After the first order has loaded QtWebEngine, two more orders and their typing must not
    # keep adding memory: a little for caches, nothing proportional to the work.
    assert figures["end_mib"] <= figures["warm_mib"] * 1.25, figures
