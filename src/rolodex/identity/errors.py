"""Identity errors (imported by customers.service, so this module imports nothing of theirs)."""

from __future__ import annotations

import uuid

from rolodex.errors import Conflict


class CustomerMerged(Conflict):
    """The customer was merged into another: reads redirect (307), writes answer 409."""

    code = "merged"

    def __init__(self, customer_id: uuid.UUID, survivor_id: uuid.UUID) -> None:
        super().__init__(
            f"customer {customer_id} was merged into {survivor_id}; use that id",
            details={"customer_id": str(customer_id), "survivor_id": str(survivor_id)},
        )
        self.customer_id = customer_id
        self.survivor_id = survivor_id
