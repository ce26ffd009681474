"""Running the endpoint doctor in a job: each step reported as it starts and ends, stoppable at any moment.

The doctor stops through its own cancel token, which also shuts down a socket
it is waiting on; the job's cancellation calls it, so Stop, a newer check and
closing the app all end the check at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.webhooks.doctor_tab import DoctorTab
    from msp_desk.webhooks.doctor import DoctorOptions
    from msp_desk.webhooks.report import DoctorReport


@dataclass(frozen=True)
class Unsigned:
    """The profile's key could not be read, so the sample POST goes unsigned; ``reason`` says why."""

    reason: str


@dataclass(frozen=True)
class Started:
    step: str


class RunDoctor:
    def __init__(self, tab: DoctorTab) -> None:
        self._tab = tab

    def start(self, profile: Profile, url: str, options: DoctorOptions) -> None:
        tab = self._tab
        profiles = tab.context.profiles

        def job(ctx: TaskContext) -> DoctorReport:
            from msp_desk.api.errors import MspError
            from msp_desk.credentials.access import MissingApiKey
            from msp_desk.credentials.secrets import SecretStorageUnavailable
            from msp_desk.webhooks.doctor import EndpointDoctor

            key: str | None = None
            try:
                # The profile's key is the website's key: it signs the sample as MultiSafepay would.
                key = profiles.api_key_for(profile)
            except (MissingApiKey, SecretStorageUnavailable, MspError, OSError) as error:
                reason = (
                    error.status.explanation if isinstance(error, SecretStorageUnavailable) else str(error)
                )
                ctx.report(Unsigned(reason))
            doctor = EndpointDoctor(url, api_key=key, options=options)
            del key
            ctx.report(doctor.setup)
            # Stop reaches a socket the doctor waits on at once, not after a poll.
            ctx.on_cancel(doctor.cancel)
            return doctor.run(on_start=lambda step, _title: ctx.report(Started(step)), on_result=ctx.report)

        tab.begin(url)
        tab.ops.run(
            job,
            name="Check the webhook endpoint",
            lane="doctor",
            on_success=tab.finish,
            on_failure=tab.fail,
            on_progress=tab.progress,
            on_cancelled=tab.stopped,
        )
        tab.update_buttons()
