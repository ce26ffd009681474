"""``msp-desk lookup``: the status of one order, a few, or a spreadsheet's worth, without the app.

Ids on the command line print as a table (or JSON); ids from a CSV or .xlsx
column go through the same bulk engine as the app, with a progress bar on
stderr, and come out as CSV. Retries and other details go to the app's log
file, not the terminal.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from msp_desk.bulk.engine import DEFAULT_CONCURRENCY, MAX_CONCURRENCY, BulkLookup, PassEnd, Progress
from msp_desk.bulk.ids import OrderIds, collect
from msp_desk.bulk.results import LookupResult, Outcome, tally
from msp_desk.cli.session import API_KEY_VARIABLE, CommandError, Session

if TYPE_CHECKING:
    from tqdm import tqdm

    from msp_desk.api.client import MspClient

PROG = "msp-desk lookup"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SHOWN_SKIPS = 20

EXAMPLES = f"""\
examples:
  msp-desk lookup ORD-1001                      one order from the built-in local sandbox
  msp-desk lookup --profile "Shop test" ORD-1001 ORD-1002 --json
  msp-desk lookup --profile "Shop live" --csv orders.csv --output status.csv
  msp-desk lookup --csv export.xlsx --sheet Orders --column "Order ID" -o status.xlsx
  msp-desk lookup --csv orders.csv --concurrency 16 > status.csv

The API key is the profile's, from the keyring; {API_KEY_VARIABLE} replaces it
(for scripts). It is never given as an argument, where the shell history and the
process list would keep it.

The file's encoding (UTF-8 with or without BOM, UTF-16, Windows-1252) and its
delimiter (comma, semicolon, tab) are detected. The id column is the one named
like order_id (order_id, Order ID, orderid, transactionid, ...) unless --column
names another; a one-column file needs no header. Blank, duplicate and too long
ids (over 50 characters) are reported with their row and skipped.

The output has one row per id, in the input's order: order_id, status,
financial_status, amount (e.g. 12.30), currency, created, reason, error. The
error column says why an id has no order: "not found (1006)", "server error 500
after 3 tries", "rate limited", "not looked up" (after Ctrl-C). Cells that a
spreadsheet would run as a formula are prefixed with an apostrophe.

Ctrl-C stops the lookups and still writes what was found. Exit status: 0 every
id was found; 1 some failed or were not looked up; 2 the command could not run
(bad arguments, file or profile); 130 interrupted with Ctrl-C.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Look up MultiSafepay orders by order id: GET /orders/{id} for each.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("order_ids", nargs="*", metavar="ORDER_ID", help="order ids to look up")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="a saved profile (any case); default: the built-in local sandbox, started for this command",
    )
    parser.add_argument("--json", action="store_true", help="print the orders as JSON instead of a table")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"lookups at a time, 1 to {MAX_CONCURRENCY} (default {DEFAULT_CONCURRENCY})",
    )
    many = parser.add_argument_group("many orders from a file")
    many.add_argument("--csv", type=Path, metavar="FILE", help="a CSV file or an Excel workbook (.xlsx)")
    many.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (default: the first)")
    many.add_argument("--column", metavar="NAME", help="the column of order ids, by name or number")
    many.add_argument("--no-header", action="store_true", help="the first row is an id, not column names")
    many.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write CSV there (.xlsx: a workbook) instead of stdout",
    )
    return parser


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    options = parser.parse_args(list(argv))
    _check(parser, options)
    from msp_desk.core.logs import setup_logging

    setup_logging(logging.INFO)
    try:
        ids = _ids(options)
        with Session() as session:
            client = session.client(session.profile(options.profile))
            return _run(client, ids, options)
    except CommandError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: cancelled.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _check(parser: argparse.ArgumentParser, options: argparse.Namespace) -> None:
    if options.csv is None and not options.order_ids:
        parser.error("give order ids, or --csv FILE")
    if options.csv is not None and options.order_ids:
        parser.error("give order ids or --csv FILE, not both")
    if options.csv is None:
        for name in ("sheet", "column", "output"):
            if getattr(options, name) is not None:
                parser.error(f"--{name} goes with --csv FILE")
        if options.no_header:
            parser.error("--no-header goes with --csv FILE")
    elif options.json:
        parser.error("--json is for order ids given as arguments; --csv writes CSV")
    elif options.output is not None and options.output.resolve() == options.csv.resolve():
        parser.error("--output would overwrite the input file")
    if not 1 <= options.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be 1 to {MAX_CONCURRENCY}")


