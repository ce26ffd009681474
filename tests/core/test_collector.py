"""What the app settles stays out of the collector's scans and is still freed by reference counting."""

from __future__ import annotations

import gc
import weakref

from msp_desk.core.collector import settle


class _Thing:
    pass


def test_settled_objects_leave_the_scans_but_are_still_freed() -> None:
    thing = _Thing()
    alive = weakref.ref(thing)
    settle()
    assert gc.get_freeze_count() > 0
    assert not gc.is_tracked(thing) or thing not in gc.get_objects()
    del thing
    assert alive() is None  # reference counting still frees a frozen object
