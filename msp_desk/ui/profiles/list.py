"""The list of profiles: name, environment badge (red LIVE as in the status bar), active and built-in."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from msp_desk.ui.widgets.colours import alert_text_colour, environment_colours, environment_label

ID_ROLE = Qt.ItemDataRole.UserRole
ENVIRONMENT_ROLE = Qt.ItemDataRole.UserRole + 1
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2
ACTIVE_ROLE = Qt.ItemDataRole.UserRole + 3

_PAD = 8


@dataclass(frozen=True)
class ProfileRow:
    id: str
    name: str
    environment: str  # an Environment value: "sandbox", "test" or "live"
    active: bool = False
    builtin: bool = False
    site_id: int | None = None

    @property
    def details(self) -> str:
        parts = []
        if self.active:
            parts.append("active")
        if self.builtin:
            parts.append("built-in")
        if self.site_id is not None:
            parts.append(f"site {self.site_id}")
        return " · ".join(parts)

    @property
    def spoken(self) -> str:
        """What a screen reader says and the tooltip shows: everything the row paints."""
        return ", ".join(filter(None, [self.name, environment_label(self.environment), self.details]))


class _ProfileDelegate(QStyledItemDelegate):
    """Two lines (name; active, built-in, site) and the environment as a coloured badge."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        line = option.fontMetrics.height()
        return QSize(220, 2 * line + 2 * _PAD + 2)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        state = opt.state
        palette: QPalette = opt.palette
        base_font: QFont = opt.font
        rect: QRect = opt.rect

        # The style paints the background, selection and focus frame; the text is ours.
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        selected = bool(state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Active
            if state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        text_colour = palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        area = rect.adjusted(_PAD + 2, _PAD, -_PAD, -_PAD)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        environment = str(index.data(ENVIRONMENT_ROLE) or "")
        badge_font = QFont(base_font)
        badge_font.setBold(True)
        badge_font.setPointSizeF(max(base_font.pointSizeF() * 0.85, 7.0))
        badge_metrics = QFontMetrics(badge_font)
        badge_text = environment_label(environment)
        badge_width = badge_metrics.horizontalAdvance(badge_text) + 14
        badge_height = badge_metrics.height() + 4
        badge = QRect(
            area.right() - badge_width + 1,
            area.top() + (area.height() - badge_height) // 2,
            badge_width,
            badge_height,
        )
        background, foreground = environment_colours(environment)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(badge, 3, 3)
        painter.setFont(badge_font)
        painter.setPen(foreground)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)

        text_width = max(area.width() - badge_width - _PAD, 10)
        name_font = QFont(base_font)
        name_font.setBold(bool(index.data(ACTIVE_ROLE)))
        name_metrics = QFontMetrics(name_font)
        name_colour = text_colour
        foreground_brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if not selected and isinstance(foreground_brush, QBrush):
            name_colour = foreground_brush.color()
        name = name_metrics.elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""), Qt.TextElideMode.ElideRight, text_width
        )
        painter.setFont(name_font)
        painter.setPen(name_colour)
        detail = str(index.data(DETAIL_ROLE) or "")
        # A row without a second line keeps its name in the middle, level with the badge.
        name_top = area.top() if detail else area.top() + (area.height() - name_metrics.height()) // 2
        painter.drawText(
            QRect(area.left(), name_top, text_width, name_metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            name,
        )

        if detail:
            detail_colour = (
                text_colour if selected else palette.color(group, QPalette.ColorRole.PlaceholderText)
            )
            painter.setFont(base_font)
            painter.setPen(detail_colour)
            detail_metrics = QFontMetrics(base_font)
            painter.drawText(
                QRect(
                    area.left(),
                    area.bottom() - detail_metrics.height() + 1,
                    text_width,
                    detail_metrics.height(),
                ),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                detail_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, text_width),
            )
        painter.restore()


class ProfileList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileList")
        self.setAccessibleName("Profiles")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        self.setItemDelegate(_ProfileDelegate(self))
        self.setMinimumWidth(240)

    def show_profiles(self, rows: list[ProfileRow], select_id: str | None) -> None:
        """Rebuild the rows without announcing a selection change; ``select_id`` None selects nothing."""
        blocked = self.blockSignals(True)
        try:
            self.clear()
            red = alert_text_colour(self.palette())
            for row in rows:
                item = QListWidgetItem(row.name)
                item.setData(ID_ROLE, row.id)
                item.setData(ENVIRONMENT_ROLE, row.environment)
                item.setData(DETAIL_ROLE, row.details)
                item.setData(ACTIVE_ROLE, row.active)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, row.spoken)
                item.setToolTip(row.spoken)
                if row.environment == "live":
                    item.setForeground(red)
                self.addItem(item)
            self._select(select_id)
        finally:
            self.blockSignals(blocked)
        self.viewport().update()

    def select_id(self, profile_id: str | None) -> None:
        """Select quietly: the page decides itself what a selection means."""
        blocked = self.blockSignals(True)
        try:
            self._select(profile_id)
        finally:
            self.blockSignals(blocked)
        self.viewport().update()

    def _select(self, profile_id: str | None) -> None:
        item = self.item_for(profile_id) if profile_id else None
        if item is None:
            self.setCurrentRow(-1)
            self.clearSelection()
        else:
            self.setCurrentItem(item)

    def selected_id(self) -> str | None:
        item = self.currentItem()
        if item is None or not item.isSelected():
            return None
        value = item.data(ID_ROLE)
        return str(value) if value else None

    def item_for(self, profile_id: str | None) -> QListWidgetItem | None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(ID_ROLE) == profile_id:
                return item
        return None
