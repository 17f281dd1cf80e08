"""JSON keys of one field: the key the import's mapping chose fills it; a key it left out
for that one fills it only in a record without the chosen key."""

from __future__ import annotations

import json

from tests.imports.helpers import customers, imported


def test_a_key_the_mapping_left_out_for_another_does_not_fill_the_field_later(tenant):
    """Shopify's ``accepts_marketing`` and ``email_marketing_consent.state`` both guess the
    email consent; the mapping takes the latter. Each record guessed the left-out key again,
    and whichever came first in the record filled the field: a false ``accepts_marketing``
    written before ``"state": "subscribed"`` unsubscribed the customer."""
    records = [
        {"email": "first@example.com", "accepts_marketing": False,
         "email_marketing_consent": {"state": "subscribed"}},
        {"email": "second@example.com", "email_marketing_consent": {"state": "subscribed"},
         "accepts_marketing": False},
        {"email": "third@example.com", "accepts_marketing": True},  # an older record's form
    ]  # fmt: skip
    run = imported(tenant, "\n".join(json.dumps(r) for r in records), "customers.ndjson")
    assert run["progress"]["created"] == 3, run
    mapped = {c["name"]: c["field"] for c in run["columns"]}
    assert mapped["email_marketing_consent.state"] == "email_consent", mapped
    consent = {c["email"]: c["consent"]["email"] for c in customers(tenant)}
    assert consent == {
        "first@example.com": True, "second@example.com": True, "third@example.com": True,
    }  # fmt: skip
