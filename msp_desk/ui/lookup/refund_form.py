"""The refund form: all that is left or part of it, and a description, checked before anything is asked."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from msp_desk.core.money import AmountError, format_minor, refund_minor_units
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel

MAX_DESCRIPTION = 200


@dataclass(frozen=True)
class RefundPlan:
    """What the person asked for: ``amount`` None refunds everything that is left (``shown`` minor units)."""

    order_id: str
    currency: str
    amount: int | None
    shown: int
    description: str
    typed_amount: str = ""  # the amount as typed, to offer it again if the refund was not made

    @property
    def money(self) -> str:
        return format_minor(self.shown, self.currency)


class RefundForm(QDialog):
    """Opened by the Refund button; ``accepted`` means :attr:`plan` holds a valid refund.

    ``earlier`` is a refund of this order that was asked for and not made (refused, never sent, or
    not showing on the order): the form starts with it as it was typed, so nothing is typed twice.
    """

    def __init__(
        self, parent: QWidget, *, order_id: str, currency: str, left: int, earlier: RefundPlan | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("refundForm")
        self.setWindowTitle(f"Refund order {order_id}")
        self.setMinimumWidth(440)
        self._order_id, self._currency, self._left = order_id, currency, left
        self.plan: RefundPlan | None = None

        left_money = format_minor(left, currency)
        self.all_button = QRadioButton(f"&Everything that is left: {left_money}", self)
        self.all_button.setObjectName("refundAll")
        self.part_button = QRadioButton("&Part of it", self)
        self.part_button.setObjectName("refundPart")
        choice = QButtonGroup(self)
        choice.addButton(self.all_button)
        choice.addButton(self.part_button)
        self.all_button.setChecked(True)

        self.amount = QLineEdit(self)
        self.amount.setObjectName("refundAmount")
        self.amount.setAccessibleName(f"Amount to refund in {currency}")
        self.amount.setPlaceholderText(f"at most {left_money}")
        amount_label = QLabel(f"&Amount ({currency}):", self)
        amount_label.setBuddy(self.amount)
        self.description = QLineEdit(self)
        self.description.setObjectName("refundDescription")
        self.description.setAccessibleName("Refund description")
        self.description.setMaxLength(MAX_DESCRIPTION)
        self.description.setPlaceholderText(f"Refund for order {order_id}")
        description_label = QLabel("Descr&iption:", self)
        description_label.setBuddy(self.description)
        self.problem = MessageLabel("Refund problem", self, hide_when_empty=True)
        self.problem.setObjectName("refundProblem")

        buttons = QDialogButtonBox(self)
        self.continue_button = QPushButton("Co&ntinue…", self)
        self.continue_button.setObjectName("refundContinue")
        self.continue_button.setAccessibleName("Continue")
        self.continue_button.setToolTip("Check the refund and ask before sending it")
        self.continue_button.setDefault(True)
        buttons.addButton(self.continue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.continue_button.clicked.connect(self._check)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.all_button)
        form.addRow(self.part_button)
        form.addRow(amount_label, self.amount)
        form.addRow(description_label, self.description)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

        self.part_button.toggled.connect(self._part_toggled)
        self.amount.textEdited.connect(lambda _text: self.part_button.setChecked(True))
        self._part_toggled(False)
        if earlier is not None:
            self.description.setText(earlier.description)
            if earlier.amount is not None:
                self.amount.setText(earlier.typed_amount)
                self.part_button.setChecked(True)
        set_tab_chain(
            [self.all_button, self.part_button, self.amount, self.description, self.continue_button]
        )

    def _part_toggled(self, part: bool) -> None:
        self.problem.clear_message()
        if part:
            self.amount.setFocus()

    def _check(self) -> None:
        if self.plan is not None:
            return  # one form, one refund: a second click on Continue asks nothing more
        try:
            amount = (
                None
                if self.all_button.isChecked()
                else refund_minor_units(self.amount.text(), self._currency, self._left)
            )
        except AmountError as error:
            self.problem.show_error(str(error))
            self.amount.setFocus()
            self.amount.selectAll()
            return
        self.plan = RefundPlan(
            order_id=self._order_id,
            currency=self._currency,
            amount=amount,
            shown=self._left if amount is None else amount,
            description=self.description.text().strip(),
            typed_amount=self.amount.text() if amount is not None else "",
        )
        self.accept()
