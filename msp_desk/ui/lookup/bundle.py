"""The Support bundle button: one file about the order on screen for MultiSafepay's integration team.

The person chooses where; gathering the records, building the Markdown
(:mod:`msp_desk.support.bundle`, which says why Markdown) and writing it run on a
worker. The file is written whole or not at all, readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QFileDialog

from msp_desk.core.redaction import redact
from msp_desk.ui.lookup.timeline import read_order_case
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.lookup.page import LookupPage
    from msp_desk.ui.services.context import AppContext

log = logging.getLogger(__name__)

LANE = "bundle"
FILE_TYPES = "Markdown (*.md);;All files (*)"


class ExportBundle:
    def __init__(self, page: LookupPage) -> None:
        self._page = page
        self.folder = Path.home()

    @property
    def busy(self) -> bool:
        return self._page.ops.busy(LANE)

    def start(self) -> None:
        """Ask where to save the bundle of the order on screen, then save it there."""
        from msp_desk.support.bundle import SUFFIX, file_name

        page = self._page
        order = page.order()
        if order is None or page.profile is None or self.busy:
            return
        suggested = self.folder / file_name(page.watch.order_id, dt.datetime.now(dt.UTC))
        name, _chosen = QFileDialog.getSaveFileName(page, "Save a support bundle", str(suggested), FILE_TYPES)
        if not name:
            return
        path = Path(name)
        self.save(path if path.suffix else path.with_name(path.name + SUFFIX))

    def save(self, path: Path) -> None:
        """Gather, build and write the bundle to ``path`` on a worker; the screen says how it went."""
        import PySide6

        page, profile, response = self._page, self._page.profile, self._page.detail.response
        order_id = page.watch.order_id
        if profile is None or response is None or self.busy:
            return
        self.folder = path.parent
        context, shown_at = page.context, page.detail.shown_at
        qt, pyside6 = qVersion(), PySide6.__version__

        def job(ctx: TaskContext) -> str | None:
            from msp_desk.core.files import write_atomically
            from msp_desk.support.bundle import BundleFacts, SecretInBundle, Versions, build_bundle

            try:
                case = read_order_case(context, profile, order_id)
            except sqlite3.Error as error:
                return f"The order history could not be read ({redact(str(error))})."
            facts = BundleFacts(
                case=case,
                profile_name=profile.name,
                environment=profile.environment.value,
                site_id=profile.site_id,
                order=response.raw,
                answered_at=shown_at,
                versions=Versions.current(qt=qt, pyside6=pyside6),
                made_at=dt.datetime.now(dt.UTC),
            )
            try:
                write_atomically(path, build_bundle(facts, secrets=_keys_in_play(context, profile)))
            except SecretInBundle as error:
                return str(error)
            except OSError as error:
                return f"Cannot write {path.name}: {error.strerror or error}."
            return None

        def done(problem: str | None) -> None:
            if problem is not None:
                page.tell_error(f"No support bundle was saved. {problem}")
            else:
                page.tell_info(
                    f"Saved the support bundle for order {order_id} to {path}. "
                    "It holds no card number, CVC or API key."
                )
            page.update_actions()

        page.tell_hint(f"Saving the support bundle for order {order_id}…")
        page.ops.run(
            job,
            name=f"Save the support bundle of order {order_id}",
            lane=LANE,
            keep=True,  # a file half made is worse than one the person no longer waits for
            on_success=done,
            on_failure=lambda failure: done(failure.message),
        )
        page.update_actions()


def _keys_in_play(context: AppContext, profile: Profile) -> list[str]:
    """On a worker: the keys the bundle is checked against: the profile's, and every sandbox website's."""
    keys = []
    try:
        keys.append(context.profiles.api_key_for(profile))
    except Exception as error:  # a key nobody can read cannot have reached the bundle either
        log.info("Support bundle: the profile's key is not available (%s)", type(error).__name__)
    if context.sandbox.running:
        keys += [site.api_key for site in context.sandbox.ensure_running().engine.store.all_sites()]
    return keys
