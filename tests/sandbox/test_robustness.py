"""No request makes the sandbox answer 5xx: hypothesis throws JSON, bytes, query strings and forms at it.

API paths must answer MultiSafepay's JSON body; the browser pages a page or a redirect.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote_from_bytes, urlencode, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import KEY_A, direct_order

# Lone surrogates are valid in a JSON escape but not as text; they once reached SQLite as a 500.
texts = st.text(max_size=30) | st.text(st.characters() | st.characters(categories=["Cs"]), max_size=6)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
FIELDS = [
    "order_id",
    "amount",
    "currency",
    "gateway",
    "type",
    "description",
    "gateway_info",
    "payment_options",
]
order_like = st.fixed_dictionaries(
    {},
    optional={name: json_values for name in FIELDS}
    | {
        "gateway_info": st.dictionaries(
            st.sampled_from(["card_number", "card_expiry_date", "card_cvc", "cvc", "flexible_3d"]),
            json_values,
        )
    },
)
PATHS = ["orders", "orders/fuzz-order", "orders/fuzz-order/refunds"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _setup(sandbox: SandboxServer) -> httpx.Client:
    # A paid order for PATCH and refunds to work on (after the first example it already exists).
    httpx.post(
        sandbox.base_url + "orders",
        headers={"api_key": KEY_A},
        json=direct_order("fuzz-order", "4012001038443335"),
    )
    return httpx.Client(base_url=sandbox.base_url, headers={"api_key": KEY_A}, timeout=10)


@SETTINGS
@given(body=st.one_of(json_values, order_like), path=st.sampled_from(PATHS))
def test_arbitrary_json_never_5xx(sandbox: SandboxServer, body: object, path: str) -> None:
    with _setup(sandbox) as client:
        method = "POST" if path != "orders/fuzz-order" else "PATCH"
        response = client.request(
            method, path, content=json.dumps(body), headers={"content-type": "application/json"}
        )
        assert response.status_code < 500
        result = response.json()
        assert isinstance(result["success"], bool)
        if not result["success"]:
            assert set(result) >= {"data", "error_code", "error_info"}


@SETTINGS
@given(raw=st.binary(max_size=300), path=st.sampled_from(PATHS))
def test_arbitrary_bytes_never_5xx(sandbox: SandboxServer, raw: bytes, path: str) -> None:
    with _setup(sandbox) as client:
        method = "POST" if path != "orders/fuzz-order" else "PATCH"
        response = client.request(method, path, content=raw)
        assert response.status_code < 500
        assert "success" in response.json()


# Sites, transactions and browser forms get a sandbox of their own: a fuzzed site setting
# (a notification_url, say) must not leak into the other tests' orders.
KEY_SITE = "f" * 36 + "0001"
KEY_ORDERS = "e" * 36 + "0002"


@dataclass
class FuzzTarget:
    server: SandboxServer
    site_id: int
    md: str
    term_path: str
    payment_path: str


@pytest.fixture(scope="module")
def target() -> Iterator[FuzzTarget]:
    with (
        SandboxServer(api_keys=[KEY_SITE, KEY_ORDERS]) as server,
        httpx.Client(base_url=server.base_url, headers={"api_key": KEY_ORDERS}, timeout=10) as client,
    ):
        # Something for the transaction list to return, a 3DS session and a payment page to post to.
        client.post("orders", json=direct_order("listed", "4012001038443335"))
        verification = client.post("orders", json=direct_order("fuzz-3ds")).json()["data"]
        html = verification["customer_verification"]["html"]
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
        redirect = direct_order("fuzz-page", type="redirect")
        redirect.pop("gateway_info")
        payment_url = client.post("orders", json=redirect).json()["data"]["payment_url"]
        term = urlsplit(fields["TermUrl"].replace("&amp;", "&"))
        yield FuzzTarget(
            server,
            server.sites[0].site_id,
            fields["MD"],
            f"{term.path}?{term.query}",
            urlsplit(payment_url).path,
        )


def _assert_api_answer(response: httpx.Response) -> dict[str, object]:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    result = response.json()
    assert isinstance(result["success"], bool)
    if not result["success"]:
        assert set(result) >= {"data", "error_code", "error_info"}
        assert result["error_info"]
    return dict(result)


SITE_FIELDS = [
    "name",
    "url",
    "notification_url",
    "notification_method",
    "price_from",
    "price_till",
    "support_email",
    "support_phone",
    "id",
    "api_key",
]
site_values = (
    json_values
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.sampled_from(["POST", "get", "http://127.0.0.1:9/hook", "https://shop.example", 0, 10**11, 10**23])
)
site_like = st.fixed_dictionaries({}, optional=dict.fromkeys(SITE_FIELDS, site_values))


@SETTINGS
@given(body=st.one_of(json_values, site_like))
def test_patch_site_arbitrary_json_never_5xx(target: FuzzTarget, body: object) -> None:
    with httpx.Client(base_url=target.server.base_url, headers={"api_key": KEY_SITE}, timeout=10) as client:
        content = json.dumps(body)
        response = client.patch(
            f"sites/{target.site_id}", content=content, headers={"content-type": "application/json"}
        )
        result = _assert_api_answer(response)
        if not result["success"]:
            assert response.status_code in {400, 422}
        # Whatever was accepted reads back: the stored site stays serialisable.
        _assert_api_answer(client.get(f"sites/{target.site_id}"))


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_patch_site_arbitrary_bytes_never_5xx(target: FuzzTarget, raw: bytes) -> None:
    response = httpx.patch(
        f"{target.server.base_url}sites/{target.site_id}", content=raw, headers={"api_key": KEY_SITE}
    )
    _assert_api_answer(response)  # a JSON object of ignored fields is a fine PATCH too


LIST_PARAMS = [
    "limit",
    "site_id",
    "status",
    "financial_status",
    "payment_method",
    "type",
    "currency",
    "created_from",
    "created_until",
    "completed_from",
    "completed_until",
    "after",
    "before",
]
offsets = st.timedeltas(
    min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23, minutes=59)
)


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


param_values = (
    st.text(max_size=30)
    | st.integers().map(str)
    | st.sampled_from(["completed", "uncleared", "VISA", "EUR", "payment", "", "0", "1000", "1001", "²"])
    | st.dates().map(dt.date.isoformat)
    | st.datetimes(timezones=st.none() | offsets.map(dt.timezone)).map(dt.datetime.isoformat)
    | st.integers(min_value=-1, max_value=10**25).map(lambda n: _cursor(f"tx:{n}"))
    | st.sampled_from([_cursor("tx:" + "9" * 20), _cursor("tx:²")])
    | st.binary(max_size=12).map(lambda b: base64.urlsafe_b64encode(b).decode())
)
query_pairs = st.lists(
    st.tuples(st.sampled_from(LIST_PARAMS) | st.text(max_size=10), param_values), max_size=6
)


@SETTINGS
@given(pairs=query_pairs, raw=st.none() | st.binary(max_size=80))
def test_list_transactions_arbitrary_query_never_5xx(
    target: FuzzTarget, pairs: list[tuple[str, str]], raw: bytes | None
) -> None:
    # Either well-formed pairs, or any bytes at all percent-encoded into the query string.
    query = urlencode(pairs) if raw is None else quote_from_bytes(raw, safe="=&;+")
    response = httpx.get(f"{target.server.base_url}transactions?{query}", headers={"api_key": KEY_ORDERS})
    result = _assert_api_answer(response)
    if result["success"]:
        assert isinstance(result["data"], list)
        assert "pager" in result
    else:
        assert response.status_code == 400
        assert result["error_code"] == 1000
        assert str(result["error_info"]).startswith("Invalid ")


FORM_FIELDS = [
    "MD",
    "PaRes",
    "TermUrl",
    "PaReq",
    "action",
    "card",
    "card_number",
    "card_expiry_date",
    "card_cvc",
    "card_holder_name",
]
FORM_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=b0undary",
    "text/plain",
    "application/json",
    "",
]
CHARSETS = [
    "",
    "; charset=utf-8",
    "; charset=utf-7",
    "; charset=latin-1",
    "; charset=utf-16",
    "; charset=bogus",
]
# Printable ASCII without surrounding spaces: HTTP clients refuse to send a header value such as " ".
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(str.strip)


def _multipart(fields: list[tuple[str, str, bool]], boundary: str, close: bool) -> bytes:
    parts = []
    for name, value, as_file in fields:
        filename = '; filename="f.txt"' if as_file else ""
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n\r\n{value}\r\n'
        )
    return ("".join(parts) + (f"--{boundary}--\r\n" if close else "")).encode("utf-8", "surrogatepass")


@st.composite
def form_posts(draw: st.DrawFn, md: str) -> tuple[str, bytes]:
    """A content type and a body: urlencoded, multipart (well-formed or not), or any bytes at all."""
    value = st.sampled_from(
        [md, "Y", "N", "A", "R", "cancel", "pay", "4111111111111111", "http://127.0.0.1:9/t"]
    )
    fields = draw(
        st.lists(
            st.tuples(st.sampled_from(FORM_FIELDS) | st.text(max_size=8), value | texts, st.booleans()),
            max_size=5,
        )
    )
    kind = draw(st.sampled_from(["urlencoded", "multipart", "bytes"]))
    if kind == "urlencoded":
        body = urlencode([(k, v) for k, v, _ in fields], encoding="utf-8", errors="surrogatepass").encode()
        content_type = "application/x-www-form-urlencoded"
    elif kind == "multipart":
        boundary = draw(st.sampled_from(["b0undary", "x", ""]) | st.text("abcXYZ0123-_'", max_size=20))
        body = _multipart(fields, boundary, draw(st.booleans()))
        content_type = f"multipart/form-data; boundary={boundary}"
    else:
        body = draw(st.binary(max_size=300))
        content_type = draw(st.sampled_from(FORM_TYPES))
    content_type = draw(st.just(content_type) | st.sampled_from(FORM_TYPES) | header_text)
    return content_type + draw(st.sampled_from(CHARSETS)), body


@SETTINGS
@given(data=st.data(), page=st.sampled_from(["acs", "term", "term-bare", "payment"]))
def test_browser_forms_arbitrary_posts_never_5xx(target: FuzzTarget, data: st.DataObject, page: str) -> None:
    path = {
        "acs": "/3ds2/sim/acs",
        "term": target.term_path,
        "term-bare": "/direct/complete/",
        "payment": target.payment_path,
    }[page]
    content_type, body = data.draw(form_posts(target.md))
    response = httpx.post(target.server.root_url + path, content=body, headers={"content-type": content_type})
    assert response.status_code < 500, response.text
    if response.status_code in {302, 303}:
        assert response.headers["location"]
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>" in response.text
