"""Cleaning ids: pasted text, blanks, duplicates and ids longer than MultiSafepay allows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from msp_desk.bulk.ids import MAX_ORDER_ID_LENGTH, SkipReason, collect, from_text


def test_pasted_ids_in_every_separator() -> None:
    got = from_text("A-1, A-2;A-3\tA-4  A-5\r\nA-6\n")
    assert got.ids == ("A-1", "A-2", "A-3", "A-4", "A-5", "A-6")
    assert got.rows == (1, 1, 1, 1, 1, 2)
    assert got.skipped == ()


def test_blank_lines_between_ids_are_reported_but_not_around_them() -> None:
    got = from_text("\n\nA-1\n\n   \nA-2\n\n\n")
    assert got.ids == ("A-1", "A-2")
    assert [(s.row, s.reason) for s in got.skipped] == [(4, SkipReason.BLANK), (5, SkipReason.BLANK)]
    assert got.skipped[0].describe() == "row 4: blank"


def test_duplicates_name_the_first_row_and_are_not_sent() -> None:
    got = collect([(2, "A-1"), (3, " A-2 "), (4, "A-1"), (5, "a-1")])
    assert got.ids == ("A-1", "A-2", "a-1")  # MultiSafepay order ids are case-sensitive
    assert got.rows == (2, 3, 5)
    (dup,) = got.skipped
    assert (dup.row, dup.first_row, dup.reason) == (4, 2, SkipReason.DUPLICATE)
    assert dup.describe() == "row 4: A-1 is a duplicate of row 2"


def test_ids_longer_than_50_characters_are_skipped() -> None:
    longest, too_long = "x" * MAX_ORDER_ID_LENGTH, "y" * (MAX_ORDER_ID_LENGTH + 1)
    got = collect([(1, longest), (2, too_long)])
    assert got.ids == (longest,)
    assert got.skipped[0].reason is SkipReason.TOO_LONG
    assert got.skipped[0].describe().startswith("row 2: yyyy")
    assert "51 characters; order ids have at most 50" in got.skipped[0].describe()


def test_nothing_pasted() -> None:
    assert from_text(" \n\t\n").ids == ()
    assert len(from_text("")) == 0


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), max_size=40))
def test_every_cell_is_either_an_id_or_reported(cells: list[str]) -> None:
    got = collect(enumerate(cells, 1))
    assert len(set(got.ids)) == len(got.ids)
    assert all(0 < len(i) <= MAX_ORDER_ID_LENGTH and i == i.strip() for i in got.ids)
    last_filled = max((row for row, cell in enumerate(cells, 1) if cell.strip()), default=0)
    accounted = sorted([*got.rows, *(s.row for s in got.skipped)])
    assert accounted == list(range(1, last_filled + 1))  # each row once; trailing blanks are not news
