"""Under a notification URL field: every MultiSafepay rule the typed URL breaks, each by name.

Checked on every keystroke (the rules do no I/O). The text is the same line the
endpoint doctor's checklist gives, so a person meets one wording for one rule.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

from msp_desk.ui.widgets.labels import MessageLabel
from msp_desk.webhooks.url_rules import RULES, Level, RuleFailure

_MARKS = {Level.ERROR: "✗", Level.WARNING: "⚠", Level.NOTE: "ℹ"}
PASSED = "Meets MultiSafepay's rules: " + ", ".join(RULES) + "."


class UrlRulesLabel(MessageLabel):
    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(role, parent, hide_when_empty=True)

    def show_rules(self, url: str, failures: list[RuleFailure]) -> None:
        """Name each broken rule; an empty field says nothing, a passing one says so quietly."""
        if not url.strip():
            self.clear_message()
            return
        if not failures:
            self.show_hint(PASSED)
            return
        text = "\n".join(f"{_MARKS[f.level]} {f.line()}" for f in failures)
        levels = {f.level for f in failures}
        if Level.ERROR in levels:
            # Not show_error: its own ⚠ would stand before the first rule's mark.
            self._show("error", text, QPalette.ColorRole.WindowText)
        elif Level.WARNING in levels:
            self.show_warning(text)
        else:
            self.show_info(text)
