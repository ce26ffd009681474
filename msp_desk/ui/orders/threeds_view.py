"""The embedded browser that runs a 3D Secure challenge.

Importing this module loads QtWebEngine, so the order screen imports it only
when a response asks for customer verification. The page lives in its own
off-the-record profile (memory cache, no persistent cookies, no downloads, no
``file:`` access) that is thrown away with the view. When the flow reaches the
order's redirect or cancel URL the navigation is stopped: the merchant's page is
never loaded, and ``finished`` says which of the two it was.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineDownloadRequest,
    QWebEngineLoadingInfo,
    QWebEngineNavigationRequest,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QListWidget, QSplitter, QVBoxLayout, QWidget

from msp_desk.core.verification_trace import Hop, same_endpoint

log = logging.getLogger(__name__)

_FRAME_TYPES = {
    QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame,
    QWebEngineUrlRequestInfo.ResourceType.ResourceTypeSubFrame,
}


class _FrameRequestWatch(QWebEngineUrlRequestInterceptor):
    """Sees every frame request before it leaves the browser (Qt 6 calls it on the UI thread).

    It records each hop. It also blocks the merchant's return pages, as a second
    line behind the page's navigation hook, which is what reliably stops a
    server redirect from being followed.
    """

    def __init__(self, owner: ThreeDSecureView) -> None:
        super().__init__(owner)
        self._owner = owner

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        if info.resourceType() not in _FRAME_TYPES:
            return
        method = bytes(info.requestMethod().data()).decode("ascii", "replace")
        url = info.requestUrl().toString()
        if url.startswith("file:") or self._owner.return_outcome(url):
            info.block(True)
        self._owner.request_seen.emit(method, url)


class _ChallengePage(QWebEnginePage):
    """The challenge page: no pop-up windows, and the page's own dialogs kept out of the app.

    An ACS page that calls ``alert`` or ``confirm`` would otherwise open a dialog
    that looks like msp-desk's own; here it is answered (cancel, for a question)
    and written into the 3-D Secure steps instead, where support staff can read it.
    """

    def __init__(self, profile: QWebEngineProfile, owner: ThreeDSecureView) -> None:
        super().__init__(profile, profile)
        self._owner = owner

    def createWindow(self, kind: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # type: ignore[override]
        self._owner.note_page_event("the page tried to open a new window; it was blocked")
        return None

    def javaScriptAlert(self, origin: QUrl | str, message: str) -> None:
        self._owner.note_page_event(f"page alert (not shown): {message}")

    def javaScriptConfirm(self, origin: QUrl | str, message: str) -> bool:
        self._owner.note_page_event(f"page question (answered Cancel): {message}")
        return False

    def javaScriptPrompt(self, origin: QUrl | str, message: str, default: str) -> tuple[bool, str]:
        self._owner.note_page_event(f"page prompt (answered Cancel): {message}")
        return False, ""


class ThreeDSecureView(QWidget):
    """Web view plus the list of hops; ``finished(outcome, url)`` ends the flow."""

    finished = Signal(str, str)
    request_seen = Signal(str, str)

    def __init__(
        self, parent: QWidget | None = None, *, user_agent: str | None = None, language: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("threeDSecureView")
        self.hops: list[Hop] = []
        self._done = False
        self._disposed = False

        # A profile without a storage name is off-the-record: nothing reaches the disk.
        self._profile = QWebEngineProfile()
        self._profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self._profile.setPersistentCookiesPolicy(
            QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
        )
        self._profile.downloadRequested.connect(self._refuse_download)
        # The order told 3-D Secure which browser would show the challenge: be that browser.
        if user_agent:
            self._profile.setHttpUserAgent(user_agent)
        if language:
            self._profile.setHttpAcceptLanguage(language)
        self._watch = _FrameRequestWatch(self)
        self._profile.setUrlRequestInterceptor(self._watch)
        self.request_seen.connect(self._on_request)
        self._returns: dict[str, str] = {}

        self._page = _ChallengePage(self._profile, self)
        self._page.navigationRequested.connect(self._on_navigation)
        settings = self._page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.PluginsEnabled, False)
        self._page.loadingChanged.connect(self._on_loading)

        self.view = QWebEngineView(self)
        self.view.setObjectName("threeDSecurePage")
        self.view.setAccessibleName("3-D Secure page")
        self.view.setPage(self._page)

        self.trace = QListWidget(self)
        self.trace.setWordWrap(True)
        self.trace.setObjectName("threeDSecureTrace")
        self.trace.setAccessibleName("3-D Secure steps")
        trace_label = QLabel("3-D Secure steps", self)
        trace_label.setBuddy(self.trace)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(trace_label)
        side_layout.addWidget(self.trace)

        splitter = QSplitter(self)
        splitter.addWidget(self.view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 240])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    @property
    def page(self) -> QWebEnginePage:
        return self._page

    def start_form(self, html: str, base_url: str, redirect_url: str, cancel_url: str) -> None:
        """Render the ``customer_verification.html`` form; it submits itself to the ACS."""
        self._arm(redirect_url, cancel_url)
        self._page.setHtml(html, QUrl(base_url))

    def start_url(self, payment_url: str, redirect_url: str, cancel_url: str) -> None:
        """Open ``payment_url`` instead of the form (MultiSafepay's recommended route)."""
        self._arm(redirect_url, cancel_url)
        self._page.load(QUrl(payment_url))

    def dispose(self) -> None:
        """Pages must go before their profile, or QtWebEngine may crash at exit."""
        if self._disposed:
            return
        self._disposed = True
        self.view.setPage(None)  # type: ignore[arg-type]
        self._profile.setUrlRequestInterceptor(None)  # type: ignore[arg-type]
        shiboken6.delete(self._page)
        shiboken6.delete(self._profile)

    def return_outcome(self, url: str) -> str | None:
        """ "redirect" or "cancel" when ``url`` is one of the order's return pages."""
        for outcome, target in self._returns.items():
            if target and same_endpoint(url, target):
                return outcome
        return None

    # -- internals -------------------------------------------------------------

    def _arm(self, redirect_url: str, cancel_url: str) -> None:
        self._done = False
        self.hops.clear()
        self.trace.clear()
        self._returns = {"redirect": redirect_url, "cancel": cancel_url}

    def note_page_event(self, text: str) -> None:
        """Something the page did that is not a navigation, kept with the steps."""
        log.info("3-D Secure page: %s", text)
        url = self._page.url().toString() if not self._disposed else ""
        self._add_hop(Hop.from_url("PAGE", url or "about:blank", text))

    def _add_hop(self, hop: Hop) -> None:
        self.hops.append(hop)
        self.trace.addItem(str(hop))

    def _last_request(self) -> int | None:
        """Index of the newest navigation step (page events sit between them)."""
        for index in range(len(self.hops) - 1, -1, -1):
            if self.hops[index].method != "PAGE":
                return index
        return None

    def _set_status(self, index: int, status: str) -> None:
        self.hops[index].status = status
        self.trace.item(index).setText(str(self.hops[index]))

    def _mark_redirected(self) -> None:
        """A new frame request before the last one finished loading: it redirected."""
        index = self._last_request()
        if index is not None and self.hops[index].status == "requested":
            self._set_status(index, "redirected")

    def _on_navigation(self, request: QWebEngineNavigationRequest) -> None:
        # Refusing here, before the browser follows a redirect, keeps the
        # merchant's page from ever being requested.
        url = request.url().toString()
        outcome = self.return_outcome(url)
        if url.startswith("file:") or outcome:
            request.reject()
        if outcome:
            self._on_return(outcome, url)

    def _on_request(self, method: str, url: str) -> None:
        if url.startswith("data:") or self._done:
            return
        outcome = self.return_outcome(url)
        if outcome:
            self._on_return(outcome, url)
            return
        self._mark_redirected()
        self._add_hop(Hop.from_url(method, url))

    def _on_loading(self, info: QWebEngineLoadingInfo) -> None:
        index = self._last_request()
        if self._done or index is None or info.status() == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus:
            return
        if info.status() == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
            self._set_status(index, "loaded")
        elif info.errorDomain() == QWebEngineLoadingInfo.ErrorDomain.HttpStatusCodeDomain:
            self._set_status(index, f"HTTP {info.errorCode()}")
        elif info.status() == QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus:
            self._set_status(index, f"failed: {info.errorString()}")

    def _on_return(self, outcome: str, url: str) -> None:
        if self._done:
            return
        self._done = True
        self._mark_redirected()
        label = "back to the shop" if outcome == "redirect" else "cancelled by the shopper"
        self._add_hop(Hop.from_url("GET", url, f"intercepted, not loaded ({label})"))
        log.info("3-D Secure flow ended: %s", outcome)
        # Receivers usually throw this view away; doing that inside the browser's own
        # navigation callback crashes Chromium, so they hear of it once the callback is done.
        QTimer.singleShot(0, lambda: self.finished.emit(outcome, url))

    def _refuse_download(self, download: QWebEngineDownloadRequest) -> None:
        download.cancel()