def _ids(options: argparse.Namespace) -> OrderIds:
    from msp_desk.bulk.files import open_table, read_ids
    from msp_desk.bulk.tables import TableError

    if options.csv is None:
        ids = collect(enumerate(options.order_ids, 1))
        source, unit = "the arguments", "argument"
    else:
        try:
            table = open_table(
                options.csv, sheet=options.sheet, has_header=False if options.no_header else None
            )
            ids = read_ids(table, options.column)
        except TableError as error:
            raise CommandError(str(error)) from None
        source, unit = options.csv.name, "row"
    if ids.skipped:
        print(f"Skipped {len(ids.skipped)} of the ids in {source}:", file=sys.stderr)
        for skipped in ids.skipped[:SHOWN_SKIPS]:
            print("  " + skipped.describe(unit), file=sys.stderr)
        if len(ids.skipped) > SHOWN_SKIPS:
            print(f"  … and {len(ids.skipped) - SHOWN_SKIPS} more", file=sys.stderr)
    if not ids.ids:
        raise CommandError(f"there are no order ids to look up in {source}.")
    return ids


def _run(client: MspClient, ids: OrderIds, options: argparse.Namespace) -> int:
    from tqdm import tqdm

    lookup = BulkLookup(client, ids.ids, concurrency=options.concurrency)
    # disable=None: only on a terminal, so a redirected stderr gets no bar.
    bar = tqdm(total=len(ids), unit="order", file=sys.stderr, disable=None if options.csv else True)
    interrupted = False
    lookup.start()
    try:
        while not lookup.wait(0.1):
            _show(bar, lookup.progress())
    except KeyboardInterrupt:
        lookup.cancel()
        interrupted = True
    _show(bar, lookup.progress())
    bar.close()

    results = lookup.results()
    _write(results, options)
    counts = tally(results)
    print(counts.line(), file=sys.stderr)
    summary = lookup.summary
    if summary is not None and summary.end is PassEnd.STOPPED:
        print(f"Stopped: {summary.reason}", file=sys.stderr)
    if interrupted:
        where = f"to {options.output}" if options.output else "to standard output"
        print(
            f"Cancelled: the {counts.found + counts.failed} orders looked up are written {where}; "
            f"{counts.pending} ids were not looked up (their error column says so).",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return EXIT_OK if counts.found == counts.total else EXIT_FAILED


def _show(bar: tqdm[Any], progress: Progress | None) -> None:
    if progress is None or bar.disable:
        return
    bar.n = progress.done
    paused = f", paused {progress.paused_for:.0f} s (rate limited)" if progress.paused_for >= 0.5 else ""
    bar.set_postfix_str(f"{progress.failed} failed{paused}", refresh=False)
    bar.refresh()


def _write(results: list[LookupResult], options: argparse.Namespace) -> None:
    from msp_desk.bulk.export import save_csv, save_xlsx, write_csv

    if options.csv is None:
        _print_orders(results, sys.stdout, as_json=options.json)
    elif options.output is None:
        write_csv(results, sys.stdout)
    else:
        save = save_xlsx if options.output.suffix.lower() == ".xlsx" else save_csv
        try:
            save(results, options.output)
        except OSError as error:
            raise CommandError(f"cannot write {options.output}: {error.strerror or error}.") from None


def _print_orders(results: list[LookupResult], out: TextIO, *, as_json: bool) -> None:
    if as_json:
        documents = [
            {"order_id": r.order_id, "order": r.order.model_dump(mode="json", exclude_none=True)}
            if r.order is not None
            else {"order_id": r.order_id, "error": r.reason, "detail": r.detail}
            for r in results
        ]
        json.dump(documents, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    from msp_desk.core.money import format_minor

    header = ["ORDER ID", "STATUS", "FINANCIAL STATUS", "AMOUNT", "CREATED", "REASON / ERROR"]
    rows = [header]
    for r in results:
        order = r.order
        if order is None or r.outcome is not Outcome.FOUND:
            rows.append([r.order_id, "-", "-", "-", "-", r.reason])
            continue
        amount = (
            format_minor(order.amount, order.currency) if order.amount is not None and order.currency else ""
        )
        created = order.created.isoformat(sep=" ") if order.created else ""
        fields = (order.status, order.financial_status, amount, created, order.reason)
        rows.append([r.order_id, *(field or "" for field in fields)])
    shown = [[_printable(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in shown) for i in range(len(header))]
    for row in shown:
        out.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"
        )


def _printable(text: str) -> str:
    # Ids and reasons come from merchants and servers: no escape sequence reaches the terminal.
    return "".join(c if c.isprintable() else "\ufffd" for c in text)
