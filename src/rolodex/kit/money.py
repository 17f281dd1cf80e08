"""Money is exact: Decimal with two places in Python, integer cents in the database."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """Parse a money value (str, int, Decimal) exactly; floats go through their repr."""
    if isinstance(value, bool):
        raise ValueError("not a money amount")
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation as exc:
        raise ValueError("not a money amount") from exc
    if not amount.is_finite():
        raise ValueError("money must be a finite number")
    return amount


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def to_cents(amount: Decimal) -> int:
    return int(quantize(amount) * 100)


def from_cents(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(CENT)
