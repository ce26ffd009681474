"""Opens screens, then reports the whole accessibility tree (role, name, labels, states).

argv: ``AREA|ROLE|NAME`` for each screen to open, with a control that shows it is built.
"""

import sys

from driver import App, focus_window, press, report

app = App()
app.find("push button", "Send order", timeout=60)
focus_window()
for spec in sys.argv[1:]:
    area, role, name = spec.split("|")
    press(app.find("check box", area))
    app.find(role, name)
report(app.tree())
