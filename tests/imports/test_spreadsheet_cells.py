"""What spreadsheets do to codes, undone by the import (both engines): the apostrophe that
keeps a postcode's or an id's leading zeros, a phone taken for a number; and customers of a
source of ours without an id column are still that source's."""

from __future__ import annotations

from rolodex.imports.cells import spreadsheet_cell
from tests.imports.helpers import csv_text, customers, imported


def test_a_text_marker_goes_from_codes_only():
    assert spreadsheet_cell("address1_postcode", "'02134") == "02134"
    assert spreadsheet_cell("address2_postcode", "'H2X 1Y4") == "H2X 1Y4"
    assert spreadsheet_cell("external_id", "'7011234567890") == "7011234567890"
    assert spreadsheet_cell("notes", "'90s music fan") == "'90s music fan"
    assert spreadsheet_cell("address1_postcode", "' ") == "' "
    assert spreadsheet_cell("phone", "2125550130.0") == "2125550130"
    assert spreadsheet_cell("phone", "212.555.0130") == "212.555.0130"
    assert spreadsheet_cell("notes", "2125550130.0") == "2125550130.0"


def test_a_shopify_export_keeps_its_zips_ids_and_source(tenant):
    file = csv_text(
        [
            ["Customer ID", "First Name", "Last Name", "Phone", "Default Address Zip",
             "Default Address Country Code", "Note"],
            ["'7011234567890", "Ann", "Lee", "2125550130.0", "'02134", "US", "'90s fan"],
        ]
    )  # fmt: skip
    run = imported(tenant, file, source="shopify")
    assert run["progress"]["failed"] == 0, run
    (ann,) = customers(tenant)
    assert ann["addresses"][0]["postcode"] == "02134"
    assert ann["phone_e164"] == "+12125550130"
    assert ann["notes"] == "'90s fan"
    assert [(s["source"], s["external_id"]) for s in ann["sources"]] == [
        ("shopify", "7011234567890")
    ]
    no_ids = csv_text([["First Name", "Email"], ["Bo", "bo@example.com"]])
    imported(tenant, no_ids, source="shopify")
    bo = next(c for c in customers(tenant) if c["first_name"] == "Bo")
    assert [(s["source"], s["external_id"]) for s in bo["sources"]] == [("shopify", None)]
