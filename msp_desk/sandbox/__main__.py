"""``python -m msp_desk.sandbox``: the headless sandbox without the desktop app's entry point."""

import sys

from msp_desk.sandbox.cli import main

sys.exit(main(sys.argv[1:]))
