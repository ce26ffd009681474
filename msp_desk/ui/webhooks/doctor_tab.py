"""The endpoint doctor: can MultiSafepay deliver to this URL? Proven step by step, copied into a ticket.

The URL comes from the website's notification URL until someone types their own.
Only that URL's host is contacted, at addresses MultiSafepay could reach (or this
computer, for a Sandbox profile); redirects are reported, never followed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from msp_desk.api.environments import Environment
from msp_desk.ui.webhooks.checklist import ChecklistView
from msp_desk.ui.webhooks.doctor_run import RunDoctor, Started, Unsigned
from msp_desk.ui.webhooks.rules_label import UrlRulesLabel
from msp_desk.ui.webhooks.site_form import labelled
from msp_desk.ui.widgets.controls import button, stacked
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel
from msp_desk.webhooks.report import STEPS, CheckSetup, DoctorReport, Outcome, StepResult
from msp_desk.webhooks.url_rules import check_notification_url

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure, Operations

ABOUT = (
    "Checks the URL the way MultiSafepay delivers: its rules, the host's addresses, the connection, "
    "the certificate, then a test notification signed with this profile's key. Only this URL's host "
    "is contacted; redirects are reported, never followed. The test notification says it is a test: "
    "no payment is made."
)


class DoctorTab(QWidget):
    def __init__(self, context: AppContext, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doctorTab")
        self.context = context
        self.ops = ops
        self.profile: Profile | None = None
        self._typed = False  # the URL was typed here, so the website's no longer replaces it
        self._setup: CheckSetup | None = None
        self._unsigned = ""
        self._results: list[StepResult] = []
        self.report: DoctorReport | None = None

        about = MessageLabel("About the endpoint check", self)
        about.setObjectName("doctorAbout")
        about.show_hint(ABOUT)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("doctorUrl")
        self.url_edit.setPlaceholderText("https://www.example.com/webhook/multisafepay")
        self.url_edit.setToolTip("The notification URL to check; the website's own is filled in")
        self.rules = UrlRulesLabel("URL rules", self)
        self.rules.setObjectName("doctorUrlRules")
        self.get_check = QCheckBox("Also send a &GET notification (the website is set to GET)", self)
        self.get_check.setObjectName("doctorUseGet")
        self.get_check.setAccessibleName("Also send a GET notification")
        self.get_check.setToolTip(
            "A failing POST then only warns: it matters only for orders that ask for POST"
        )
        self.run_button = button(
            self, "&Run check", "runDoctor", "Check the endpoint step by step (Ctrl+Enter)"
        )
        self.stop_button = button(self, "Sto&p", "stopDoctor", "Stop the check now (Esc)")
        self.copy_button = button(
            self, "C&opy checklist", "copyChecklist", "Copy the checklist as text for a ticket (Ctrl+Shift+C)"
        )
        self.setup_label = MessageLabel("What is checked", self, hide_when_empty=True)
        self.setup_label.setObjectName("doctorSetup")
        self.checklist = ChecklistView(self)
        checklist_label = QLabel("Chec&klist", self)
        checklist_label.setBuddy(self.checklist)
        self.verdict = MessageLabel("Check result", self)
        self.verdict.setObjectName("doctorVerdict")
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.verdict.show_hint("Not checked yet.")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(
            labelled("Notification &URL to check", self.url_edit, self),
            stacked(self, self.url_edit, self.rules),
        )
        form.addRow("", self.get_check)
        buttons = QHBoxLayout()
        for pushed in (self.run_button, self.stop_button, self.copy_button):
            buttons.addWidget(pushed)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.setup_label)
        layout.addWidget(checklist_label)
        layout.addWidget(self.checklist, 1)
        layout.addWidget(self.verdict)

        self.url_edit.textEdited.connect(self._typed_url)
        self.url_edit.returnPressed.connect(self.run)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self.copy_button.clicked.connect(self.copy)
        for keys, target in (
            ("Ctrl+Return", self.run_button),
            ("Ctrl+Enter", self.run_button),
            ("Escape", self.stop_button),
            ("Ctrl+Shift+C", self.copy_button),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(target.click)
        set_tab_chain(
            [
                self.url_edit,
                self.get_check,
                self.run_button,
                self.stop_button,
                self.copy_button,
                self.checklist,
            ]
        )
        self.update_buttons()

    # -- the URL ---------------------------------------------------------------

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self._show_rules()
        self.update_buttons()

    def offer(self, url: str | None, method: str | None) -> None:
        """The website's notification URL and method, unless someone typed a URL of their own."""
        if self._typed:
            return
        self.url_edit.setText(url or "")
        self.get_check.setChecked(method == "GET")
        self._show_rules()
        self.update_buttons()

    def _typed_url(self, _text: str) -> None:
        self._typed = True
        self._show_rules()
        self.update_buttons()

    def _sandbox(self) -> bool:
        return self.profile is not None and self.profile.environment is Environment.SANDBOX

    def _show_rules(self) -> None:
        url = self.url_edit.text().strip()
        self.rules.show_rules(url, check_notification_url(url, sandbox=self._sandbox()) if url else [])

    # -- running ---------------------------------------------------------------

    def run(self) -> None:
        from msp_desk.webhooks.doctor import DoctorOptions

        url = self.url_edit.text().strip()
        if self.profile is None or not url or self.ops.busy("doctor"):
            return
        options = DoctorOptions(sandbox=self._sandbox(), use_get=self.get_check.isChecked())
        RunDoctor(self).start(self.profile, url, options)

    def stop(self) -> None:
        if self.ops.busy("doctor"):
            self.verdict.show_hint("Stopping…")
            self.ops.cancel("doctor")

    def begin(self, url: str) -> None:
        self._setup = None
        self._unsigned = ""
        self._results = []
        self.report = None
        self.checklist.prepare()
        self.setup_label.clear_message()
        self.verdict.show_hint(f"Checking {url}…")

    def progress(self, event: object) -> None:
        if isinstance(event, Unsigned):
            self._unsigned = f"The test POST goes unsigned: {event.reason}"
        elif isinstance(event, CheckSetup):
            self._setup = event
            lines = event.lines()[1:]  # the title line is for tickets
            if self._unsigned:
                self.setup_label.show_warning("\n".join([*lines, self._unsigned]))
            else:
                self.setup_label.show_info("\n".join(lines))
        elif isinstance(event, Started):
            self.checklist.running(event.step)
            self.verdict.show_hint(f"Checking: {dict(STEPS)[event.step]}…")
        elif isinstance(event, StepResult):
            self._results.append(event)
            self.checklist.show_result(event)

    def finish(self, report: DoctorReport) -> None:
        self.report = report
        verdict = report.verdict()
        if report.failures:
            self.verdict.show_error(verdict)
        elif report.warnings:
            self.verdict.show_warning(verdict)
        else:
            self.verdict.show_info(verdict)
        self.context.events.status.emit(f"Webhook check of {report.setup.url}: {verdict}")
        self.update_buttons()

    def stopped(self) -> None:
        if self._setup is not None:
            results = list(self._results)
            done = {r.step for r in results}
            for step, title in STEPS:
                if step not in done:
                    results.append(
                        StepResult(step, title, Outcome.SKIPPED, "Not run: the check was cancelled.")
                    )
            self.report = DoctorReport(self._setup, tuple(results))
        self.verdict.show_warning("Result: CANCELLED before the check finished")
        self.update_buttons()

    def fail(self, failure: Failure) -> None:
        self.verdict.show_error(f"The check could not run: {failure.message}")
        self.update_buttons()

    def copy(self) -> None:
        if self.report is None:
            return
        QGuiApplication.clipboard().setText(self.report.checklist())
        self.context.events.status.emit("Copied the webhook checklist; paste it into the ticket.")

    def update_buttons(self) -> None:
        running = self.ops.busy("doctor")
        self.run_button.setEnabled(
            self.profile is not None and bool(self.url_edit.text().strip()) and not running
        )
        self.stop_button.setEnabled(running)
        self.copy_button.setEnabled(self.report is not None and not running)
        self.url_edit.setReadOnly(running)
        self.get_check.setEnabled(not running)
