"""Identity queries: blocking lookups, candidates, dismissals, merge log, scans, settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.orm import Session, aliased

from rolodex.identity import scoring
from rolodex.identity.batch import place_keys
from rolodex.identity.normalize import DOB_ATTRIBUTES, dob_key, postcode_key
from rolodex.kit import deferred, txcache
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import (
    Address,
    Customer,
    DedupeScan,
    DismissedPair,
    DuplicateCandidate,
    IdentitySettings,
    MergeLog,
)


def ordered(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """A pair in its stored order (smaller id first)."""
    return (a, b) if str(a) < str(b) else (b, a)


# -- settings -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Thresholds:
    auto_merge: float = scoring.DEFAULT_AUTO_MERGE
    review: float = scoring.DEFAULT_REVIEW


def thresholds(session: Session, tenant_id: uuid.UUID) -> Thresholds:
    """The tenant's thresholds, read once per transaction (most tenants have no row, which
    the identity map cannot remember)."""
    facts = txcache.cache(session)
    known = facts.get(("identity_thresholds", tenant_id))
    if known is not None:
        return cast(Thresholds, known)
    row = session.get(IdentitySettings, tenant_id)
    value = (
        Thresholds() if row is None else Thresholds(row.auto_merge_threshold, row.review_threshold)
    )
    facts[("identity_thresholds", tenant_id)] = value
    return value


def save_thresholds(session: Session, tenant_id: uuid.UUID, value: Thresholds) -> None:
    row = session.get(IdentitySettings, tenant_id)
    if row is None:
        row = IdentitySettings(tenant_id=tenant_id)
        session.add(row)
    row.auto_merge_threshold, row.review_threshold = value.auto_merge, value.review
    session.flush()
    txcache.cache(session)[("identity_thresholds", tenant_id)] = value


# -- blocking -------------------------------------------------------------------------------

BLOCK_COLUMNS = (
    Customer.id,
    Customer.email_normalized,
    Customer.phone_e164,
    Customer.first_name,
    Customer.last_name,
    Customer.created_at,
    Customer.name_key,
    # The birth date alone, extracted in SQL: decoding every candidate's attributes costs more
    # than the rest of the lookup.
    func.coalesce(*(Customer.attributes[name].as_string() for name in DOB_ATTRIBUTES)).label("dob"),
)


BLOCK_KEYS = (
    (Customer.email_key, "ek"),
    (Customer.email_normalized, "en"),
    (Customer.phone_e164, "ph"),
    (Customer.name_key, "nk"),
)


_UNFLUSHED_OK = {deferred.UNFLUSHED_OK: True}


@lru_cache(maxsize=16)
def _block_statement(present: tuple[str, ...]) -> Any:
    """Built once per set of keys the probe has: live customers sharing any of them (each
    lookup capped), with their default address. A missing key gets no branch at all: bound
    as NULL, PostgreSQL plans ``column = NULL`` as a parallel scan it starts (~40 ms)."""
    live = and_(Customer.tenant_id == bindparam("t"), Customer.deleted_at.is_(None))
    # Past the cap (a common name, a shop's own phone on every profile) the oldest holders,
    # as bulk imports take them (identity.batch_repository.block_many).
    branches = [
        select(Customer.id)
        .where(live, column == bindparam(name))
        .order_by(Customer.created_at, Customer.id)
        .limit(bindparam("cap"))
        .subquery()
        .select()
        for column, name in BLOCK_KEYS
        if name in present
    ]
    # The (deduplicated) ids drive the join: with ``id IN (...)`` PostgreSQL may plan a
    # semi-join that walks every customer of the tenant (~30 ms at a million).
    return _viewed(union(*branches).subquery())


def _viewed(ids: Any) -> Any:
    """BLOCK_COLUMNS and the default address of the customers whose ``id`` ``ids`` holds."""
    default = aliased(Address)
    return (
        select(*BLOCK_COLUMNS, default.line1, default.postcode, default.city, default.country)
        .select_from(ids)
        .join(Customer, and_(Customer.tenant_id == bindparam("t"), Customer.id == ids.c.id))
        .outerjoin(
            default,
            and_(
                default.tenant_id == Customer.tenant_id,
                default.customer_id == Customer.id,
                default.is_default.is_(True),
            ),
        )
    )


_BY_IDS = _viewed(
    select(Customer.id)
    .where(Customer.tenant_id == bindparam("t"), Customer.id.in_(bindparam("ids", expanding=True)))
    .subquery()
)


def block(
    session: Session,
    tenant_id: uuid.UUID,
    *,
    email_key: str | None,
    email_normalized: str | None,
    phone: str | None,
    name_key: str | None,
    per_key: int = 50,
) -> Sequence[Row[Any]]:
    """Live customers sharing a blocking key with the probe: one index lookup per key
    (email key, lowercased email, E.164 phone, name key), each capped at ``per_key``
    (past the cap on the name, ``block_places`` finds more)."""
    if not (email_key or email_normalized or phone or name_key):
        return []
    params = {
        "t": tenant_id,
        "ek": email_key,
        "en": email_normalized,
        "ph": phone,
        "nk": name_key,
        "cap": per_key,
    }
    # Core execution on the session's connection: plain rows, no ORM loading per candidate.
    present = tuple(name for _, name in BLOCK_KEYS if params[name] is not None)
    # Unflushed changes are the caller's to flush first (identity.matcher does).
    conn = session.connection()
    return conn.execute(_block_statement(present), params, execution_options=_UNFLUSHED_OK).all()


def block_places(
    session: Session,
    tenant_id: uuid.UUID,
    rows: Sequence[Any],
    *,
    name_key: str | None,
    postcode: str | None,
    dob: str | None,
    per_key: int = 50,
) -> Sequence[Any]:
    """After ``block`` found ``rows``: when the probe's name key was past the cap, the
    namesakes sharing its postcode or birth date that ``rows`` lacks (crowded_namesakes),
    as ``block`` rows; else none."""
    places = place_keys(name_key, postcode, dob)
    if not places or sum(1 for r in rows if r.name_key == name_key) < per_key:
        return []
    found = crowded_namesakes(session, tenant_id, places, per_key)
    have = {r.id for r in rows}
    more = sorted({cid for ids in found.values() for cid in ids} - have, key=str)
    if not more:
        return []
    params = {"t": tenant_id, "ids": more}
    return session.connection().execute(_BY_IDS, params, execution_options=_UNFLUSHED_OK).all()


CROWD_CHUNK = 500
# A postcode held by more default addresses than this is not walked for a crowded name: the
# name's own holders are (each costs a lookup of its address).
POSTCODE_WALK = 2000
# normalize.postcode_key as SQL (without its ZIP+4 rule, which a range on the prefix covers):
# on SQLite the expression of ix_customer_addresses_postcode_key (migration 0108), written
# exactly so for the index to serve it; on PostgreSQL the same expression stored as a column
# in C collation (migration 0111), which the index serves under row-level security.
POSTCODE_KEY = {
    "sqlite": "upper(replace(replace(replace(a.postcode, ' ', ''), '-', ''), char(9), ''))",
    "postgresql": "a.postcode_key",
}


def crowded_namesakes(
    session: Session, tenant_id: uuid.UUID, wanted: Iterable[str], per_key: int
) -> dict[str, list[uuid.UUID]]:
    """For ``kp:``/``kd:`` keys (identity.batch.place_keys) of name keys with more live
    customers than a lookup takes: the customers holding each key, oldest first, at most
    ``per_key``. A common name in a big tenant has hundreds of holders and its lookup meets
    the oldest 50; without this the customer a record is (same name, same postcode) would
    be missed whenever 50 older namesakes live elsewhere.

    A postcode is looked up through the default addresses holding it (an index of their
    postcode keys, migration 0108), the few of its customers with a wanted name kept; a
    postcode held by very many (POSTCODE_WALK), and a birth date, through the name's holders,
    those whose postcode or birth date could be the wanted one kept. Either way the rows are
    keyed here with the probe's own normalization."""
    keys = set(wanted)
    by_postcode: dict[str, set[str]] = {}
    by_birth: dict[str, set[str]] = {}
    for key in keys:
        name, _, value = key[3:].partition("|")
        (by_postcode if key.startswith("kp:") else by_birth).setdefault(value, set()).add(name)
    held: dict[str, list[tuple[Any, uuid.UUID]]] = {}
    seen: set[uuid.UUID] = set()

    def take(rows: Iterable[Any]) -> None:
        for cid, nk, made, postcode, country, dob in rows:
            if cid in seen:
                continue  # a second default address: the first is enough, as for matching
            seen.add(cid)
            for key in place_keys(nk, postcode_key(postcode, country), dob_key(dob)):
                if key in keys:
                    held.setdefault(key, []).append((made, cid))

    walked: dict[str, set[str]] = {}  # postcodes too common to walk, by name
    for postcode, names in sorted(by_postcode.items()):
        if _postcode_holders(session, tenant_id, postcode) > POSTCODE_WALK:
            for name in names:
                walked.setdefault(name, set()).add(postcode)
            continue
        take(_by_postcode(session, tenant_id, postcode, sorted(names)))
    wanted_births: dict[str, set[str]] = {}
    for dob, names in by_birth.items():
        for name in names:
            wanted_births.setdefault(name, set()).add(dob)
    for name in sorted(set(walked) | set(wanted_births)):
        take(
            session.execute(
                _by_name(
                    session.get_bind().dialect.name,
                    tenant_id,
                    name,
                    walked.get(name, set()),
                    wanted_births.get(name, set()),
                ),
                execution_options=_UNFLUSHED_OK,
            )
        )
    return {
        key: [cid for _, cid in sorted(members, key=lambda m: (m[0], str(m[1])))[:per_key]]
        for key, members in held.items()
    }


