"""No request body makes the sandbox answer 5xx: hypothesis throws JSON and bytes at it."""

from __future__ import annotations

import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import KEY_A, direct_order

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
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
