"""ProfileStore: non-secret fields in profiles.json, keys in the keyring under the profile id."""

from __future__ import annotations

import json
import logging
import stat
import uuid
from pathlib import Path

import keyring.backends.fail
import pytest

from msp_desk.api.environments import Environment
from msp_desk.core import paths
from msp_desk.credentials.profiles import (
    DuplicateProfileName,
    KeyStorage,
    Profile,
    ProfileNotFound,
    ProfilesFileError,
    ProfileStore,
)
from msp_desk.credentials.secrets import KeyringState, SecretStorageUnavailable, SecretStore
from tests.credentials.conftest import LockedKeyring
from tests.helpers.memory_keyring import InMemoryKeyring

KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"
OTHER_KEY = "0123456789abcdef0123456789abcdef01234567"


def profile(name: str = "Shop test", environment: Environment = Environment.TEST) -> Profile:
    return Profile(
        name=name,
        environment=environment,
        notification_url="https://example.com/hook",
        notification_method="GET",
    )


def profiles_file() -> Path:
    return paths.config_dir() / "profiles.json"


def test_add_keeps_key_in_keyring_and_the_rest_in_the_file(
    store: ProfileStore, memory_keyring: InMemoryKeyring
) -> None:
    added = store.add(profile(), KEY)

    assert uuid.UUID(added.id)
    assert memory_keyring.entries == {("msp-desk", added.id): KEY}
    document = json.loads(profiles_file().read_text())
    assert document["active"] is None, "adding never switches the app to the new profile"
    assert document["profiles"] == [
        {
            "id": added.id,
            "name": "Shop test",
            "environment": "test",
            "site_id": None,
            "account_id": None,
            "notification_url": "https://example.com/hook",
            "notification_method": "GET",
            "key_storage": "keyring",
        }
    ]
    assert KEY not in profiles_file().read_text()
    assert stat.S_IMODE(profiles_file().stat().st_mode) == 0o600
    assert store.api_key(added.id) == KEY
    assert store.active() is None


def test_everything_survives_a_restart(store: ProfileStore) -> None:
    first = store.add(profile("One"), KEY)
    second = store.add(profile("Two", Environment.LIVE), OTHER_KEY)
    store.set_active(second.id)

    reopened = ProfileStore()
    assert [p.name for p in reopened.list()] == ["One", "Two"]
    assert reopened.active() == second
    assert reopened.get(first.id).environment is Environment.TEST
    assert reopened.api_key(second.id) == OTHER_KEY


def test_rename_keeps_id_and_key(store: ProfileStore, memory_keyring: InMemoryKeyring) -> None:
    added = store.add(profile("Old name"), KEY)
    renamed = store.rename(added.id, "  New name ")
    assert renamed.id == added.id
    assert renamed.name == "New name"
    assert store.api_key(added.id) == KEY
    assert list(memory_keyring.entries) == [("msp-desk", added.id)]
    assert ProfileStore().get(added.id).name == "New name"


def test_names_are_unique_ignoring_case(store: ProfileStore) -> None:
    store.add(profile("Shop"), KEY)
    other = store.add(profile("Other"), OTHER_KEY)
    with pytest.raises(DuplicateProfileName):
        store.add(profile("SHOP"), KEY)
    with pytest.raises(DuplicateProfileName):
        store.rename(other.id, "shop")
    assert [p.name for p in store.list()] == ["Shop", "Other"]


def test_delete_removes_the_keyring_entry(store: ProfileStore, memory_keyring: InMemoryKeyring) -> None:
    added = store.add(profile(), KEY)
    store.delete(added.id)
    assert memory_keyring.entries == {}
    assert store.list() == []
    assert store.active() is None
    with pytest.raises(ProfileNotFound):
        store.get(added.id)
    assert ProfileStore().list() == []


def test_update_changes_non_secret_fields(store: ProfileStore) -> None:
    added = store.add(profile(), KEY)
    changed = added.model_copy(
        update={"site_id": 12345, "account_id": 12345678, "notification_method": "POST"}
    )
    store.update(changed)
    assert ProfileStore().get(added.id) == changed


