"""The customer list's export in a real browser: the download holds the customers the list
shows, in its order, after filters, a sort by a column and a search typed after it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

# What the page does in the browser is the same HTML and script on either engine: one of
# them is enough here (the suite's ten minutes); the data behind the page is stored and read
# on both engines by the API and dashboard tests (tests/imports, tests/exports, tests/web).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _customer(site, **fields):
    with site.api() as api:
        r = api.post("/v1/customers", json=fields)
        assert r.status_code == 201, r.text


def _download(page) -> list[dict[str, str]]:
    with page.expect_download() as download:
        page.locator("#export-link").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _emails_on_screen(page) -> list[str]:
    rows = page.locator("#rows tbody tr")
    return [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]


def test_a_sort_by_column_stays_when_a_search_follows_and_the_export_follows_both(page, site):
    for name, email, stage in (
        ("Ann Brook", "ann@brook.example", "customer"),
        ("Cid Brook", "cid@brook.example", "customer"),
        ("Bea Brook", "bea@brook.example", "prospect"),
        ("Dov Stone", "dov@stone.example", "customer"),
    ):
        first, last = name.split()
        _customer(site, first_name=first, last_name=last, email=email, lifecycle_stage=stage)
    sign_in(page, site)
    page.goto(f"{site.base}/customers")
    page.locator("#rows th a", has_text="Email").click()
    expect(page).to_have_url(f"{site.base}/customers?sort=-email")
    page.get_by_role("searchbox", name="Search customers").fill("brook")
    expect(page.locator("#rows tbody tr")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"q=brook"))
    on_screen = _emails_on_screen(page)
    assert on_screen == ["cid@brook.example", "bea@brook.example", "ann@brook.example"]
    assert [r["email"] for r in _download(page)] == on_screen
    page.get_by_label("Stage").select_option("customer")
    expect(page.locator("#rows tbody tr")).to_have_count(2)
    on_screen = _emails_on_screen(page)
    assert on_screen == ["cid@brook.example", "ann@brook.example"]
    assert [r["email"] for r in _download(page)] == on_screen
