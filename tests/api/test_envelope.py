"""A body cut short anywhere is told apart from one that is not JSON at all."""

from __future__ import annotations

import pytest

from msp_desk.api.envelope import decode
from msp_desk.api.environments import Environment
from msp_desk.api.errors import MalformedResponse
from tests.api.fake_msp import fixture_text


def _decode(text: str) -> None:
    decode(
        status=200,
        text=text,
        content_type="application/json",
        host="testapi.multisafepay.com",
        environment=Environment.TEST,
        subject="order o-1",
    )


def test_every_cut_of_a_real_answer_counts_as_cut_short() -> None:
    # Compact, as MultiSafepay sends it: cuts then fall inside true, false, null and numbers too.
    import json

    body = json.dumps(json.loads(fixture_text("getOrder3DS.json")), separators=(",", ":"))
    for end in range(1, len(body)):
        with pytest.raises(MalformedResponse) as caught:
            _decode(body[:end])
        assert caught.value.code == "truncated", body[:end][-30:]


@pytest.mark.parametrize("text", ["Service unavailable", '{"success": yes}', "[1, 2] trailing"])
def test_text_that_is_not_json_is_not_called_cut_short(text: str) -> None:
    with pytest.raises(MalformedResponse) as caught:
        _decode(text)
    assert caught.value.code == "not_json"
