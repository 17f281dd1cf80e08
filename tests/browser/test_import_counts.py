"""The imports page counts as the progress panel does: thousands separated, every result
(a re-import that changed nothing says so), and one customer is not "customers"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rolodex.jobs.worker import Worker
from tests.browser.conftest import shot, sign_in

# What the page does in the browser is the same HTML and script on either engine: one of
# them is enough here (the suite's ten minutes); the data behind the page is stored and read
# on both engines by the API and dashboard tests (tests/imports, tests/exports, tests/web).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

PEOPLE = "email,first_name\n" + "".join(f"p{n}@example.com,P{n}\n" for n in range(1200))


def _import(site, name: str, text: str) -> str:
    with site.api() as api:
        made = api.post("/v1/imports", files={"file": (name, text.encode(), "text/csv")})
        assert made.status_code == 202, made.text
    Worker(site.db).drain()  # the test server runs no worker
    return str(made.json()["id"])


def _row(page, n: int) -> dict[str, str]:
    table = page.locator("#recent-imports table")
    heads = table.locator("thead th").all_inner_texts()
    return dict(
        zip(heads, table.locator("tbody tr").nth(n).locator("td").all_inner_texts(), strict=True)
    )


def test_a_re_import_that_changed_nothing_reads_unchanged_with_thousands_separated(page, site):
    _import(site, "people.csv", PEOPLE)
    _import(site, "people-again.csv", PEOPLE)
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    expect(page.locator("#recent-imports tbody tr")).to_have_count(2)
    again, first = _row(page, 0), _row(page, 1)
    assert again["File"] == "people-again.csv"
    assert {k: again.get(k) for k in ("Rows", "Created", "Updated", "Unchanged", "Skipped")} == {
        "Rows": "1,200",
        "Created": "0",
        "Updated": "0",
        "Unchanged": "1,200",
        "Skipped": "0",
    }
    assert (first["Rows"], first["Created"], first.get("Unchanged")) == ("1,200", "1,200", "0")
    shot(page, "recent-imports-counts")


def test_one_reverted_customer_is_one_customer(page, site):
    run = _import(site, "one.csv", "email,first_name\nu1@example.com,Una\n")
    with site.api() as api:
        assert api.post(f"/v1/imports/{run}/revert").status_code == 202
    Worker(site.db).drain()
    sign_in(page, site)
    page.goto(f"{site.base}/imports/{run}")
    expect(page.get_by_test_id("revert-state")).to_have_text("Finished")
    said = page.locator("p", has=page.get_by_test_id("reverted"))
    expect(said).to_contain_text("1 customer reverted, 0 partly reverted")
