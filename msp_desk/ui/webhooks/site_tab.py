"""The website's webhook setup: its settings at MultiSafepay, and the profile's defaults for new orders.

The site is fetched when someone first looks at it, again after a switch of
profile, and on Reload. Loading and saving run through the screen's
:class:`Operations`; the tab lays out, checks as typed and dispatches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from msp_desk.api.environments import Environment
from msp_desk.ui.webhooks.load_site import LoadSite
from msp_desk.ui.webhooks.order_defaults import OrderDefaults
from msp_desk.ui.webhooks.save_site import SaveSite
from msp_desk.ui.webhooks.site_form import SiteForm
from msp_desk.ui.widgets.controls import button
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Operations
    from msp_desk.webhooks.site_settings import SiteCheck, SiteSnapshot


class SiteTab(QWidget):
    site_shown = Signal(object)  # SiteSnapshot: loaded or saved

    def __init__(self, context: AppContext, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("siteTab")
        self.context = context
        self.ops = ops
        self.profile: Profile | None = None
        self.site: SiteSnapshot | None = None  # as MultiSafepay last answered; never its key
        self._stale = True  # the site shown (if any) is not the active profile's
        self._check: SiteCheck | None = None  # the form as last checked

        self.status = MessageLabel("Website", self)
        self.status.setObjectName("siteStatus")
        self.status.show_hint("Loading profiles…")
        self.reload_button = button(
            self, "Re&load", "reloadSite", "Ask MultiSafepay for the website's settings again (F5)"
        )
        self.form = SiteForm(self)
        self.save_button = button(
            self, "&Save site settings", "saveSite", "Send the changed fields to MultiSafepay (Ctrl+S)"
        )
        self.save_hint = MessageLabel("What stops saving", self, hide_when_empty=True)
        self.save_hint.setObjectName("siteSaveHint")
        self.feedback = MessageLabel("Site settings feedback", self, hide_when_empty=True)
        self.feedback.setObjectName("siteFeedback")
        self.defaults = OrderDefaults(context, ops, self)
        self.answer = QPlainTextEdit(self)
        self.answer.setObjectName("siteAnswer")
        self.answer.setReadOnly(True)
        self.answer.setAccessibleName("MultiSafepay's answer, API key masked")
        self.answer.setPlaceholderText("The JSON MultiSafepay answers with appears here.")
        answer_label = QLabel("MultiSafepay's answer (the API key masked)", self)
        answer_label.setBuddy(self.answer)

        self.splitter = self._lay_out(answer_label)
        self.form.edited.connect(self.revalidate)
        self.reload_button.clicked.connect(self.reload)
        self.save_button.clicked.connect(self.save)
        for edit in self.form.edits.values():
            edit.returnPressed.connect(self.save)
        for keys, target in (("Ctrl+S", self.save_button), ("F5", self.reload_button)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(target.click)
        set_tab_chain(
            [
                self.reload_button,
                *self.form.edits.values(),
                self.save_button,
                self.defaults.url_edit,
                self.defaults.method_combo,
                self.defaults.save_button,
                self.answer,
            ]
        )
        self.update_buttons()

    def _lay_out(self, answer_label: QLabel) -> QSplitter:
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)

        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.save_hint, 1)

        column = QWidget(self)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 8, 0)
        column_layout.addLayout(top)
        column_layout.addSpacing(6)
        column_layout.addWidget(self.form)
        column_layout.addLayout(save_row)
        column_layout.addWidget(self.feedback)
        column_layout.addSpacing(12)
        column_layout.addWidget(self.defaults)
        column_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("siteFormScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(column)
        # The form sits on the tab's own background, as the other tabs' fields do.
        scroll.viewport().setAutoFillBackground(False)
        column.setAutoFillBackground(False)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(answer_label)
        right_layout.addWidget(self.answer, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("siteSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        return splitter

    # -- the profile -----------------------------------------------------------

    def set_profile(self, profile: Profile, *, switched: bool) -> None:
        """Follow the active profile; a real switch drops the site shown and what was pending for it."""
        self.profile = profile
        self.defaults.show_profile(profile, keep_typed=not switched)
        if switched:
            self.ops.move_on("site")
            self.site = None
            self._check = None
            self.form.clear()
            self.answer.clear()
            self.feedback.clear_message()
            self.save_hint.clear_message()
            self._stale = True
            self.status.show_hint(f"The website of “{profile.name}” is loaded when this tab is shown.")
            if self.isVisible():
                self.reload()
        self.update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Asked for when someone looks: no request, and no keyring prompt, before that.
        if self._stale and self.profile is not None and not self.ops.busy("site"):
            self.reload()

    # -- loading and showing ---------------------------------------------------

    def reload(self) -> None:
        if self.profile is None:
            return
        self._stale = False
        LoadSite(self).start(self.profile)

    def show_site(self, site: SiteSnapshot) -> None:
        self.site = site
        self.form.load(site)
        self.answer.setPlainText(site.answer)
        self.status.show_info(f"Website {site.title()}, as MultiSafepay has it now.")
        self.revalidate()
        self.site_shown.emit(site)

    def revalidate(self) -> SiteCheck | None:
        """Check the form as typed; the notification URL's rules show under it on every keystroke."""
        site = self.site
        if site is None or self.profile is None:
            self._check = None
            self.update_buttons()
            return None
        from msp_desk.webhooks.site_settings import TITLES, check_site_form

        check = check_site_form(
            self.form.values(), site, sandbox=self.profile.environment is Environment.SANDBOX
        )
        self.form.show_check(check)
        if check.errors:
            fields = ", ".join(TITLES[name] for name in check.errors)
            self.save_hint.show_hint(f"To save, fix: {fields}.")
        elif not check.changes:
            self.save_hint.show_hint("Nothing changed yet.")
        else:
            self.save_hint.clear_message()
        self._check = check
        self.update_buttons()
        return check

    def update_buttons(self) -> None:
        check = self._check
        loading = self.ops.busy("site")
        saving = self.ops.busy("site-save")
        self.reload_button.setEnabled(self.profile is not None and not loading and not saving)
        ready = self.site is not None and check is not None and check.ok and bool(check.changes)
        self.save_button.setEnabled(ready and not loading and not saving)
        self.form.set_editable(self.site is not None and not saving)
        self.defaults.refresh()

    def save(self) -> None:
        SaveSite(self).start()
