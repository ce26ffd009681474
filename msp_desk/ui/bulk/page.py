"""The Bulk lookup screen: "here are 800 orders, what is their status?", answered without freezing.

The page lays out the ids, the run controls, the result table and the export,
and dispatches: reading a file belongs to :class:`ImportFile`, the lookup to
:class:`BulkRun` (the Qt-free engine in ``msp_desk.bulk`` behind it), saving
to :class:`ExportResults`. Answers arrive in batches a few times a second and
only change cells of rows that are already there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QTimer
from PySide6.QtWidgets import QComboBox, QProgressBar, QSpinBox, QWidget

from msp_desk.bulk.engine import DEFAULT_CONCURRENCY, MAX_CONCURRENCY, PassEnd, PassSummary, Progress
from msp_desk.bulk.ids import OrderIds
from msp_desk.bulk.progress_words import end_line, progress_line
from msp_desk.bulk.results import NOT_LOOKED_UP, LookupResult
from msp_desk.ui.bulk.export_file import ExportResults, copy_results
from msp_desk.ui.bulk.ids_input import IdsInput
from msp_desk.ui.bulk.import_file import ImportFile
from msp_desk.ui.bulk.layout import add_shortcuts, lay_out, results_table
from msp_desk.ui.bulk.results_model import FAILED_KEY, PENDING_KEY, ResultsModel, StatusFilter
from msp_desk.ui.bulk.run import BulkRun
from msp_desk.ui.services.settings import BULK_CONCURRENCY
from msp_desk.ui.widgets.colours import environment_label
from msp_desk.ui.widgets.controls import button
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure

WORDS_INTERVAL_MS = 250
STILL_TO_LOOK_UP = "still to look up"


class BulkPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkPage")
        self.context = context
        self.ops = context.operations(self, initiator="bulk")
        self.proxy = StatusFilter(self)
        self.model = ResultsModel(self.proxy, self)
        self.run = BulkRun(context, self.ops, self)
        self.importer = ImportFile(self, self.ops, on_ids=self._file_ids, on_message=self.say)
        self.exporter = ExportResults(self, self.ops, self.say)

        self.input = IdsInput(self)
        self.profile_note = MessageLabel("Profile used for the lookups", self)
        self.profile_note.setObjectName("bulkProfile")
        self.concurrency = QSpinBox(self)
        self.concurrency.setObjectName("concurrency")
        self.concurrency.setAccessibleName("Lookups at a time")
        self.concurrency.setRange(1, MAX_CONCURRENCY)
        self.concurrency.setValue(max(1, min(MAX_CONCURRENCY, BULK_CONCURRENCY.get() or DEFAULT_CONCURRENCY)))
        self.concurrency.setToolTip(
            f"How many orders are looked up at the same time, 1 to {MAX_CONCURRENCY} "
            f"(default {DEFAULT_CONCURRENCY}); lower it if MultiSafepay asks to slow down"
        )
        self.look_up_button = button(self, "&Look up", "lookUpAll", "Look up every order id (Ctrl+Enter)")
        self.cancel_button = button(
            self, "&Cancel", "cancelLookup", "Stop now; the orders looked up so far are kept (Esc)"
        )
        self.retry_button = button(
            self, "Retry f&ailed", "retryFailed", "Look up again only the ids that failed (Ctrl+R)"
        )
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("bulkProgress")
        self.progress_bar.setAccessibleName("Lookup progress")
        self.progress_bar.setFormat("%v of %m")
        self.progress_bar.setValue(0)
        self.progress_text = MessageLabel("Lookup progress", self)
        self.progress_text.setObjectName("progressText")
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName("Show")
        self.status_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_filter.setToolTip("Show only the orders with one status, the failures, or the rest")
        self.summary = MessageLabel("Count per status", self)
        self.summary.setObjectName("statusSummary")
        self.table = results_table(self)
        self.export_button = button(
            self,
            "&Export…",
            "exportResults",
            "Save the results as a CSV file or an Excel workbook, in the order of the ids (Ctrl+E)",
        )
        self.copy_button = button(
            self,
            "Co&py for a spreadsheet",
            "copyResults",
            "Copy the results as tab-separated text, to paste into spreadsheet cells (Ctrl+Shift+C)",
        )
        self.message = MessageLabel("Bulk lookup message", self, hide_when_empty=True)
        self.message.setObjectName("bulkMessage")

        self._latest: Progress | None = None
        self._words_timer = QTimer(self)
        self._words_timer.setInterval(WORDS_INTERVAL_MS)
        self._words_timer.timeout.connect(self._show_words)

        self.splitter = lay_out(self)
        add_shortcuts(self)
        self._connect()
        self._refresh_counts()
        if context.profiles.is_ready:
            self._show_profile(context.profiles.active())
        else:
            self.profile_note.show_hint("Loading profiles…")
        self.update_buttons()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the desktop switched between light and dark
            self.model.restyle()

    def _connect(self) -> None:
        self.input.changed.connect(self.update_buttons)
        self.input.import_button.clicked.connect(self.importer.start)
        self.concurrency.valueChanged.connect(BULK_CONCURRENCY.set)
        self.look_up_button.clicked.connect(self.look_up)
        self.cancel_button.clicked.connect(lambda: self.run.cancel())
        self.retry_button.clicked.connect(self.retry_failed)
        self.status_filter.currentIndexChanged.connect(self._filter_chosen)
        self.table.activated.connect(self._open)
        self.export_button.clicked.connect(lambda: self.exporter.start(self.model.results()))
        self.copy_button.clicked.connect(self.copy)
        self.run.started.connect(self._started)
        self.run.prepared.connect(self.model.adopt)
        self.run.batch.connect(self._answers)
        self.run.progressed.connect(self._progressed)
        self.run.finished.connect(self._finished)
        self.run.failed.connect(self._could_not_start)
        self.context.profiles.active_changed.connect(self._show_profile)

    # -- actions -----------------------------------------------------------------

    def look_up(self) -> None:
        if self.run.busy:
            return
        ids = self.input.ids()
        if not ids.ids:
            self.say("There are no order ids to look up: paste some, or import a file.", True)
            return
        if not self.context.profiles.is_ready:
            self.say("The profiles are still loading; try again in a moment.", True)
            return
        self.say("", False)
        self.model.set_running(True)
        self.run.look_up(ids, self.concurrency.value(), prepare=self.model.start(ids))
        self.progress_text.show_hint(f"Starting the lookup of {len(ids):,} orders…")
        self._refresh_counts()
        self.update_buttons()

    def retry_failed(self) -> None:
        if not self.run.can_retry():
            return
        self.say("", False)
        self.model.set_running(True)
        self.run.retry_failed(self.concurrency.value())
        self.update_buttons()

    def copy(self) -> None:
        copied = copy_results(self.model.results())
        self.say(f"Copied {copied:,} rows (with a header line) to paste into a spreadsheet.", False)

    def say(self, text: str, error: bool = False) -> None:
        if error:
            self.message.show_error(text)
        elif text:
            self.message.show_info(text)
        else:
            self.message.clear_message()

    def _file_ids(self, ids: OrderIds, source: str) -> None:
        self.input.show_file_ids(ids, source)
        self.input.box.setFocus()

    def _open(self, index: QModelIndex) -> None:
        row = self.proxy.mapToSource(index).row()
        if row >= 0:
            order_id = self.model.order_id(row)
            self.context.events.open_order.emit(order_id)
            self.context.events.status.emit(f"Opening {order_id} in Order lookup")

    # -- what the run reports ------------------------------------------------------

    def _started(self, count: int) -> None:
        self.progress_bar.setRange(0, max(count, 1))
        self.progress_bar.setValue(0)
        self._latest = None
        self._words_timer.start()
        self.update_buttons()

    def _answers(self, results: list[LookupResult]) -> None:
        self.model.apply(results)

    def _progressed(self, progress: Progress) -> None:
        self._latest = progress

    def _show_words(self) -> None:
        """The bar and the lines under it, a few times a second: the table fills more often, but
        counts changing faster than that cannot be read, and each change costs the window a repaint."""
        progress = self._latest
        if progress is not None:
            self._show_bar(progress)
            self.progress_text.show_info(progress_line(progress))
        self._refresh_counts()

    def _show_bar(self, progress: Progress) -> None:
        self.progress_bar.setRange(0, max(progress.total, 1))
        self.progress_bar.setValue(progress.done)

    def _finished(self, summary: PassSummary, why: str) -> None:
        self._words_timer.stop()
        lookup = self.run.lookup
        if lookup is not None:
            self.model.apply(lookup.results())
        self.model.set_running(False)
        self._show_bar(summary.progress)
        line = end_line(summary, why=why)
        if summary.end is PassEnd.STOPPED:
            self.progress_text.show_error(line)
        else:
            self.progress_text.show_info(line)
        self.context.events.status.emit(f"Bulk lookup: {line}")
        self._refresh_counts()
        self.update_buttons()

    def _could_not_start(self, failure: Failure) -> None:
        self._words_timer.stop()
        self.model.set_running(False)
        self.progress_text.show_error(f"The lookup could not start: {failure.message}")
        self._refresh_counts()
        self.update_buttons()

    # -- showing ---------------------------------------------------------------------

    def update_buttons(self) -> None:
        busy = self.run.busy
        counts = self.model.tally()
        self.look_up_button.setEnabled(not busy and self.input.has_text)
        self.cancel_button.setEnabled(busy)
        self.retry_button.setEnabled(not busy and counts.failed > 0 and self.run.can_retry())
        has_rows = self.model.row_count() > 0
        self.export_button.setEnabled(not busy and has_rows)
        self.copy_button.setEnabled(not busy and has_rows)
        self.concurrency.setEnabled(not busy)
        self.input.set_locked(busy)

    def _show_profile(self, profile: Profile) -> None:
        environment = environment_label(profile.environment.value)
        self.profile_note.show_info(f"Looks up with the active profile: {profile.name} ({environment}).")
        self.update_buttons()

    def _refresh_counts(self) -> None:
        counts = self.model.tally()
        if counts.total:
            self.summary.show_info(counts.line(STILL_TO_LOOK_UP if self.model.running else NOT_LOOKED_UP))
        else:
            self.summary.show_hint("No results yet.")
        pending = "Waiting" if self.model.running else "Not looked up"
        entries = [("", f"All orders ({counts.total:,})")]
        entries += [(f"status:{status}", f"{status} ({n:,})") for status, n in counts.statuses.most_common()]
        if counts.failed:
            entries.append((FAILED_KEY, f"Failed ({counts.failed:,})"))
        if counts.pending:
            entries.append((PENDING_KEY, f"{pending} ({counts.pending:,})"))
        chosen = self.proxy.key
        if chosen not in [key for key, _ in entries]:  # what is shown stays chosen, with none left
            name = {FAILED_KEY: "Failed", PENDING_KEY: pending}.get(chosen, chosen.removeprefix("status:"))
            entries.append((chosen, f"{name} (0)"))
        self._fill_filter(entries, chosen)

    def _fill_filter(self, entries: list[tuple[str, str]], chosen: str) -> None:
        combo = self.status_filter
        keys = [key for key, _ in entries]
        if keys == [combo.itemData(i) for i in range(combo.count())]:
            for i, (_, text) in enumerate(entries):
                combo.setItemText(i, text)
            return
        combo.blockSignals(True)
        combo.clear()
        for key, text in entries:
            combo.addItem(text, key)
        combo.setCurrentIndex(keys.index(chosen))
        combo.blockSignals(False)

    def _filter_chosen(self, index: int) -> None:
        key = self.status_filter.itemData(index)
        self.proxy.show_only(key if isinstance(key, str) else "")
        self._refresh_counts()
