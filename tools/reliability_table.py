"""Write the fault matrix and the duplicate-write figures into docs/reliability.md from a test run.

    MSP_DESK_RELIABILITY_RESULTS=/tmp/faults.json tools/run-tests tests/ui/faults -q
    .venv/bin/python tools/reliability_table.py /tmp/faults.json docs/reliability.md

The tests record what each screen showed only once everything about it was
asserted, so every row written here is a cell that passed. The text between
the ``faults`` markers and between the ``duplicates`` markers in the page is
replaced; the rest is left alone.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

OPERATIONS = {
    "create": "Create order (New order screen, Send order)",
    "get": "Get order (Order lookup screen, Enter)",
    "refund": "Refund (Order lookup screen, Refund…, Continue, confirm)",
    "cancel": "Cancel (Order lookup screen, Cancel order, confirm)",
    "list": "List transactions (Order lookup screen, Transactions, Show)",
    "get-site": "Get site (Webhooks screen, Website settings, Reload)",
    "update-site": "Update site (Webhooks screen, Website settings, Save)",
    "bulk": "Bulk lookup (Bulk lookup screen, three ids, the fault on the second)",
    "doctor": "Endpoint doctor (Webhooks screen, Endpoint check, Run check)",
}
FAULTS = {
    "read-timeout": "Read timeout",
    "connect-timeout": "Connect timeout",
    "reset": "Connection reset",
    "http-500": "HTTP 500",
    "http-502": "HTTP 502",
    "http-503": "HTTP 503",
    "http-429": "HTTP 429 + Retry-After",
    "malformed": "Malformed JSON",
    "html": "HTML error page",
    "truncated": "Truncated body",
    "http-401": "401 / 1032",
    "http-404": "404 / 1006",
    "http-422": "422",
}


# Ids and ports differ from run to run; the page shows what they stand for, so a new run changes
# only what changed.
VARYING = (
    (re.compile(r"\bmsp-\d{8}-\d{6}-[0-9a-f]{6}\b"), "‹order ID›"),
    (re.compile(r"\b(?:get|refund|cancel|listed|bulk)-\d+-\d+\b"), "‹order ID›"),
    (re.compile(r"\brefund \d{6,}\b"), "refund ‹refund ID›"),
    (re.compile(r"\bSite \d+\b"), "Site ‹site ID›"),
    (re.compile(r"\bport \d+\b"), "port ‹port›"),
)


def cell_text(text: str) -> str:
    for pattern, stands_for in VARYING:
        text = pattern.sub(stands_for, text)
    return text.replace("|", "\\|").replace("\n", " ")


def label_text(label: str) -> str:
    return "Time taken" if label == "seconds" else label[:1].upper() + label[1:]


def test_name(nodeid: str) -> str:
    return "`" + nodeid.rsplit("::", 1)[-1] + "`"


def matrix(cells: list[dict[str, Any]]) -> list[str]:
    by = {(cell["operation"], cell["fault"]): cell for cell in cells}
    lines = ["| Operation | " + " | ".join(FAULTS.values()) + " |", "|---" * (len(FAULTS) + 1) + "|"]
    for op, title in OPERATIONS.items():
        row = [by[(op, key)]["outcome"] if (op, key) in by else "**not run**" for key in FAULTS]
        lines.append(f"| {title.split(' (')[0]} | " + " | ".join(cell_text(r) for r in row) + " |")
    for op, title in OPERATIONS.items():
        lines += ["", f"#### {title}", ""]
        lines += [
            "| Fault | What the person sees | What they do next | Kept | In the sandbox | Test |",
            "|---|---|---|---|---|---|",
        ]
        for key, fault in FAULTS.items():
            cell = by.get((op, key))
            if cell is None:
                lines.append(f"| {fault} | **not run** | | | | |")
                continue
            shown = [cell["seen"], cell["again"], cell["kept"], cell["writes"]]
            lines.append(
                f"| {fault} | " + " | ".join(cell_text(s) for s in shown) + f" | {test_name(cell['test'])} |"
            )
    return lines


def figures(found: dict[str, dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for name, values in found.items():
        lines += [
            "",
            f"{name.capitalize()}, {test_name(values['test'])}:",
            "",
            "| Figure | Value |",
            "|---|---|",
        ]
        for label, value in values.items():
            if label == "test":
                continue
            if isinstance(value, dict):
                value = "; ".join(f"{k}: {v}" for k, v in value.items())
            shown = f"{value} s (2 cores, shared)" if label == "seconds" else str(value)
            lines.append(f"| {label_text(label)} | {cell_text(shown)} |")
    return lines


def replace(text: str, name: str, lines: list[str]) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"the page has no {start} … {end} section")
    before, rest = text.split(start, 1)
    _old, after = rest.split(end, 1)
    return before + start + "\n" + "\n".join(lines).strip("\n") + "\n" + end + after


def main(argv: list[str]) -> int:
    results = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    page = Path(argv[1])
    text = page.read_text(encoding="utf-8")
    text = replace(text, "faults", matrix(results["cells"]))
    text = replace(text, "duplicates", figures(results["figures"]))
    page.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
