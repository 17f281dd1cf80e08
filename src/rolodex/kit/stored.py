"""An expression that PostgreSQL keeps in a stored generated column of its table.

Under row-level security the planner may use a condition to read an index before the
policy's check only if all it calls is LEAKPROOF. coalesce() and lower() are not (to the
planner COALESCE is an unknown node, so leaky), so a range or equality on an expression
index of them becomes a filter over every row of the tenant. A condition on a column is plain
comparison, which is LEAKPROOF: on PostgreSQL the expression is read from its column (made by
a migration); SQLite has no row-level security and keeps the expression (and its index).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.visitors import InternalTraversal


class Stored(ColumnElement[Any]):
    """``expr``, which PostgreSQL stores as the column ``name`` of the table of ``col``."""

    inherit_cache = True
    _traverse_internals = [
        ("expr", InternalTraversal.dp_clauseelement),
        ("col", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, expr: ColumnElement[Any], col: Any, name: str) -> None:
        self.expr = expr
        self.col = col.expression  # an ORM attribute's column (an alias's, if aliased)
        self.name = name
        self.type = expr.type


@compiles(Stored)
def _expression(element: Stored, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.expr, **kw))


@compiles(Stored, "postgresql")
def _column(element: Stored, compiler: Any, **kw: Any) -> str:
    column = ColumnClause(element.name, element.type, _selectable=element.col.table)
    return str(compiler.process(column, **kw))
