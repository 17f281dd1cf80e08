"""Import queries. SQL about imports (and the bulk writes they make) lives here."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rolodex.imports.state import ADDRESS_PARTS, WRITABLE
from rolodex.kit import txcache
from rolodex.kit.bulk_insert import insert_many
from rolodex.kit.request_meta import RequestMeta
from rolodex.kit.time import utcnow
from rolodex.models import (
    Address,
    AuditErasure,
    Customer,
    CustomerSource,
    CustomerTag,
    DuplicateCandidate,
    IdentityMatch,
    ImportChunk,
    ImportKey,
    ImportOverlay,
    ImportRow,
    ImportRowError,
    ImportRun,
    Job,
    LtvEntry,
    StageTransition,
)
from rolodex.search import sql as search_sql


def _t(model: Any) -> Table:
    return cast(Table, model.__table__)


CUSTOMERS, TAGS, ADDRESSES, SOURCES = _t(Customer), _t(CustomerTag), _t(Address), _t(CustomerSource)
CHUNK = 900


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _insert(session: Session, table: Table) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# -- runs ---------------------------------------------------------------------------------


def take_turn(session: Session, tenant_id: uuid.UUID) -> None:
    """PostgreSQL: wait until no other import or revert of this tenant is in a batch, and
    hold the turn to the end of this transaction (an advisory lock). Two imports of
    overlapping files, each batch writing many customers in its own order, otherwise
    deadlocked and clashed on emails both created, and their jobs failed and were retried
    for minutes. In turn, each batch reads what the other's last batch committed. SQLite's
    single writer already takes turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_turn_key(tenant_id))))


