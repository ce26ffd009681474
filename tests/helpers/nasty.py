"""Hypothesis strategies for what people paste and servers send: text and JSON meant to break parsers.

Hypothesis's plain ``st.text()`` leaves out lone surrogates and rarely picks the
characters that trip hand-written rules, so these strategies mix them in on
purpose: digits of other scripts and superscripts (``str.isdigit`` says yes,
``int`` says no), control characters, byte-order marks, right-to-left marks,
spreadsheet formula starts, and numbers too long for ``int()``.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

TRICKY_CHARACTERS = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\t\r\n\u0085\u2028\u2029"  # control and line-breaking characters
    "\u00a0\u200b\u200e\u202e\ufeff\ufffd"  # no-break and zero-width spaces, direction marks, BOM, U+FFFD
    "²³¹¼٣٤۵४୭१߁𝟘"  # isdigit() or isdecimal() is true, yet they are not 0-9
    "=+-@'\"\\/%?#&;,.:$<>{}[]() "  # formula starts, quoting and URL syntax
    "éß€中𝄞"  # other scripts and outside the Basic Multilingual Plane
)

tricky_characters = st.one_of(
    st.sampled_from(TRICKY_CHARACTERS),
    st.characters(exclude_categories=()),  # anything, lone surrogates included
    st.characters(min_codepoint=0x30, max_codepoint=0x39),
)


def nasty_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Any text, leaning towards what breaks parsers; sometimes a plausible value with junk around it."""
    junk = st.text(tricky_characters, max_size=max_size)
    plausible = st.sampled_from(
        [
            "10.00",
            "4111 1111 1111 1111",
            "12/30",
            "123",
            "shopper@example.com",
            "NL",
            "203.0.113.7",
            "https://shop.example/notify",
            "order-1",
            '=HYPERLINK("http://evil.example","x")',
            "9" * 5000,
        ]
    )
    return st.one_of(junk, st.builds(lambda a, b, c: a + b + c, junk, plausible, junk), plausible)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**15, max_value=10**20),
    st.floats(),
    st.text(tricky_characters, max_size=20),
    st.sampled_from(["", "0", "007", "²", "9" * 30, "NaN", "1e999999", "2019-03-01T16:12:47", "0001-01-01"]),
)

json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(tricky_characters, max_size=8), inner, max_size=4),
    ),
    max_leaves=6,
)
"""Any JSON value (floats include NaN and infinities, which Python's json writes and reads)."""


def shaped_like(fields: list[str], values: st.SearchStrategy[Any] = json_values) -> st.SearchStrategy[Any]:
    """A JSON object with some of ``fields`` (a model's names) holding any value, or any JSON at all."""
    return st.one_of(
        st.fixed_dictionaries({}, optional={name: values for name in fields}),
        values,
    )


RAW_BODIES = (
    "",
    " ",
    "null",
    "[]",
    '{"success": true}',
    '{"success": true, "data": ' + "1" * 5000 + "}",
    '{"success": false, "error_code": ' + "9" * 4400 + "}",
    '{"success": false, "error_code": "²"}',
    '{"success": false, "error_code": "' + "9" * 4400 + '"}',
    "[" * 100_000 + "]" * 100_000,
    '{"success": true, "data": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"success": true, "data": {"amount": 1e999999}}',
    '{"success": true, "data": {"costs": [{"amount": "1E+999999999999"}]}}',
    "<html><title>502</title></html>",
    '{"success": tr',
    "\ufeff{}",
)
"""Bodies no generator finds by chance: numbers past ``int()``'s limit, nesting past the recursion limit."""


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
