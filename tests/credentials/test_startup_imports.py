"""The profile store and environments load without httpx, which is slow to import."""

from __future__ import annotations

import subprocess
import sys


def test_profiles_and_environments_do_not_import_httpx() -> None:
    code = (
        "import sys\n"
        "from msp_desk.credentials.profiles import ProfileStore\n"
        "from msp_desk.credentials.secrets import SecretStore\n"
        "from msp_desk.credentials.validation import validate_profile_form\n"
        "from msp_desk.api.environments import Environment, base_url_for\n"
        "print('httpx' in sys.modules, any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["False", "False"]
