"""Command line: ``msp-desk`` opens the app; ``sandbox``, ``lookup`` and ``webhook`` work without a window."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from msp_desk import APP_NAME, __version__

if TYPE_CHECKING:
    import argparse


def _gui_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="Desktop tool for MultiSafepay support staff. With no arguments it opens the app.",
        epilog="Commands without a window: '%(prog)s sandbox --help' (the local sandbox), "
        "'%(prog)s lookup --help' (orders, one or a spreadsheet's worth), "
        "'%(prog)s webhook --help' (check an endpoint, verify a signature).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="log at debug level, also to stderr")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the main window, print a line when it first paints and one when its screens "
        "are built, then quit",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="pay a 3-D Secure test order against the built-in sandbox in the embedded browser, "
        "print 'ok' or why it failed, and quit",
    )
    parser.add_argument(
        "--check-qt-binding",
        action="store_true",
        help="make 200,000 Qt calls that return nothing and check that Python's None keeps its "
        "references (some PySide6 releases leak one per call and crash Python 3.11); exit 3 if not",
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=sorted(COMMANDS),
        help="run a command without a window (see its --help)",
    )
    return parser


# Each command's module has ``main(argv) -> int``; imported only when the command runs.
COMMANDS = {
    "sandbox": "msp_desk.sandbox.cli",
    "lookup": "msp_desk.cli.lookup",
    "webhook": "msp_desk.cli.webhook",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        import importlib

        command: int = importlib.import_module(COMMANDS[args[0]]).main(args[1:])
        return command
    # Qt is imported only here, so `--help`, `--version` and the sandbox stay light.
    if not args:  # the everyday start skips argparse: it is on the start-up path
        from msp_desk.ui.app import run

        return run()
    options = _gui_parser().parse_args(args)
    if options.check_qt_binding:
        from msp_desk.ui.binding_check import report

        ok, line = report()
        print(line, flush=True)
        return 0 if ok else 3
    if options.self_check:
        from msp_desk.ui.self_check import run_self_check

        return run_self_check()
    from msp_desk.ui.app import run

    return run(debug=options.debug, smoke_test=options.smoke_test)


if __name__ == "__main__":
    sys.exit(main())
