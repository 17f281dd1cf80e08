"""Round-trip defects the property (test_round_trip_property.py) found, each as a plain case:
a customer exported to CSV and imported into an empty tenant must come back as it was."""

from __future__ import annotations

from typing import Any

from tests.conftest import TenantCtx, make_tenant
from tests.exports.test_exports_api import export
from tests.imports.helpers import imported


def csv_copy(tenant: TenantCtx, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The customer ``body`` makes (its JSON export record), and as a CSV export of it
    imported into an empty tenant gives it back."""
    made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert made.status_code == 201, made.text
    file = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=tenant.headers())
    empty = make_tenant(tenant.client, "Copy")
    run = imported(empty, file.content, "customers.csv")
    assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == ("done", 1, 0)
    (original,) = export(tenant, "json")
    (copy,) = export(empty, "json")
    return original, copy


def test_tags_that_look_like_another_tools_lists_come_back_as_they_were(tenant):
    """A tag holding ":::" (Google Contacts' separator) was split in three on import, and a
    tag in double quotes (Mailchimp quotes each tag) lost its quotes."""
    tags = ["a:::b:::c", '"quoted"', "plain"]
    original, copy = csv_copy(tenant, {"email": "t@example.com", "tags": tags})
    assert sorted(original["tags"]) == sorted(tags)
    assert copy["tags"] == original["tags"]


def test_a_value_with_a_line_break_and_then_a_lone_cr_comes_back(tenant):
    """A quoted value running over lines whose next line holds a lone CR ("one\\r\\ntwo\\rthree"):
    the check whether that line looks like a record of its own read it with the csv module,
    which refused the CR, and the whole row failed ("a line break inside a value that is not
    quoted")."""
    notes = "one\r\ntwo\rthree"
    original, copy = csv_copy(tenant, {"email": "cr@example.com", "notes": notes})
    assert original["notes"] == notes
    assert copy["notes"] == notes
