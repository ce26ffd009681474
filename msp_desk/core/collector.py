"""Keeping the garbage collector's full scans short, so they never hold up the window.

A full scan holds the interpreter lock, and so the window, for as long as it
takes: with Qt's wrappers, the API models and the local sandbox loaded, 40 to
80 ms, long enough to be seen. Almost all of those objects live as long as
the process, so once each large set of them exists (the screens built, the
profiles loaded, the sandbox started, a bulk run about to start) they are frozen
out of the scans. Reference counting still frees a frozen object; only a cycle
among objects frozen here and dropped later is left for the process's end, a
cost bounded by the few moments this is called.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Leave every object alive now out of the collector's full scans from here on."""
    gc.freeze()
