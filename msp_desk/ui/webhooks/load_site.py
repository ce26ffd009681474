"""Loading the website behind the active profile's key: ``GET /me``, then ``GET /sites/{id}``.

The answer carries the site's API key; the job turns it into a
:class:`~msp_desk.webhooks.site_settings.SiteSnapshot` (key masked) before it
leaves the worker, so the key never reaches the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.operations import Failure
    from msp_desk.ui.services.tasks import TaskContext
    from msp_desk.ui.webhooks.site_tab import SiteTab
    from msp_desk.webhooks.site_settings import SiteSnapshot


class LoadSite:
    def __init__(self, tab: SiteTab) -> None:
        self._tab = tab

    def start(self, profile: Profile) -> None:
        tab = self._tab
        profiles = tab.context.profiles
        http_owner = tab.context

        def job(ctx: TaskContext) -> SiteSnapshot:
            from msp_desk.webhooks.site_settings import fetch_site

            return fetch_site(profiles.client_for(http_owner.http, profile))

        tab.status.show_hint(f"Asking MultiSafepay for the website of “{profile.name}”…")
        tab.ops.run(
            job, name="Load site settings", lane="site", on_success=self._loaded, on_failure=self._failed
        )
        tab.update_buttons()

    def _loaded(self, site: SiteSnapshot) -> None:
        self._tab.show_site(site)

    def _failed(self, failure: Failure) -> None:
        tab = self._tab
        tab.status.show_error(f"The website's settings could not be loaded: {failure.message}")
        tab.update_buttons()
