"""Crash reports kept as files in the log folder, beside the log, so closing the dialog loses nothing.

Each unexpected error gets its own small file (``crash-20261201-142003-4711.txt``:
time and process id, so two msp-desk windows never write the same name). The
text is redacted once more on the way out, whatever the caller did, and only
the newest few files are kept.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from msp_desk.core import paths
from msp_desk.core.files import write_atomically
from msp_desk.core.redaction import redact

log = logging.getLogger(__name__)

PREFIX = "crash-"
KEEP = 20
"""Crash reports kept; older ones are removed when a new one is written."""


def save_crash_report(report: str, *, folder: Path | None = None) -> Path | None:
    """Write ``report`` (redacted) to a new file in the log folder; None if it cannot be written.

    Saving must never become a second failure: a full disk or a read-only folder is logged and the
    report is still shown.
    """
    try:
        where = folder or paths.log_dir()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = where / f"{PREFIX}{stamp}-{os.getpid()}.txt"
        write_atomically(path, redact(report).rstrip("\n") + "\n")
        _prune(where)
    except OSError as error:
        log.warning("The crash report could not be saved: %s", error.strerror or error)
        return None
    return path


def crash_reports(folder: Path | None = None) -> list[Path]:
    """The kept reports, oldest first."""
    where = folder or paths.log_dir()
    return sorted(where.glob(f"{PREFIX}*.txt"))


def _prune(folder: Path) -> None:
    for old in crash_reports(folder)[:-KEEP]:
        old.unlink(missing_ok=True)
