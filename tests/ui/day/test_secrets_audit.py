"""After a run over every screen, no key, card number or CVC is in anything msp-desk wrote or printed.

A real ``python -m msp_desk --debug`` (audit_run.py drives it) runs with its home,
XDG folders, temporary folder and ``MSP_DESK_HOME`` all inside one new folder,
so every file it or QtWebEngine writes lands there: config, profiles, history,
logs, crash reports, the sandbox state, browser caches, and the exports and
support bundle saved where the person chose. Every file in that folder (the
members of zip files such as .xlsx, and gzip data, unpacked), and all it
printed to stdout and stderr at debug level, is searched for each API key, card
number and CVC in each shape ``tests/helpers/secrets.py`` knows (plain,
URL-encoded, JSON-escaped, base64, UTF-16), and also for each without its last
four characters: only a masked last four may appear.

The one exception is named here: the sandbox state keeps each website's key in
``sites.api_key``, as MultiSafepay keeps it. That column is overwritten in a copy
of the state file (SQLite's secure delete on) and the copy is searched byte for
byte; the original is searched for card numbers and CVCs as it is.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from msp_desk.core.redaction import mask
from msp_desk.sandbox.embedded import STATE_FILE
from tests.helpers.secrets import card_forms, cvc_hits, hits
from tests.ui.day.desk import PAID_AT_ONCE, THREE_DS_CARD

pytestmark = [pytest.mark.webengine, pytest.mark.secret_service, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[3]
DRIVER = Path(__file__).with_name("audit_driver")
CARDS = (THREE_DS_CARD, PAID_AT_ONCE)
CVCS = ("731", "846")
KEY_COLUMN = ("sites", "api_key")  # the only place a key may be: the sandbox's own record of its websites


def _machine(root: Path) -> dict[str, str]:
    """Every place a program on Linux writes to, inside ``root``."""
    folders = {
        "HOME": "home",
        "XDG_CONFIG_HOME": "home/.config",
        "XDG_CACHE_HOME": "home/.cache",
        "XDG_DATA_HOME": "home/.local/share",
        "XDG_STATE_HOME": "home/.local/state",
        "TMPDIR": "tmp",
        "MSP_DESK_HOME": "msp-desk",
    }
    env = {}
    for variable, folder in folders.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        env[variable] = str(root / folder)
    return env


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("machine")
    out = root / "home" / "Documents"
    keys = {"shop": secrets.token_hex(20), "live": secrets.token_hex(20)}
    plan = {"shop_key": keys["shop"], "live_key": keys["live"], "cvcs": list(CVCS), "out": str(out)}
    env = {
        **os.environ,
        **_machine(root),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(DRIVER), str(ROOT)]),
        "MSP_DESK_AUDIT": json.dumps(plan),
    }
    out.mkdir(parents=True)
    run = subprocess.run(
        [sys.executable, "-m", "msp_desk", "--debug"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, f"exit status {run.returncode}: {run.stderr[-4000:].decode(errors='replace')}"
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["problems"] == [], result["problems"][0]
    return {"root": root, "out": out, "keys": keys, "run": run, "result": result}


# -- what is searched ------------------------------------------------------------------------------


def _contents(path: Path, data: bytes) -> list[tuple[str, bytes]]:
    """The file's bytes, and what packed data inside it holds."""
    parts = [(str(path), data)]
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            parts += [(f"{path}!{name}", packed.read(name)) for name in packed.namelist()]
    elif data[:2] == b"\x1f\x8b":
        parts.append((f"{path} (gunzipped)", gzip.decompress(data)))
    return parts


def _state_without_its_key_column(state: Path, scratch: Path) -> bytes:
    """A copy of the sandbox state, its website keys overwritten, every other byte as it was."""
    copy = scratch / state.name
    for suffix in ("", "-wal"):
        if Path(f"{state}{suffix}").exists():
            shutil.copyfile(f"{state}{suffix}", f"{copy}{suffix}")
    db = sqlite3.connect(copy)
    db.execute("PRAGMA secure_delete = ON")  # the old key bytes are zeroed, not left in free space
    table, column = KEY_COLUMN
    db.execute(f"UPDATE {table} SET {column} = printf('excluded-%d', rowid)")  # noqa: S608 - fixed names
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return copy.read_bytes()


def _search(where: str, data: bytes, keys: list[str], *, cards: bool = True) -> list[str]:
    found = []
    if keys:
        found += hits(data, keys + [key[:-4] for key in keys])
    if cards:
        for card in CARDS:
            found += hits(data, [*card_forms(card), card[:-4]])
        for cvc in CVCS:
            found += cvc_hits(data, cvc)
    return [f"{where}: {hit}" for hit in found]


