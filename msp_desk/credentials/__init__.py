"""Connection profiles and their API keys (keyring-backed), no Qt.

Names are imported on first use, so importing a light module such as
``msp_desk.api.environments`` does not pull in httpx at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from msp_desk.core.redaction import mask_key
    from msp_desk.credentials.connection import (
        ConnectionCheck,
        check_connection,
        client_for_profile,
        with_identity,
    )
    from msp_desk.credentials.profiles import (
        DuplicateProfileName,
        KeyStorage,
        Profile,
        ProfileNotFound,
        ProfilesFileError,
        ProfileStore,
    )
    from msp_desk.credentials.secrets import (
        SERVICE,
        KeyringState,
        KeyringStatus,
        SecretStorageUnavailable,
        SecretStore,
    )
    from msp_desk.credentials.validation import FormCheck, check_api_key, validate_profile_form

_MODULE_OF = {
    "mask_key": "msp_desk.core.redaction",
    "ConnectionCheck": "msp_desk.credentials.connection",
    "check_connection": "msp_desk.credentials.connection",
    "client_for_profile": "msp_desk.credentials.connection",
    "with_identity": "msp_desk.credentials.connection",
    "DuplicateProfileName": "msp_desk.credentials.profiles",
    "KeyStorage": "msp_desk.credentials.profiles",
    "Profile": "msp_desk.credentials.profiles",
    "ProfileNotFound": "msp_desk.credentials.profiles",
    "ProfilesFileError": "msp_desk.credentials.profiles",
    "ProfileStore": "msp_desk.credentials.profiles",
    "SERVICE": "msp_desk.credentials.secrets",
    "KeyringState": "msp_desk.credentials.secrets",
    "KeyringStatus": "msp_desk.credentials.secrets",
    "SecretStorageUnavailable": "msp_desk.credentials.secrets",
    "SecretStore": "msp_desk.credentials.secrets",
    "FormCheck": "msp_desk.credentials.validation",
    "check_api_key": "msp_desk.credentials.validation",
    "validate_profile_form": "msp_desk.credentials.validation",
}

__all__ = [
    "SERVICE",
    "ConnectionCheck",
    "DuplicateProfileName",
    "FormCheck",
    "KeyStorage",
    "KeyringState",
    "KeyringStatus",
    "Profile",
    "ProfileNotFound",
    "ProfileStore",
    "ProfilesFileError",
    "SecretStorageUnavailable",
    "SecretStore",
    "check_api_key",
    "check_connection",
    "client_for_profile",
    "mask_key",
    "validate_profile_form",
    "with_identity",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
