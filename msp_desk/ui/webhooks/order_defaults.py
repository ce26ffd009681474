"""The profile's default notification URL and method for new orders, kept in the profile.

MultiSafepay calls an order's own ``notification_url`` when the order has one,
and the website's otherwise; these defaults are what the New order screen puts
in an order. Saving writes profiles.json on a worker, then tells every screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msp_desk.ui.webhooks.rules_label import UrlRulesLabel
from msp_desk.ui.webhooks.site_form import labelled
from msp_desk.ui.widgets.controls import stacked
from msp_desk.ui.widgets.labels import MessageLabel
from msp_desk.webhooks.url_rules import check_notification_url

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure, Operation, Operations
    from msp_desk.ui.services.tasks import TaskContext

METHODS = ("POST", "GET")
METHOD_NOTE = (
    "POST is recommended: MultiSafepay sends the order itself, signed with the website's key. "
    "GET only tells the shop to fetch the order. An order's own notification URL wins over the "
    "website's."
)


class OrderDefaults(QGroupBox):
    def __init__(self, context: AppContext, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__("Notification defaults for new orders (this profile)", parent)
        self.setObjectName("orderDefaults")
        self._context = context
        self._ops = ops
        self.profile: Profile | None = None

        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("defaultNotificationUrl")
        self.url_edit.setPlaceholderText("none: orders use the website's notification URL")
        self.url_edit.setToolTip("The notification URL the New order screen puts in orders of this profile")
        self.rules = UrlRulesLabel("Default notification URL rules", self)
        self.rules.setObjectName("defaultUrlRules")
        self.url_message = MessageLabel("Default notification URL message", self, hide_when_empty=True)
        self.url_message.setObjectName("defaultUrlMessage")
        self.method_combo = QComboBox(self)
        self.method_combo.setObjectName("defaultNotificationMethod")
        self.method_combo.addItem("POST (recommended)", "POST")
        self.method_combo.addItem("GET", "GET")
        self.method_combo.setToolTip("How MultiSafepay calls the order's notification URL")
        self.note = MessageLabel("Notification method note", self)
        self.note.setObjectName("defaultMethodNote")
        self.note.show_hint(METHOD_NOTE)
        self.save_button = QPushButton("S&ave order defaults", self)
        self.save_button.setObjectName("saveOrderDefaults")
        self.save_button.setAccessibleName("Save order defaults")
        self.save_button.setToolTip("Keep this URL and method in the profile, for new orders")
        self.save_button.setAutoDefault(False)
        self.feedback = MessageLabel("Order defaults feedback", self, hide_when_empty=True)
        self.feedback.setObjectName("orderDefaultsFeedback")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(
            labelled("Default URL for &orders", self.url_edit, self),
            stacked(self, self.url_edit, self.rules, self.url_message),
        )
        form.addRow(labelled("Notification &method", self.method_combo, self), self.method_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.feedback, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addLayout(buttons)

        self.url_edit.textEdited.connect(lambda _text: self.refresh())
        self.method_combo.currentIndexChanged.connect(lambda _index: self.refresh())
        self.save_button.clicked.connect(self.save)
        self.refresh()

    # -- showing ---------------------------------------------------------------

    def show_profile(self, profile: Profile, *, keep_typed: bool = False) -> None:
        """Show ``profile``'s defaults; ``keep_typed`` leaves an edit in progress alone."""
        builtin = self._context.profiles.is_builtin(profile)
        if not (keep_typed and self.dirty()):
            self.url_edit.setText(profile.notification_url or "")
            self.method_combo.setCurrentIndex(METHODS.index(profile.notification_method))
        self.profile = profile
        self.url_edit.setReadOnly(builtin)
        self.method_combo.setEnabled(not builtin)
        if builtin:
            self.feedback.show_hint(
                "The built-in Local sandbox profile keeps no defaults; add a Sandbox profile on the "
                "Profiles screen to keep some."
            )
        elif not keep_typed:
            self.feedback.clear_message()
        self.refresh()

    def method(self) -> str:
        return METHODS[max(self.method_combo.currentIndex(), 0)]

    def dirty(self) -> bool:
        profile = self.profile
        if profile is None:
            return False
        return (self.url_edit.text().strip() or None) != profile.notification_url or (
            self.method() != profile.notification_method
        )

    def refresh(self) -> None:
        from msp_desk.api.environments import Environment

        profile = self.profile
        url = self.url_edit.text().strip()
        sandbox = profile is not None and profile.environment is Environment.SANDBOX
        self.rules.show_rules(url, check_notification_url(url, sandbox=sandbox) if url else [])
        error = self._blocking_error()
        if error:
            self.url_message.show_error(error)
        else:
            self.url_message.clear_message()
        builtin = profile is not None and self._context.profiles.is_builtin(profile)
        self.save_button.setEnabled(
            profile is not None
            and not builtin
            and self.dirty()
            and not error
            and not self._ops.busy("defaults")
        )

    def _blocking_error(self) -> str | None:
        """What makes the URL unusable in any order (not a web address, too long); rules only warn."""
        if self.profile is None:
            return None
        from msp_desk.credentials.validation import check_default_notification_url

        check = check_default_notification_url(self.url_edit.text(), environment=self.profile.environment)
        return check.errors.get("notification_url")

    # -- saving ----------------------------------------------------------------

    def save(self) -> None:
        profile = self.profile
        self.refresh()
        if profile is None or not self.save_button.isEnabled():
            return
        edited = profile.model_copy(
            update={
                "notification_url": self.url_edit.text().strip() or None,
                "notification_method": self.method(),
            }
        )
        store = self._context.profiles.store

        def job(ctx: TaskContext) -> Profile:
            return store.update(edited)

        self.feedback.show_hint("Saving…")
        operation: Operation = self._ops.run(
            job,
            name="Save order defaults",
            lane="defaults",
            keep=True,
            on_success=lambda saved: self._saved(operation, saved),
            on_failure=self._failed,
        )
        self.refresh()

    def _saved(self, operation: Operation, saved: Profile) -> None:
        if not operation.moved_on:
            self.profile = saved
        # Every screen hears of it; the New order screen takes the new defaults for its next order.
        self._context.profiles.notify_changed()
        self.feedback.show_info(f"Saved in “{saved.name}”: new orders get these defaults.")
        self._context.events.status.emit(f"Order notification defaults saved in “{saved.name}”.")
        self.refresh()

    def _failed(self, failure: Failure) -> None:
        self.feedback.show_error(f"Not saved: {failure.message}")
        self.refresh()
