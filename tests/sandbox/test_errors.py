"""What the router and the request parsers refuse: the real status, JSON for the API, a page for browsers."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import direct_order

BROWSER_FORMS = ["/direct/complete/?mspid=1", "/3ds2/sim/acs", "payment page"]


@pytest.fixture
def browser(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.root_url, timeout=10) as c:
        yield c


@pytest.fixture
def form_url(request: pytest.FixtureRequest, client: httpx.Client, order_id: str) -> str:
    """The page to post to; the payment page reads its form only for a session that exists."""
    path: str = request.param
    if path != "payment page":
        return path
    body = direct_order(order_id, type="redirect")
    body.pop("gateway_info")
    return str(client.post("orders", json=body).json()["data"]["payment_url"])


def _is_page(response: httpx.Response) -> bool:
    return response.headers["content-type"].startswith("text/html") and "<h1>" in response.text


@pytest.mark.usefixtures("no_error_logs")
@pytest.mark.parametrize("form_url", BROWSER_FORMS, indirect=True)
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"MD=x"),  # no boundary
        ("multipart/form-data; boundary=b", b"not multipart at all"),
        ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"),
    ],
)
def test_malformed_form_is_a_400_page(
    browser: httpx.Client, form_url: str, content_type: str, body: bytes
) -> None:
    response = browser.post(form_url, content=body, headers={"content-type": content_type})
    assert response.status_code == 400
    assert _is_page(response)
    assert "Invalid request: the form could not be read" in response.text
    assert "Not found" not in response.text


@pytest.mark.usefixtures("no_error_logs")
@pytest.mark.parametrize("form_url", BROWSER_FORMS, indirect=True)
def test_form_field_that_is_not_text_is_a_400_page(browser: httpx.Client, form_url: str) -> None:
    # UTF-7 decodes "+2AA-" to a lone surrogate, which no database or page can hold.
    body = b'--b\r\nContent-Disposition: form-data; name="MD"\r\n\r\n+2AA-\r\n--b--\r\n'
    response = browser.post(
        form_url, content=body, headers={"content-type": "multipart/form-data; boundary=b; charset=utf-7"}
    )
    assert response.status_code == 400
    assert _is_page(response)
    assert "not valid Unicode text" in response.text


@pytest.mark.usefixtures("no_error_logs")
def test_oversized_form_is_a_413_page(browser: httpx.Client) -> None:
    response = browser.post(
        "/direct/complete/",
        content=b"MD=" + b"x" * 1_000_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert _is_page(response)
    assert "larger than" in response.text


@pytest.mark.usefixtures("no_error_logs")
def test_file_upload_fields_are_ignored(browser: httpx.Client) -> None:
    response = browser.post("/direct/complete/", files={"MD": ("md.txt", b"x")}, data={"PaRes": "Y"})
    assert response.status_code == 400
    assert "Unknown or expired 3D Secure session" in response.text


@pytest.mark.usefixtures("no_error_logs")
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/direct/complete/", "POST"),
        ("PUT", "/3ds2/sim/acs", "GET"),
        ("DELETE", "/connect/x/", "POST"),
    ],
)
def test_wrong_method_on_a_browser_page_is_a_405_page(
    browser: httpx.Client, method: str, path: str, allowed: str
) -> None:
    response = browser.request(method, path)
    assert response.status_code == 405
    assert _is_page(response)
    assert allowed in response.headers["allow"]
    assert f"{method} is not allowed on {path}" in response.text


@pytest.mark.usefixtures("no_error_logs")
def test_unknown_browser_path_is_a_404_page(browser: httpx.Client) -> None:
    response = browser.get("/no/such/page")
    assert response.status_code == 404
    assert _is_page(response)
    assert "Not found: /no/such/page" in response.text


@pytest.mark.usefixtures("no_error_logs")
@pytest.mark.parametrize(
    ("method", "path"), [("DELETE", "orders"), ("PUT", "sites/1"), ("POST", "gateways"), ("PATCH", "me")]
)
def test_wrong_method_on_the_api_is_1000_405(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert "allow" in response.headers
    body = response.json()
    assert body["success"] is False
    assert body["data"] == {}
    assert body["error_code"] == 1000
    assert body["error_info"].startswith(f"Invalid request: {method} is not allowed on /v1/json/{path}")


@pytest.mark.usefixtures("no_error_logs")
def test_unknown_api_path_is_404_not_found(client: httpx.Client) -> None:
    response = client.get("no-such-endpoint")
    assert response.status_code == 404
    body = response.json()
    assert body["error_code"] == 1000  # not 1006: no order was looked up
    assert body["error_info"] == "Not found: /v1/json/no-such-endpoint"
    assert body["message"] == "Not found"


@pytest.mark.usefixtures("no_error_logs")
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "LONE"}, "description"),
        ({"customer": {"city": "LONE"}}, "customer.city"),
        ({"var1": ["ok", "LONE"]}, "var1[1]"),
    ],
)
def test_lone_surrogate_in_json_names_the_field(
    client: httpx.Client, order_id: str, overrides: dict[str, object], field: str
) -> None:
    # json.dumps escapes a lone surrogate as \udXXX, which is how a client would send one.
    body = json.dumps(direct_order(order_id, **overrides)).replace('"LONE"', '"x\\udfff"')
    response = client.post("orders", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error_code"] == 1000
    assert response.json()["error_info"] == f"Invalid {field}: not valid Unicode text (an unpaired surrogate)"


@pytest.mark.usefixtures("no_error_logs")
def test_utf8_encoded_surrogate_is_refused(client: httpx.Client, sandbox: SandboxServer) -> None:
    # json's byte decoding lets raw UTF-8 surrogate bytes through; they must not reach the store.
    response = client.patch(
        f"sites/{sandbox.sites[0].site_id}",
        content=b'{"name": "\xed\xa0\x80"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error_info"].startswith("Invalid name: not valid Unicode text")


@pytest.mark.usefixtures("no_error_logs")
@pytest.mark.parametrize("mspid", ["²", "99999999999999999999", "-1", "1e5"])
def test_finished_page_with_an_odd_mspid(browser: httpx.Client, mspid: str) -> None:
    response = browser.get("/sandbox/finished", params={"mspid": mspid})
    assert response.status_code == 200
    assert "does not know this order" in response.text


@pytest.mark.usefixtures("no_error_logs")
def test_customer_verification_passes_md_on_encoded(browser: httpx.Client) -> None:
    response = browser.get("/customer-verification", params={"md": "a&b=c\r\nX: y"})
    assert response.status_code == 303
    assert response.headers["location"] == "/3ds2/sim/acs?MD=a%26b%3Dc%0D%0AX%3A+y"


@pytest.mark.usefixtures("no_error_logs")
def test_cursor_beyond_64_bits_is_refused(client: httpx.Client) -> None:
    cursor = base64.urlsafe_b64encode(b"tx:" + b"9" * 20).decode().rstrip("=")
    response = client.get("transactions", params={"after": cursor})
    assert response.status_code == 400
    assert response.json()["error_info"] == "Invalid after: not a cursor returned by this API"


def test_a_sandbox_bug_on_a_page_still_ends_on_a_page(
    browser: httpx.Client, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(mspid: str) -> None:
        raise RuntimeError("simulated sandbox bug")

    monkeypatch.setattr(sandbox.engine, "finished_order", broken)
    response = browser.get("/sandbox/finished", params={"mspid": "1"})
    assert response.status_code == 500
    assert _is_page(response)
    assert "Traceback" not in response.text
