"""Settings declared once; splitters and table headers remembered per screen by object name."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QStringListModel, Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from msp_desk.ui.services.settings import Setting, restore_layout, save_layout, ui_settings


def test_a_setting_comes_back_as_its_declared_type() -> None:
    count: Setting[int] = Setting("test/count", 8)
    flag: Setting[bool] = Setting("test/flag", False)
    name: Setting[str] = Setting("test/name", "")
    blob: Setting[QByteArray] = Setting("test/blob", QByteArray())
    assert (count.get(), flag.get(), name.get(), blob.get().isEmpty()) == (8, False, "", True)
    count.set(32)
    flag.set(True)
    name.set("bulk")
    blob.set(QByteArray(b"\x00\x01"))
    assert (count.get(), flag.get(), name.get(), bytes(blob.get().data())) == (32, True, "bulk", b"\x00\x01")


def test_an_unreadable_value_falls_back_to_the_default() -> None:
    ui_settings().setValue("test/count", "many")
    assert Setting("test/count", 8).get() == 8


def _screen() -> tuple[QWidget, QSplitter, QTableView]:
    screen = QWidget()
    splitter = QSplitter(Qt.Orientation.Horizontal, screen)
    splitter.setObjectName("resultsSplitter")
    splitter.addWidget(QLabel("left"))
    table = QTableView()
    table.setObjectName("results")
    table.setModel(QStringListModel(["a", "b"], table))
    splitter.addWidget(table)
    QVBoxLayout(screen).addWidget(splitter)
    return screen, splitter, table


def test_named_splitters_and_headers_are_kept_per_screen(qtbot) -> None:
    screen, splitter, table = _screen()
    qtbot.addWidget(screen)
    screen.resize(800, 400)
    screen.show()
    splitter.setSizes([600, 200])
    table.horizontalHeader().resizeSection(0, 333)
    save_layout(screen, "bulk")

    again, splitter_again, table_again = _screen()
    qtbot.addWidget(again)
    again.resize(800, 400)
    again.show()
    restore_layout(again, "bulk")
    assert splitter_again.sizes()[0] > splitter_again.sizes()[1]
    assert table_again.horizontalHeader().sectionSize(0) == 333

    other, splitter_other, _ = _screen()
    qtbot.addWidget(other)
    other.resize(800, 400)
    other.show()
    before = splitter_other.sizes()
    restore_layout(other, "lookup")  # another screen's layout is its own
    assert splitter_other.sizes() == before
