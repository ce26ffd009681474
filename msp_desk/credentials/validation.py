"""Checks for the profile form, so the screen only has to show the results."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from msp_desk.api.environments import Environment
from msp_desk.core.order_ids import invalid_character
from msp_desk.core.redaction import mask_key
from msp_desk.credentials.form_values import ProfileFormValues
from msp_desk.credentials.profiles import KeyStorage, Profile
from msp_desk.webhooks.url_rules import Level, check_notification_url

if TYPE_CHECKING:
    from msp_desk.credentials.connection import ConnectionCheck

KEY_LENGTH = 40

__all__ = [
    "KEY_LENGTH",
    "FormCheck",
    "ProfileFormValues",
    "changes_profile",
    "check_api_key",
    "check_default_notification_url",
    "check_profile_form",
    "mask_key",
    "validate_profile_form",
]


@dataclass
class FormCheck:
    """Per-field problems: ``errors`` block saving, ``warnings`` only inform."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_api_key(api_key: str) -> tuple[str | None, str | None]:
    """(error, warning) for a key as typed; surrounding whitespace is ignored.

    MultiSafepay keys are 40 characters (sandbox keys are 40 hex digits), but
    any other non-empty key without whitespace is accepted with a warning, in
    case the format changes.
    """
    key = api_key.strip()
    if not key:
        return "Enter the website's API key.", None
    if any(c.isspace() for c in key):
        return "An API key contains no spaces or line breaks.", None
    if not key.isascii():
        # Never the character itself: it is part of a secret.
        position = next(i for i, c in enumerate(key, 1) if not c.isascii())
        return (
            f"An API key has only the letters A–Z, a–z and digits; character {position} is not one of them.",
            None,
        )
    if len(key) != KEY_LENGTH:
        return None, f"MultiSafepay API keys are {KEY_LENGTH} characters; this one has {len(key)}."
    if not key.isalnum():
        return None, "MultiSafepay API keys are letters and digits only."
    return None, None


def validate_profile_form(
    *,
    name: str,
    api_key: str | None,
    existing: Iterable[Profile],
    editing_id: str | None = None,
    environment: Environment | None = None,
    notification_url: str | None = None,
) -> FormCheck:
    """Check a profile form. ``api_key`` None means "unchanged" when editing."""
    check = FormCheck()
    wanted = name.strip()
    if not wanted:
        check.errors["name"] = "Give the profile a name."
    elif invalid_character(wanted) is not None:
        check.errors["name"] = _not_text(invalid_character(wanted))
    elif any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in wanted):
        check.errors["name"] = "A profile name has no line breaks, tabs or other control characters."
    elif any(p.id != editing_id and p.name.casefold() == wanted.casefold() for p in existing):
        check.errors["name"] = f"There is already a profile named “{wanted}”."

    if api_key is not None or editing_id is None:
        error, warning = check_api_key(api_key or "")
        if error:
            check.errors["api_key"] = error
        elif warning:
            check.warnings["api_key"] = warning

    if environment is None:
        check.errors["environment"] = "Choose Sandbox, Test or Live."

    url = (notification_url or "").strip()
    if url and invalid_character(url) is not None:
        check.errors["notification_url"] = _not_text(invalid_character(url))
    elif url:
        _check_notification_url(check, url, sandbox=environment is Environment.SANDBOX)
    return check


def _not_text(position: int | None) -> str:
    # A lone surrogate, pasted from another program: it cannot be written to the profiles file.
    return f"Character {position} is not valid text; type it again."


def check_default_notification_url(url: str, *, environment: Environment) -> FormCheck:
    """A profile's default notification URL alone, by the same rule as the whole profile form."""
    check = FormCheck()
    if url.strip():
        _check_notification_url(check, url.strip(), sandbox=environment is Environment.SANDBOX)
    return check


def check_profile_form(
    values: ProfileFormValues,
    *,
    saved: Profile | None,
    existing: Iterable[Profile],
    key_missing: bool = False,
    keyring_missing: bool = False,
) -> FormCheck:
    """Everything that stops the form from being saved, field by field.

    ``key_missing``: the stored profile's key is gone (a session-only key after a
    restart). ``keyring_missing``: no keyring can store a key, so only a
    session-only key can be saved.
    """
    writes_key = saved is None or bool(values.api_key) or key_missing
    check = validate_profile_form(
        name=values.name,
        api_key=values.api_key if writes_key else None,
        existing=existing,
        editing_id=saved.id if saved else None,
        environment=values.environment,
        notification_url=values.notification_url,
    )
    if key_missing and not values.api_key:
        check.errors["api_key"] = (
            "This profile's key was kept for an earlier session only; enter it again to use the profile."
        )
    if keyring_missing and not values.session_only and writes_key and "api_key" not in check.errors:
        check.errors["api_key"] = (
            "No system keyring can store this key. Tick “Keep the key for this session only” "
            "to use it until msp-desk closes."
        )
    return check


def changes_profile(
    values: ProfileFormValues, saved: Profile | None, learned: ConnectionCheck | None
) -> bool:
    """True when the form holds something that saving would store."""
    if saved is None:
        return bool(values.name or values.api_key or values.notification_url)
    learned_changed = learned is not None and (
        learned.account_id != saved.account_id
        or (isinstance(learned.site_id, int) and learned.site_id != saved.site_id)
    )
    return (
        values.name != saved.name
        or values.environment is not saved.environment
        or bool(values.api_key)
        or values.session_only != (saved.key_storage is KeyStorage.SESSION_ONLY)
        or (values.notification_url or None) != saved.notification_url
        or values.notification_method != saved.notification_method
        or learned_changed
    )


# Only these block saving: an order cannot carry such a URL at all. MultiSafepay's delivery
# rules (https, no port, characters, a public host) only warn, because support staff often
# save a merchant's URL precisely to show why deliveries to it fail.
_BLOCKING_RULES = frozenset({"web-address", "length"})


def _check_notification_url(check: FormCheck, url: str, *, sandbox: bool) -> None:
    failures = check_notification_url(url, sandbox=sandbox)
    blocking = [f for f in failures if f.rule in _BLOCKING_RULES and f.level is Level.ERROR]
    if blocking:
        check.errors["notification_url"] = blocking[0].message
    elif failures:
        # The form shows one line per field: the most serious problem, in rule order.
        worst = min(failures, key=lambda f: list(Level).index(f.level))
        check.warnings["notification_url"] = worst.message
