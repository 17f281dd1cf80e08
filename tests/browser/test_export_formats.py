"""The customer list offers its export as CSV, Excel, JSON, NDJSON and vCards, each link
following the filter a search typed after the page loaded (JSON was reachable only by editing
the address)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

# What the page does in the browser is the same HTML and script on either engine: one of
# them is enough here (the suite's ten minutes); the data behind the page is stored and read
# on both engines by the API and dashboard tests (tests/imports, tests/exports, tests/web).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _customer(site, **fields):
    with site.api() as api:
        r = api.post("/v1/customers", json=fields)
        assert r.status_code == 201, r.text


def _download(page, name: str) -> tuple[str, str]:
    with page.expect_download() as download:
        page.get_by_role("link", name=name, exact=True).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    return download.value.suggested_filename, text


def test_json_and_ndjson_exports_are_offered_and_follow_a_search(page, site):
    for first, email in (("Ann", "ann@brook.example"), ("Bea", "bea@brook.example")):
        _customer(site, first_name=first, last_name="Brook", email=email)
    _customer(site, first_name="Dov", last_name="Stone", email="dov@stone.example")
    sign_in(page, site)
    page.goto(f"{site.base}/customers")
    expect(page.locator("#rows tbody tr")).to_have_count(3)
    page.get_by_role("searchbox", name="Search customers").fill("brook")
    expect(page.locator("#rows tbody tr")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=brook"))
    found = ["ann@brook.example", "bea@brook.example"]  # the search's, in any order

    name, text = _download(page, "Export JSON")
    assert name.endswith(".json"), name
    assert sorted(c["email"] for c in json.loads(text)) == found
    name, text = _download(page, "Export NDJSON")
    assert name.endswith(".ndjson"), name
    assert sorted(json.loads(line)["email"] for line in text.splitlines()) == found
    with page.expect_download() as download:
        page.get_by_role("link", name="Export Excel", exact=True).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book["Customers"].iter_rows(values_only=True))
    emails = [dict(zip(rows[0], row, strict=True))["email"] for row in rows[1:]]
    assert sorted(emails) == found
    name, text = _download(page, "Export vCards")  # contacts for a phone
    assert name.endswith(".vcf"), name
    assert sorted(re.findall(r"TYPE=pref:(\S+@brook\.example)", text)) == found
    name, text = _download(page, "Export CSV")  # the CSV link is as it was
    assert name.endswith(".csv"), name
    assert "ann@brook.example" in text
    assert "dov@stone.example" not in text
    shot(page, "export-formats")
