"""Files the user may need to rescue: written whole or not at all, and never deleted when unreadable."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path


def set_aside(path: Path) -> Path:
    """Move an unreadable file out of the way under a name of its own; returns where it went.

    Each copy gets a unique name, so a second bad start keeps the first copy too.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in range(1, 10_000):
        suffix = f".unreadable-{stamp}" + (f"-{number}" if number > 1 else "")
        kept = path.with_name(path.name + suffix)
        if not kept.exists():
            path.replace(kept)
            return kept
    raise FileExistsError(f"Too many unreadable copies of {path} already")


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, fsync, then rename over the target.

    A crash or full disk leaves either the old file or the new one, never a
    mix. The file is created readable by the owner only.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):
        # Make the rename itself durable (POSIX only).
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