@pytest.fixture(scope="module")
def searched(audit: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root: Path = audit["root"]
    state = root / "msp-desk" / "data" / STATE_FILE
    # Closed before the files are listed: an open connection keeps -wal and -shm files beside the state.
    with contextlib.closing(sqlite3.connect(state)) as db:
        website_keys = [key for (key,) in db.execute("SELECT api_key FROM sites")]
    keys = sorted({*audit["keys"].values(), *website_keys})
    found: list[str] = []
    files = sorted(path for path in root.rglob("*") if path.is_file())
    parts = 0
    for path in files:
        in_state = path.name.startswith(STATE_FILE)
        for where, data in _contents(path, path.read_bytes()):
            parts += 1
            found += _search(where, data, [] if in_state else keys)
    scrubbed = _state_without_its_key_column(state, tmp_path_factory.mktemp("state"))
    found += _search(f"{state} without {'.'.join(KEY_COLUMN)}", scrubbed, keys)
    for stream in ("stdout", "stderr"):
        found += _search(stream, getattr(audit["run"], stream), keys)
    return {"files": files, "parts": parts, "keys": keys, "website_keys": website_keys, "found": found}


def _report(audit: dict[str, Any], searched: dict[str, Any]) -> str:
    run = audit["run"]
    size = sum(path.stat().st_size for path in searched["files"])
    return (
        f"{len(searched['files'])} files ({size / 2**20:.1f} MiB, {searched['parts']} parts unpacked), "
        f"stdout {len(run.stdout):,} bytes, stderr {len(run.stderr):,} bytes; "
        f"{len(searched['keys'])} keys ({len(searched['website_keys'])} website keys), "
        f"{len(CARDS)} card numbers, {len(CVCS)} CVCs; work: {audit['result']['work']}; "
        f"hits: {len(searched['found'])}"
    )


# -- the checks ------------------------------------------------------------------------------------


def test_the_run_used_every_screen(audit: dict[str, Any]) -> None:
    work = audit["result"]["work"]
    assert work["profiles saved with a key in the keyring"] == 2
    assert work["orders sent and completed"] == 2
    assert work["of which through 3-D Secure in the web view"] == 1
    for done in ("lookups", "refunds", "support bundles saved", "history searches", "bulk exports"):
        assert work[done] >= 1, done
    for done in ("bulk runs of 4 ids", "inbox views", "signature checks", "endpoint doctor runs"):
        assert work[done] == 1, done
    assert audit["result"]["crashes"] == ["Reading back an order"]
    assert audit["result"]["keyring"] == "keyring.backends.SecretService"  # the real one, over D-Bus


def test_what_was_searched_holds_every_kind_of_file_the_app_writes(
    audit: dict[str, Any], searched: dict[str, Any]
) -> None:
    names = [path.name for path in searched["files"]]
    for expected in ("profiles.json", "msp-desk.log", STATE_FILE, "order-status.csv", "order-status.xlsx"):
        assert expected in names, f"{expected} not among {names}"
    assert any(name.startswith("history") for name in names)
    assert any(name.startswith("crash-") for name in names)
    assert any(name == "support-bundle.md" for name in names)
    assert len(searched["website_keys"]) == 2  # the sandbox's default website and the shop's
    print(_report(audit, searched))


def test_no_key_card_number_or_cvc_in_any_file_or_output(
    audit: dict[str, Any], searched: dict[str, Any]
) -> None:
    assert searched["found"] == [], _report(audit, searched)


def test_the_masked_last_four_is_what_appears(audit: dict[str, Any], searched: dict[str, Any]) -> None:
    """The search reads the places a secret would be: there, each shows as its masked last four."""
    crash = next(path for path in searched["files"] if path.name.startswith("crash-"))
    report = crash.read_text(encoding="utf-8")
    assert mask(THREE_DS_CARD) in report
    assert mask(audit["keys"]["shop"]) in report


def test_exports_and_bundles_hold_no_website_key(audit: dict[str, Any], searched: dict[str, Any]) -> None:
    written = sorted(audit["out"].iterdir())
    assert [path.name for path in written] == ["order-status.csv", "order-status.xlsx", "support-bundle.md"]
    for path in written:
        for where, data in _contents(path, path.read_bytes()):
            assert hits(data, searched["website_keys"]) == [], where


def test_the_sandbox_state_holds_no_card_number_or_cvc(audit: dict[str, Any]) -> None:
    state = audit["root"] / "msp-desk" / "data" / STATE_FILE
    for path in state.parent.glob(f"{STATE_FILE}*"):
        assert _search(str(path), path.read_bytes(), []) == []


def test_the_search_finds_each_website_key_where_it_is_kept(
    audit: dict[str, Any], searched: dict[str, Any]
) -> None:
    """The control: in the sandbox state as written, each website key is found in its column."""
    state = audit["root"] / "msp-desk" / "data" / STATE_FILE
    written = b"".join(path.read_bytes() for path in state.parent.glob(f"{STATE_FILE}*"))
    for key in searched["website_keys"]:
        assert hits(written, [key]), f"the search missed {mask(key)} in {state}"
