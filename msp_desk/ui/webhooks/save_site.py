"""Saving the website's settings: checked, asked first on Live, sent as a PATCH of what changed.

A Live website takes real payments, so a change there is confirmed in a dialog
that names the site and every change, with Cancel as the default. A field
MultiSafepay refuses (HTTP 422) gets the refusal under it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.api.environments import Environment
from msp_desk.api.remedies import Remedy
from msp_desk.ui.widgets.dialogs import confirm_live

if TYPE_CHECKING:
    from msp_desk.ui.services.operations import Failure, Operation
    from msp_desk.ui.services.tasks import TaskContext
    from msp_desk.ui.webhooks.site_tab import SiteTab
    from msp_desk.webhooks.site_settings import SiteCheck, SiteSnapshot


def confirm_live_change(tab: SiteTab, site: SiteSnapshot, check: SiteCheck) -> bool:
    return confirm_live(
        tab,
        title="Change a LIVE website?",
        question=f"Change the settings of {site.title()} in the LIVE environment?",
        action="Save to LIVE",
        details="MultiSafepay uses the new settings at once, for real payments:\n"
        + "\n".join(check.described),
    )


class SaveSite:
    def __init__(self, tab: SiteTab) -> None:
        self._tab = tab

    def start(self) -> None:
        tab = self._tab
        site, profile, check = tab.site, tab.profile, tab.revalidate()
        if site is None or profile is None or check is None or not check.ok or not check.changes:
            return
        if profile.environment is Environment.LIVE and not confirm_live_change(tab, site, check):
            tab.feedback.show_info("Not saved: nothing was sent to MultiSafepay.")
            return
        profiles = tab.context.profiles
        context = tab.context

        def job(ctx: TaskContext) -> SiteSnapshot:
            from msp_desk.webhooks.site_settings import save_site

            return save_site(profiles.client_for(context.http, profile), site.site_id, check)

        tab.feedback.show_hint(f"Saving {len(check.changes)} change(s) to {site.title()}…")
        operation: Operation = tab.ops.run(
            job,
            name="Save site settings",
            lane="site-save",
            writing=True,
            keep=True,
            on_success=lambda saved: self._saved(operation, saved, check),
            on_failure=lambda failure: self._failed(operation, failure),
        )
        tab.update_buttons()

    def _saved(self, operation: Operation, saved: SiteSnapshot, check: SiteCheck) -> None:
        tab = self._tab
        if not operation.moved_on:
            tab.show_site(saved)
        tab.feedback.show_info(
            f"Saved. MultiSafepay's answer for {saved.title()} is shown; it changed:\n"
            + "\n".join(check.described)
        )
        tab.context.events.status.emit(f"Saved the settings of {saved.title()}.")
        tab.update_buttons()

    def _failed(self, operation: Operation, failure: Failure) -> None:
        from msp_desk.api.errors import ValidationFailed
        from msp_desk.webhooks.site_settings import FIELDS, TITLES

        tab = self._tab
        error = failure.error
        field = error.field if isinstance(error, ValidationFailed) else None
        if field in FIELDS and not operation.moved_on:
            tab.form.show_refused(field, failure.message)
            tab.feedback.show_error(f"Not saved: MultiSafepay refused the {TITLES[field].lower()}.")
        elif failure.remedy is Remedy.CHECK:
            tab.feedback.show_error(
                f"{failure.message} The change may or may not have been saved: reload to see what "
                "MultiSafepay has."
            )
        else:
            tab.feedback.show_error(f"Not saved: {failure.message}")
        tab.update_buttons()
