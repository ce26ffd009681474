"""``msp-desk --self-check``: one real 3-D Secure card payment, start to finish, on this machine.

An installed build can start and paint its window yet still lack what a
payment needs: the sandbox's web stack, the API client's models,
QtWebEngineProcess and its resources, or keyring's backends. This check pays
an order with the 3-D Secure test card against the embedded sandbox, through
the same client and the same embedded browser as the app, and clicks
"Authenticated (Y)" on the sandbox's ACS page. Nothing leaves the machine:
the sandbox listens on loopback and keeps its state in memory, and the browser
profile is off the record.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import secrets
import sys
import threading
from importlib import metadata
from typing import TYPE_CHECKING

from msp_desk import APP_NAME

# Everything else is imported inside the check, so that a module missing from
# a build is reported as a failed check rather than as a traceback.
if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWidgets import QApplication

    from msp_desk.api.client import MspClient
    from msp_desk.ui.orders.threeds_view import ThreeDSecureView

log = logging.getLogger(__name__)

PREFIX = f"{APP_NAME} self-check"
TIMEOUT_SECONDS = 60.0
THREE_DS_CARD = "4111111111111111"
_CLICK_AUTHENTICATED = (
    "(function () { var button = document.getElementById('auth-Y');"
    " if (!button) { return false; } button.click(); return true; })()"
)


class SelfCheckFailed(Exception):
    """A check failed; the message says which and why, in one line."""


def _fail_after_timeout() -> None:
    # A hung page or a stuck render process never returns to the event loop,
    # so the deadline has to be enforced from outside it.
    print(f"{PREFIX}: FAILED (no result within {TIMEOUT_SECONDS:.0f} s)", file=sys.stderr, flush=True)
    os._exit(1)


def _keyring_backend() -> str:
    """Which backend keyring picks here; fails only if this build cannot reach any Secret Service."""
    import keyring

    # keyring finds even its own backends through package metadata, which a
    # frozen build drops unless it is collected explicitly.
    names = {entry.name for entry in metadata.entry_points(group="keyring.backends")}
    if "SecretService" not in names:
        raise SelfCheckFailed("keyring's backend list is missing from this build (no package metadata)")
    try:
        importlib.import_module("secretstorage")
    except ImportError as exc:
        raise SelfCheckFailed(f"keyring cannot reach a Secret Service: {exc}") from None
    # Picking the backend talks to D-Bus but never reads a secret, so it cannot prompt to unlock.
    backend = keyring.get_keyring()
    leaves = getattr(backend, "backends", None) or [backend]
    return ", ".join(f"{type(leaf).__module__}.{type(leaf).__qualname__}" for leaf in leaves)


def _refuse_root_with_sandbox() -> None:
    # Chromium exits the whole process with a one-line log message in this
    # case, before any signal could report it.
    sandbox_off = os.environ.get("QTWEBENGINE_DISABLE_SANDBOX") or "--no-sandbox" in os.environ.get(
        "QTWEBENGINE_CHROMIUM_FLAGS", ""
    )
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not sandbox_off:
        raise SelfCheckFailed(
            "running as root, where QtWebEngine refuses to start with its sandbox on; run it as a "
            "normal user, or set QTWEBENGINE_DISABLE_SANDBOX=1 in a throwaway container"
        )


def _expiry() -> str:
    year = dt.date.today().year + 3
    return f"{year % 100:02d}12"


class _Flow:
    """Drives the page: click on the ACS page, then check the order once the flow returns."""

    def __init__(
        self, app: QApplication, view: ThreeDSecureView, check_order: _OrderCheck, acs_path: str
    ) -> None:
        self._app = app
        self._acs_path = acs_path
        self._view = view
        self._check_order = check_order
        self._clicked = False
        self.result: str | None = None
        view.page.loadFinished.connect(self._on_load_finished)
        view.page.renderProcessTerminated.connect(self._on_render_process_terminated)
        view.finished.connect(self._on_finished)

    def _on_load_finished(self, ok: bool) -> None:
        if self.result is not None:
            return
        url = self._view.page.url()
        where = f"{url.scheme()}://{url.authority()}{url.path()}"
        if self._clicked:
            # The return to the shop is stopped before it loads and reported
            # through ``finished``; a page that loads (or fails) instead means
            # the flow went somewhere else.
            self._stop(f"after 'Authenticated (Y)' the flow stopped at {where} instead of the redirect URL")
        elif not ok:
            self._stop(f"the page {where} did not load")
        elif url.path() == self._acs_path:
            self._clicked = True
            self._view.page.runJavaScript(_CLICK_AUTHENTICATED, 0, self._on_clicked)

    def _on_clicked(self, found: object) -> None:
        if found is not True:
            self._stop("the ACS page has no 'Authenticated (Y)' button")

    def _on_render_process_terminated(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, exit_code: int
    ) -> None:
        self._stop(f"QtWebEngine's render process ended ({status.name}, exit code {exit_code})")

    def _on_finished(self, outcome: str, url: str) -> None:
        if outcome != "redirect":
            self._stop(f"3-D Secure ended on the {outcome} URL instead of the redirect URL")
            return
        try:
            self._check_order()
        except SelfCheckFailed as exc:
            self._stop(str(exc))
            return
        self._stop(None)

    def _stop(self, failure: str | None) -> None:
        if self.result is not None:
            return
        self.result = failure or ""
        self._app.exit(0 if failure is None else 1)


class _OrderCheck:
    def __init__(self, client: MspClient, order_id: str) -> None:
        self._client = client
        self.order_id = order_id

    def __call__(self) -> None:
        from msp_desk.api.errors import MspError

        try:
            order = self._client.get_order(self.order_id).data
        except MspError as exc:
            raise SelfCheckFailed(f"looking up the order failed: {exc}") from None
        if order.status != "completed":
            raise SelfCheckFailed(f"the order is {order.status!r} after 3-D Secure, not 'completed'")


def _pay(app: QApplication, root_url: str, base_url: str, api_key: str) -> None:
    import shiboken6
    from pydantic import SecretStr

    from msp_desk.api.client import MspClient
    from msp_desk.api.errors import MspError
    from msp_desk.api.http import make_http_client
    from msp_desk.api.request_models import CardGatewayInfo, DirectCardOrder, PaymentOptions
    from msp_desk.sandbox.threeds import ACS_PATH
    from msp_desk.ui.orders.threeds_view import ThreeDSecureView

    order_id = f"self-check-{secrets.token_hex(6)}"
    redirect_url = f"{root_url}/self-check/paid"
    cancel_url = f"{root_url}/self-check/cancelled"
    order = DirectCardOrder(
        order_id=order_id,
        currency="EUR",
        amount=100,
        description=f"{APP_NAME} self-check",
        gateway_info=CardGatewayInfo(
            card_number=SecretStr(THREE_DS_CARD),
            card_holder_name="Self Check",
            card_expiry_date=_expiry(),
            card_cvc=SecretStr("123"),
        ),
        payment_options=PaymentOptions(redirect_url=redirect_url, cancel_url=cancel_url),
    )
    with make_http_client() as http:
        client = MspClient(http, base_url, api_key)
        try:
            created = client.create_direct_card_order(order).data
        except MspError as exc:
            raise SelfCheckFailed(f"creating the order failed: {exc}") from None
        verification = created.customer_verification
        if verification is None or not verification.html:
            raise SelfCheckFailed(f"the order is {created.status!r} and asks for no 3-D Secure step")

        view = ThreeDSecureView()
        try:
            view.resize(900, 600)
            view.show()
            flow = _Flow(app, view, _OrderCheck(client, order_id), ACS_PATH)
            view.start_form(verification.html, root_url + "/", redirect_url, cancel_url)
            app.exec()
        finally:
            view.dispose()
            shiboken6.delete(view)
    if flow.result:
        raise SelfCheckFailed(flow.result)


def _application_arguments() -> list[str]:
    argv = sys.argv[:1]
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        # No GPU behind the offscreen platform: Chromium's software path avoids GL context errors.
        argv += ["--webEngineArgs", "--disable-gpu"]
    return argv


def run_self_check() -> int:
    """Print one ``ok`` line and return 0, or print why it failed and return 1."""
    watchdog = threading.Timer(TIMEOUT_SECONDS, _fail_after_timeout)
    watchdog.daemon = True
    watchdog.start()
    log_path = "(none)"
    try:
        from msp_desk.core.logs import setup_logging
        from msp_desk.sandbox.server import SandboxServer
        from msp_desk.ui.app import create_application

        log_path = str(setup_logging(logging.INFO))
        backend = _keyring_backend()
        print(f"{PREFIX}: keyring backend {backend}", flush=True)
        _refuse_root_with_sandbox()
        api_key = secrets.token_hex(20)
        app = create_application(_application_arguments())
        with SandboxServer(api_keys=[api_key]) as sandbox:
            _pay(app, sandbox.root_url, sandbox.base_url, api_key)
    except SelfCheckFailed as exc:
        log.error("Self-check failed: %s", exc)
        reason = str(exc)
    except Exception as exc:
        log.exception("Self-check failed")
        reason = f"{type(exc).__name__}: {exc}"
    else:
        print(f"{PREFIX}: ok (3-D Secure completed)", flush=True)
        return 0
    finally:
        watchdog.cancel()
    print(f"{PREFIX}: FAILED ({reason}); log file {log_path}", file=sys.stderr, flush=True)
    return 1
