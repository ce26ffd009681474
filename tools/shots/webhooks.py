"""The Webhooks screen: a website's settings, a failing and a passing endpoint check, a signature."""

from __future__ import annotations

import json
import time
from pathlib import Path

from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow
from msp_desk.webhooks.sample import sample_body, sample_order_id
from msp_desk.webhooks.signature import sign
from shots._drive import grab, wait_until


def shoot(window: MainWindow, context: AppContext, out: Path) -> None:
    server = context.sandbox.ensure_running()
    site = server.sites[0]
    window.show_area("webhooks")
    page = window.area_widget("webhooks")
    tab = page.site_tab  # type: ignore[attr-defined]
    wait_until(lambda: tab.site is not None)

    form = tab.form
    for name, text in (
        ("name", "Webshop NL (sandbox)"),
        ("url", "https://webshop.example"),
        ("notification_url", server.receiver_url()),
        ("support_email", "support@webshop.example"),
        ("support_phone", "+31 20 123 4567"),
        ("price_from", "1.00"),
        ("price_till", "2500.00"),
    ):
        form.edits[name].setText(text)
    tab.revalidate()
    tab.save()
    wait_until(lambda: not page.busy and tab.feedback.text().startswith("Saved"))
    grab(window, out / "webhooks-site.png")

    doctor = page.doctor_tab  # type: ignore[attr-defined]
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    server.engine.receiver.set_mode(site.site_id, "http-500")
    doctor.run()
    wait_until(lambda: doctor.report is not None)
    grab(window, out / "webhooks-doctor-failing.png")

    server.engine.receiver.set_mode(site.site_id, "ok")
    doctor.run()
    wait_until(lambda: doctor.report is not None)
    grab(window, out / "webhooks-doctor-passing.png")

    checker = page.signature_tab  # type: ignore[attr-defined]
    page.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
    timestamp = int(time.time()) - 42
    signed = sample_body(sample_order_id(timestamp), timestamp)
    # What a framework hands a handler after parsing and re-encoding: spaces, escaped non-ASCII.
    reencoded = json.dumps(json.loads(signed))
    checker.body_edit.setPlainText(reencoded)
    checker.auth_edit.setText(sign(site.api_key, timestamp, signed))
    checker.auth_edit.setCursorPosition(0)
    checker.verify()
    wait_until(lambda: checker.verdict.text().startswith("Signature"))
    grab(window, out / "webhooks-signature.png")
