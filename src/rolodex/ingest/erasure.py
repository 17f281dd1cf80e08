"""What erasure (audit.erasure) must also remove for ingestion: the raw webhooks about the
erased customer. Their bodies (names, emails, phones, addresses as the sender sent them) and
headers are blanked; the row stays (its delivery key keeps a redelivery from being applied
again), and its result keeps only what holds no personal data.

A webhook is about a customer when applying it touched that customer: the Shopify result names
its ``customer_id``, a Klaviyo batch's result lists its ``customer_ids``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from rolodex.audit import erasure as audit_erasure
from rolodex.models import InboxItem

ERASED_BODY = b""
_KEEP = ("action", "events")


def _about(result: Any, customer_id: str) -> bool:
    if not isinstance(result, dict):
        return False
    ids = result.get("customer_ids")
    return result.get("customer_id") == customer_id or (
        isinstance(ids, list) and customer_id in ids
    )


def erase(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    """Blank the webhooks about this customer; how many rows changed."""
    wanted = str(customer_id)
    # The id as text in the result (a scan of the tenant's processed rows: erasure is rare and
    # old rows are purged); confirmed on the decoded result below.
    rows = session.scalars(
        select(InboxItem).where(
            InboxItem.tenant_id == tenant_id,
            InboxItem.result.is_not(None),
            cast(InboxItem.result, String).contains(wanted),
        )
    )
    changed = 0
    for item in rows:
        if not _about(item.result, wanted) or item.body == ERASED_BODY:
            continue
        kept = {k: v for k, v in (item.result or {}).items() if k in _KEEP}
        item.body = ERASED_BODY
        item.headers = {}
        item.result = {**kept, "customer_id": wanted, "erased": True}
        changed += 1
    session.flush()
    return changed


audit_erasure.register("webhook_inbox", erase)
