"""The profile form as a person typed it: the light half of the form rules, importable at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from msp_desk.api.environments import Environment


@dataclass(frozen=True)
class ProfileFormValues:
    name: str
    environment: Environment
    api_key: str  # as typed, without surrounding spaces; empty means "keep the stored key"
    session_only: bool
    notification_url: str
    notification_method: str
