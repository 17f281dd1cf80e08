"""The filter language compiled to SQL conditions on ``customers`` (both engines).

Every condition is two-valued (never SQL NULL), so that ``not`` means what it says:
``-attr.tier:gold`` includes customers without a tier.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from rolodex.errors import field_error
from rolodex.kit.phones import to_e164
from rolodex.kit.stored import Stored
from rolodex.models import (
    Address,
    Customer,
    CustomerSource,
    CustomerTag,
    ImportRow,
    ImportRun,
    Segment,
)
from rolodex.models.segments import SegmentMembership
from rolodex.search import filters, text
from rolodex.search import repository as index
from rolodex.search import sql as search_sql
from rolodex.search.filters import And, Cond, Node, Not, Or

TEXT_COLUMNS = {
    "campaign": Customer.utm_campaign,
    "utm_source": Customer.utm_source,
    "utm_medium": Customer.utm_medium,
    "acquisition_source": Customer.acquisition_source,
    "company": Customer.company,
    "email": Customer.email_normalized,
    "phone": Customer.phone_e164,
}
TIME_COLUMNS = {
    "created_at": Customer.created_at,
    "updated_at": Customer.updated_at,
    "last_active_at": Customer.last_active_at,
    "first_order_at": Customer.first_order_at,
    "last_order_at": Customer.last_order_at,
}
ENUM_COLUMNS = {
    "stage": Customer.lifecycle_stage,
    "status": Customer.status,
    "type": Customer.customer_type,
}


@dataclass
class Context:
    session: Session
    tenant_id: uuid.UUID
    now: datetime
    region: str = "US"
    stack: tuple[uuid.UUID, ...] = ()
    segments: dict[str, Segment] = field(default_factory=dict)

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name


def deleted_mode(node: Node | None) -> str:
    found = filters.conditions(node, "deleted")
    return str(found[-1].value) if found else "exclude"


def where(ctx: Context, node: Node | None) -> ColumnElement[bool]:
    """The condition for ``node`` (deleted handling is the caller's: see deleted_mode)."""
    if node is None:
        return true()
    if isinstance(node, And):
        return and_(true(), *(where(ctx, n) for n in node.items))
    if isinstance(node, Or):
        return or_(false(), *(where(ctx, n) for n in node.items))
    if isinstance(node, Not):
        return not_(where(ctx, node.item))
    return _leaf(ctx, node)


def _cmp(col: Any, op: str, value: Any) -> ColumnElement[bool]:
    ops = {
        "eq": col.__eq__,
        "ne": col.__ne__,
        "gt": col.__gt__,
        "gte": col.__ge__,
        "lt": col.__lt__,
        "lte": col.__le__,
    }
    return and_(col.isnot(None), ops[op](value))


def _exists(col: Any, want: bool) -> ColumnElement[bool]:
    present = and_(col.isnot(None), col != "")
    return present if want else not_(present)


def _leaf(ctx: Context, c: Cond) -> ColumnElement[bool]:
    f, op, v = c.field, c.op, c.value
    col: Any
    inside: ColumnElement[bool]
    if f.startswith("attr."):
        return _attr(ctx, f[5:], op, v)
    if f in ENUM_COLUMNS:
        inside = ENUM_COLUMNS[f].in_(v)
        return inside if op in ("eq", "in") else not_(inside)
    if f == "country" and op in ("eq", "in"):
        return _in_country(ctx, v)
    if f == "source" and op in ("eq", "in"):
        return _from_source(ctx, v)
    if f in ("source", "country", "tags"):
        return _related(f, op, v)
    if f in TEXT_COLUMNS:
        col = TEXT_COLUMNS[f]
        if op == "exists":
            return _exists(col, v)
        if op == "prefix":
            like = v.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            return and_(col.isnot(None), func.lower(col).like(like, escape="\\"))
        inside = and_(col.isnot(None), func.lower(col).in_([x.lower() for x in v]))
        return inside if op in ("eq", "in") else not_(inside)
    if f in TIME_COLUMNS:
        col = TIME_COLUMNS[f]
        if op == "exists":
            return col.isnot(None) if v else col.is_(None)
        at = v.at(ctx.now) if isinstance(v, filters.Relative) else v
        if f in search_sql.NULLABLE_SORTS:  # through the sort's expression index
            return and_(col.isnot(None), _cmp(search_sql.or_never(col), op, at))
        return _cmp(col, op, at)
    if f == "ltv":
        return _cmp(Customer.ltv, op, v)
    if f == "order_count":
        return _cmp(Customer.order_count, op, v)
    if f == "days_since_last_order":
        return _days_since(ctx, op, int(v))
    if f in ("email_consent", "sms_consent"):
        return getattr(Customer, f).is_(True) if v else getattr(Customer, f).is_(False)
    if f == "id":
        inside = Customer.id.in_([uuid.UUID(x) for x in v])
        return inside if op in ("eq", "in") else not_(inside)
    if f == "import":
        inside = _from_import(ctx, v)
        return inside if op in ("eq", "in") else not_(inside)
    if f == "segment":
        listed = op == "in"  # members read once as a list; not a member: NOT EXISTS per row
        found = resolve_segments(ctx, v)
        inside = or_(false(), *(_member_of(ctx, s, listed) for s in found))
        return inside if listed else not_(inside)
    if f == "q":
        return text_condition(ctx, v)
    return true()  # deleted: applied by the caller


def _in_country(ctx: Context, countries: list[str]) -> ColumnElement[bool]:
    """The customers with an address in one of ``countries``, read once as a list (not
    correlated): SQLite, without statistics, looked each customer up in the country's index,
    walking all that country's addresses for every customer (country=FR sorted by -ltv:
    0.68 s at 28,000 customers, 2.3 s at 100,000; as a list 2 ms)."""
    return Customer.id.in_(
        select(Address.customer_id).where(
            Address.tenant_id == ctx.tenant_id, Address.country.in_(countries)
        )
    )


def _from_source(ctx: Context, sources: list[str]) -> ColumnElement[bool]:
    """The customers known to one of ``sources``, read once as a list (not correlated):
    SQLite, without statistics, looked up the sources of every customer in turn, so a
    source few customers have read them all (source=api sorted by -ltv, 95 of 100,000
    customers: 0.56 s, with its count 0.86 s; as a list 7 ms)."""
    return Customer.id.in_(
        select(CustomerSource.customer_id).where(
            CustomerSource.tenant_id == ctx.tenant_id, CustomerSource.source.in_(sources)
        )
    )


def _from_import(ctx: Context, ids: list[str]) -> ColumnElement[bool]:
    """The customers of one of the imports ``ids``: those it created, updated or found as the
    file has them (unchanged), the customers its file is about; not a row it skipped or that
    failed. Read once as a list from its row report (through ix_import_rows_target: as many
    rows as the import has, whatever the tenant's size). A dry run wrote no one: nobody."""
    return Customer.id.in_(
        select(ImportRow.target_id)
        .join(
            ImportRun,
            and_(ImportRun.tenant_id == ImportRow.tenant_id, ImportRun.id == ImportRow.import_id),
        )
        .where(
            ImportRow.tenant_id == ctx.tenant_id,
            ImportRow.import_id.in_([uuid.UUID(x) for x in ids]),
            ImportRow.action.in_(("create", "update", "unchanged")),
            ImportRow.target_id.isnot(None),  # NOT IN a list holding NULL holds for no one
            ImportRun.dry_run.is_(False),
        )
    )


def _related(f: str, op: str, v: list[str]) -> ColumnElement[bool]:
    if f == "source":  # from none of these sources (from one: _from_source)
        return not_(
            exists().where(
                CustomerSource.tenant_id == Customer.tenant_id,
                CustomerSource.customer_id == Customer.id,
                CustomerSource.source.in_(v),
            )
        )
    if f == "country":  # not in these countries (in them: _in_country)
        return not_(
            exists().where(
                Address.tenant_id == Customer.tenant_id,
                Address.customer_id == Customer.id,
                Address.country.in_(v),
            )
        )
    model: Any = CustomerTag

    def has(tags: list[str]) -> ColumnElement[bool]:
        return exists().where(
            model.tenant_id == Customer.tenant_id,
            model.customer_id == Customer.id,
            # Without case, through the index of the lowered tag (migration 0114).
            Stored(func.lower(model.tag), model.tag, "tag_key").in_([t.lower() for t in tags]),
        )

    if op == "all":
        return and_(true(), *(has([t]) for t in v))
    return has(v) if op == "any" else not_(has(v))


def _days_since(ctx: Context, op: str, n: int) -> ColumnElement[bool]:
    """Whole days since the last paid order (never-ordered customers match nothing)."""
    raw = Customer.last_order_at
    col = search_sql.or_never(raw)

    def ago(days: int) -> datetime:
        return ctx.now - timedelta(days=min(days, 365_000))  # 1000 years is "ever"

    exact = and_(col > ago(n + 1), col <= ago(n))
    cond = {
        "gte": col <= ago(n),
        "gt": col <= ago(n + 1),
        "lte": col > ago(n + 1),
        "lt": col > ago(n),
        "eq": exact,
        "ne": not_(exact),
    }[op]
    return and_(raw.isnot(None), cond)


# ---- custom attributes -----------------------------------------------------------------------


def _numeric(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        return float(Decimal(str(v)))
    except ArithmeticError:
        return None


def _attr(ctx: Context, key: str, op: str, v: Any) -> ColumnElement[bool]:
    """``attr.key`` compared loosely: "5" matches 5 and "5"; "true" matches true and "true";
    ranges compare numbers as numbers and other values as text (ISO dates work)."""
    sqlite = ctx.dialect == "sqlite"
    attrs: Any = Customer.attributes
    kind: Any
    num: Any
    is_num: ColumnElement[bool]
    is_text: ColumnElement[bool]
    is_true: ColumnElement[bool]
    is_false: ColumnElement[bool]
    if sqlite:
        path = '$."' + key + '"'
        kind = func.json_type(attrs, path)
        raw = func.json_extract(attrs, path)
        is_num, is_text = kind.in_(["integer", "real"]), kind == "text"
        is_true, is_false = kind == "true", kind == "false"
        num, txt = raw, raw
    else:
        node = attrs.op("->")(literal(key))
        kind = func.jsonb_typeof(node)
        is_num, is_text = kind == "number", kind == "string"
        is_true = and_(kind == "boolean", attrs.op("->>")(literal(key)) == "true")
        is_false = and_(kind == "boolean", attrs.op("->>")(literal(key)) == "false")
        txt = attrs.op("->>")(literal(key))
        num = case((is_num, cast(txt, Float)), else_=None)
    if op == "exists":
        present = and_(kind.isnot(None), kind != "null")
        return present if v else not_(present)

    def equals(x: Any) -> ColumnElement[bool]:
        s = str(x).lower() if isinstance(x, bool) else str(x)
        alts = [and_(is_text, cast(txt, String) == s)]
        n = _numeric(x)
        if n is not None:
            alts.append(and_(is_num, num == n))
        if s.lower() in ("true", "false"):
            alts.append(is_true if s.lower() == "true" else is_false)
        return and_(kind.isnot(None), or_(*alts))

    if op in ("eq", "ne", "in", "nin"):
        values = v if isinstance(v, list) else [v]
        inside = or_(false(), *(equals(x) for x in values))
        return inside if op in ("eq", "in") else not_(inside)
    n = _numeric(v)
    if n is not None:
        return and_(kind.isnot(None), is_num, _cmp(num, op, n))
    return and_(kind.isnot(None), is_text, _cmp(cast(txt, String), op, str(v)))


# ---- segments and text -----------------------------------------------------------------------


def resolve_segments(ctx: Context, refs: list[str]) -> list[Segment]:
    out = []
    for ref in refs:
        seg = ctx.segments.get(ref)
        if seg is None:
            stmt = select(Segment).where(Segment.tenant_id == ctx.tenant_id)
            try:
                stmt = stmt.where(Segment.id == uuid.UUID(ref))
            except ValueError:
                stmt = stmt.where(Segment.key == ref)
            seg = ctx.session.scalars(stmt).first()
        if seg is None:
            raise field_error("segment", f"no segment {ref!r}", ref)
        ctx.segments[ref] = seg
        out.append(seg)
    return out


def _member_of(ctx: Context, seg: Segment, listed: bool = False) -> ColumnElement[bool]:
    """Membership of ``seg``. ``listed``: an assigned segment's members read once as a list
    (not correlated): SQLite, without statistics, looked each customer up in turn, so a
    segment of few customers read them all (100 members of 100,000 sorted by -ltv: 0.27 s,
    with its count 0.43 s)."""
    if seg.membership == "dynamic":
        if seg.id in ctx.stack or len(ctx.stack) >= filters.MAX_DEPTH:
            raise field_error("segment", f"segment {seg.key!r} refers to itself")
        node = filters.from_json(seg.filter or {"and": []}, f"segment {seg.key}")
        inner = Context(ctx.session, ctx.tenant_id, ctx.now, ctx.region, (*ctx.stack, seg.id))
        inner.segments = ctx.segments
        return where(inner, node)
    current = or_(SegmentMembership.expires_at.is_(None), SegmentMembership.expires_at > ctx.now)
    if listed:
        return Customer.id.in_(
            select(SegmentMembership.customer_id).where(
                SegmentMembership.tenant_id == ctx.tenant_id,
                SegmentMembership.segment_id == seg.id,
                current,
            )
        )
    return exists().where(
        SegmentMembership.tenant_id == Customer.tenant_id,
        SegmentMembership.segment_id == seg.id,
        SegmentMembership.customer_id == Customer.id,
        current,
    )


def parse_text(ctx: Context, raw: str) -> tuple[text.Query, index.Words | None]:
    """The query and the typo variants of its words (one vocabulary lookup)."""
    e164 = None
    if text.phone_digits(raw):
        try:
            e164 = to_e164(raw, ctx.region)
        except ValueError:
            e164 = None
    q = text.parse_query(raw, e164)
    words = index.expand(ctx.session, ctx.tenant_id, q.words) if q.words else None
    return q, words


def text_condition(ctx: Context, raw: str) -> ColumnElement[bool]:
    q, words = parse_text(ctx, raw)
    return index.predicate(ctx.dialect, ctx.tenant_id, q, words)
