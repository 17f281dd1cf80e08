"""What erasure (audit.erasure) must also remove for imports: what their reports wrote down
about the erased customer. A report row keeps what it did (action, the customer's id, how it
matched, its audit entry) and loses the values: the fields it changed with their values
before and after (``changes``) and how a cell was read (``note``).

Not reached here: the uploaded file and a dry run's scratch (its overlay and matching keys)
are kept only while the import runs and dropped when it ends; a row that failed names no
customer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, Update, or_, select, update
from sqlalchemy.orm import Session

from rolodex.audit import erasure as audit_erasure
from rolodex.identity.erasure import merged_into
from rolodex.models import ImportRow, ImportRun


def blanking(tenant_id: uuid.UUID, import_id: uuid.UUID, people: Iterable[uuid.UUID]) -> Update:
    """The statement blanking one import's report rows about ``people``: an index range
    (ix_import_rows_target), where the tenant's rows of every import may be millions."""
    return (
        update(ImportRow)
        .where(
            ImportRow.tenant_id == tenant_id,
            ImportRow.import_id == import_id,
            ImportRow.target_id.in_(list(people)),
            or_(ImportRow.changes.is_not(None), ImportRow.note.is_not(None)),
        )
        .values(changes=None, note=None)
        .execution_options(synchronize_session=False)
    )


def erase(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    """Blank the report rows about this customer and the customers merged into it, import by
    import; how many rows changed."""
    people = merged_into(session, tenant_id, customer_id)
    imports = session.scalars(select(ImportRun.id).where(ImportRun.tenant_id == tenant_id))
    changed = 0
    for import_id in imports.all():
        blanked = session.execute(blanking(tenant_id, import_id, people))
        changed += cast(CursorResult[Any], blanked).rowcount or 0
    return changed


audit_erasure.register("imports", erase)
