"""The LTV rule of SPEC §2 as a pure function, with properties checked by Hypothesis."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolodex.lifecycle import ltv
from rolodex.lifecycle.ltv import Kind

STAGES = ["prospect", "lead_qualified", "customer", "churned", "lead_exhausted"]
money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
big_money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
entries = st.lists(st.tuples(st.sampled_from(list(Kind)), big_money), max_size=40)


def test_seed_example():
    value = ltv.after_transition(Decimal("0.00"), "lead_qualified", Decimal("25.50"))
    value = ltv.after_transition(value, "customer", Decimal("50.00"))
    assert value == Decimal("75.50")
    assert ltv.after_transition(value, "lead_qualified", Decimal("10.00")) == Decimal("10.00")


@given(current=big_money, amount=money)
def test_customer_stage_adds(current, amount):
    assert ltv.after_transition(current, "customer", amount) == current + amount


@given(
    current=big_money, amount=money, stage=st.sampled_from([s for s in STAGES if s != "customer"])
)
def test_any_other_stage_sets(current, amount, stage):
    assert ltv.after_transition(current, stage, amount) == amount


@given(current=big_money, stage=st.sampled_from(STAGES))
def test_no_amount_keeps_ltv(current, stage):
    assert ltv.after_transition(current, stage, None) == current


@given(entries=entries)
def test_replay_is_applying_in_order_and_never_negative(entries):
    value = Decimal("0.00")
    for kind, amount in entries:
        value = ltv.apply(value, kind, amount)
        assert value >= 0
        assert value == value.quantize(Decimal("0.01"))
    assert ltv.replay(entries) == value


@given(prefix=entries, amount=big_money, suffix=entries)
def test_a_manual_set_forgets_everything_before_it(prefix, amount, suffix):
    with_prefix = ltv.replay([*prefix, (Kind.MANUAL_SET, amount), *suffix])
    without = ltv.replay([(Kind.MANUAL_SET, amount), *suffix])
    assert with_prefix == without


@given(amounts=st.lists(money, max_size=30))
def test_decimal_sums_are_exact(amounts):
    # 0.10 added thirty times is exactly 3.00, as floats would not give
    assert ltv.replay((Kind.PURCHASE, a) for a in amounts) == sum(amounts, Decimal("0.00"))


@given(
    old_status=st.sampled_from(["paid", "refunded", "cancelled"]),
    new_status=st.sampled_from(["paid", "refunded", "cancelled"]),
    old_amount=big_money,
    new_amount=big_money,
    start=big_money,
)
def test_order_changes_move_ltv_by_the_difference(
    old_status, new_status, old_amount, new_amount, start
):
    old = ltv.order_contribution(old_status, old_amount)
    new = ltv.order_contribution(new_status, new_amount)
    value = start + old  # the order already counted
    step = ltv.order_entry(old, new)
    after = value if step is None else ltv.apply(value, *step)
    assert after == start + new


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("25.50", "25.50"),
        (25.5, "25.50"),
        ("0", "0.00"),
        (10000, "10000.00"),
        ("-0", "0.00"),
        (" 7.1 ", "7.10"),
        (Decimal("0.10"), "0.10"),
    ],
)
def test_manual_amounts_accepted(raw, expected):
    assert str(ltv.parse_manual_amount(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("10000.01", "between 0.00 and 10,000.00"),
        (10000.01, "between 0.00 and 10,000.00"),
        (-1, "between 0.00 and 10,000.00"),
        ("-0.01", "between 0.00 and 10,000.00"),
        ("abc", "a number"),
        ("", "a number"),
        ("NaN", "finite"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        ("1.005", "two decimal places"),
        (True, "a number"),
        ([1], "a number"),
    ],
)
def test_manual_amounts_refused_with_a_reason(raw, message):
    with pytest.raises(ValueError, match=message):
        ltv.parse_manual_amount(raw)


@given(st.decimals(allow_nan=True, allow_infinity=True) | st.floats() | st.text(max_size=12))
def test_parse_either_returns_a_valid_amount_or_raises_value_error(raw):
    try:
        amount = ltv.parse_manual_amount(raw)
    except ValueError:
        return
    assert Decimal("0.00") <= amount <= Decimal("10000.00")
    assert amount == amount.quantize(Decimal("0.01"))