_DEFAULT = aliased(Address, name="a")
# What crowded_namesakes reads of a customer: its name key, age, default address's postcode
# and country, and birth date.
_PLACES = select(
    Customer.id,
    Customer.name_key,
    Customer.created_at,
    _DEFAULT.postcode,
    _DEFAULT.country,
    BLOCK_COLUMNS[-1],
).outerjoin(
    _DEFAULT,
    and_(
        _DEFAULT.tenant_id == Customer.tenant_id,
        _DEFAULT.customer_id == Customer.id,
        _DEFAULT.is_default.is_(True),
    ),
)


def _postcode_range(postcode: str) -> tuple[str, str]:
    """Keys starting with ``postcode`` (a ZIP+4 key holds its ZIP): [lo, hi)."""
    return postcode, postcode[:-1] + chr(ord(postcode[-1]) + 1)


def _postcode_holders(session: Session, tenant_id: uuid.UUID, postcode: str) -> int:
    """Default addresses whose postcode key starts with ``postcode``, counted to a little
    past POSTCODE_WALK (from the index alone)."""
    lo, hi = _postcode_range(postcode)
    statement = _place_statements(session.get_bind().dialect.name)[0]
    return int(session.execute(statement, {"t": tenant_id, "lo": lo, "hi": hi}).scalar_one())


