"""Test connection: GET /me with the form's key and environment; the answer fills Site and Account ID."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.api.environments import Environment
from msp_desk.ui.profiles.keyring import keyring_status_of
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.credentials.connection import ConnectionCheck
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.profiles.page import ProfilesPage
    from msp_desk.ui.services.operations import Failure, Operation


class TestConnection:
    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, page: ProfilesPage) -> None:
        self._page = page

    def start(self) -> None:
        page = self._page
        values = page.form.values()
        saved = page.saved
        builtin = page.is_builtin_shown()
        key = values.api_key
        environment = values.environment
        profiles = page.profiles
        context = page.context
        # Only an answer for the stored key and environment describes the stored profile.
        persist_id = (
            saved.id
            if saved is not None and not builtin and not key and environment is saved.environment
            else None
        )

        def job(ctx: TaskContext) -> tuple[ConnectionCheck, Profile | None]:
            from msp_desk.api.environments import base_url_for
            from msp_desk.credentials.connection import check_connection, with_identity
            from msp_desk.credentials.profiles import ProfileNotFound

            if builtin and saved is not None:
                # The key and URL client_for would use, but with check_connection's single quick try.
                base_url, api_key = profiles.base_url_for(saved), profiles.api_key_for(saved)
            else:
                api_key = key or (profiles.api_key_for(saved) if saved is not None else "")
                sandbox_url = context.sandbox.address()[0] if environment is Environment.SANDBOX else None
                base_url = base_url_for(environment, sandbox_url)
            result = check_connection(context.http, base_url, api_key, environment=environment)
            updated = None
            if persist_id is not None:
                store = profiles.store
                try:
                    updated = store.update(with_identity(store.get(persist_id), result))
                except ProfileNotFound:
                    updated = None
            return result, updated

        page.form.show_result("Testing the connection…", busy=True)
        operation: Operation = page.ops.run(
            job,
            name="Test connection",
            lane="test",
            keep=True,
            on_success=lambda result: self._tested(operation, *result),
            on_failure=lambda failure: self._failed(operation, failure),
        )
        page.update_buttons()

    def _tested(self, operation: Operation, check: ConnectionCheck, updated: Profile | None) -> None:
        page = self._page
        if updated is not None:
            if page.saved is not None and page.saved.id == updated.id:
                page.saved = updated
            page.profiles.notify_changed()
        if not operation.moved_on:
            page.learned = check
            page.form.set_identity(check.site_id, check.account_id)

            def shown(value: object) -> str:
                return "unknown" if value is None else str(value)

            page.form.show_result(
                f"Site {shown(check.site_id)} · Account {shown(check.account_id)} · role: {shown(check.role)}"
            )
        page.revalidate()

    def _failed(self, operation: Operation, failure: Failure) -> None:
        page = self._page
        status = keyring_status_of(failure.error)
        if status is not None:
            page.apply_keyring_status(status)
        if not operation.moved_on:
            page.form.show_result(failure.message, error=True)
        page.update_buttons()
