"""Blocking lookups for a batch of probes (identity/batch.py): repository.block for many."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, func, select
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.orm import Session

from rolodex.identity import repository
from rolodex.identity.batch import PER_KEY
from rolodex.kit.one_of import one_of
from rolodex.models import Address, Customer

CHUNK = 900
_C = cast(Table, Customer.__table__)
_A = cast(Table, Address.__table__)
_sqlite_dialect = SQLiteDialect()
KEY_COLUMNS = {
    "e": _C.c.email_key,
    "n": _C.c.email_normalized,
    "p": _C.c.phone_e164,
    "k": _C.c.name_key,
}
ADDRESS_COLUMNS = ("line1", "line2", "city", "region", "postcode", "country")


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = sorted(set(values), key=str)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def block_many(
    session: Session, tenant_id: uuid.UUID, keys: dict[str, set[str]], per_key: int = PER_KEY
) -> dict[str, list[uuid.UUID]]:
    """For each blocking key (``e:``/``n:``/``p:``/``k:`` + value), the live customers holding
    it, oldest first, at most ``per_key`` of them; and for the ``kp:``/``kd:`` keys of a name
    key past that cap, its holders (repository.crowded_namesakes; below the cap the name
    key's own holders are all of them)."""
    found: dict[str, list[uuid.UUID]] = {}
    for kind, values in keys.items():
        if kind not in KEY_COLUMNS:
            continue
        column = KEY_COLUMNS[kind]
        for chunk in _chunks(values):
            where: list[ColumnElement[bool]] = [
                _C.c.tenant_id == tenant_id,
                _C.c.deleted_at.is_(None),
                one_of(session, column, chunk),
            ]
            if kind == "n":
                where.append(_C.c.email_normalized.isnot(None))  # the partial unique index
            rank = (
                func.row_number()
                .over(partition_by=column, order_by=(_C.c.created_at, _C.c.id))
                .label("rn")
            )
            inner = select(_C.c.id, column.label("key"), rank).where(*where).subquery()
            rows = session.execute(
                select(inner.c.id, inner.c.key)
                .where(inner.c.rn <= per_key)
                .order_by(inner.c.key, inner.c.rn)
            )
            for cid, key in rows:
                found.setdefault(f"{kind}:{key}", []).append(cid)
    places = [
        f"{kind}:{value}"
        for kind in ("kp", "kd")
        for value in keys.get(kind, ())
        if len(found.get("k:" + value.partition("|")[0], ())) >= per_key
    ]
    if places:
        found.update(repository.crowded_namesakes(session, tenant_id, places, per_key))
    return found


# What matching reads of a stored customer (stored_record's inputs, and the tie-break), and
# of its default address.
MATCH_COLUMNS = ("id", "email_normalized", "phone_e164", "first_name", "last_name",
                 "attributes", "created_at")  # fmt: skip
MATCH_ADDRESS = ("line1", "postcode", "city", "country")
_SQLITE_MATCH = (
    f"SELECT {', '.join([*(f'c.{n}' for n in MATCH_COLUMNS), *(f'a.{n}' for n in MATCH_ADDRESS)])} "
    "FROM customers c LEFT OUTER JOIN customer_addresses a ON a.tenant_id = c.tenant_id "
    "AND a.customer_id = c.id AND a.is_default = 1 WHERE c.tenant_id = ? AND c.id IN "
)


def match_rows(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
) -> list[tuple[Any, ...]]:
    """What matching reads of these customers, as plain rows: MATCH_COLUMNS, then the
    MATCH_ADDRESS columns of their default address (None when they have none): for the many
    customers an import only scores (at a million customers a batch of 2,000 records scores
    some 48,000 namesakes), read without ``customer_rows``' dicts.

    On SQLite the rows come from the driver as stored, but for the id: ``attributes`` as
    JSON text and ``created_at`` as text. Most of these customers are dropped after a look
    at their contact details; ``attributes_of`` and ``created_of`` read those two columns
    of the rest (converting every row cost 40% of reading them)."""
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_match_rows(session, tenant_id, ids)
    out: dict[uuid.UUID, tuple[Any, ...]] = {}
    default = and_(
        _A.c.tenant_id == _C.c.tenant_id, _A.c.customer_id == _C.c.id, _A.c.is_default.is_(True)
    )
    columns = [*(_C.c[name] for name in MATCH_COLUMNS), *(_A.c[name] for name in MATCH_ADDRESS)]
    for chunk in _chunks(ids):
        stmt = (
            select(*columns)
            .select_from(_C.outerjoin(_A, default))
            .where(_C.c.tenant_id == tenant_id, one_of(session, _C.c.id, chunk))
        )
        for row in session.execute(stmt):
            out.setdefault(row[0], tuple(row))  # a second default address: the first is enough
    return list(out.values())


def _sqlite_match_rows(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
) -> list[tuple[Any, ...]]:
    out: dict[str, tuple[Any, ...]] = {}
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for chunk in _chunks(ids):
            marks = ", ".join("?" * len(chunk))
            cursor.execute(f"{_SQLITE_MATCH}({marks})", (tenant_id.hex, *(u.hex for u in chunk)))
            for row in cursor:
                if row[0] not in out:  # a second default address: the first is enough
                    out[row[0]] = (uuid.UUID(row[0]), *row[1:])
    finally:
        cursor.close()
    return list(out.values())


def attributes_of(value: Any) -> dict[str, Any] | None:
    """A ``match_rows`` row's ``attributes``: on SQLite its JSON text."""
    if isinstance(value, str):
        return None if value == "{}" else cast(dict[str, Any], json.loads(value))
    return cast(dict[str, Any] | None, value)


_SQLITE_DATETIME = _C.c.created_at.type.dialect_impl(_sqlite_dialect).result_processor(
    _sqlite_dialect, None
)


def created_of(value: Any) -> datetime:
    """A ``match_rows`` row's ``created_at``: on SQLite its text."""
    if isinstance(value, str):
        return cast(datetime, _SQLITE_DATETIME(value))  # type: ignore[misc]
    return cast(datetime, value)


def customer_rows(
    session: Session,
    tenant_id: uuid.UUID,
    ids: Iterable[uuid.UUID],
) -> list[dict[str, Any]]:
    """Every column of these customers, with their default address as ``address`` (a dict,
    or None when they have none)."""
    out: dict[uuid.UUID, dict[str, Any]] = {}
    default = and_(_A.c.tenant_id == _C.c.tenant_id, _A.c.customer_id == _C.c.id)
    address = [_A.c[name].label(f"_a_{name}") for name in ADDRESS_COLUMNS]
    wanted = list(_C.c)
    for chunk in _chunks(ids):
        stmt = (
            select(*wanted, _A.c.id.label("_a_id"), *address)
            .select_from(_C.outerjoin(_A, and_(default, _A.c.is_default.is_(True))))
            .where(_C.c.tenant_id == tenant_id, one_of(session, _C.c.id, chunk))
        )
        for row in session.execute(stmt).mappings():
            if row["id"] in out:
                continue  # a second default address: the first is enough for matching
            cols = {c.name: row[c.name] for c in wanted}
            cols["address"] = (
                {name: row[f"_a_{name}"] for name in ADDRESS_COLUMNS}
                if row["_a_id"] is not None
                else None
            )
            out[row["id"]] = cols
    return list(out.values())
