"""The order screen: the form with a test card, the 3-D Secure challenge, and the result."""

from __future__ import annotations

from pathlib import Path

from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow
from shots._drive import grab, settle, wait_until


def shoot(window: MainWindow, context: AppContext, out: Path) -> None:
    window.show_area("orders")
    orders = window.area_widget("orders")
    form = orders.form  # type: ignore[attr-defined]
    form.scenario.setCurrentIndex(1)
    form._apply_scenario(1)
    form.fields["email"].setText("shopper@example.com")
    grab(window, out / "order-form.png")

    orders.send()  # type: ignore[attr-defined]
    wait_until(lambda: orders.browser is not None and orders.tabs.currentIndex() == 1)  # type: ignore[attr-defined]
    page = orders.browser.page  # type: ignore[attr-defined]
    loaded: list[bool] = []
    wait_until(lambda: any(hop.path.endswith("/acs") for hop in orders.browser.hops))  # type: ignore[attr-defined]

    def probe() -> None:
        page.runJavaScript("!!document.getElementById('auth-Y')", 0, lambda ok: loaded.append(bool(ok)))

    while not any(loaded):
        probe()
        settle(0.3)
    grab(window, out / "three-d-secure.png")

    page.runJavaScript("document.getElementById('auth-Y').click()", 0)
    wait_until(lambda: orders.result.status.text().startswith("Completed"))  # type: ignore[attr-defined]
    grab(window, out / "order-result.png")
