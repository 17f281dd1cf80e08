"""Request and response shapes of orders."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from rolodex.kit.time import InputDatetime

OrderStatus = Literal["paid", "refunded", "cancelled"]
OrderSource = Literal["api", "shopify", "import", "manual"]

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
MAX_ORDER_AMOUNT = Decimal("100000000.00")
OrderMoney = Annotated[Decimal, Field(ge=0, le=MAX_ORDER_AMOUNT, decimal_places=2)]


class OrderItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    sku: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    category: Text200 | None = None
    brand: Text200 | None = None
    quantity: int = Field(default=1, ge=1, le=1_000_000)
    price: OrderMoney = Field(description="Unit price, two decimals.")


class OrderIn(BaseModel):
    """An order. With an ``external_id`` already known for its source, it updates that order."""

    model_config = ConfigDict(extra="forbid")

    customer_id: uuid.UUID
    external_id: Text200 | None = None
    source: OrderSource = "api"
    number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    status: OrderStatus = "paid"
    amount: OrderMoney | None = Field(
        default=None, description="Order total; the sum of the line items when omitted."
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] = "USD"
    placed_at: InputDatetime | None = None
    items: list[OrderItemIn] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _amount_known(self) -> OrderIn:
        if self.amount is None and not self.items:
            raise ValueError("give an amount or line items to sum")
        self.currency = self.currency.upper()
        return self


class OrderStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: OrderStatus


class OrderItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product: str
    sku: str | None
    category: str | None
    brand: str | None
    quantity: int
    price: Decimal


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID
    source: str
    external_id: str | None
    number: str | None
    status: OrderStatus
    amount: Decimal
    currency: str
    placed_at: datetime
    created_at: datetime
    updated_at: datetime
    items: list[OrderItemOut]


class OrderList(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None
