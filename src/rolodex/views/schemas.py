"""Request and response shapes of saved views."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Column = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
FilterIn = dict[str, Any] | Annotated[str, StringConstraints(max_length=2000)]

FILTER_DESCRIPTION = (
    'The filter language: a JSON object ({"and": [...]}, {"field", "op", "value"}) '
    "or a string such as `stage:customer status:vip attr.score>=5`."
)


class ViewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    filter: FilterIn | None = Field(default=None, description=FILTER_DESCRIPTION)
    sort: Annotated[str, StringConstraints(max_length=200)] | None = None
    columns: list[Column] = Field(default_factory=list, max_length=50)
    shared: bool = False


class ViewUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    filter: FilterIn | None = Field(default=None, description=FILTER_DESCRIPTION)
    sort: Annotated[str, StringConstraints(max_length=200)] | None = None
    columns: list[Column] | None = Field(default=None, max_length=50)
    shared: bool | None = None


class ViewOut(BaseModel):
    id: uuid.UUID
    name: str
    filter: dict[str, Any] | None
    sort: str | None
    columns: list[str]
    shared: bool
    owner_type: str
    owner_id: str
    mine: bool
    created_at: datetime
    updated_at: datetime


class ViewList(BaseModel):
    items: list[ViewOut]
    next_cursor: str | None = None
