"""The Webhooks screen: a website's webhook setup, proof of what is wrong with it, and the fix.

Three tabs share the active profile: the website's settings at MultiSafepay
(with the profile's defaults for new orders), the endpoint doctor, and the
signature checker. The page follows the profile and passes the website's
notification URL on to the doctor; each tab lays out and runs its own actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from msp_desk.ui.webhooks.doctor_tab import DoctorTab
from msp_desk.ui.webhooks.signature_tab import SignatureTab
from msp_desk.ui.webhooks.site_tab import SiteTab
from msp_desk.ui.widgets.colours import environment_label, environment_style
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.webhooks.site_settings import SiteSnapshot

SITE_TAB, DOCTOR_TAB, SIGNATURE_TAB = 0, 1, 2


class WebhooksPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("webhooksPage")
        self.context = context
        self.ops = context.operations(self, initiator="webhooks")
        self.profile: Profile | None = None

        self.profile_label = MessageLabel("Profile", self, wrap=False)
        self.profile_label.setObjectName("webhooksProfile")
        self.profile_label.show_hint("Loading profiles…")
        self.environment_badge = MessageLabel("Environment", self, wrap=False, selectable=False)
        self.environment_badge.setObjectName("webhooksEnvironment")
        self.site_tab = SiteTab(context, self.ops, self)
        self.doctor_tab = DoctorTab(context, self.ops, self)
        self.signature_tab = SignatureTab(context, self.ops, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("webhookTabs")
        self.tabs.setAccessibleName("Webhooks")
        self.tabs.addTab(self.site_tab, "S&ite settings")
        self.tabs.addTab(self.doctor_tab, "Endpoint &doctor")
        self.tabs.addTab(self.signature_tab, "Signature &checker")

        header = QHBoxLayout()
        header.addWidget(self.profile_label)
        header.addWidget(self.environment_badge)
        header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

        self.site_tab.site_shown.connect(self._site_shown)
        context.profiles.active_changed.connect(self._on_profile)
        context.profiles.profiles_changed.connect(self._refresh_profiles)
        if context.profiles.is_ready:
            self._on_profile(context.profiles.active())

    def _on_profile(self, profile: Profile) -> None:
        # Saving any profile re-announces the active one; only a real switch drops the website shown.
        switched = self.profile is None or self.profile.id != profile.id
        self.profile = profile
        environment = profile.environment.value
        self.profile_label.show_info(f"Profile “{profile.name}”")
        self.environment_badge.setText(
            "LIVE — real payments" if environment == "live" else environment_label(environment)
        )
        self.environment_badge.setStyleSheet(environment_style(environment))
        self.site_tab.set_profile(profile, switched=switched)
        self.doctor_tab.set_profile(profile)
        self._refresh_profiles(choose_active=switched)

    def _refresh_profiles(self, *, choose_active: bool = False) -> None:
        profiles = self.context.profiles
        if profiles.is_ready:
            self.signature_tab.show_profiles(
                profiles.profiles(), profiles.active(), choose_active=choose_active
            )

    def _site_shown(self, site: SiteSnapshot) -> None:
        self.doctor_tab.offer(site.notification_url, site.notification_method)

    @property
    def busy(self) -> bool:
        return self.ops.busy()