def _by_postcode(
    session: Session, tenant_id: uuid.UUID, postcode: str, names: list[str]
) -> Iterable[Any]:
    """The names' holders whose default address's postcode key starts with ``postcode``: two
    walks of indexes alone (the names' holders, the postcode's addresses) met on the id,
    then the rows of the few found."""
    lo, hi = _postcode_range(postcode)
    statement = _place_statements(session.get_bind().dialect.name)[1]
    params = {"t": tenant_id, "lo": lo, "hi": hi, "names": names}
    return session.execute(statement, params, execution_options=_UNFLUSHED_OK)


@lru_cache(maxsize=4)
def _place_statements(dialect: str) -> tuple[Any, Any]:
    """(count of a postcode's default addresses, the names' holders at it), built once."""
    here = aliased(Address, name="h")
    key: ColumnElement[str] = literal_column(POSTCODE_KEY[dialect].replace("a.", "h."))
    at_postcode = select(here.customer_id).where(
        here.tenant_id == bindparam("t"),
        here.is_default == True,  # noqa: E712 (the index's own condition: = 1, not IS 1)
        key >= bindparam("lo"),
        key < bindparam("hi"),
    )
    count = select(func.count()).select_from(at_postcode.limit(POSTCODE_WALK + 1).subquery())
    holders = _PLACES.where(
        Customer.tenant_id == bindparam("t"),
        Customer.deleted_at.is_(None),
        Customer.name_key.in_(bindparam("names", expanding=True)),
        Customer.id.in_(at_postcode),
    )
    return count, holders


