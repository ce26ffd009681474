"""What a screen reader finds and hears in the running app, on a virtual X screen, driven by keystrokes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from msp_desk.core.test_cards import TEST_CARDS

HERE = Path(__file__).parent


def _missing() -> str | None:
    if not sys.platform.startswith("linux"):
        return "AT-SPI is Linux's"
    for tool in ("Xvfb", "dbus-run-session", "xdotool"):
        if shutil.which(tool) is None:
            return f"{tool} is missing"
    probe = subprocess.run(["/usr/bin/python3", "-c", "import pyatspi"], capture_output=True, check=False)
    if probe.returncode != 0:
        return "python3-pyatspi is missing"
    return None


def run_scenario(home: Path, scenario: str, *args: str) -> object:
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the AT-SPI tests: {reason}")
        pytest.skip(reason)
    result = subprocess.run(
        [
            "dbus-run-session",
            "--",
            str(HERE / "session.sh"),
            sys.executable,
            str(home),
            str(HERE / scenario),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    log = (home / "app.log").read_text()[-3000:] if (home / "app.log").exists() else ""
    assert result.returncode == 0, result.stderr[-3000:] + log
    # pyatspi prints a greeting of its own first; the findings are the last line.
    return json.loads(result.stdout.strip().splitlines()[-1])


# Each screen to open, with a control that is there once it is built.
SCREENS = [
    "Order lookup|push button|Look up",
    "History|text|Order ID starts with",
    "Bulk lookup|text|Order ids",
    "Webhooks|push button|Reload",
    "Inbox|push button|Copy inbox URL",
    "Profiles|password text|API key",
    "New order|push button|Send order",
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    nodes = run_scenario(tmp_path_factory.mktemp("atspi-tree"), "scenario_tree.py", *SCREENS)
    assert isinstance(nodes, list)
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
        ("check box", "Order lookup"),
        ("push button", "Refresh"),
        ("check box", "History"),
        ("check box", "Bulk lookup"),
        ("text", "Order ids"),
        ("push button", "Look up"),
        ("check box", "Webhooks"),
        ("page tab", "Endpoint doctor"),
        ("page tab", "Signature checker"),
        ("text", "Order ID starts with"),
        ("check box", "Inbox"),
        ("combo box", "Answer as:"),
        ("push button", "Resend now"),
    ],
)
def test_controls_are_found_by_what_is_on_screen(tree: list[dict[str, object]], role: str, name: str) -> None:
    matches = [n for n in tree if n["role"] == role and name in {n["name"], *n["labelled_by"]}]  # type: ignore[misc]
    assert matches, f"no {role} called {name!r}"


def test_every_showing_control_has_a_readable_name(tree: list[dict[str, object]]) -> None:
    showing = [n for n in tree if n["role"] in CONTROLS and n["showing"]]
    assert len(showing) > 12
    nameless = [n for n in showing if not _readable(n).strip()]
    assert not nameless, nameless


def test_combo_boxes_are_labelled_by_their_visible_label(tree: list[dict[str, object]]) -> None:
    # On Linux Qt names a combo box by its current text and points at its label
    # through a labelled-by relation, which is how Orca announces it.
    combos = [n for n in tree if n["role"] == "combo box" and n["showing"]]
    assert combos
    assert all(n["labelled_by"] for n in combos), [n for n in combos if not n["labelled_by"]]


@pytest.fixture(scope="module")
def heard(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    downs = next(i for i, card in enumerate(TEST_CARDS, start=1) if card.number == "4012001038443335")
    result = run_scenario(tmp_path_factory.mktemp("atspi-messages"), "scenario_messages.py", str(downs))
    assert isinstance(result, dict)
    return result


def test_a_field_problem_is_heard_with_its_rule(heard: dict[str, str]) -> None:
    assert heard["amount problem"].startswith("⚠ “1e9” is not an amount. Type the amount with the digits 0–9")


def test_the_order_result_is_heard_value_by_value(heard: dict[str, str]) -> None:
    assert heard["expected outcome"] == "Expected: Completed at once, no 3-D Secure"
    assert heard["order status"] == "Completed"
    assert heard["Order ID"].startswith("msp-")
    assert heard["Transaction ID"].isdigit()
    assert heard["Amount"] == "10.00 EUR"
    assert heard["Financial status"] == "Financial: Completed"
    assert heard["Card"] == "VISA ••••3335"
    assert heard["3-D Secure"] == "not performed"
    assert heard["Reason"]
    assert heard["order message"] == f"Order {heard['Order ID']}: Completed."


def test_a_connection_failure_is_heard_as_it_reads(heard: dict[str, str]) -> None:
    # No network here: the test host cannot be reached, and the screen reader says so.
    assert heard["connection result"].startswith("⚠ Cannot reach testapi.multisafepay.com")


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    downs = next(i for i, card in enumerate(TEST_CARDS, start=1) if card.number == "4012001038443335")
    result = run_scenario(tmp_path_factory.mktemp("atspi-screens"), "scenario_screens.py", str(downs))
    assert isinstance(result, dict)
    return result


def test_a_lookup_is_heard_failure_and_success(screens: dict[str, str]) -> None:
    assert screens["lookup unknown"].startswith(
        "⚠ No order “no-such-order-1” on this profile's website (error 1006)."
    )
    assert screens["lookup known"].startswith("Order msp-")
    assert screens["lookup amount"] == "10.00 EUR"
    assert screens["lookup card"] == "VISA ••••3335"


def test_the_history_and_a_bulk_run_are_heard(screens: dict[str, str]) -> None:
    assert screens["history count"] == "1 order with “Local sandbox”."
    assert screens["bulk ids"] == "2 order ids to look up."
    assert screens["bulk counts"] == "2 orders: 1 found (1 completed); 1 failed (1 not found (1006))"
    assert screens["bulk progress"].startswith("Done: 2 orders looked up")


def test_webhooks_and_the_inbox_are_heard(screens: dict[str, str]) -> None:
    assert screens["webhooks site"].startswith("Website “Sandbox website” (site ")
    assert screens["doctor verdict"] == "Result: PASSED"
    assert screens["inbox mode"].startswith("Answers 200 OK, as a correct handler does")
    assert screens["inbox counts"].startswith("1 received")
