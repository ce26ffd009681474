"""Every screen, used with the keyboard and heard through AT-SPI: what a screen-reader user meets.

argv: the number of Down presses that choose the no-3-D-Secure test card in the scenario list.
"""

import sys

from driver import App, focus, focus_window, keys, press_named, report, type_text, value, wait_for

downs = int(sys.argv[1])
heard = {}
app = App()
app.find("push button", "Send order", timeout=60)
focus_window()

# An order to look at later: the no-3-D-Secure test card, sent with Ctrl+Enter once the form
# offers the sandbox's own receiver as its notification URL (the sandbox starts in the background).
webhook = app.find("text", "Notification URL")
wait_for(lambda: "/_sandbox/receiver/" in value(webhook), 60, "the receiver's URL in the order form")
focus(app.find("text", "Description"))
keys("Tab", *["Down"] * downs, "ctrl+Return")
order_id = app.text_of("label", "Order ID", timeout=60, until=lambda said: said.startswith("msp-"))

# Order lookup: an order that does not exist, then the one just paid.
press_named(app, "check box", "Order lookup")
field = app.find("text", "Order ID")
focus(field)
type_text("no-such-order-1")
keys("Return")
heard["lookup unknown"] = app.text_of("label", "Lookup result", until=lambda said: said.startswith("⚠"))
focus(field)
keys("ctrl+a", "BackSpace")
type_text(order_id)
keys("Return")
heard["lookup known"] = app.text_of("label", "Lookup result", until=lambda said: order_id in said)
heard["lookup amount"] = app.text_of("label", "Amount", until=lambda said: "EUR" in said)
heard["lookup card"] = app.text_of("label", "Card", until=lambda said: "3335" in said)

# History: the order is there, found as you type.
press_named(app, "check box", "History")
heard["history count"] = app.text_of(
    "label", "How many orders match", until=lambda said: any(c.isdigit() for c in said)
)

# Bulk lookup: two ids pasted, looked up with Ctrl+Enter, the outcome heard.
press_named(app, "check box", "Bulk lookup")
focus(app.find("text", "Order ids"))
type_text(f"{order_id}, no-such-order-2")
heard["bulk ids"] = app.text_of("label", "Order ids to look up", until=lambda said: "2" in said)
keys("ctrl+Return")
heard["bulk counts"] = app.text_of("label", "Count per status", timeout=60, until=lambda said: "1" in said)
heard["bulk progress"] = app.text_of(
    "label", "Lookup progress", timeout=60, until=lambda said: "left" not in said or "0 left" in said
)

# Inbox: what the receiver's answer makes MultiSafepay do, what arrived, and where it listens.
press_named(app, "check box", "Inbox")
heard["inbox mode"] = app.text_of("label", "What this answer makes MultiSafepay do", until=bool)
heard["inbox counts"] = app.text_of(
    "label",
    "How many notifications are listed",
    until=lambda said: any(c.isdigit() and c != "0" for c in said),
)
inbox_url = app.text_of(
    "label",
    "Inbox URL: an order's notification URL that lands here",
    until=lambda said: said.startswith("http"),
)

# Webhooks: the website's settings, then the endpoint doctor on the inbox's URL.
press_named(app, "check box", "Webhooks")
heard["webhooks site"] = app.text_of("label", "Website", timeout=60, until=lambda said: "site" in said)
press_named(app, "page tab", "Endpoint doctor")
focus(app.find("text", "Notification URL to check"))
keys("ctrl+a", "BackSpace")
type_text(inbox_url)
keys("ctrl+Return")
heard["doctor verdict"] = app.text_of(
    "label", "Check result", timeout=60, until=lambda said: "Result" in said
)
report(heard)
