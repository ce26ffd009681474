"""What an order id must be before msp-desk sends it: the one rule for the order form, lookups and files.

MultiSafepay takes order ids of at most 50 characters and says nothing about
which characters; msp-desk only refuses what cannot be one: control characters
(a line break or tab pasted in the middle of an id) and text that is not valid
Unicode (a lone surrogate, which has no UTF-8 form and so cannot travel).
"""

from __future__ import annotations

import unicodedata

MAX_ORDER_ID_LENGTH = 50
"""MultiSafepay refuses longer order ids on create (error 1006), so no order can have one."""


def order_id_problem(text: str) -> str | None:
    """A sentence saying what is wrong with ``text`` as an order id (surrounding spaces ignored), or None."""
    order_id = text.strip()
    if not order_id:
        return "Enter an order ID."
    if len(order_id) > MAX_ORDER_ID_LENGTH:
        return f"An order ID has at most {MAX_ORDER_ID_LENGTH} characters; this one has {len(order_id)}."
    invalid = invalid_character(order_id)
    if invalid is not None:
        return f"Character {invalid} of the order ID is not valid text; type the ID again."
    for position, char in enumerate(order_id, 1):
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return (
                f"An order ID has no line breaks, tabs or other control characters "
                f"(character {position} is one)."
            )
    return None


def invalid_character(text: str) -> int | None:
    """The 1-based position of the first lone surrogate in ``text``: not valid text, so it cannot be sent.

    A lone surrogate has no UTF-8 form; it can come in through a paste from
    another program, and would otherwise fail the request on its way out.
    """
    return next((i for i, char in enumerate(text, 1) if unicodedata.category(char) == "Cs"), None)
