"""Keyring backends that fail in the ways real ones do.

They are plain classes on purpose: any subclass of keyring's KeyringBackend
registers itself, and keyring's chainer would then use it in every later
test, including those against the real Secret Service.
"""

from __future__ import annotations

import keyring.errors
import pytest

from msp_desk.credentials.profiles import ProfileStore


class _RaisingKeyring:
    error: type[Exception] = keyring.errors.KeyringError

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error("refused")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error("refused")

    def delete_password(self, service: str, username: str) -> None:
        raise self.error("refused")


class LockedKeyring(_RaisingKeyring):
    error = keyring.errors.KeyringLocked


class UnopenableKeyring(_RaisingKeyring):
    error = keyring.errors.InitError


class RefusingKeyring(_RaisingKeyring):
    error = keyring.errors.KeyringError


class PlaintextKeyring:
    """Stands in for keyrings.alt's file backend: same module and class name, keeps keys in a dict."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


PlaintextKeyring.__module__ = "keyrings.alt.file"


@pytest.fixture
def store() -> ProfileStore:
    return ProfileStore()
