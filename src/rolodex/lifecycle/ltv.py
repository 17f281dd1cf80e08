"""The LTV rule of SPEC §2, pure: how each ledger entry changes a customer's lifetime value.

A manual amount given with a stage transition is *added* when the stage is ``customer`` and
*sets* the LTV for any other stage. Purchases add, refunds subtract (never below zero).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from rolodex.kit.money import CENT, quantize, to_decimal

ZERO = Decimal("0.00")
MANUAL_MIN = Decimal("0.00")
MANUAL_MAX = Decimal("10000.00")


class Kind(StrEnum):
    PURCHASE = "purchase"
    REFUND = "refund"
    MANUAL_ADD = "manual_add"
    MANUAL_SET = "manual_set"


def parse_manual_amount(value: object) -> Decimal:
    """A manual LTV amount: a number 0.00–10,000.00 with at most two decimals, exactly."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError("must be a number such as 25.50")
    try:
        amount = to_decimal(value.strip() if isinstance(value, str) else value)
    except ValueError as exc:
        if "finite" in str(exc):
            raise ValueError("must be a finite number between 0.00 and 10,000.00") from exc
        raise ValueError("must be a number such as 25.50") from exc
    if amount < MANUAL_MIN or amount > MANUAL_MAX:
        raise ValueError("must be between 0.00 and 10,000.00")
    if amount != amount.quantize(CENT):
        raise ValueError("must have at most two decimal places")
    return quantize(amount) if amount != 0 else ZERO  # no negative zero


def manual_kind(stage: str) -> Kind:
    """The rule users rely on: with ``customer`` the amount adds, otherwise it sets."""
    return Kind.MANUAL_ADD if stage == "customer" else Kind.MANUAL_SET


def apply(ltv: Decimal, kind: Kind | str, amount: Decimal) -> Decimal:
    """The LTV after one ledger entry."""
    kind = Kind(kind)
    if kind in (Kind.PURCHASE, Kind.MANUAL_ADD):
        return quantize(ltv + amount)
    if kind is Kind.REFUND:
        return max(ZERO, quantize(ltv - amount))
    return quantize(amount)


def after_transition(ltv: Decimal, stage: str, amount: Decimal | None) -> Decimal:
    """The LTV after a transition to ``stage`` with an optional manual amount."""
    if amount is None:
        return ltv
    return apply(ltv, manual_kind(stage), amount)


def replay(entries: Iterable[tuple[Kind | str, Decimal]]) -> Decimal:
    """The LTV that a ledger (entries in order) gives, starting from zero."""
    ltv = ZERO
    for kind, amount in entries:
        ltv = apply(ltv, kind, amount)
    return ltv


def order_contribution(status: str, amount: Decimal) -> Decimal:
    """What an order adds to LTV: its amount while paid, nothing once refunded or cancelled."""
    return quantize(amount) if status == "paid" else ZERO


def order_entry(old: Decimal, new: Decimal) -> tuple[Kind, Decimal] | None:
    """The ledger entry that moves an order's contribution from ``old`` to ``new``."""
    if new > old:
        return Kind.PURCHASE, quantize(new - old)
    if new < old:
        return Kind.REFUND, quantize(old - new)
    return None
