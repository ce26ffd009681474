"""The main window: navigation between areas, the status bar, menus and saved layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from msp_desk import APP_NAME
from msp_desk.ui.services.settings import LAST_AREA, WINDOW_GEOMETRY, restore_layout, save_layout
from msp_desk.ui.shell.status_badge import EnvironmentBadge
from msp_desk.ui.widgets.colours import environment_style
from msp_desk.ui.widgets.dialogs import warn
from msp_desk.ui.widgets.icons import icon
from msp_desk.ui.widgets.labels import MessageLabel


@dataclass(frozen=True)
class Area:
    """One screen reachable from the navigation bar.

    ``build`` makes its widget: the screen on show right after the window's
    first paint (``build_current_area``), every other one when a person first
    opens it, so the window appears without waiting for forms nobody looked at.
    """

    key: str
    title: str
    icon_name: str
    build: Callable[[], QWidget]
    description: str


class _FirstPaint(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            self._window.painted.emit()
            QTimer.singleShot(0, self._window.first_painted.emit)
        return False


class MainWindow(QMainWindow):
    area_changed = Signal(str)
    # Work that can wait (loading profiles, starting the sandbox) starts here, so
    # it never delays the window appearing.
    first_painted = Signal()
    painted = Signal()  # during the first paint itself; for measuring, not for work
    areas_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon("app"))
        self.setMinimumSize(720, 480)
        self._areas: dict[str, Area] = {}
        self._widgets: dict[str, QWidget] = {}
        self._actions: dict[str, QAction] = {}
        self._current: str | None = None
        self._crash_dialog: QDialog | None = None

        self._stack = QStackedWidget(self)
        self._stack.setObjectName("areaStack")
        self.live_banner = MessageLabel("Live environment warning", self, selectable=False)
        self.live_banner.setText("LIVE — orders on this profile move real money")
        self.live_banner.setObjectName("liveBanner")
        self.live_banner.setStyleSheet(environment_style("live") + " padding:6px 12px; border-radius:0;")
        self.live_banner.hide()
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.live_banner)
        central_layout.addWidget(self._stack, 1)
        self.setCentralWidget(central)
        self._live = False

        self._nav = QToolBar("Navigation", self)
        self._nav.setObjectName("navigation")
        self._nav.setAccessibleName("Navigation")
        self._nav.setMovable(False)
        self._nav.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, self._nav)
        self._nav_group = QActionGroup(self)
        self._nav_group.setExclusive(True)

        self._build_menus()
        self.installEventFilter(_FirstPaint(self))

        self.badge = EnvironmentBadge(self)
        self.statusBar().addPermanentWidget(self.badge)
        self.activity = MessageLabel("Background activity", self, wrap=False)
        self.activity.setObjectName("activity")
        self.statusBar().addWidget(self.activity, 1)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        self._view_menu = self.menuBar().addMenu("&View")

        help_menu = self.menuBar().addMenu("&Help")
        about = help_menu.addAction(f"&About {APP_NAME}")
        about.setShortcut(QKeySequence("F1"))
        about.triggered.connect(self.show_about)

    # -- areas ---------------------------------------------------------------

    def add_area(self, area: Area) -> None:
        """Plug an area into the navigation; its shortcut is Ctrl+ its position."""
        position = len(self._areas) + 1
        self._areas[area.key] = area

        action = QAction(icon(area.icon_name), area.title, self)
        action.setCheckable(True)
        action.setShortcut(QKeySequence(f"Ctrl+{position}"))
        action.setToolTip(
            f"{area.description} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        action.setStatusTip(area.description)
        action.triggered.connect(lambda _checked=False, key=area.key: self.show_area(key))
        self._nav_group.addAction(action)
        self._nav.addAction(action)
        self._view_menu.addAction(action)
        button = self._nav.widgetForAction(action)
        if button is not None:
            button.setObjectName(f"nav-{area.key}")
            button.setAccessibleName(area.title)
            button.setAccessibleDescription(area.description)
        self._actions[area.key] = action
        if self._current is None:
            self._select(area.key)

    def area_keys(self) -> list[str]:
        return list(self._areas)

    def current_area(self) -> str | None:
        return self._current

    def area_widget(self, key: str) -> QWidget:
        """The area's screen, built now if it was not yet, with its splitters and tables as left."""
        widget = self._widgets.get(key)
        if widget is None:
            area = self._areas[key]
            widget = area.build()
            widget.setAccessibleName(area.title)
            restore_layout(widget, key)
            self._stack.addWidget(widget)
            self._widgets[key] = widget
        return widget

    def built_areas(self) -> list[str]:
        return list(self._widgets)

    def build_current_area(self) -> None:
        """Build the screen on show; ``areas_ready`` says it can be used."""
        if self._current is not None:
            self._stack.setCurrentWidget(self.area_widget(self._current))
        self.areas_ready.emit()

    def show_area(self, key: str) -> None:
        self._select(key)
        self._stack.setCurrentWidget(self.area_widget(key))

    def _select(self, key: str) -> None:
        self._current = key
        self._actions[key].setChecked(True)
        if key in self._widgets:
            self._stack.setCurrentWidget(self._widgets[key])
        self._update_title()
        self.area_changed.emit(key)

    def set_live(self, live: bool) -> None:
        """Say LIVE in red in the window itself, not only in the status bar."""
        self._live = live
        self.live_banner.setVisible(live)
        self._update_title()

    def show_activity(self, text: str) -> None:
        self.activity.show_info(text)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_sandbox_started(self, base_url: str) -> None:
        self.activity.show_info(f"Local sandbox running at {base_url}")

    def _update_title(self) -> None:
        key = self.current_area()
        title = f"{self._areas[key].title} — {APP_NAME}" if key else APP_NAME
        self.setWindowTitle(f"{title} — LIVE" if self._live else title)

    # -- state ---------------------------------------------------------------

    def restore_state(self) -> None:
        geometry = WINDOW_GEOMETRY.get()
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1180, 780)
        last = LAST_AREA.get()
        if last in self._areas:
            self._select(last)  # built after the first paint

    def save_state(self) -> None:
        WINDOW_GEOMETRY.set(self.saveGeometry())
        current = self.current_area()
        if current:
            LAST_AREA.set(current)
        for key, widget in self._widgets.items():
            save_layout(widget, key)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)

    def show_about(self) -> None:
        from msp_desk.ui.shell.about_dialog import AboutDialog

        AboutDialog(self).exec()

    def show_error(self, title: str, message: str) -> None:
        warn(self, title, message)

    def report_unexpected(self, what: str, error: BaseException) -> None:
        """Say that something went wrong, with a report to copy; never more than one dialog at a time.

        Every report is saved in the log folder, also one that arrives while the dialog is open.
        """
        from msp_desk.core.crash_reports import save_crash_report
        from msp_desk.ui.shell.crash_dialog import CrashDialog, crash_report

        report = crash_report(what, error)
        saved_to = save_crash_report(report)
        if self._crash_dialog is not None and self._crash_dialog.isVisible():
            return
        self._crash_dialog = CrashDialog(what, error, self, report=report, saved_to=saved_to)
        self._crash_dialog.open()
