"""The history's search results as a table that fills itself as the view scrolls.

A search reads its first page on a worker and shows it at once; the count of
all matches follows from the same job a moment later. The view then asks for
more (``canFetchMore``/``fetchMore``) when it scrolls near the end, and each
further page is read on a worker too, so the UI thread never waits for SQLite.
The rows' text is made on the worker as well: painting only looks it up. A
newer search drops whatever an older one still had on its way.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Signal

from msp_desk.core.money import format_minor
from msp_desk.core.statuses import status_words, three_ds_words
from msp_desk.core.times import UTC, local_time
from msp_desk.ui.services.tasks import TaskContext
from msp_desk.ui.widgets.text_rows import Row, TextRowsModel

if TYPE_CHECKING:
    from msp_desk.history.store import HistoryEntry, HistoryQuery
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure

PAGE = 100
"""Rows read per page: the first page fills a tall window; the view asks for the next as it scrolls."""
COLUMNS = ("Order ID", "Status", "Amount", "Created", "Card", "3-D Secure", "From", "Last update")
WIDTHS = (190, 130, 100, 180, 120, 200, 100, 180)
"""Fixed first widths: sizing columns to their contents would read every row the table holds."""
AMOUNT_COLUMN = COLUMNS.index("Amount")
ORDER_ID_COLUMN = COLUMNS.index("Order ID")
INITIATOR = "history"


def cells(entry: HistoryEntry) -> Row:
    """One history entry as the table shows it."""
    status = status_words(entry.status, entry.financial_status) if entry.status else ""
    amount = format_minor(entry.amount, entry.currency) if entry.currency else ""
    card = " ".join(
        part for part in (entry.card_brand, f"••••{entry.card_last4}" if entry.card_last4 else "") if part
    )
    authentication = entry.authentication
    three_ds = "—"
    if authentication.get("status"):
        three_ds = three_ds_words(authentication["status"])
        if authentication.get("eci"):
            three_ds += f", ECI {authentication['eci']}"
    return (
        entry.order_id,
        status,
        amount,
        local_time(entry.created, entry.environment) if entry.created else "",
        card,
        three_ds,
        "sent from here" if entry.source == "submitted" else "looked up",
        local_time(entry.updated_at, UTC) if entry.updated_at else "",
    )


@dataclasses.dataclass(frozen=True)
class _Page:
    offset: int
    rows: list[Row]


class HistoryModel(TextRowsModel):
    searched = Signal(int)  # a new search's first page is in: how many orders match in all
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent, right_aligned=(AMOUNT_COLUMN,))
        self._context = context
        self._ops = context.operations(self, initiator=INITIATOR)
        self._query: HistoryQuery | None = None
        self._total: int | None = 0  # None: the rows are in, their count is on its way
        self._full_page = False  # the last page read was full, so there may be more
        self._fetching = False
        self.page_size = PAGE

    @property
    def total(self) -> int | None:
        return self._total

    @property
    def searching(self) -> bool:
        return self._ops.busy()

    # -- the table ---------------------------------------------------------------------

    def order_id(self, row: int) -> str:
        return self.cell(row, ORDER_ID_COLUMN)

    # -- searching and paging ------------------------------------------------------------

    def search(self, query: HistoryQuery) -> None:
        """Start over with ``query``; the first page replaces the rows when it arrives."""
        query = dataclasses.replace(query, offset=0, limit=self.page_size)
        self._query = query
        self._ops.move_on("more")
        self._fetching = False
        self._ops.run(
            self._job(query, count=True),
            name="Search the order history",
            lane="search",
            on_progress=self._first_page,
            on_success=self._counted,
            on_failure=self._failed,
        )

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        more = self._full_page if self._total is None else len(self._rows) < self._total
        return not parent.isValid() and self._query is not None and not self._fetching and more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._query is None:
            return
        self._fetching = True
        query = dataclasses.replace(self._query, offset=len(self._rows))
        self._ops.run(
            self._job(query, count=False),
            name="Read more of the order history",
            lane="more",
            on_success=self._more,
            on_failure=self._failed,
            on_cancelled=self._stop_fetching,
        )

    def _job(self, query: HistoryQuery, *, count: bool) -> Any:
        store = self._context.history

        def job(ctx: TaskContext) -> _Page | int:
            page = _Page(query.offset, [cells(entry) for entry in store.entries(query)])
            if not count:
                return page
            ctx.report(page)  # the rows first; counting every match can take longer than reading a page
            return store.count(query)

        return job

    def _first_page(self, page: _Page) -> None:
        self._total = None
        self._full_page = len(page.rows) == self.page_size
        self.set_rows(page.rows)

    def _counted(self, total: int) -> None:
        self._total = total
        self.searched.emit(total)

    def _more(self, page: _Page) -> None:
        self._fetching = False
        if page.offset != len(self._rows) or not page.rows:
            self._full_page = False
            return
        self._full_page = len(page.rows) == self.page_size
        self.add_rows(page.rows)

    def _stop_fetching(self) -> None:
        self._fetching = False

    def _failed(self, failure: Failure) -> None:
        self._fetching = False
        self.failed.emit(failure.message)
