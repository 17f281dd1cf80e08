"""An audit entry an import or its revert wrote says so, with a link to the import, on the
customer's audit tab and the audit log page: they read as a staff user's own edits."""

from __future__ import annotations

from tests.imports.helpers import csv_text, imported, made, reverted
from tests.web.helpers import assert_page, signed_in


def test_an_imports_entries_name_the_import_and_its_row(tenant):
    signed_in(tenant)
    ada = made(tenant, {"email": "ada@example.com"})
    run = imported(tenant, csv_text([["email", "company"], ["bob@example.com", "B"],
                                     ["ada@example.com", "Analytical"]]))  # fmt: skip
    link = f'href="/imports/{run["id"]}#import-rows"'
    tab = assert_page(tenant.client.get(f"/customers/{ada['id']}/tab/audit"))
    assert link in tab
    assert "by an import, row 2" in tab
    reverted(tenant, run["id"])
    log = assert_page(tenant.client.get("/audit"))
    assert log.count(link) == 4  # bob created and removed, ada updated and put back
    assert "revert of an import" in log
    assert "by an import, row 1" in log
    # an entry of the user's own has no such line
    own = assert_page(tenant.client.get(f"/customers/{ada['id']}/tab/audit")).split("<tr>")
    assert any("create" in r and "/imports/" not in r for r in own)