def test_set_api_key_replaces_the_key(store: ProfileStore, memory_keyring: InMemoryKeyring) -> None:
    added = store.add(profile(), KEY)
    store.set_api_key(added.id, OTHER_KEY)
    assert memory_keyring.entries == {("msp-desk", added.id): OTHER_KEY}


def test_failing_keyring_leaves_no_half_made_profile() -> None:
    store = ProfileStore(SecretStore(LockedKeyring()))
    with pytest.raises(SecretStorageUnavailable) as caught:
        store.add(profile(), KEY)
    assert caught.value.status.state is KeyringState.LOCKED_OR_REFUSED
    assert store.list() == []
    assert not profiles_file().exists()


def test_no_keyring_then_session_only_profile() -> None:
    secrets = SecretStore(keyring.backends.fail.Keyring())
    store = ProfileStore(secrets)
    assert secrets.status().state is KeyringState.NO_BACKEND
    with pytest.raises(SecretStorageUnavailable):
        store.add(profile(), KEY)

    # The user chose "this session only".
    added = store.add(profile().model_copy(update={"key_storage": KeyStorage.SESSION_ONLY}), KEY)
    assert store.api_key(added.id) == KEY
    assert KEY not in profiles_file().read_text()
    assert json.loads(profiles_file().read_text())["profiles"][0]["key_storage"] == "session_only"

    # After a restart the profile is there but its key has to be entered again.
    restarted = ProfileStore(SecretStore(keyring.backends.fail.Keyring()))
    assert restarted.get(added.id).key_storage is KeyStorage.SESSION_ONLY
    assert restarted.api_key(added.id) is None
    restarted.delete(added.id)
    assert restarted.list() == []


def test_session_only_key_moves_into_the_keyring_once_one_works(
    store: ProfileStore, memory_keyring: InMemoryKeyring
) -> None:
    added = store.add(profile().model_copy(update={"key_storage": KeyStorage.SESSION_ONLY}), KEY)
    assert memory_keyring.entries == {}
    moved = store.set_api_key(added.id, KEY, KeyStorage.KEYRING)
    assert moved.key_storage is KeyStorage.KEYRING
    assert memory_keyring.entries == {("msp-desk", added.id): KEY}
    assert not store.secrets.is_session_only(added.id)
    back = store.set_api_key(added.id, KEY, KeyStorage.SESSION_ONLY)
    assert back.key_storage is KeyStorage.SESSION_ONLY
    assert memory_keyring.entries == {}
    assert store.api_key(added.id) == KEY


def test_writes_are_atomic_and_leave_no_temporary_files(store: ProfileStore) -> None:
    for n in range(5):
        store.add(profile(f"P{n}"), KEY)
    assert sorted(p.name for p in paths.config_dir().iterdir()) == ["profiles.json"]


def test_unreadable_file_is_reported_and_left_alone() -> None:
    profiles_file().write_text("{ not json")
    with pytest.raises(ProfilesFileError):
        ProfileStore()
    assert profiles_file().read_text() == "{ not json"


def test_invalid_keys_and_unknown_profiles(store: ProfileStore) -> None:
    with pytest.raises(ValueError, match="whitespace"):
        store.add(profile(), "abc def")
    with pytest.raises(ProfileNotFound):
        store.api_key(str(uuid.uuid4()))
    with pytest.raises(ProfileNotFound):
        store.set_active(str(uuid.uuid4()))


def test_no_key_in_logs_file_or_errors(
    store: ProfileStore, caplog: pytest.LogCaptureFixture, memory_keyring: InMemoryKeyring
) -> None:
    caplog.set_level(logging.DEBUG)
    added = store.add(profile(), KEY)
    store.rename(added.id, "Renamed")
    store.set_api_key(added.id, OTHER_KEY)
    locked = ProfileStore(SecretStore(LockedKeyring()))
    messages: list[str] = []
    for call in (lambda: locked.add(profile("X"), KEY), lambda: store.add(profile("Renamed"), KEY)):
        with pytest.raises(Exception) as caught:  # noqa: PT011 - any failure type; its text is what matters
            call()
        messages.extend([str(caught.value), repr(caught.value)])
    store.delete(added.id)
    seen = "\n".join([caplog.text, profiles_file().read_text(), *messages, repr(store), repr(added)])
    assert caplog.records
    assert KEY not in seen
    assert OTHER_KEY not in seen
