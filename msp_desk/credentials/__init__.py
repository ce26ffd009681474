"""Connection profiles and their API keys (keyring-backed), no Qt."""

from msp_desk.api.masking import mask_key
from msp_desk.credentials.connection_check import ConnectionCheck, check_connection, with_identity
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
    "mask_key",
    "validate_profile_form",
    "with_identity",
]
