"""Drives msp-desk on a virtual X screen as a person with a screen reader does.

Runs under the system Python with Debian's python3-pyatspi, not the project's
virtualenv. It finds controls by role and by the words a screen reader
speaks, types and presses keys with xdotool (real X key events), and reads
back names, descriptions and states over AT-SPI, as Orca would.
"""

import contextlib
import json
import subprocess
import sys
import time

import pyatspi

APP = "msp-desk"


def describe(node):
    labelled_by = []
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            labelled_by += [relation.getTarget(i).name for i in range(relation.getNTargets())]
    state = node.getState()
    return {
        "role": node.getRoleName(),
        "name": node.name,
        "description": node.description,
        "labelled_by": labelled_by,
        "showing": state.contains(pyatspi.STATE_SHOWING),
        "focused": state.contains(pyatspi.STATE_FOCUSED),
    }


class App:
    def __init__(self, timeout=60):
        self.root = wait_for(self._find_app, timeout, "the application on the accessibility bus")

    @staticmethod
    def _find_app():
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            child = desktop.getChildAtIndex(index)
            if child is not None and child.name == APP:
                return child
        return None

    def nodes(self):
        found = []

        def walk(node):
            # A widget can go away while it is being read; the rest of the tree still counts.
            with contextlib.suppress(Exception):
                found.append(node)
                for index in range(node.childCount):
                    walk(node.getChildAtIndex(index))

        walk(self.root)
        return found

    def tree(self):
        out = []
        for node in self.nodes():
            with contextlib.suppress(Exception):
                out.append(describe(node))
        return out

    def find(self, role, name=None, *, description=None, showing=True, timeout=30, starts=False):
        """The first node of ``role`` called ``name`` (its own name or its label's), waiting for it."""

        def match():
            for node in self.nodes():
                with contextlib.suppress(Exception):
                    info = describe(node)
                    if info["role"] != role or (showing and not info["showing"]):
                        continue
                    names = [info["name"], *info["labelled_by"]]
                    if name is not None and not any(
                        (n or "").startswith(name) if starts else n == name for n in names
                    ):
                        continue
                    if description is not None and info["description"] != description:
                        continue
                    return node
            return None

        what = f"{role} {name!r}" + (f" ({description})" if description else "")
        return wait_for(match, timeout, what)

    def text_of(self, role, description, timeout=30, until=None):
        """What a screen reader says for the label described as ``description``; waits for ``until``."""

        last = []

        def read():
            node = self.find(role, description=description, timeout=timeout)
            said = node.name
            last[:] = [said]
            return said if until is None or until(said) else None

        try:
            return wait_for(read, timeout, f"{description} to say what is expected")
        except TimeoutError as error:
            raise TimeoutError(f"{error}; it said {last[0] if last else 'nothing'!r}") from None


def value(node):
    """The text in an input field, as a screen reader reads it out."""
    text = node.queryText()
    return text.getText(0, text.characterCount)


def wait_for(probe, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(Exception):
            found = probe()
            if found:
                return found
        time.sleep(0.2)
    raise TimeoutError(f"gave up waiting for {what}")


def focus(node):
    """Give ``node`` the keyboard focus, as a click would."""
    node.queryComponent().grabFocus()
    time.sleep(0.2)


def press(node):
    """Activate a button, tab or navigation entry through its "Press" action, as Orca does."""
    action = node.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    action.doAction(names.index("Press") if "Press" in names else 0)
    time.sleep(0.2)


def press_named(app, role, name, timeout=30):
    """Find the control and press it; a control rebuilt meanwhile is looked up again."""

    def attempt():
        press(app.find(role, name, timeout=timeout))
        return True

    return wait_for(attempt, timeout, f"to press {role} {name!r}")


def keys(*names):
    """Real key presses, e.g. keys("ctrl+a", "BackSpace")."""
    subprocess.run(["xdotool", "key", "--delay", "30", *names], check=True)
    time.sleep(0.2)


def type_text(text):
    subprocess.run(["xdotool", "type", "--delay", "15", text], check=True)
    time.sleep(0.2)


def focus_window():
    """Put X's keyboard focus on the app's window (there is no window manager to do it)."""
    window = subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", APP],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()[0]
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
    time.sleep(0.3)


def report(result):
    """The scenario's findings as the last line of output, for the test to read."""
    print(json.dumps(result), flush=True)
    sys.exit(0)
