"""Formula neutralization, pure: no exported cell starts a formula, and imports read the
original value back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolodex.exports.csv_safety import TRIGGERS, neutralize, restore

cells = (
    st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "a", "1", " "]))
    | st.text()
)


@given(cells)
def test_a_neutralized_cell_never_starts_a_formula(value):
    assert neutralize(value)[:1] not in TRIGGERS


@given(cells)
def test_restore_gives_back_the_original_value(value):
    assert restore(neutralize(value)) == value


@given(cells)
def test_harmless_cells_are_written_as_they_are(value):
    if value[:1] not in TRIGGERS and not value.startswith("'"):
        assert neutralize(value) == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 415 555 0100", "'+1 415 555 0100"),
        ("-5", "-5"),  # a negative number is no formula: it stays a number
        ("-33.86", "-33.86"),
        ("-5-5", "'-5-5"),
        ("-5e3", "'-5e3"),
        ("- 5", "'- 5"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=already", "''=already"),
        ("O'Brien", "O'Brien"),
        ("'quoted'", "'quoted'"),
        ("", ""),
    ],
)
def test_examples(value, written):
    assert neutralize(value) == written
    assert restore(written) == value


def test_the_quoted_negative_numbers_of_earlier_exports_are_read_back():
    assert restore("'-5") == "-5"
    assert restore("'-33.86") == "-33.86"
    assert restore("''-5") == "'-5"