def _by_name(
    dialect: str, tenant_id: uuid.UUID, name: str, postcodes: set[str], births: set[str]
) -> Any:
    """The name's holders whose postcode (as postcode_key, or more) or birth date could be
    one of these."""
    code: ColumnElement[str] = literal_column(POSTCODE_KEY[dialect])
    could: list[ColumnElement[bool]] = []
    if postcodes:  # as postcode_key: a US ZIP+4 of nine digits is keyed by its first five
        could.append(code.in_(sorted(postcodes)))
        could.append(and_(func.length(code) == 9, func.substr(code, 1, 5).in_(sorted(postcodes))))
    if births:
        could.append(func.substr(BLOCK_COLUMNS[-1], 1, 10).in_(sorted(births)))
    return _PLACES.where(
        Customer.tenant_id == tenant_id,
        Customer.deleted_at.is_(None),
        Customer.name_key == name,
        or_(*could),
    )


# -- full scan ------------------------------------------------------------------------------

# The scan reads every live customer of a tenant: plain SQL on the driver's cursor, because
# per-row processing by SQLAlchemy would cost more than the matching itself at a million.
SCAN_SQL = {
    "customers": "SELECT id, email_normalized, phone_e164, first_name, last_name, created_at, "
    "email_key, name_key FROM customers WHERE tenant_id = :t AND deleted_at IS NULL",
    "addresses": "SELECT customer_id, line1, postcode, city, country FROM customer_addresses "
    "WHERE tenant_id = :t AND is_default",
    "birth_dates/sqlite": "SELECT id, coalesce(json_extract(attributes, '$.date_of_birth'), "
    "json_extract(attributes, '$.dob')) FROM customers WHERE tenant_id = :t AND deleted_at IS "
    "NULL AND (attributes LIKE '%\"date_of_birth\"%' OR attributes LIKE '%\"dob\"%')",
    "birth_dates/postgresql": "SELECT id, coalesce(attributes->>'date_of_birth', "
    "attributes->>'dob') FROM customers WHERE tenant_id = :t AND deleted_at IS NULL AND "
    "(attributes->>'date_of_birth' IS NOT NULL OR attributes->>'dob' IS NOT NULL)",
}


def scan_rows(session: Session, tenant_id: uuid.UUID, query: str) -> Iterator[tuple[Any, ...]]:
    """Rows of one SCAN_SQL query as the driver returns them (ids: hex text on SQLite, UUID
    on PostgreSQL), streamed in batches (a server-side cursor on PostgreSQL)."""
    conn = session.connection()
    dialect = conn.dialect.name
    sql = SCAN_SQL.get(f"{query}/{dialect}") or SCAN_SQL[query]
    driver = conn.connection.driver_connection
    if dialect == "sqlite":
        cursor = driver.cursor()  # type: ignore[union-attr]
        cursor.execute(sql.replace(":t", "?"), (tenant_id.hex,))
    else:
        cursor = driver.cursor(name=f"identity_scan_{uuid.uuid4().hex[:8]}")  # type: ignore[union-attr]
        cursor.execute(sql.replace(":t", "%s").replace('%"', '%%"'), (tenant_id,))
    try:
        while batch := cursor.fetchmany(20_000):
            yield from batch
    finally:
        cursor.close()


