"""Connection profiles: the non-secret part in profiles.json, the key in the keyring.

The file holds names, environments, site and account ids and webhook
defaults, plus which profile is active. The API key is stored under the
keyring service ``msp-desk`` with the profile's id as user name, and nowhere
else. Because the id never changes, renaming a profile keeps its key.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import uuid
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from msp_desk.api.environments import Environment
from msp_desk.api.request_models import NotificationMethod
from msp_desk.core import paths
from msp_desk.core.files import write_atomically
from msp_desk.credentials.secrets import SecretStorageUnavailable, SecretStore

log = logging.getLogger(__name__)

PROFILES_FILE = "profiles.json"
FORMAT_VERSION = 1


class KeyStorage(StrEnum):
    KEYRING = "keyring"
    # Chosen by the user when no keyring works: the key is asked for again after a restart.
    SESSION_ONLY = "session_only"


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    name: str = Field(min_length=1)
    environment: Environment
    site_id: int | None = None
    account_id: int | str | None = None
    notification_url: str | None = None
    notification_method: NotificationMethod = "POST"
    key_storage: KeyStorage = KeyStorage.KEYRING

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        return str(uuid.UUID(value))

    @field_validator("name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("name must not be empty")
        return value


class ProfileNotFound(KeyError):
    def __init__(self, profile_id: str) -> None:
        super().__init__(profile_id)
        self.profile_id = profile_id

    def __str__(self) -> str:
        return f"No profile with id {self.profile_id}"


class DuplicateProfileName(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"A profile named {name!r} already exists")
        self.name = name


class ProfilesFileError(Exception):
    """profiles.json exists but cannot be read; it is left untouched for the user to inspect."""


class _ProfilesFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int = FORMAT_VERSION
    active: str | None = None
    profiles: list[Profile] = Field(default_factory=list)


class ProfileStore:
    """Profiles and their keys. Safe to use from several threads."""

    def __init__(self, secrets: SecretStore | None = None, path: Path | None = None) -> None:
        self.secrets = secrets or SecretStore()
        self.path = path or self.default_path()
        self._lock = threading.RLock()
        self._data = self._load()

    @staticmethod
    def default_path() -> Path:
        return paths.config_dir() / PROFILES_FILE

    # --- reading ------------------------------------------------------------

    def list(self) -> list[Profile]:
        with self._lock:
            return list(self._data.profiles)

    def get(self, profile_id: str) -> Profile:
        with self._lock:
            for profile in self._data.profiles:
                if profile.id == profile_id:
                    return profile
        raise ProfileNotFound(profile_id)

    def active(self) -> Profile | None:
        with self._lock:
            if self._data.active is None:
                return None
            try:
                return self.get(self._data.active)
            except ProfileNotFound:
                return None

    def api_key(self, profile_id: str) -> str | None:
        """The profile's key, or None if none is stored (e.g. session-only after a restart).

        Raises SecretStorageUnavailable when the keyring cannot be read.
        """
        profile = self.get(profile_id)
        if profile.key_storage is KeyStorage.SESSION_ONLY:
            return self.secrets.session_value(profile_id)
        return self.secrets.get(profile_id)

    # --- changing -----------------------------------------------------------

    def add(self, profile: Profile, api_key: str) -> Profile:
        """Store the key first, then the profile, so a keyring failure leaves nothing half-made.

        With ``key_storage=SESSION_ONLY`` the key is only held in memory. Adding never
        makes the profile active: moving the app to another environment, perhaps
        Live, is always a person's explicit choice (``set_active``).
        """
        with self._lock:
            if any(p.id == profile.id for p in self._data.profiles):
                raise ValueError(f"A profile with id {profile.id} already exists")
            self._check_unique(profile.name, None)
            self._put_key(profile, api_key)
            self._data.profiles.append(profile)
            self._save()
        log.info("Added profile %s (%s)", profile.id, profile.environment.value)
        return profile

    def update(self, profile: Profile) -> Profile:
        """Replace the non-secret fields of an existing profile (matched by id)."""
        with self._lock:
            index = self._index(profile.id)
            self._check_unique(profile.name, profile.id)
            old = self._data.profiles[index]
            if old.key_storage is not profile.key_storage:
                raise ValueError("Use set_api_key to move a key between the keyring and this session")
            self._data.profiles[index] = profile
            self._save()
        return profile

    def rename(self, profile_id: str, name: str) -> Profile:
        return self.update(self.get(profile_id).model_copy(update={"name": name.strip()}))

    def set_api_key(self, profile_id: str, api_key: str, storage: KeyStorage | None = None) -> Profile:
        """Replace the key, optionally moving it between the keyring and session memory."""
        with self._lock:
            index = self._index(profile_id)
            profile = self._data.profiles[index]
            if storage is not None and storage is not profile.key_storage:
                profile = profile.model_copy(update={"key_storage": storage})
            self._put_key(profile, api_key)
            if profile.key_storage is KeyStorage.SESSION_ONLY:
                self._drop_keyring_copy(profile_id)
            self._data.profiles[index] = profile
            self._save()
        return profile

    def delete(self, profile_id: str) -> None:
        """Remove the profile and its key; the key goes first, so it never outlives its profile."""
        with self._lock:
            index = self._index(profile_id)
            profile = self._data.profiles[index]
            self.secrets.forget_session(profile_id)
            if profile.key_storage is KeyStorage.KEYRING:
                self.secrets.delete(profile_id)
            else:
                self._drop_keyring_copy(profile_id)
            del self._data.profiles[index]
            if self._data.active == profile_id:
                self._data.active = None
            self._save()
        log.info("Deleted profile %s", profile_id)

    def set_active(self, profile_id: str | None) -> None:
        with self._lock:
            if profile_id is not None:
                self._index(profile_id)
            self._data.active = profile_id
            self._save()

    # --- plumbing -----------------------------------------------------------

    def _put_key(self, profile: Profile, api_key: str) -> None:
        if not api_key or any(c.isspace() for c in api_key) or not api_key.isascii():
            raise ValueError("The API key is empty, contains whitespace or is not ASCII")
        if profile.key_storage is KeyStorage.SESSION_ONLY:
            self.secrets.keep_for_session(profile.id, api_key)
        else:
            self.secrets.store(profile.id, api_key)

    def _drop_keyring_copy(self, profile_id: str) -> None:
        # Best effort: when the keyring is unusable there is no copy to drop.
        with contextlib.suppress(SecretStorageUnavailable):
            self.secrets.delete_from_keyring(profile_id)

    def _index(self, profile_id: str) -> int:
        for index, profile in enumerate(self._data.profiles):
            if profile.id == profile_id:
                return index
        raise ProfileNotFound(profile_id)

    def _check_unique(self, name: str, own_id: str | None) -> None:
        wanted = name.strip().casefold()
        for other in self._data.profiles:
            if other.id != own_id and other.name.casefold() == wanted:
                raise DuplicateProfileName(name.strip())

    def _load(self) -> _ProfilesFile:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return _ProfilesFile()
        except OSError as exc:
            raise ProfilesFileError(f"Cannot read {self.path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise ProfilesFileError(f"{self.path} is not UTF-8 text") from exc
        try:
            return _ProfilesFile.model_validate(json.loads(text))
        except (ValueError, RecursionError) as exc:
            # JSONDecodeError and ValidationError are ValueErrors; so is a number too long for int().
            raise ProfilesFileError(f"{self.path} is not a valid profiles file") from exc

    def _save(self) -> None:
        document: dict[str, Any] = self._data.model_dump(mode="json")
        write_atomically(self.path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
