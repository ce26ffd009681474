"""``msp-desk webhook check`` and ``verify`` end to end, as a merchant's CI or a support ticket runs them."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import trustme

from msp_desk.__main__ import main as msp_desk_main
from msp_desk.api.environments import Environment
from msp_desk.cli.session import API_KEY_VARIABLE
from msp_desk.cli.webhook import EXIT_CANCELLED, EXIT_FAILED, EXIT_PASSED, EXIT_USAGE, main
from msp_desk.credentials.profiles import Profile, ProfileStore
from msp_desk.webhooks.signature import sign, verify
from tests.helpers.memory_keyring import InMemoryKeyring
from tests.webhooks.conftest import Endpoint, server_context
from tests.webhooks.test_signature import FIXTURES, VECTORS, Vector

KEY = "5ecre75ecre75ecre75ecre75ecre75ecre7abcd"
LIVE_KEY = "11ve11ve11ve11ve11ve11ve11ve11ve11ve9f3c"
FAST = ["--timeout", "3", "--connect-timeout", "3"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(API_KEY_VARIABLE, KEY)
    return KEY


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def live_profile(keyring: InMemoryKeyring | None, *, with_key: bool = True) -> Profile:
    profile = ProfileStore().add(Profile(name="Shop Live", environment=Environment.LIVE), LIVE_KEY)
    if not with_key and keyring is not None:
        keyring.entries.clear()
    return profile


# -- check ---------------------------------------------------------------------------------------------


def test_check_prints_the_checklist_and_passes(
    endpoint: Endpoint, env_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", endpoint.url(), *FAST], capsys)
    assert code == EXIT_PASSED
    lines = out.splitlines()
    assert lines[0].startswith("Webhook check by msp-desk ")
    assert f"URL: {endpoint.url()}" in lines
    assert "Sends: POST; POST signed with the API key ending ••••abcd" in lines
    assert any(line.startswith("[PASS] Signed POST notification: Answered 200 with OK") for line in lines)
    assert lines[-1] == "Result: PASSED"
    assert verify(
        KEY, endpoint.requests[0].headers["Auth"], endpoint.requests[0].body, now=1e10, tolerance=1e10
    )
    assert KEY not in out + err


@pytest.mark.parametrize(("status", "body"), [(500, "OK"), (302, ""), (200, "nope")])
def test_check_exits_non_zero_when_multisafepay_would_not_count_the_answer(
    endpoint: Endpoint, env_key: str, capsys: pytest.CaptureFixture[str], status: int, body: str
) -> None:
    endpoint.script = replace(endpoint.script, status=status, body=body, headers={"Location": "/x"})
    code, out, _ = run(["check", endpoint.url(), *FAST], capsys)
    assert code == EXIT_FAILED
    assert "[FAIL] Signed POST notification" in out
    assert out.splitlines()[-1] == "Result: FAILED (1 step failed)"


def test_check_lowercase_ok_passes_with_a_warning(
    endpoint: Endpoint, env_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint.script.body = "ok"
    code, out, _ = run(["check", endpoint.url(), *FAST], capsys)
    assert code == EXIT_PASSED
    assert "[WARN] Signed POST notification" in out
    assert out.splitlines()[-1] == "Result: PASSED with 1 warning"


def test_check_get_sends_a_get_as_well(
    endpoint: Endpoint, env_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", endpoint.url(), "--get", *FAST], capsys)
    assert code == EXIT_PASSED
    assert [r.method for r in endpoint.requests] == ["POST", "GET"]
    assert "[PASS] GET notification" in out


def test_check_over_tls_with_a_ca_bundle(
    endpoints: Callable[..., Endpoint],
    ca: trustme.CA,
    ca_file: str,
    env_key: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    endpoint = endpoints(server_context(ca.issue_cert("127.0.0.1")))
    code, out, _ = run(["check", endpoint.url(), "--ca-bundle", ca_file, *FAST], capsys)
    assert code == EXIT_PASSED
    assert "[PASS] TLS certificate: The certificate is trusted" in out
    assert "Issued by: msp-desk test CA" in out


def test_check_with_production_rules_fails_and_contacts_nothing(
    endpoint: Endpoint, env_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", endpoint.url(), "--production-rules", *FAST], capsys)
    assert code == EXIT_FAILED
    assert "Rules: MultiSafepay test and live" in out
    assert "[FAIL] MultiSafepay's URL rules: Breaks MultiSafepay's rules: https, no-port, public-host." in out
    assert endpoint.requests == []


def test_check_with_a_live_profile_signs_with_its_keyring_key_and_applies_production_rules(
    endpoint: Endpoint, memory_keyring: InMemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    live_profile(memory_keyring)
    code, out, err = run(["check", "https://localhost/webhook", "--profile", "shop live", *FAST], capsys)
    assert code == EXIT_FAILED
    assert "Rules: MultiSafepay test and live" in out
    assert "signed with the API key ending ••••9f3c" in out
    assert "localhost is this computer" in out
    assert LIVE_KEY not in out + err


def test_check_without_a_key_sends_unsigned_and_says_why(
    endpoint: Endpoint,
    memory_keyring: InMemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(API_KEY_VARIABLE, raising=False)
    live_profile(memory_keyring, with_key=False)
    code, out, err = run(["check", "https://localhost/webhook", "--profile", "Shop Live", *FAST], capsys)
    assert code == EXIT_FAILED
    assert "No API key is available for “Shop Live”" in err
    assert f"Or set {API_KEY_VARIABLE}. The test POST is sent unsigned." in err
    assert "unsigned (no API key)" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["check", "https://shop.nl/hook", "--profile", "Nope"], "There is no profile named “Nope”"),
        (["check", "https://shop.nl/hook", "--ca-bundle", "/nonexistent.pem"], "no CA bundle file"),
        (["verify", "--body", "/nonexistent.json", "--auth", "x"], "cannot be read"),
    ],
)
def test_usage_problems_exit_2_with_one_line(
    argv: list[str], words: str, env_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == EXIT_USAGE
    assert out == ""
    assert err.startswith("msp-desk: ")
    assert words in err


@pytest.mark.parametrize("value", ["0", "-1", "soon", "99999"])
def test_timeouts_must_be_sensible(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check", "https://shop.nl/hook", "--timeout", value])
    assert stopped.value.code == EXIT_USAGE
    assert "--timeout" in capsys.readouterr().err


def test_ctrl_c_cancels_the_check_cleanly(endpoint: Endpoint, tmp_path: Path) -> None:
    endpoint.script.silent = True
    env = {**os.environ, "MSP_DESK_HOME": str(tmp_path / "home"), API_KEY_VARIABLE: KEY}
    command = [sys.executable, "-m", "msp_desk", "webhook", "check", endpoint.url(), "--timeout", "60"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert endpoint.arrived.wait(30), "the check never reached the endpoint"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == EXIT_CANCELLED
    assert "Cancelling…" in err
    assert "Traceback" not in err
    assert "[STOP] Signed POST notification: Cancelled." in out
    assert out.splitlines()[-1] == "Result: CANCELLED before the check finished"
    assert KEY not in out + err


# -- verify --------------------------------------------------------------------------------------------


def body_file(tmp_path: Path, data: bytes, name: str = "body.json") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_verify_accepts_both_published_vectors(
    vector: Vector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(API_KEY_VARIABLE, vector.api_key)
    argv = ["verify", "--body", body_file(tmp_path, vector.body), "--auth", vector.auth, "--window", "0"]
    code, out, err = run(argv, capsys)
    assert code == EXIT_PASSED
    assert out.splitlines()[0] == "Signature: VALID"
    assert "no age check" in out
    assert vector.api_key not in out + err


def test_verify_refuses_an_old_notification_with_the_default_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = VECTORS[0]
    monkeypatch.setenv(API_KEY_VARIABLE, docs.api_key)
    code, out, _ = run(["verify", "--body", body_file(tmp_path, docs.body), "--auth", docs.auth], capsys)
    assert code == EXIT_FAILED
    assert "Signature: INVALID" in out
    assert "outside the 600 s window" in out


def test_verify_names_the_re_serialisation_pitfall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sdk = VECTORS[1]
    monkeypatch.setenv(API_KEY_VARIABLE, sdk.api_key)
    spaced = str(FIXTURES / "python_sdk_webhook_payload_spaced.json")
    code, out, _ = run(["verify", "--body", spaced, "--auth", sdk.auth, "--window", "0"], capsys)
    assert code == EXIT_FAILED
    assert "Signature: VALID ONLY AFTER A CHANGE TO THE BODY" in out
    assert "Matches after: re-serialising the JSON compactly with raw UTF-8" in out


def test_verify_reads_standard_input_and_names_an_added_newline(
    env_key: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    body = json.dumps({"order_id": "A-1", "city": "Zürich"}, ensure_ascii=False).encode()
    auth = sign(KEY, int(time.time()), body)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body + b"\n")))
    code, out, _ = run(["verify", "--body", "-", "--auth", auth], capsys)
    assert code == EXIT_FAILED
    assert "Matches after: removing the trailing newline" in out


def test_verify_uses_the_profiles_keyring_key(
    tmp_path: Path,
    memory_keyring: InMemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import time

    monkeypatch.delenv(API_KEY_VARIABLE, raising=False)
    live_profile(memory_keyring)
    body = b'{"order_id":"A-2"}'
    auth = sign(LIVE_KEY, int(time.time()), body)
    argv = ["verify", "--body", body_file(tmp_path, body), "--auth", auth, "--profile", "Shop Live"]
    code, out, err = run(argv, capsys)
    assert code == EXIT_PASSED
    assert LIVE_KEY not in out + err
    memory_keyring.entries.clear()
    code, out, err = run(argv, capsys)
    assert code == EXIT_USAGE
    assert f"Or set {API_KEY_VARIABLE}." in err


def test_verify_without_a_profile_uses_the_builtin_sandboxs_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from msp_desk.sandbox.embedded import EmbeddedSandbox

    monkeypatch.delenv(API_KEY_VARIABLE, raising=False)
    sandbox = EmbeddedSandbox()
    try:
        sandbox_key = sandbox.address()[1]
    finally:
        sandbox.stop()
    body = b'{"order_id":"A-3"}'
    auth = sign(sandbox_key, int(time.time()), body)
    code, out, err = run(["verify", "--body", body_file(tmp_path, body), "--auth", auth], capsys)
    assert code == EXIT_PASSED
    assert sandbox_key not in out + err


# -- help and dispatch ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--help"], ["check", "verify"]),
        (["check", "--help"], ["--profile", "--get", "--production-rules", "--ca-bundle", "Exit status"]),
        (["verify", "--help"], ["--body", "--auth", "--window", "standard input", API_KEY_VARIABLE]),
    ],
)
def test_help_documents_each_command(
    argv: list[str], words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for word in words:
        assert word in out


def test_msp_desk_webhook_dispatches_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = VECTORS[0]
    monkeypatch.setenv(API_KEY_VARIABLE, docs.api_key)
    argv = [
        "webhook",
        "verify",
        "--body",
        body_file(tmp_path, docs.body),
        "--auth",
        docs.auth,
        "--window",
        "0",
    ]
    assert msp_desk_main(argv) == EXIT_PASSED
    assert "Signature: VALID" in capsys.readouterr().out
