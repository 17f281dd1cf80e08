"""The customers one import created or updated, on SQLite and PostgreSQL: the filter
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


def test_the_list_filters_by_the_import_that_created_or_updated_customers(
    tenant, other_tenant, backend
):
    a, b = _two_imports(tenant)
    assert _emails(tenant, filter=f"import:{b}") == ["b1@example.com", "old@example.com"]
    assert _emails(tenant, **{"import": a}) == ["a1@example.com", "a2@example.com"]
    both = f'{{"field": "import", "op": "in", "value": ["{a}", "{b}"]}}'
    assert _emails(tenant, filter=both) == [
        "a1@example.com", "a2@example.com", "b1@example.com", "old@example.com",
    ]  # fmt: skip
    assert _emails(tenant, filter=f"-import:{b}") == [
        "a1@example.com", "a2@example.com", "kept@example.com",
    ]  # fmt: skip
    exported = tenant.client.get(
        "/v1/exports", params={"format": "ndjson", "import": b}, headers=tenant.headers()
    )
    assert exported.status_code == 200, exported.text
    emails = sorted(json.loads(line)["email"] for line in exported.text.splitlines())
    assert emails == ["b1@example.com", "old@example.com"]
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
    assert listed == {"b1@example.com", "old@example.com"}
    assert 'data-testid="import-filter"' in page  # the page says what it lists
