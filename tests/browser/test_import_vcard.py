"""A phone's contact list (.vcf) chosen on the import page in a real browser: its cards are
previewed as rows, the fields they fill shown, and imported."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import file_chosen, imported_as_previewed
from tests.imports.test_vcards import PEOPLE

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite"], indirect=True
)  # see test_import_preview


def test_a_vcard_contact_list_is_previewed_and_imported_from_the_import_page(page, site, tmp_path):
    path = tmp_path / "contacts.vcf"
    path.write_text(PEOPLE, newline="")
    preview = file_chosen(page, site, path)
    expect(preview).to_contain_text("vCards, a card a row")
    expect(preview.get_by_role("row", name="emails")).to_contain_text("read from the card")
    expect(preview.get_by_label("Field for column emails")).to_have_value("emails=email")
    expect(preview).to_contain_text("jane@acme.example")
    expect(preview).to_contain_text("Jürgen")
    imported_as_previewed(page, site, "import-vcard-preview", 4)
    page.goto(f"{site.base}/customers?q=juergen%40example.de")
    expect(page.locator("main")).to_contain_text("Müller")