# -- candidates -----------------------------------------------------------------------------


def dismissed(session: Session, tenant_id: uuid.UUID, a: uuid.UUID, b: uuid.UUID) -> bool:
    a, b = ordered(a, b)
    return session.get(DismissedPair, (tenant_id, a, b)) is not None


def upsert_candidate(
    session: Session,
    tenant_id: uuid.UUID,
    a: uuid.UUID,
    b: uuid.UUID,
    score: float,
    reasons: list[dict[str, Any]],
    origin: str,
    scan_id: uuid.UUID | None = None,
) -> DuplicateCandidate:
    a, b = ordered(a, b)
    row = session.scalars(
        select(DuplicateCandidate).where(
            DuplicateCandidate.tenant_id == tenant_id,
            DuplicateCandidate.customer_a_id == a,
            DuplicateCandidate.customer_b_id == b,
        )
    ).first()
    if row is None:
        row = DuplicateCandidate(tenant_id=tenant_id, id=new_id(), customer_a_id=a, customer_b_id=b)
        session.add(row)
    row.score, row.reasons, row.origin, row.scan_id = score, reasons, origin, scan_id
    return row


def _open_candidates(tenant_id: uuid.UUID) -> Any:
    ca, cb = aliased(Customer), aliased(Customer)
    return (
        select(DuplicateCandidate)
        .join(ca, and_(ca.tenant_id == tenant_id, ca.id == DuplicateCandidate.customer_a_id))
        .join(cb, and_(cb.tenant_id == tenant_id, cb.id == DuplicateCandidate.customer_b_id))
        .where(
            DuplicateCandidate.tenant_id == tenant_id,
            ca.deleted_at.is_(None),
            cb.deleted_at.is_(None),
            ~exists().where(
                DismissedPair.tenant_id == tenant_id,
                DismissedPair.customer_a_id == DuplicateCandidate.customer_a_id,
                DismissedPair.customer_b_id == DuplicateCandidate.customer_b_id,
            ),
        )
    )


def candidate_page(
    session: Session,
    tenant_id: uuid.UUID,
    *,
    min_score: float,
    customer_id: uuid.UUID | None,
    after: tuple[float, uuid.UUID] | None,
    limit: int,
) -> list[DuplicateCandidate]:
    """Open candidates (both customers live, pair not dismissed), best first."""
    stmt = _open_candidates(tenant_id).where(DuplicateCandidate.score >= min_score)
    if customer_id is not None:
        stmt = stmt.where(
            or_(
                DuplicateCandidate.customer_a_id == customer_id,
                DuplicateCandidate.customer_b_id == customer_id,
            )
        )
    if after is not None:
        score, last_id = after
        stmt = stmt.where(
            or_(
                DuplicateCandidate.score < score,
                and_(DuplicateCandidate.score == score, DuplicateCandidate.id > last_id),
            )
        )
    stmt = stmt.order_by(DuplicateCandidate.score.desc(), DuplicateCandidate.id).limit(limit)
    return list(session.scalars(stmt))


def candidate(
    session: Session, tenant_id: uuid.UUID, candidate_id: uuid.UUID
) -> DuplicateCandidate | None:
    return session.get(DuplicateCandidate, (tenant_id, candidate_id))


def dismiss(
    session: Session,
    tenant_id: uuid.UUID,
    a: uuid.UUID,
    b: uuid.UUID,
    score: float | None,
    actor_type: str,
    actor_id: str,
) -> DismissedPair:
    a, b = ordered(a, b)
    row = session.get(DismissedPair, (tenant_id, a, b))
    if row is None:
        row = DismissedPair(
            tenant_id=tenant_id,
            customer_a_id=a,
            customer_b_id=b,
            score=score,
            actor_type=actor_type,
            actor_id=actor_id,
        )
        session.add(row)
        session.flush()
    return row


