"""Types as a person would and reads back what a screen reader says of messages and values.

argv: the number of Down presses that choose the no-3-D-Secure test card in the scenario list.
"""

import sys

from driver import App, focus, focus_window, keys, press, report, type_text

downs = int(sys.argv[1])
heard = {}
app = App()
app.find("push button", "Send order", timeout=60)
focus_window()

# A field problem: an amount the rule refuses.
amount = app.find("text", "Amount")
focus(amount)
keys("ctrl+a", "BackSpace")
type_text("1e9")
heard["amount problem"] = app.text_of("label", "Amount problem", until=lambda said: said.startswith("⚠"))
focus(amount)
keys("ctrl+a", "BackSpace")
type_text("10.00")

# A test card chosen from the list with the keyboard (Tab from the description), then Ctrl+Enter.
focus(app.find("text", "Description"))
keys("Tab")
heard["focus after description"] = next(
    (n["labelled_by"] or [n["name"]])[0] for n in app.tree() if n["focused"] and n["role"] == "combo box"
)
keys(*["Down"] * downs)
heard["expected outcome"] = app.text_of(
    "label", "Expected outcome", until=lambda said: said.startswith("Expected")
)
keys("ctrl+Return")
heard["order status"] = app.text_of(
    "label", "Order status", timeout=60, until=lambda said: said == "Completed"
)
for value in ("Order ID", "Transaction ID", "Amount", "Financial status", "Reason", "Card", "3-D Secure"):
    heard[value] = app.text_of("label", value, until=lambda said: bool(said) and said != "—")
heard["order message"] = app.text_of("label", "Order message", until=lambda said: "Completed" in said)

# A connection failure: a Test profile with a key, tested while there is no network.
press(app.find("check box", "Profiles"))
name = app.find("text", "Name")
keys("ctrl+n")
focus(name)
type_text("Shop NL test")
focus(app.find("password text", "API key"))
type_text("4192937dffd72a34bcaef4e4f589beb74188d0fa")
keys("ctrl+t")
heard["connection result"] = app.text_of(
    "label", "Connection result", timeout=60, until=lambda said: said.startswith("⚠")
)
report(heard)
