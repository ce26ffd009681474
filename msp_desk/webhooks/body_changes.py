"""What merchants' code usually did to a notification body before hashing it.

Each change names itself and its likely cause; the signature checker tries them
in order when the exact bytes do not verify. Re-serialisations cover the common
encoders: Python's json.dumps (the python-sdk hashes compact JSON it re-encodes),
PHP's json_encode with and without its escaping flags, JavaScript's JSON.stringify.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class BodyChange:
    name: str
    cause: str
    apply: Callable[[bytes], bytes | None]


def _parsed(body: bytes) -> tuple[bool, Any]:
    try:
        return True, json.loads(body)
    except (ValueError, RecursionError):
        return False, None


def _json_change(dump: Callable[[Any], str]) -> Callable[[bytes], bytes | None]:
    def apply(body: bytes) -> bytes | None:
        ok, value = _parsed(body)
        if not ok:
            return None
        try:
            return dump(value).encode("utf-8")
        except (ValueError, RecursionError):
            return None  # e.g. a lone surrogate that UTF-8 cannot encode

    return apply


def _compact(value: Any, *, ascii_only: bool = False) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=ascii_only)


def _strip_bom(body: bytes) -> bytes | None:
    return body[len(_BOM) :] if body.startswith(_BOM) else None


def _strip_newline(body: bytes) -> bytes | None:
    return body.rstrip(b"\r\n")


def _reencoded(name: str, how: str, dump: Callable[[Any], str]) -> BodyChange:
    cause = f"Your framework or logging parsed the JSON and encoded it again, as {how} does."
    return BodyChange(f"re-serialising the JSON {name}", cause, _json_change(dump))


CHANGES: tuple[BodyChange, ...] = (
    BodyChange(
        "removing the trailing newline",
        "A newline was added after MultiSafepay sent the body, usually when it was saved to a file "
        "or pasted.",
        _strip_newline,
    ),
    BodyChange(
        "removing the UTF-8 byte-order mark",
        "A byte-order mark was put in front of the body, usually by an editor or a framework's "
        "text decoding.",
        _strip_bom,
    ),
    BodyChange(
        "removing the byte-order mark and the trailing newline",
        "The body was saved with an editor that added both.",
        lambda body: _strip_newline(body[len(_BOM) :]) if body.startswith(_BOM) else None,
    ),
    _reencoded(
        "compactly with raw UTF-8",
        "Python's json.dumps(…, separators=(',', ':'), ensure_ascii=False) (MultiSafepay's python-sdk), "
        "PHP's json_encode with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE or JavaScript's "
        "JSON.stringify",
        _compact,
    ),
    _reencoded(
        "compactly with \\u escapes",
        "Python's json.dumps(…, separators=(',', ':')) or PHP's json_encode with JSON_UNESCAPED_SLASHES",
        lambda v: _compact(v, ascii_only=True),
    ),
    _reencoded(
        "with \\/ and \\u escapes",
        "PHP's json_encode with its default flags",
        lambda v: _compact(v, ascii_only=True).replace("/", "\\/"),
    ),
    _reencoded(
        "with \\/ escapes and raw UTF-8",
        "PHP's json_encode with JSON_UNESCAPED_UNICODE",
        lambda v: _compact(v).replace("/", "\\/"),
    ),
    _reencoded("with spaces after , and :", "Python's json.dumps with its defaults", json.dumps),
    _reencoded(
        "with spaces after , and : and raw UTF-8",
        "Python's json.dumps(…, ensure_ascii=False)",
        lambda v: json.dumps(v, ensure_ascii=False),
    ),
    _reencoded(
        "pretty-printed with 4 spaces",
        "Python's json.dumps(…, indent=4, ensure_ascii=False)",
        lambda v: json.dumps(v, indent=4, ensure_ascii=False),
    ),
)


def reserialisation_warnings(body: bytes) -> Iterator[str]:
    """Warn when handlers that re-serialise before hashing (the python-sdk) would reject ``body``."""
    compact = _json_change(_compact)(body)
    if compact is not None and compact != body:
        yield (
            "These exact bytes verify, but code that parses the JSON and encodes it again before "
            "hashing (as MultiSafepay's python-sdk Webhook.validate does) gets other bytes and "
            "would reject this notification. Hash the raw request body."
        )
