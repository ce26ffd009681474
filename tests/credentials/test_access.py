"""Which URL, key and client a profile uses; the built-in sandbox; unreadable profiles files."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from msp_desk.api.environments import Environment
from msp_desk.credentials.access import (
    BUILTIN_SANDBOX_ID,
    MissingApiKey,
    ProfileAccess,
    UnknownProfile,
    builtin_sandbox_profile,
    open_store,
)
from msp_desk.credentials.profiles import KeyStorage, Profile, ProfileStore
from msp_desk.sandbox.embedded import EmbeddedSandbox

KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"


class _NoSandbox:
    def address(self) -> tuple[str, str]:
        raise AssertionError("a Test or Live profile must not start the sandbox")


def test_test_and_live_profiles_use_multisafepays_hosts_and_their_keyring_key(store: ProfileStore) -> None:
    live = store.add(Profile(name="Shop Live", environment=Environment.LIVE), KEY)
    test = store.add(Profile(name="Shop Test", environment=Environment.TEST), KEY[::-1])
    access = ProfileAccess(store, _NoSandbox())
    with httpx.Client() as http:
        live_client = access.client_for(http, live)
        test_client = access.client_for(http, test)
    assert live_client.base_url == "https://api.multisafepay.com/v1/json/"
    assert live_client.environment is Environment.LIVE
    assert test_client.base_url == "https://testapi.multisafepay.com/v1/json/"
    assert access.api_key_for(test) == KEY[::-1]


def test_the_builtin_profile_uses_the_running_sandbox_and_its_own_key(tmp_path: Path) -> None:
    sandbox = EmbeddedSandbox(tmp_path / "sandbox.sqlite3")
    try:
        access = ProfileAccess(ProfileStore(), sandbox)
        builtin = builtin_sandbox_profile()
        assert access.active() == builtin
        assert builtin.id == BUILTIN_SANDBOX_ID
        with httpx.Client() as http:
            client = access.client_for(http, builtin)
            assert client.me().data.site_id == sandbox.ensure_running().sites[0].site_id
        assert client.base_url == sandbox.base_url
    finally:
        sandbox.stop()
    assert not sandbox.running


def test_profiles_are_found_by_name_in_any_case_and_an_unknown_name_lists_the_others(
    store: ProfileStore,
) -> None:
    shop = store.add(Profile(name="Shop Test", environment=Environment.TEST), KEY)
    access = ProfileAccess(store, _NoSandbox())
    assert access.find("shop test") == shop
    assert access.find(None) == builtin_sandbox_profile()
    assert access.find("local SANDBOX") == builtin_sandbox_profile()
    with pytest.raises(UnknownProfile, match="“Local sandbox”, “Shop Test”"):
        access.find("Shop Live")


def test_a_session_key_lost_with_a_restart_is_reported_not_guessed(store: ProfileStore) -> None:
    profile = store.add(
        Profile(name="Kiosk", environment=Environment.TEST, key_storage=KeyStorage.SESSION_ONLY), KEY
    )
    restarted = ProfileAccess(ProfileStore(path=store.path), _NoSandbox())
    with pytest.raises(MissingApiKey, match="enter it again"):
        restarted.api_key_for(profile)
    with httpx.Client() as http:
        client = restarted.client_for(http, profile, api_key=KEY)
    assert client.environment is Environment.TEST


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"profiles": [{"name": 3}]}', b"\xff\xfe{\x00", b'{"active": "caf\xe9"}'],
    ids=["broken-json", "wrong-shape", "utf16", "latin1"],
)
def test_an_unreadable_profiles_file_is_set_aside_under_a_name_of_its_own(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "profiles.json"
    path.write_bytes(content)
    store, warning = open_store(path)
    assert store.list() == []
    assert warning is not None
    assert "kept as" in warning
    path.write_bytes(content)
    _, second = open_store(path)
    kept = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("profiles.json.unreadable"))
    assert len(kept) == 2, kept
    assert all((tmp_path / name).read_bytes() == content for name in kept)
    assert second is not None
    assert kept[1] in second
