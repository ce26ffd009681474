"""Verifying a signature: the key is read in a job (the keyring may prompt), then the core explains.

A pasted key lives only in the password field and this job's closure: it is
never written anywhere, and every text that comes back is the core's report,
which shows at most the first 12 digits of each signature and never the key.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from msp_desk.ui.services.operations import Failure
    from msp_desk.ui.services.tasks import TaskContext
    from msp_desk.ui.webhooks.signature_tab import SignatureTab
    from msp_desk.webhooks.checker import SignatureReport


class VerifySignature:
    def __init__(self, tab: SignatureTab) -> None:
        self._tab = tab

    def start(self) -> None:
        tab = self._tab
        profiles = tab.context.profiles
        profile = tab.chosen_profile()
        pasted = tab.key_edit.text() if profile is None else ""
        body = tab.body()
        auth = tab.auth_edit.text()
        try:
            window = tab.age_window()
        except ValueError as error:
            tab.show_problem(str(error))
            return

        def job(ctx: TaskContext) -> SignatureReport | str:
            from msp_desk.webhooks.checker import SignatureCheckError, check_signature

            key = profiles.api_key_for(profile) if profile is not None else pasted
            try:
                return check_signature(body, auth, key, now=time.time(), window=window)
            except SignatureCheckError as error:
                return str(error)

        tab.verdict.show_hint("Verifying…")
        tab.reasons.clear_message()
        tab.ops.run(
            job, name="Verify a signature", lane="verify", on_success=self._done, on_failure=self._failed
        )
        tab.update_buttons()

    def _done(self, outcome: SignatureReport | str) -> None:
        if isinstance(outcome, str):
            self._tab.show_problem(outcome)
        else:
            self._tab.show_report(outcome)

    def _failed(self, failure: Failure) -> None:
        self._tab.show_problem(f"The signature could not be checked: {failure.message}")
