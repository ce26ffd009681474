"""Searching a file for secrets in every shape they could leak in: plain, URL, JSON, base64, UTF-16."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote_plus

CVC_NAMES = ("card_cvc", "cvc", "cvc2", "cvv", "cvv2", "security_code")


def _base64_forms(value: bytes) -> set[bytes]:
    """``value`` as base64 wherever it starts in the encoded stream: the three alignments, edges trimmed."""
    forms = set()
    for lead in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * lead + value).rstrip(b"=")
            start = (lead * 8 + 5) // 6  # characters that still hold bits of the padding
            inner = encoded[start : len(encoded) - 1]  # the last one may mix in what follows
            if len(inner) >= 8:
                forms.add(inner)
    return forms


def encodings(text: str) -> dict[str, set[bytes]]:
    """Every byte sequence ``text`` could take in a file, by the name of its shape."""
    shapes = {
        "plain": {text},
        "URL-encoded": {quote(text, safe=""), quote_plus(text), quote(text)},
        "JSON-escaped": {json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]},
    }
    found = {name: {form.encode() for form in forms} for name, forms in shapes.items()}
    raw = text.encode()
    found["base64"] = _base64_forms(raw)
    found["UTF-16"] = {text.encode("utf-16-le"), text.encode("utf-16-be")}
    return found


def card_forms(number: str) -> list[str]:
    """A card number as people and programs write it: whole, in groups of four with spaces or dashes."""
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    return [number, " ".join(groups), "-".join(groups)]


def cvc_fragments(cvc: str) -> list[str]:
    """A CVC as it travels: next to its field name (a bare three digits turns up in any time stamp)."""
    fragments = []
    for name in CVC_NAMES:
        fragments += [
            f'"{name}":"{cvc}"',
            f'"{name}": "{cvc}"',
            f'"{name}":{cvc}',
            f'"{name}": {cvc}',
            f"{name}={cvc}",
            f"{name}: {cvc}",
        ]
    return fragments


def hits(data: bytes, secrets: Iterable[str]) -> list[str]:
    """Which of ``secrets`` occur in ``data``, and in which shape; empty when none does."""
    found = []
    for secret in secrets:
        for shape, forms in encodings(secret).items():
            if any(form in data for form in forms):
                found.append(f"{secret!r} ({shape})")
    return found


def cvc_hits(data: bytes, cvc: str) -> list[str]:
    """The CVC next to any of its names, also once the text is URL-decoded or JSON-unescaped."""
    text = data.decode("utf-8", errors="replace")
    names = "|".join(CVC_NAMES)
    near = re.compile(rf"(?i)\b(?:{names})\W{{0,8}}{re.escape(cvc)}(?!\d)")
    found = []
    for shape, seen in (
        ("plain", text),
        ("URL-encoded", unquote_plus(text)),
        ("JSON-escaped", text.replace('\\"', '"')),
    ):
        if near.search(seen):
            found.append(f"CVC ({shape})")
    return found + hits(data, cvc_fragments(cvc))
