"""API keys in the operating system's keyring, with an honest account of when that fails.

Every keyring call is wrapped: a missing backend, a locked or refusing
keyring, and plaintext backends are reported as a ``KeyringStatus`` that the
UI can show. Nothing falls back silently; keeping a key in memory for this
run only is a separate, explicit choice (``keep_for_session``).

Keyring calls can block on an unlock prompt, so callers run them off the UI
thread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import Enum
from typing import Any

import keyring
import keyring.errors

log = logging.getLogger(__name__)

SERVICE = "msp-desk"
_PROBE_USER = "msp-desk-probe"

# Backends that store secrets in a file readable by anyone who can read the
# file, or not at all. keyrings.alt installs some of these with a priority
# high enough that keyring picks them silently when no real keyring exists.
_REFUSED_CLASS_NAMES = frozenset({"PlaintextKeyring", "EncryptedKeyring", "UncryptedFileKeyring"})


class KeyringState(Enum):
    WORKING = "working"
    NO_BACKEND = "no_backend"
    LOCKED_OR_REFUSED = "locked_or_refused"


@dataclass(frozen=True)
class KeyringStatus:
    state: KeyringState
    explanation: str
    backend: str

    @property
    def working(self) -> bool:
        return self.state is KeyringState.WORKING


class SecretStorageUnavailable(Exception):
    """The keyring could not store or read a key; ``status`` says why."""

    def __init__(self, status: KeyringStatus) -> None:
        super().__init__(status.explanation)
        self.status = status


def _backend_name(backend: Any) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _leaf_backends(backend: Any) -> list[Any]:
    # The chainer tries its backends in turn, so one plaintext backend in the
    # chain is enough for a key to end up in a file.
    inner = getattr(backend, "backends", None)
    if type(backend).__name__ == "ChainerBackend" and isinstance(inner, list | tuple):
        return [leaf for b in inner for leaf in _leaf_backends(b)]
    return [backend]


def _refusal(backend: Any) -> KeyringStatus | None:
    """A NO_BACKEND status if ``backend`` is missing, a no-op, or stores keys in plaintext."""
    name = _backend_name(backend)
    for leaf in _leaf_backends(backend):
        module = type(leaf).__module__
        cls = type(leaf).__name__
        if module.startswith("keyrings.alt") or cls in _REFUSED_CLASS_NAMES:
            return KeyringStatus(
                KeyringState.NO_BACKEND,
                f"The keyring backend {_backend_name(leaf)} keeps keys in a plain file; msp-desk "
                "refuses to use it. Uninstall keyrings.alt and use the desktop's keyring "
                "(GNOME Keyring, KWallet, macOS Keychain or Windows Credential Manager).",
                name,
            )
        if module == "keyring.backends.null":
            return KeyringStatus(
                KeyringState.NO_BACKEND,
                "Keyring storage is switched off (null backend), so keys cannot be saved.",
                name,
            )
        if module == "keyring.backends.fail":
            return KeyringStatus(
                KeyringState.NO_BACKEND,
                "No keyring was found on this computer (no Secret Service, KWallet, Keychain or "
                "Credential Manager), so keys cannot be saved.",
                name,
            )
    return None


def _status_for(exc: BaseException, backend: Any) -> KeyringStatus:
    name = _backend_name(backend)
    if isinstance(exc, keyring.errors.NoKeyringError):
        return KeyringStatus(KeyringState.NO_BACKEND, "No keyring is available on this computer.", name)
    if isinstance(exc, keyring.errors.KeyringLocked):
        explanation = "The keyring is locked. Unlock it (for example by logging in again) and retry."
    elif isinstance(exc, keyring.errors.InitError):
        explanation = (
            "The keyring could not be opened; it may be locked with no way to ask for the password "
            "(no unlock prompt available)."
        )
    elif isinstance(exc, keyring.errors.KeyringError):
        explanation = f"The keyring refused the request ({type(exc).__name__})."
    else:
        # Backends surface D-Bus and OS errors of their own; only the type is
        # reported because their text is not under our control.
        explanation = f"The keyring failed ({type(exc).__name__})."
    return KeyringStatus(KeyringState.LOCKED_OR_REFUSED, explanation, name)


class SecretStore:
    """Keys by user name (the profile id) under the service ``msp-desk``.

    ``backend`` defaults to whatever ``keyring`` selects at the time of each
    call. Keys kept for the session live only in this object's memory.
    """

    def __init__(self, backend: Any | None = None, service: str = SERVICE) -> None:
        self._backend = backend
        self.service = service
        self._session: dict[str, str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SecretStore(service={self.service!r}, session_keys={len(self._session)})"

    @property
    def backend(self) -> Any:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def status(self) -> KeyringStatus:
        """Try the keyring once; this may prompt to unlock it."""
        backend = self.backend
        refused = _refusal(backend)
        if refused is not None:
            return refused
        try:
            backend.get_password(self.service, _PROBE_USER)
        except Exception as exc:
            return _status_for(exc, backend)
        return KeyringStatus(
            KeyringState.WORKING, "Keys are kept in the system keyring.", _backend_name(backend)
        )

    # --- keyring ------------------------------------------------------------

    def store(self, user: str, secret: str) -> None:
        """Save in the keyring; raises SecretStorageUnavailable instead of falling back."""
        backend = self._usable_backend()
        try:
            backend.set_password(self.service, user, secret)
        except Exception as exc:
            raise self._failure("saving", exc, backend) from None
        with self._lock:
            self._session.pop(user, None)

    def get(self, user: str) -> str | None:
        """The key for ``user``: from this session's memory if kept there, else the keyring."""
        session_value = self.session_value(user)
        if session_value is not None:
            return session_value
        backend = self._usable_backend()
        try:
            value = backend.get_password(self.service, user)
        except Exception as exc:
            raise self._failure("reading", exc, backend) from None
        return value if isinstance(value, str) else None

    def delete(self, user: str) -> None:
        """Forget the key everywhere; a key that was never stored is not an error."""
        self.forget_session(user)
        self.delete_from_keyring(user)

    def delete_from_keyring(self, user: str) -> None:
        backend = self._usable_backend()
        try:
            backend.delete_password(self.service, user)
        except keyring.errors.PasswordDeleteError:
            return
        except Exception as exc:
            raise self._failure("deleting", exc, backend) from None

    # --- this session only --------------------------------------------------

    def keep_for_session(self, user: str, secret: str) -> None:
        """Hold the key in memory until the app quits; it is never written anywhere."""
        with self._lock:
            self._session[user] = secret

    def forget_session(self, user: str) -> None:
        with self._lock:
            self._session.pop(user, None)

    def session_value(self, user: str) -> str | None:
        with self._lock:
            return self._session.get(user)

    def is_session_only(self, user: str) -> bool:
        with self._lock:
            return user in self._session

    # --- plumbing -----------------------------------------------------------

    def _usable_backend(self) -> Any:
        backend = self.backend
        refused = _refusal(backend)
        if refused is not None:
            raise SecretStorageUnavailable(refused)
        return backend

    def _failure(self, action: str, exc: BaseException, backend: Any) -> SecretStorageUnavailable:
        status = _status_for(exc, backend)
        log.warning("Keyring %s failed: %s (%s)", action, status.state.value, type(exc).__name__)
        return SecretStorageUnavailable(status)
