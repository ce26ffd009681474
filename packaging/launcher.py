"""Entry point of the frozen build.

It changes nothing in the environment: in particular it never sets
QTWEBENGINE_DISABLE_SANDBOX, so the 3-D Secure pages run inside Chromium's
sandbox on users' machines. Only the smoke test, which may run as root, turns
it off.
"""

import sys

from msp_desk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
