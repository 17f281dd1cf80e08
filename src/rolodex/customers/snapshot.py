"""A customer as JSON-ready data, the form the audit log keeps (the API representation)."""

from __future__ import annotations

from typing import Any

from rolodex.models import Customer


def snapshot(customer: Customer) -> dict[str, Any]:
    from rolodex.customers.service import to_out  # the service imports the audit, not back

    return to_out(customer).model_dump(mode="json")
