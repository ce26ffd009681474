"""Profiles against a real Secret Service (gnome-keyring in a private D-Bus session).

tools/run-tests starts one and sets MSP_DESK_SECRET_SERVICE=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from msp_desk.api.environments import Environment
from msp_desk.credentials.profiles import Profile, ProfileStore
from msp_desk.credentials.secrets import KeyringState, SecretStore

KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"

# The secret_service marker makes tests/conftest.py skip these outside tools/run-tests,
# and fail them in CI, where a missing Secret Service must never pass unnoticed.
pytestmark = pytest.mark.secret_service


@pytest.fixture(autouse=True)
def _secret_tool() -> None:
    if shutil.which("secret-tool") is None:
        if os.environ.get("CI"):
            pytest.fail("secret-tool (libsecret-tools) is missing on the CI machine")
        pytest.skip("secret-tool (libsecret-tools) missing")


def secret_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["secret-tool", *args], capture_output=True, text=True, timeout=30, check=False)


def test_profile_key_lives_in_the_secret_service_until_deleted() -> None:
    secrets = SecretStore()
    assert secrets.status().state is KeyringState.WORKING, secrets.status().explanation
    store = ProfileStore(secrets)

    added = store.add(Profile(name="Real keyring", environment=Environment.TEST), KEY)
    assert ProfileStore(SecretStore()).api_key(added.id) == KEY
    looked_up = secret_tool("lookup", "service", "msp-desk", "username", added.id)
    assert looked_up.stdout.strip() == KEY

    store.rename(added.id, "Renamed")
    assert store.api_key(added.id) == KEY
    assert secret_tool("lookup", "service", "msp-desk", "username", added.id).stdout.strip() == KEY

    store.delete(added.id)
    assert secret_tool("lookup", "service", "msp-desk", "username", added.id).stdout == ""
    search = secret_tool("search", "--all", "service", "msp-desk", "username", added.id)
    assert added.id not in search.stdout + search.stderr
    assert SecretStore().get(added.id) is None