def customers_by_id(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Customer]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.scalars(
        select(Customer).where(Customer.tenant_id == tenant_id, Customer.id.in_(wanted))
    )
    return {c.id: c for c in rows}


def replace_scan_candidates(
    session: Session, tenant_id: uuid.UUID, scan_id: uuid.UUID, rows: list[dict[str, Any]]
) -> int:
    """Replace the scan-found candidates of a tenant by ``rows`` (ingest ones stay)."""
    session.execute(
        delete(DuplicateCandidate).where(
            DuplicateCandidate.tenant_id == tenant_id, DuplicateCandidate.origin == "scan"
        )
    )
    kept = {
        (r.customer_a_id, r.customer_b_id)
        for r in session.execute(
            select(DuplicateCandidate.customer_a_id, DuplicateCandidate.customer_b_id).where(
                DuplicateCandidate.tenant_id == tenant_id
            )
        )
    }
    fresh = [r for r in rows if (r["customer_a_id"], r["customer_b_id"]) not in kept]
    for start in range(0, len(fresh), 5000):
        session.execute(insert(DuplicateCandidate), fresh[start : start + 5000])
    return len(fresh)


# -- merges ---------------------------------------------------------------------------------


def merge(session: Session, tenant_id: uuid.UUID, merge_id: uuid.UUID) -> MergeLog | None:
    return session.get(MergeLog, (tenant_id, merge_id))


def later_merges(session: Session, log: MergeLog) -> list[MergeLog]:
    """Merges after ``log``, not undone, that touch its survivor or duplicate."""
    ids = (log.survivor_id, log.duplicate_id)
    return list(
        session.scalars(
            select(MergeLog).where(
                MergeLog.tenant_id == log.tenant_id,
                MergeLog.id != log.id,
                MergeLog.undone_at.is_(None),
                MergeLog.created_at >= log.created_at,
                or_(MergeLog.survivor_id.in_(ids), MergeLog.duplicate_id.in_(ids)),
            )
        )
    )


def merges_page(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID | None, limit: int
) -> list[MergeLog]:
    stmt = select(MergeLog).where(MergeLog.tenant_id == tenant_id)
    if customer_id is not None:
        stmt = stmt.where(
            or_(MergeLog.survivor_id == customer_id, MergeLog.duplicate_id == customer_id)
        )
    return list(session.scalars(stmt.order_by(MergeLog.created_at.desc()).limit(limit)))


def lock_customers(session: Session, tenant_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    """Row locks on customers, in id order (two merges of one pair cannot deadlock)."""
    session.execute(
        select(Customer.id)
        .where(Customer.tenant_id == tenant_id, Customer.id.in_(sorted(ids, key=str)))
        .order_by(Customer.id)
        .with_for_update()
    ).all()


# -- scans ----------------------------------------------------------------------------------


SCAN_STALE = timedelta(hours=2)  # a scan still "running" after this died with its process


def running_scan(session: Session, tenant_id: uuid.UUID) -> DedupeScan | None:
    """The tenant's scan in progress; older unfinished ones are marked failed on the way."""
    for row in session.scalars(
        select(DedupeScan).where(
            DedupeScan.tenant_id == tenant_id, DedupeScan.state.in_(("queued", "running"))
        )
    ):
        if row.created_at > utcnow() - SCAN_STALE:
            return row
        row.state, row.error, row.finished_at = "failed", "abandoned (process ended)", utcnow()
    return None


def scan(session: Session, tenant_id: uuid.UUID, scan_id: uuid.UUID) -> DedupeScan | None:
    return session.get(DedupeScan, (tenant_id, scan_id))


def scan_progress(
    session: Session, tenant_id: uuid.UUID, scan_id: uuid.UUID, **values: Any
) -> None:
    session.execute(
        update(DedupeScan)
        .where(DedupeScan.tenant_id == tenant_id, DedupeScan.id == scan_id)
        .values(**values)
    )


def count_live(session: Session, tenant_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.tenant_id == tenant_id, Customer.deleted_at.is_(None))
        )
        or 0
    )
