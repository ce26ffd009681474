"""What AT-SPI (Orca, UI automation on Linux) finds in the running app, on a virtual X screen."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def _missing() -> str | None:
    if not sys.platform.startswith("linux"):
        return "AT-SPI is Linux's"
    for tool in ("Xvfb", "dbus-run-session"):
        if shutil.which(tool) is None:
            return f"{tool} is missing"
    probe = subprocess.run(["/usr/bin/python3", "-c", "import pyatspi"], capture_output=True, check=False)
    if probe.returncode != 0:
        return "python3-pyatspi is missing"
    return None


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the AT-SPI test: {reason}")
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("atspi-home")
    result = subprocess.run(
        [
            "dbus-run-session",
            "--",
            str(HERE / "atspi_session.sh"),
            sys.executable,
            str(home),
            str(HERE / "atspi_probe.py"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:] + (home / "app.log").read_text()[-2000:]
    # pyatspi prints a greeting of its own first; the tree is the last line.
    nodes: list[dict[str, object]] = json.loads(result.stdout.strip().splitlines()[-1])
    return nodes


def _readable(node: dict[str, object]) -> str:
    """What a person reads for the control: its own name, else the label that names it."""
    labels = node["labelled_by"]
    assert isinstance(labels, list)
    return str(node["name"] or (labels[0] if labels else ""))


CONTROLS = {"text", "password text", "combo box", "push button", "check box", "list", "page tab"}


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("text", "Order ID"),
        ("text", "Amount"),
        ("combo box", "Currency"),
        ("combo box", "Test scenario"),
        ("text", "Card number"),
        ("text", "Expiry (MM/YY)"),
        ("password text", "CVC"),
        ("text", "Notification URL"),
        ("push button", "Send order"),
        ("page tab", "3-D Secure"),
        ("check box", "New order"),
        ("check box", "Profiles"),
        ("password text", "API key"),
        ("push button", "Test connection"),
        ("list", "Profiles"),
    ],
)
def test_controls_are_found_by_what_is_on_screen(tree: list[dict[str, object]], role: str, name: str) -> None:
    matches = [n for n in tree if n["role"] == role and name in {n["name"], *n["labelled_by"]}]  # type: ignore[misc]
    assert matches, f"no {role} called {name!r}"


def test_every_showing_control_has_a_readable_name(tree: list[dict[str, object]]) -> None:
    showing = [n for n in tree if n["role"] in CONTROLS and n["showing"]]
    assert len(showing) > 25
    nameless = [n for n in showing if not _readable(n).strip()]
    assert not nameless, nameless


def test_combo_boxes_are_labelled_by_their_visible_label(tree: list[dict[str, object]]) -> None:
    # On Linux Qt names a combo box by its current text and points at its label
    # through a labelled-by relation, which is how Orca announces it.
    combos = [n for n in tree if n["role"] == "combo box" and n["showing"]]
    assert combos
    assert all(n["labelled_by"] for n in combos), [n for n in combos if not n["labelled_by"]]