def _turn_key(tenant_id: uuid.UUID) -> int:
    digest = hashlib.blake2b(b"rolodex.imports:" + tenant_id.bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def get(session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID) -> ImportRun | None:
    return session.get(ImportRun, (tenant_id, import_id), populate_existing=True)


def origin(session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID) -> RequestMeta:
    """Where the import was uploaded from (its runner holds the run: usually no query)."""
    run = session.get(ImportRun, (tenant_id, import_id))
    return RequestMeta(run.ip, run.user_agent) if run is not None else RequestMeta()


def lock(session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID) -> ImportRun | None:
    return session.scalars(
        select(ImportRun)
        .where(ImportRun.tenant_id == tenant_id, ImportRun.id == import_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def list_query(tenant_id: uuid.UUID) -> Select[Any]:
    return select(ImportRun).where(ImportRun.tenant_id == tenant_id)


def unfinished_ids(session: Session, tenant_id: uuid.UUID, limit: int) -> list[uuid.UUID]:
    """The tenant's newest queued or running imports (dry runs too), newest first."""
    stmt = (
        select(ImportRun.id)
        .where(ImportRun.tenant_id == tenant_id, ImportRun.state.in_(("queued", "running")))
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def acquire(
    session: Session, run: ImportRun, runner: str, seconds: int, *, state: str = "running"
) -> bool:
    """Take (or renew) the run for ``runner`` unless another runner's lease is still good."""
    now = utcnow()
    result = session.execute(
        update(ImportRun)
        .where(
            ImportRun.tenant_id == run.tenant_id,
            ImportRun.id == run.id,
            or_(
                ImportRun.runner.is_(None),
                ImportRun.runner == runner,
                ImportRun.lease_until < now,
            ),
        )
        .values(runner=runner, lease_until=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def renew(session: Session, run: ImportRun, runner: str, seconds: int) -> bool:
    """Renew the run's lease if ``runner`` still holds it, run out or not (nobody took it)."""
    result = session.execute(
        update(ImportRun)
        .where(
            ImportRun.tenant_id == run.tenant_id,
            ImportRun.id == run.id,
            ImportRun.runner == runner,
        )
        .values(lease_until=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def release(session: Session, run: ImportRun) -> None:
    run.runner, run.lease_until = None, None


def touch_job(session: Session, tenant_id: uuid.UUID, job_id: uuid.UUID, seconds: int) -> None:
    """Keep the job that runs an import leased while it works (jobs/queue has no such call)."""
    session.execute(
        update(Job)
        .where(Job.tenant_id == tenant_id, Job.id == job_id, Job.state == "running")
        .values(locked_until=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )


def gave_up(session: Session, run: ImportRun) -> Job | None:
    """The job that gave up on ``run`` (dead, in the job monitor), while nothing else will run
    it: its import unfinished (``import.run``) or its revert (``import.revert``), and no job of
    that kind for it waiting or running. Only jobs not done are read: dead and waiting ones
    are kept until someone looks at them, done ones are the many."""
    kinds = [k for k, open_ in (("import.run", run.state in ("queued", "running")),
                                ("import.revert", run.revert_state in ("queued", "running")))
             if open_]  # fmt: skip
    if not kinds:
        return None
    jobs = session.scalars(
        select(Job)
        .where(
            Job.tenant_id == run.tenant_id,
            Job.state.in_(("queued", "running", "dead")),
            Job.kind.in_(kinds),
        )
        .order_by(Job.created_at.desc(), Job.id.desc())
    ).all()
    mine = [j for j in jobs if str((j.payload or {}).get("import_id")) == str(run.id)]
    dead = {j.kind: j for j in reversed(mine) if j.state == "dead"}  # the newest of a kind
    for kind in kinds:
        if kind in dead and not any(j.kind == kind and j.state != "dead" for j in mine):
            return dead[kind]
    return None


# -- the stored file ----------------------------------------------------------------------


def add_chunk(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, seq: int, data: bytes
) -> None:
    session.execute(
        insert(_t(ImportChunk)),
        [{"tenant_id": tenant_id, "import_id": import_id, "seq": seq, "data": data}],
    )


def chunks(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, count: int
) -> Iterator[bytes]:
    """The file's pieces in order, one query each (safe across the runner's commits)."""
    table = _t(ImportChunk)
    for seq in range(count):
        data = session.scalar(
            select(table.c.data).where(
                table.c.tenant_id == tenant_id,
                table.c.import_id == import_id,
                table.c.seq == seq,
            )
        )
        if data is None:
            raise LookupError(f"piece {seq} of the uploaded file is missing")
        yield bytes(data)


def drop_chunks(session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID) -> None:
    table = _t(ImportChunk)
    session.execute(
        delete(table).where(table.c.tenant_id == tenant_id, table.c.import_id == import_id)
    )


# -- lookups for a batch ------------------------------------------------------------------


def external_ids(
    session: Session, tenant_id: uuid.UUID, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[uuid.UUID, bool]]:
    """(source, external id) → (customer id, whether that customer is deleted)."""
    by_source: dict[str, list[str]] = {}
    for source, ext in set(pairs):
        by_source.setdefault(source, []).append(ext)
    out: dict[tuple[str, str], tuple[uuid.UUID, bool]] = {}
    s, c = SOURCES.c, CUSTOMERS.c
    for source, values in by_source.items():
        for chunk in _chunks(sorted(values)):
            rows = session.execute(
                select(s.external_id, s.customer_id, c.deleted_at)
                .join(CUSTOMERS, and_(c.tenant_id == s.tenant_id, c.id == s.customer_id))
                .where(s.tenant_id == tenant_id, s.source == source, s.external_id.in_(chunk))
            )
            for ext, cid, deleted_at in rows:
                out[(source, ext)] = (cid, deleted_at is not None)
    return out


def customer_ids(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
) -> list[tuple[uuid.UUID, bool]]:
    """(id, whether deleted) of this tenant's customers among ``ids``."""
    c = CUSTOMERS.c
    out: list[tuple[uuid.UUID, bool]] = []
    for chunk in _chunks(sorted(ids, key=str)):
        rows = session.execute(
            select(c.id, c.deleted_at).where(c.tenant_id == tenant_id, c.id.in_(chunk))
        )
        out.extend((cid, deleted_at is not None) for cid, deleted_at in rows)
    return out


def survivors(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID], hops: int = 20
) -> dict[uuid.UUID, uuid.UUID]:
    """Merged-away customers among ``ids`` → the live customer their merges end at (as
    ``identity.service.resolve`` follows them); one whose chain ends deleted is left out."""
    c = CUSTOMERS.c
    pending: dict[uuid.UUID, list[uuid.UUID]] = {cid: [cid] for cid in ids}  # at → starts
    out: dict[uuid.UUID, uuid.UUID] = {}
    for _ in range(hops):
        following: dict[uuid.UUID, list[uuid.UUID]] = {}
        for chunk in _chunks(sorted(pending, key=str)):
            for cid, deleted_at, merged_into in session.execute(
                select(c.id, c.deleted_at, c.merged_into_id).where(
                    c.tenant_id == tenant_id, c.id.in_(chunk)
                )
            ):
                if deleted_at is None:
                    out.update({start: cid for start in pending[cid] if start != cid})
                elif merged_into is not None:
                    following.setdefault(merged_into, []).extend(pending[cid])
        if not following:
            break
        pending = following
    return out


def erased_ids(session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Customers among ``ids`` whose personal data was erased (a privacy request)."""
    e = _t(AuditErasure).c
    out: set[uuid.UUID] = set()
    for chunk in _chunks(sorted(ids, key=str)):
        out.update(
            session.scalars(
                select(e.customer_id).where(e.tenant_id == tenant_id, e.customer_id.in_(chunk))
            )
        )
    return out


def children(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID], *, lock: bool = False
) -> tuple[dict[uuid.UUID, list[str]], dict[uuid.UUID, list[dict[str, Any]]],
           dict[uuid.UUID, list[dict[str, Any]]]]:  # fmt: skip
    """Tags, addresses and sources of customers (locking the customers first on request)."""
    wanted = sorted(set(ids), key=str)
    tags: dict[uuid.UUID, list[str]] = {i: [] for i in wanted}
    addresses: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in wanted}
    sources: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in wanted}
    for chunk in _chunks(wanted):
        if lock and session.get_bind().dialect.name == "postgresql":
            session.execute(
                select(CUSTOMERS.c.id)
                .where(CUSTOMERS.c.tenant_id == tenant_id, CUSTOMERS.c.id.in_(chunk))
                .order_by(CUSTOMERS.c.id)
                .with_for_update()
            ).all()
        for cid, tag in session.execute(
            select(TAGS.c.customer_id, TAGS.c.tag)
            .where(TAGS.c.tenant_id == tenant_id, TAGS.c.customer_id.in_(chunk))
            .order_by(TAGS.c.customer_id, TAGS.c.tag)
        ):
            tags[cid].append(tag)
        for row in session.execute(
            select(ADDRESSES).where(
                ADDRESSES.c.tenant_id == tenant_id, ADDRESSES.c.customer_id.in_(chunk)
            )
        ).mappings():
            addresses[row["customer_id"]].append(dict(row))
        for row in session.execute(
            select(SOURCES).where(
                SOURCES.c.tenant_id == tenant_id, SOURCES.c.customer_id.in_(chunk)
            )
        ).mappings():
            sources[row["customer_id"]].append(dict(row))
    return tags, addresses, sources


def created_rows(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Customers among ``ids`` this import created: id → the row that created it."""
    table = _t(ImportRow).c
    out: dict[uuid.UUID, int] = {}
    for chunk in _chunks(sorted(ids, key=str)):
        rows = session.execute(
            select(table.target_id, table.row_no).where(
                table.tenant_id == tenant_id,
                table.import_id == import_id,
                table.target_id.in_(chunk),
                # an expression no index holds: SQLite, with no statistics, otherwise read
                # every row the import created (by action) for each chunk, not by customer
                table.action.concat("") == "create",
            )
        )
        out.update({target: row_no for target, row_no in rows})
    return out


# -- bulk writes --------------------------------------------------------------------------


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    insert_many(session, _t(model), rows)


def insert_customers(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert new customers. On SQLite their search rows go in first, pending, so that the
    per-row insert trigger leaves them out, and are then indexed set-based, all in the
    caller's transaction: a rollback takes both back, a commit has them indexed (see
    ``search.sql.sqlite_insert_trigger``). PostgreSQL's triggers index them as they go."""
    if not rows:
        return
    if session.get_bind().dialect.name != "sqlite":
        insert_many(session, CUSTOMERS, rows)
        return
    conn = session.connection()
    after = conn.exec_driver_sql("SELECT coalesce(max(rid), 0) FROM customer_search").scalar()
    # The search rows point at customers inserted just after them: checked at commit.
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    conn.exec_driver_sql(
        "INSERT INTO customer_search (tenant_id, customer_id, pending) VALUES (?, ?, 1)",
        [(r["tenant_id"].hex, r["id"].hex) for r in rows],
    )
    insert_many(session, CUSTOMERS, rows)
    steps = search_sql.sqlite_bulk_index(":after")
    for n, step in enumerate(steps):
        done = conn.execute(text(step), {"after": after}).rowcount
        if n == 0 and done != len(rows):  # cannot happen: rids only grow while we write
            raise RuntimeError(f"search rows of {len(rows)} new customers: {done} found")


def update_customers(session: Session, tenant_id: uuid.UUID, rows: list[dict[str, Any]]) -> None:
    """Write the import-changeable columns of existing customers (``rows`` hold them all)."""
    if not rows:
        return
    txcache.forget(session)  # customers the session holds may be locked, now stale
    c = CUSTOMERS.c
    stmt = (
        update(CUSTOMERS)
        .where(c.tenant_id == bindparam("_t"), c.id == bindparam("_id"))
        .values({name: bindparam(f"_v_{name}", type_=c[name].type) for name in WRITABLE})
    )
    params = [
        {"_t": tenant_id, "_id": r["id"], **{f"_v_{n}": r[n] for n in WRITABLE}} for r in rows
    ]
    # A batch may pass an email on (an external key rewrites A's email to the one B had, and
    # a later row gives B a new one): one by one in id order, A would take it while B still
    # holds it. Emails that change are cleared first, so the unique index sees only the end.
    free = (
        update(CUSTOMERS)
        .where(
            c.tenant_id == bindparam("_t"),
            c.id == bindparam("_id"),
            c.email_normalized.is_distinct_from(bindparam("_v_email_normalized")),
        )
        .values(email_normalized=None)
    )
    session.connection().execute(
        free,
        [{k: p[k] for k in ("_t", "_id", "_v_email_normalized")} for p in params],
    )
    session.connection().execute(stmt, params)


def update_addresses(session: Session, rows: list[dict[str, Any]]) -> None:
    """Set the parts an import may change (``ADDRESS_PARTS``) of stored addresses."""
    _update_by_id(session, ADDRESSES, rows, ADDRESS_PARTS)


def update_sources(session: Session, rows: list[dict[str, Any]]) -> None:
    _update_by_id(session, SOURCES, rows, ("external_id", "last_synced_at"))


def _update_by_id(
    session: Session, table: Table, rows: list[dict[str, Any]], columns: Iterable[str]
) -> None:
    """Set ``columns`` of the tenant's rows of ``table`` to the values ``rows`` hold (by id)."""
    if not rows:
        return
    names = list(columns)
    c = table.c
    stmt = (
        update(table)
        .where(c.tenant_id == bindparam("_t"), c.id == bindparam("_id"))
        .values({n: bindparam(f"_{n}", type_=c[n].type) for n in names})
    )
    session.connection().execute(
        stmt,
        [
            {"_t": r["tenant_id"], "_id": r["id"], **{f"_{n}": r.get(n) for n in names}}
            for r in rows
        ],
    )


TABLES = {
    "customers": Customer,
    "tags": CustomerTag,
    "addresses": Address,
    "sources": CustomerSource,
    "ledger": LtvEntry,
    "transitions": StageTransition,
    "matches": IdentityMatch,
    "candidates": DuplicateCandidate,
    "rows": ImportRow,
    "errors": ImportRowError,
}


# -- dry-run overlay ----------------------------------------------------------------------


def overlay_keys(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, keys: Iterable[str]
) -> dict[str, list[uuid.UUID]]:
    table = _t(ImportKey).c
    out: dict[str, list[uuid.UUID]] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = session.execute(
            select(table.key, table.target_id).where(
                table.tenant_id == tenant_id, table.import_id == import_id, table.key.in_(chunk)
            )
        )
        for key, target in rows:
            out.setdefault(key, []).append(target)
    return out


def overlay_states(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, dict[str, Any]]]:
    table = _t(ImportOverlay).c
    out: dict[uuid.UUID, tuple[int, dict[str, Any]]] = {}
    for chunk in _chunks(sorted(set(ids), key=str)):
        rows = session.execute(
            select(table.target_id, table.row_no, table.state).where(
                table.tenant_id == tenant_id,
                table.import_id == import_id,
                table.target_id.in_(chunk),
            )
        )
        for target, row_no, state in rows:
            out[target] = (row_no, state)
    return out


def put_overlay(session: Session, rows: list[dict[str, Any]], keys: list[dict[str, Any]]) -> None:
    if rows:
        stmt = _insert(session, _t(ImportOverlay))
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["tenant_id", "import_id", "target_id"],
                set_={"state": stmt.excluded.state},
            ),
            rows,
        )
    if keys:
        session.execute(_insert(session, _t(ImportKey)).on_conflict_do_nothing(), keys)


def clear_overlay(session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID) -> None:
    for model in (ImportKey, ImportOverlay):
        table = _t(model)
        session.execute(
            delete(table).where(table.c.tenant_id == tenant_id, table.c.import_id == import_id)
        )
