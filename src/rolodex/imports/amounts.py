"""An amount as written in a spreadsheet → an exact Decimal of cents, pure."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")
_CURRENCY = re.compile(r"^[$€£¥]|[$€£¥]$|^(USD|EUR|GBP|CHF)\b|\b(USD|EUR|GBP|CHF)$", re.I)


def amount_text(text: str) -> str:
    """An amount as written in a spreadsheet → Decimal's text. The separator written last is
    the decimal one when there are two kinds (1,234.56; 1.234,56); a lone comma is decimal
    unless it groups thousands (12,50 and 0,5 are decimal; 1,234 is a thousand)."""
    text = _CURRENCY.sub("", text.strip()).strip()
    text = re.sub(r"[\s\u00a0\u202f']", "", text)  # 1 234,56 and 1'234.56 group thousands
    if "," in text and "." in text:
        decimal, group = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        return text.replace(group, "").replace(decimal, ".")
    if "," in text:
        return (
            text.replace(",", "")
            if _THOUSANDS.fullmatch(text.lstrip("-"))
            else text.replace(",", ".", 1)
        )
    if text.count(".") > 1:
        return text.replace(".", "")  # 1.234.567: thousands
    return text


def money(raw: Any) -> Decimal:
    """The amount of a cell; ValueError saying what is wrong with it."""
    if isinstance(raw, bool):
        text = "x"
    elif isinstance(raw, int | float | Decimal):
        text = str(raw)
    else:
        text = amount_text(str(raw))
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("not an amount such as 125.50") from exc
    if not value.is_finite() or value < 0:
        raise ValueError("must be an amount of zero or more")
    if value >= Decimal("1e13"):  # first: a huge one cannot even be rounded to cents
        raise ValueError("is too large")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("must have at most two decimal places")
    return value.quantize(Decimal("0.01"))
