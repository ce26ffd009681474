"""The questions before a refund or a cancel: amount, currency, order and site, LIVE in red for Live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.ui.widgets.dialogs import confirm, confirm_live

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from msp_desk.credentials.profiles import Profile


def site_of(profile: Profile) -> str:
    if profile.site_id is not None:
        return f"site {profile.site_id}"
    if profile.environment.value == "sandbox":
        return "the local sandbox's website"
    return "this profile's website"


def ask(
    parent: QWidget, profile: Profile, *, verb: str, question: str, details: str, name: str, no: str
) -> bool:
    """``question`` names what happens; Live says LIVE, in red, with Cancel as the default answer."""
    where = f"{site_of(profile)} ({profile.name})"
    if profile.environment.value == "live":
        return confirm_live(
            parent,
            title=f"{verb} in LIVE?",
            question=f"{question} on {where} in the LIVE environment?",
            action=verb,
            details=details,
        )
    environment = profile.environment.value.capitalize()
    return confirm(
        parent,
        f"{verb}?",
        f"{question} on {where}, {environment}?\n\n{details}",
        yes=verb,
        no=no,
        name=name,
    )
