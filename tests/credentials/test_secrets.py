"""How SecretStore reports each keyring situation, and that it never falls back silently."""

from __future__ import annotations

import keyring.backends.fail
import keyring.backends.null
import pytest

from msp_desk.credentials.secrets import KeyringState, SecretStorageUnavailable, SecretStore
from tests.credentials.conftest import LockedKeyring, PlaintextKeyring, RefusingKeyring, UnopenableKeyring
from tests.helpers.memory_keyring import InMemoryKeyring

KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"


def test_working_keyring_round_trip(memory_keyring: InMemoryKeyring) -> None:
    secrets = SecretStore()
    status = secrets.status()
    assert status.state is KeyringState.WORKING
    assert status.working
    secrets.store("profile-1", KEY)
    assert memory_keyring.entries == {("msp-desk", "profile-1"): KEY}
    assert secrets.get("profile-1") == KEY
    secrets.delete("profile-1")
    assert memory_keyring.entries == {}
    assert secrets.get("profile-1") is None
    secrets.delete("profile-1")  # deleting what is not there is fine


def test_no_backend_is_reported_and_nothing_is_stored() -> None:
    secrets = SecretStore(keyring.backends.fail.Keyring())
    status = secrets.status()
    assert status.state is KeyringState.NO_BACKEND
    assert "No keyring was found" in status.explanation
    assert status.backend == "keyring.backends.fail.Keyring"
    with pytest.raises(SecretStorageUnavailable) as caught:
        secrets.store("profile-1", KEY)
    assert caught.value.status.state is KeyringState.NO_BACKEND
    assert KEY not in str(caught.value)
    assert not secrets.is_session_only("profile-1")


def test_session_only_key_lives_in_memory_only() -> None:
    secrets = SecretStore(keyring.backends.fail.Keyring())
    secrets.keep_for_session("profile-1", KEY)
    assert secrets.is_session_only("profile-1")
    assert secrets.get("profile-1") == KEY
    assert KEY not in repr(secrets)
    secrets.forget_session("profile-1")
    assert secrets.session_value("profile-1") is None


def test_null_backend_counts_as_no_backend() -> None:
    status = SecretStore(keyring.backends.null.Keyring()).status()
    assert status.state is KeyringState.NO_BACKEND
    assert "switched off" in status.explanation


def test_plaintext_backend_is_refused_even_though_it_would_work() -> None:
    plaintext = PlaintextKeyring()
    secrets = SecretStore(plaintext)
    status = secrets.status()
    assert status.state is KeyringState.NO_BACKEND
    assert "keyrings.alt" in status.explanation
    with pytest.raises(SecretStorageUnavailable):
        secrets.store("profile-1", KEY)
    assert plaintext.entries == {}


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (LockedKeyring(), "locked"),
        (UnopenableKeyring(), "could not be opened"),
        (RefusingKeyring(), "refused"),
    ],
)
def test_locked_or_refusing_keyring(backend: object, words: str) -> None:
    secrets = SecretStore(backend)
    status = secrets.status()
    assert status.state is KeyringState.LOCKED_OR_REFUSED
    assert words in status.explanation
    for call in (lambda: secrets.store("p", KEY), lambda: secrets.get("p"), lambda: secrets.delete("p")):
        with pytest.raises(SecretStorageUnavailable) as caught:
            call()
        assert caught.value.status.state is KeyringState.LOCKED_OR_REFUSED
        assert KEY not in str(caught.value)


def test_storing_in_the_keyring_ends_session_only(memory_keyring: InMemoryKeyring) -> None:
    secrets = SecretStore()
    secrets.keep_for_session("p", "old-session-key")
    secrets.store("p", KEY)
    assert not secrets.is_session_only("p")
    assert secrets.get("p") == KEY


class ChainerBackend:
    """Shaped like keyring's chainer: it tries each of ``backends`` in turn."""

    def __init__(self, *backends: object) -> None:
        self.backends = list(backends)


def test_plaintext_backend_anywhere_in_a_chain_is_refused(memory_keyring: InMemoryKeyring) -> None:
    status = SecretStore(ChainerBackend(memory_keyring, PlaintextKeyring())).status()
    assert status.state is KeyringState.NO_BACKEND
    assert "keyrings.alt.file.PlaintextKeyring" in status.explanation
