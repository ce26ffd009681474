"""CSV files as spreadsheets save them: the encoding and the delimiter are detected, not asked for.

Excel writes UTF-8 with a byte-order mark ("CSV UTF-8"), or the Windows code
page ("CSV", Windows-1252 in Western Europe) with a semicolon where the decimal
separator is a comma; "Unicode text" is UTF-16 with tabs. LibreOffice and
Google Sheets write UTF-8 without a mark.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import charset_normalizer

from msp_desk.bulk.tables import TableError, TableKind, TablePreview, build_preview

SAMPLE_BYTES = 64 * 1024
SNIFF_CHARS = 8 * 1024
SCAN_CHUNK = 256 * 1024
DELIMITERS = ",;\t|"
# Western Windows: what a spreadsheet saves as "CSV" when the text is not UTF-8.
WINDOWS_WESTERN = "cp1252"


def preview(path: Path, *, has_header: bool | None, preview_rows: int) -> TablePreview:
    with path.open("rb") as file:
        sample = file.read(SAMPLE_BYTES)
    encoding = detect_encoding(path, sample)
    text = sample.decode(encoding, errors="replace")
    if not text.strip():
        raise TableError(f"{path.name} is empty.")
    dialect = sniff(text[:SNIFF_CHARS])
    with _open(path, encoding) as file:
        first = list(itertools.islice(_reader(path, file, dialect), preview_rows + 1))
    return build_preview(
        path,
        TableKind.CSV,
        first,
        has_header,
        encoding=encoding,
        delimiter=dialect.delimiter,
        dialect=dialect,
    )


def records(table: TablePreview) -> Iterator[list[str]]:
    assert table.encoding is not None
    assert table.dialect is not None
    with _open(table.path, table.encoding) as file:
        yield from _reader(table.path, file, table.dialect)


def _reader(path: Path, file: IO[str], dialect: type[csv.Dialect] | csv.Dialect) -> Iterator[list[str]]:
    reader = csv.reader(file, dialect)
    try:
        yield from reader
    except csv.Error as exc:
        raise TableError(f"{path.name}, line {reader.line_num}, cannot be read as CSV: {exc}.") from None


def _open(path: Path, encoding: str) -> IO[str]:
    # newline="" lets the csv module see line breaks inside quoted cells; a stray byte becomes U+FFFD
    # rather than stopping the import (ids are ASCII; such bytes are in other columns).
    return path.open(encoding=encoding, errors="replace", newline="")


def sniff(text: str) -> type[csv.Dialect] | csv.Dialect:
    """The delimiter and quoting of the first lines; a comma when there is one column.

    ``csv.Sniffer`` alone gives up on common files, e.g. semicolons with decimal
    commas in the amounts ("10,00"), so each candidate delimiter is also tried
    with the csv reader: the one that splits every line into the same number
    (more than one) of cells wins.
    """
    complete = text[: text.rfind("\n") + 1] or text
    candidates: list[type[csv.Dialect] | csv.Dialect] = []
    with contextlib.suppress(csv.Error):
        candidates.append(csv.Sniffer().sniff(complete, delimiters=DELIMITERS))
    candidates += [_with_delimiter(d) for d in DELIMITERS]
    best = max(candidates, key=lambda dialect: _fit(complete, dialect))  # the first of equals: the sniffer's
    return best if _fit(complete, best)[1] > 1 else csv.excel


def _with_delimiter(delimiter: str) -> type[csv.Dialect]:
    return type(f"delimited_{ord(delimiter)}", (csv.excel,), {"delimiter": delimiter})


def _fit(text: str, dialect: type[csv.Dialect] | csv.Dialect) -> tuple[float, int]:
    """The share of lines with as many cells as the first, and that number."""
    try:
        # newline="" as for the file itself: a lone \r (old Mac line ends) is then a line break.
        widths = [len(row) for row in csv.reader(io.StringIO(text, newline=""), dialect) if row]
    except csv.Error:
        return 0.0, 0
    if not widths:
        return 0.0, 0
    return sum(1 for w in widths if w == widths[0]) / len(widths), widths[0]


def detect_encoding(path: Path, sample: bytes) -> str:
    """A byte-order mark; else UTF-8 if the whole file is valid UTF-8; else a guess by charset-normalizer.

    Windows-1252 wins whenever it could have produced the bytes: on the short
    texts of a spreadsheet the detector cannot tell it from its Central- or
    Baltic-European neighbours, and it is what Western Windows saves.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bad = first_non_utf8(path)
    if bad is None:
        return "utf-8"
    with path.open("rb") as file:
        file.seek(max(0, bad - 1024))  # where the non-UTF-8 text is, not an ASCII-only start
        region = file.read(SAMPLE_BYTES)
    guesses = charset_normalizer.from_bytes(region)
    best = guesses.best()
    if best is None or any(WINDOWS_WESTERN in guess.could_be_from_charset for guess in guesses):
        return WINDOWS_WESTERN
    return best.encoding


def first_non_utf8(path: Path) -> int | None:
    """The offset of the first byte that is not UTF-8, streaming the file; None if it all is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as file:
        while chunk := file.read(SCAN_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return max(0, offset + exc.start)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset  # a sequence cut off at the end
    return None
