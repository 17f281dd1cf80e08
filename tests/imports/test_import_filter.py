"""The customers of one import (created, updated or found unchanged), on SQLite and
PostgreSQL: the filter
``import:<id>`` (``?import=<id>``, JSON ``{"field": "import"}``) of the customer list, and the
finished panel's "See imported customers" link, which listed every customer ever imported
from the import's source."""

from __future__ import annotations

import json
import re

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, imported
from tests.web.helpers import assert_page, signed_in


def _emails(tenant: TenantCtx, **params: str) -> list[str]:
    r = tenant.client.get("/v1/customers", params=params, headers=tenant.headers())
    assert r.status_code == 200, r.text
    return sorted(c["email"] for c in r.json()["items"])


def _two_imports(tenant: TenantCtx) -> tuple[str, str]:
    """A first import creates a1 and a2; a second, from the same source, creates b1, updates
    old@ (there before both) and finds a1 unchanged; a row of it fails."""
    h = tenant.headers()
    tenant.client.post("/v1/customers", json={"email": "old@example.com"}, headers=h)
    tenant.client.post("/v1/customers", json={"email": "kept@example.com"}, headers=h)
    first = csv_text([["email"], ["a1@example.com"], ["a2@example.com"]])
    a = imported(tenant, first, source="hubspot")
    second = csv_text(
        [["email", "company"], ["b1@example.com", ""], ["old@example.com", "Acme"],
         ["a1@example.com", ""], ["not-an-email", ""]]
    )  # fmt: skip
    b = imported(tenant, second, source="hubspot")
    assert (b["progress"]["created"], b["progress"]["updated"]) == (1, 1)
    assert (b["progress"]["unchanged"], b["progress"]["failed"]) == (1, 1)
    return a["id"], b["id"]


def test_the_list_filters_by_the_import_that_created_updated_or_matched_customers(
    tenant, other_tenant, backend
):
    a, b = _two_imports(tenant)
    of_b = ["a1@example.com", "b1@example.com", "old@example.com"]  # a1 found unchanged
    assert _emails(tenant, filter=f"import:{b}") == of_b
    assert _emails(tenant, **{"import": a}) == ["a1@example.com", "a2@example.com"]
    both = f'{{"field": "import", "op": "in", "value": ["{a}", "{b}"]}}'
    assert _emails(tenant, filter=both) == [
        "a1@example.com", "a2@example.com", "b1@example.com", "old@example.com",
    ]  # fmt: skip
    assert _emails(tenant, filter=f"-import:{b}") == ["a2@example.com", "kept@example.com"]
    exported = tenant.client.get(
        "/v1/exports", params={"format": "ndjson", "import": b}, headers=tenant.headers()
    )
    assert exported.status_code == 200, exported.text
    emails = sorted(json.loads(line)["email"] for line in exported.text.splitlines())
    assert emails == of_b
    dry = imported(tenant, csv_text([["email"], ["d1@example.com"], ["old@example.com"]]),
                   dry_run=True)  # fmt: skip
    assert _emails(tenant, filter=f"import:{dry['id']}") == []  # a dry run wrote no one
    assert _emails(other_tenant, filter=f"import:{b}") == []  # another tenant's import
    wrong = tenant.client.get("/v1/customers", params={"import": "nope"}, headers=tenant.headers())
    assert wrong.status_code == 422
    assert "expected import ids" in wrong.text


def test_see_imported_customers_lists_this_imports_customers_only(tenant, backend):
    _, b = _two_imports(tenant)
    signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{b}/progress"))
    link = re.search(r'<a href="([^"]+)">See imported customers', panel)
    assert link is not None
    page = assert_page(tenant.client.get(link.group(1)))
    rows = page[page.index('id="rows"') :]  # the list, not the signed-in user's own address
    listed = set(re.findall(r"[a-z0-9]+@example\.com", rows))
    assert listed == {"a1@example.com", "b1@example.com", "old@example.com"}
    assert 'data-testid="import-filter"' in page  # the page says what it lists


def test_a_re_import_that_changed_nothing_lists_its_customers(tenant, backend):
    """A file imported again, every row matching a customer as it is: "See imported
    customers" listed no one under "No customers yet. Import a file"."""
    rows = csv_text([["email"], ["a1@example.com"], ["a2@example.com"]])
    imported(tenant, rows)
    again = imported(tenant, rows)
    assert again["progress"]["unchanged"] == 2
    signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{again['id']}/progress"))
    assert f'href="/customers?import={again["id"]}">See imported customers' in panel
    page = assert_page(tenant.client.get(f"/customers?import={again['id']}"))
    rows_html = page[page.index('id="rows"') :]
    assert set(re.findall(r"a[12]@example\.com", rows_html)) == {"a1@example.com", "a2@example.com"}


def test_an_import_of_no_one_offers_no_list_and_an_empty_filter_says_no_match(tenant, backend):
    """Every row failed: no link to an empty list. A list filtered to no one (by an import, or
    by one filter alone) said "No customers yet. Import a file" as if the tenant had none."""
    tenant.client.post(
        "/v1/customers", json={"email": "here@example.com"}, headers=tenant.headers()
    )
    failed = imported(tenant, csv_text([["email"], ["not-an-email"]]))
    assert (failed["state"], failed["progress"]["failed"]) == ("done", 1)
    signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{failed['id']}/progress"))
    assert "See imported customers" not in panel
    for query in (f"import={failed['id']}", "stage=churned", "status=blocked&sort=-ltv"):
        page = assert_page(tenant.client.get(f"/customers?{query}"))
        assert "No customers match" in page, query
        assert "No customers yet" not in page, query
    assert "here@example.com" in assert_page(tenant.client.get("/customers?sort=-ltv"))
