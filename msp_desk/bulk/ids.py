"""The order ids of a bulk lookup, cleaned: blanks, duplicates and impossible ids are set aside, not sent.

Every id keeps the row it came from (a line of pasted text, a spreadsheet row)
so that what was skipped can be found again in the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from msp_desk.core.order_ids import MAX_ORDER_ID_LENGTH

_SEPARATORS = re.compile(r"[,;\s]+")


class SkipReason(StrEnum):
    BLANK = "blank"
    DUPLICATE = "duplicate"
    TOO_LONG = "too long"


@dataclass(frozen=True)
class Skipped:
    row: int
    value: str
    reason: SkipReason
    first_row: int | None = None  # where a duplicate first appeared

    def describe(self, unit: str = "row") -> str:
        """E.g. ``row 5: A-1 is a duplicate of row 2``; ``unit`` names what the numbers count."""
        where = f"{unit} {self.row}"
        if self.reason is SkipReason.DUPLICATE:
            return f"{where}: {self.value} is a duplicate of {unit} {self.first_row}"
        if self.reason is SkipReason.TOO_LONG:
            return (
                f"{where}: {self.value[:20]}… is {len(self.value)} characters; "
                f"order ids have at most {MAX_ORDER_ID_LENGTH}"
            )
        return f"{where}: blank"


@dataclass(frozen=True)
class OrderIds:
    """Unique ids in the order they came, each with its source row; ``skipped`` says what was left out."""

    ids: tuple[str, ...]
    rows: tuple[int, ...]
    skipped: tuple[Skipped, ...] = ()

    def __len__(self) -> int:
        return len(self.ids)


def collect(cells: Iterable[tuple[int, str]]) -> OrderIds:
    """Clean ``(row, value)`` pairs; surrounding whitespace is not part of an id.

    Blank cells after the last id are not reported: spreadsheets often carry
    thousands of formatted but empty rows at the end of a sheet.
    """
    ids: list[str] = []
    rows: list[int] = []
    skipped: list[Skipped] = []
    blank_rows: list[int] = []
    first_seen: dict[str, int] = {}
    for row, raw in cells:
        value = raw.strip()
        if not value:
            blank_rows.append(row)
            continue
        skipped.extend(Skipped(blank, "", SkipReason.BLANK) for blank in blank_rows)
        blank_rows.clear()
        if len(value) > MAX_ORDER_ID_LENGTH:
            skipped.append(Skipped(row, value, SkipReason.TOO_LONG))
        elif value in first_seen:
            skipped.append(Skipped(row, value, SkipReason.DUPLICATE, first_seen[value]))
        else:
            first_seen[value] = row
            ids.append(value)
            rows.append(row)
    return OrderIds(tuple(ids), tuple(rows), tuple(skipped))


def from_text(text: str) -> OrderIds:
    """Ids as people paste them: one a line, or separated by commas, semicolons, tabs or spaces.

    Rows are line numbers. An empty line between ids is reported as blank (it
    is usually an empty cell copied from a spreadsheet); empty lines before the
    first id and after the last are not.
    """
    cells: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = [part for part in _SEPARATORS.split(line) if part]
        if parts or cells:
            cells.extend((number, part) for part in parts or [""])
    return collect(cells)
