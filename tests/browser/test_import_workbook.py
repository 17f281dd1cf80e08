"""A spreadsheet workbook chosen on the import page in a real browser: its sheet is previewed,
said to be read from the workbook, and imported."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import file_chosen, import_pressed, imported_as_previewed, shot
from tests.imports.test_workbooks import CUSTOMERS, TWO_SHEETS, xlsx

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite"], indirect=True
)  # see test_import_preview


def test_an_excel_workbook_is_previewed_and_imported_from_the_import_page(page, site, tmp_path):
    path = tmp_path / "customers.xlsx"
    path.write_bytes(xlsx({"Customers": CUSTOMERS, "Notes": [["a note"]]}))
    preview = file_chosen(page, site, path)
    expect(preview).to_contain_text("read as CSV from sheet 'Customers' of an Excel workbook")
    expect(preview.get_by_label("Field for column E-mail")).to_have_value("E-mail=email")
    expect(preview).to_contain_text("ann@sheet.example")
    imported_as_previewed(page, site, "import-workbook-preview", 2)
    page.goto(f"{site.base}/customers?q=ann%40sheet.example")
    expect(page.locator("main")).to_contain_text("Ann Lee")


def test_another_sheet_is_chosen_in_the_preview_and_imported(page, site, tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx(TWO_SHEETS))
    file_chosen(page, site, path)
    sheet = page.get_by_label("Sheet")
    expect(sheet).to_have_value("Customers")
    page.locator("#preview").get_by_text("cu@sheet.example").wait_for()
    sheet.select_option("Leads")
    preview = page.locator("#preview")
    expect(preview.get_by_label("Field for column Company")).to_have_value("Company=company")
    expect(preview).to_contain_text("le2@sheet.example")
    expect(page.get_by_label("Sheet")).to_have_value("Leads")
    expect(page.locator("#import-busy.htmx-request")).to_have_count(0)
    shot(page, "import-workbook-sheet")
    import_pressed(page, site)
    page.goto(f"{site.base}/customers?q=sheet.example")
    expect(page.locator("main")).to_contain_text("le2@sheet.example")
    expect(page.locator("main")).not_to_contain_text("cu@sheet.example")
