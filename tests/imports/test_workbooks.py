"""Spreadsheet workbooks (Excel .xlsx and .xls, OpenDocument .ods) imported as they are, through
the API, its preview and the CLI, on SQLite and PostgreSQL: the sheet's rows read as a CSV of
them, cells as the spreadsheet shows them, the row report's lines the sheet's row numbers. A
workbook was refused before ("save the sheet as CSV"), the first thing a spreadsheet user
meets."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest

from rolodex.imports import workbook
from tests.conftest import TenantCtx
from tests.imports.helpers import customers, errors, imported, upload

DATA = Path(__file__).parent / "data"


def xlsx(sheets: dict[str, list[list[Any]]], hidden: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(name: str, rows: list[list[Any]]) -> bytes:
    """An OpenDocument spreadsheet of one sheet, as LibreOffice writes its parts."""

    def cell(v: Any) -> str:
        if v in (None, ""):
            return "<table:table-cell/>"
        if isinstance(v, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p>'
            "</table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


CUSTOMERS = [
    ["Customer list, exported 2024-03-01"],  # a title line above the header
    [],
    ["First Name", "Last Name", "E-mail", "Phone", "Zip", "Customer since", "Spend",
     "Newsletter", "Notes"],
    ["Ann", "Lee", "ann@sheet.example", 4155550123, "02134", datetime(2021, 6, 1, 9, 30), 19.99,
     True, "likes\nmugs"],
    ["Bo", "Chan", "bo@sheet.example", "+44 20 7946 0958", 94105, date(2023, 1, 2), 100, False,
     None],
    [None] * 9,  # a blank row: skipped, and the lines after it are still the sheet's rows
    ["Cy", "Day", "not-an-email", None, None, None, None, None, None],
]  # fmt: skip


def test_an_excel_workbook_is_imported_with_its_cells_as_the_sheet_shows_them(tenant):
    data = xlsx({"Customers": CUSTOMERS, "Notes": [["just a note"]]})
    run = imported(tenant, data, "customers.xlsx")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), run
    assert run["format"] == "csv"
    said = " ".join(run["warnings"])
    assert "sheet 'Customers' of an Excel workbook (.xlsx)" in said, said
    assert "'Notes'" in said  # the other sheet, not read, named
    people = {c["email"]: c for c in customers(tenant)}
    ann, bo = people["ann@sheet.example"], people["bo@sheet.example"]
    # a phone typed as a number is its digits, not 4155550123.0; a zip typed as text keeps
    # its leading zero, one typed as a number is its digits
    assert (ann["phone_e164"], bo["phone_e164"]) == ("+14155550123", "+442079460958")
    assert [a["postcode"] for a in ann["addresses"]] == ["02134"]
    assert [a["postcode"] for a in bo["addresses"]] == ["94105"]
    assert ann["created_at"].startswith("2021-06-01T09:30")
    assert bo["created_at"].startswith("2023-01-02")
    assert (ann["consent"]["email"], bo["consent"]["email"]) == (True, False)
    assert ann["notes"] == "likes\nmugs"
    # the failing row is reported at its row in the sheet: 7, below the blank row 6 (Ann's
    # notes' line break is no row)
    [bad] = errors(tenant, run["id"])
    assert (bad["line"], bad["field"], bad["value"]) == (7, "email", "not-an-email")


def test_the_first_visible_sheet_holding_rows_is_read(tenant):
    data = xlsx(
        {
            "Empty": [],
            "Old": [["Email"], ["old@sheet.example"]],
            "Current": [["Email", "Name"], ["new@sheet.example", "Neu"]],
        },
        hidden=("Old",),
    )
    run = imported(tenant, data, "book.xlsx")
    assert run["progress"]["created"] == 1, run
    assert [c["email"] for c in customers(tenant)] == ["new@sheet.example"]
    assert any("sheet 'Current'" in w for w in run["warnings"]), run["warnings"]


def test_an_opendocument_spreadsheet_and_an_old_excel_workbook_are_imported(tenant):
    data = ods("Kunden", [["Vorname", "Nachname", "E-Mail", "PLZ"],
                          ["Jörg", "Müller", "jm@sheet.example", 10115]])  # fmt: skip
    run = imported(tenant, data, "kunden.ods")
    assert run["progress"]["created"] == 1, run
    assert any("OpenDocument spreadsheet (.ods)" in w for w in run["warnings"])
    old = imported(tenant, (DATA / "clients.xls").read_bytes(), "clients.xls")
    assert (old["progress"]["created"], old["progress"]["failed"]) == (1, 1), old
    people = {c["email"]: c for c in customers(tenant)}
    jm = people["jm@sheet.example"]
    assert (jm["first_name"], jm["last_name"], jm["addresses"][0]["postcode"]) == (
        "Jörg",
        "Müller",
        "10115",
    )
    ann = people["ann.xls@example.com"]  # written by xlwt: a phone number and a date cell
    assert (ann["phone_e164"], ann["created_at"][:10]) == ("+14155550123", "2021-06-01")


def test_the_preview_reads_a_workbook_and_the_reading_options_give_way(tenant):
    data = xlsx({"Customers": CUSTOMERS})
    response = upload(
        tenant, data, "customers.xlsx", path="/v1/imports/preview", delimiter=";", format="json"
    )
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["format"] == "csv"
    fields = {c["name"]: c["field"] for c in shown["columns"]}
    assert (fields["E-mail"], fields["Phone"], fields["Zip"]) == (
        "email",
        "phone",
        "address1_postcode",
    )
    assert [r["line"] for r in shown["rows"]] == [4, 5, 7]
    assert any("format, delimiter not used" in w for w in shown["warnings"]), shown["warnings"]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        # a Word document is a ZIP archive too; so is an Apple Numbers spreadsheet (it said
        # "a ZIP archive ... upload the file inside it")
        (lambda: _zip({"word/document.xml": "<w:document/>"}), "a Word document"),
        (lambda: _zip({"Index/Document.iwa": "\x00", "Metadata/Properties.plist": "x"}),
         "in Numbers, export it as CSV or Excel"),
        (lambda: _zip({"docs/readme.txt": "x"}), "ZIP archive"),
        # named as a workbook, and damaged
        (lambda: _zip({"xl/workbook.xml": "<not xml", "[Content_Types].xml": "x"}),
         "could not be read"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "could not be read"),
        (lambda: xlsx({"Empty": []}), "no sheet holding a cell"),
    ],
)  # fmt: skip
def test_files_that_are_no_readable_workbook_are_refused_saying_what_they_are(tenant, make, words):
    response = upload(tenant, make(), "customers.xlsx")
    assert response.status_code == 415, response.text
    assert words in response.json()["error"]["message"], response.text


def test_a_workbook_unpacking_to_more_than_is_read_is_refused(tenant, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_SHEET_BYTES", 2000)
    rows = [["Email"], *[[f"p{n}@sheet.example"] for n in range(200)]]
    response = upload(tenant, xlsx({"Big": rows}), "big.xlsx")
    assert response.status_code == 415, response.text
    assert "unpack" in response.json()["error"]["message"]
    assert "CSV" in response.json()["error"]["message"]


def test_the_cli_imports_a_workbook(cli, tenant: TenantCtx, tmp_path):
    path = tmp_path / "customers.xlsx"
    path.write_bytes(xlsx({"Customers": CUSTOMERS}))
    result = cli("import", path, "--tenant", tenant.slug)
    assert result.exit_code == 3, result.output  # done, one row failing
    assert "imported 3 rows (100%): 2 created, 0 updated, 1 failed" in result.output
    assert "sheet 'Customers'" in result.output
    assert len(customers(tenant)) == 2


@pytest.mark.parametrize(
    ("value", "text"),
    [(4155550123.0, "4155550123"), (19.99, "19.99"), (0.1 + 0.2, "0.3"), (True, "TRUE"),
     (datetime(2024, 3, 5, 10, 30), "2024-03-05 10:30:00"), (date(2024, 3, 5), "2024-03-05"),
     ("", ""), (float("nan"), ""), (2.0**60, "1.15292150460685e+18")],
)  # fmt: skip
def test_cells_are_written_as_a_spreadsheet_shows_them(value, text):
    assert workbook.cell_text(value) == text


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


TWO_SHEETS = {
    "Customers": [["Email", "Name"], ["cu@sheet.example", "Cu Stomer"]],
    "Leads": [["E-mail address", "Company"], ["le@sheet.example", "Lead Co"],
              ["le2@sheet.example", "Lead Two"]],
    "Archive": [["Email"], ["old@sheet.example"]],
}  # fmt: skip


@pytest.mark.parametrize("asked", ["Leads", "leads", " 2 "])
def test_a_sheet_is_chosen_by_its_name_or_number(tenant, asked):
    data = xlsx(TWO_SHEETS, hidden=("Archive",))
    run = imported(tenant, data, "book.xlsx", sheet=asked)
    assert run["progress"]["created"] == 2, run
    assert sorted(c["email"] for c in customers(tenant)) == [
        "le2@sheet.example",
        "le@sheet.example",
    ]
    assert run["warnings"][0] == "read as CSV from sheet 'Leads' of an Excel workbook (.xlsx)"


def test_a_hidden_sheet_is_read_when_named_and_a_missing_or_empty_one_is_refused(tenant):
    data = xlsx({**TWO_SHEETS, "Blank": []}, hidden=("Archive",))
    run = imported(tenant, data, "book.xlsx", sheet="Archive")
    assert [c["email"] for c in customers(tenant)] == ["old@sheet.example"], run
    missing = upload(tenant, data, "book.xlsx", sheet="Kunden")
    assert missing.status_code == 422, missing.text
    error = missing.json()["error"]
    assert error["details"][0]["field"] == "sheet"
    assert "no sheet 'Kunden'; its sheets: 'Customers', 'Leads', 'Blank'" in error["message"]
    assert upload(tenant, data, "book.xlsx", sheet="4").status_code == 422  # 3 visible
    empty = upload(tenant, data, "book.xlsx", sheet="Blank")
    assert empty.status_code == 422, empty.text
    assert "holds no cell" in empty.json()["error"]["message"]


def test_the_preview_names_the_sheets_to_choose_from_and_a_csv_ignores_a_sheet(tenant):
    data = xlsx(TWO_SHEETS, hidden=("Archive",))
    shown = upload(tenant, data, "book.xlsx", path="/v1/imports/preview").json()
    assert (shown["sheet"], shown["sheets"]) == ("Customers", ["Customers", "Leads"])
    assert "choose one as the sheet to read" in shown["warnings"][0]
    leads = upload(tenant, data, "book.xlsx", path="/v1/imports/preview", sheet="Leads").json()
    assert [c["name"] for c in leads["columns"]] == ["E-mail address", "Company"]
    plain = upload(tenant, "Email\na@x.example\n", "a.csv", path="/v1/imports/preview", sheet="2")
    assert plain.status_code == 200, plain.text
    assert (plain.json()["sheet"], plain.json()["sheets"]) == (None, [])
    assert "sheet not used: the file is no workbook" in plain.json()["warnings"]


def test_the_cli_reads_the_sheet_asked_for(cli, tenant: TenantCtx, tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx(TWO_SHEETS))
    result = cli("import", path, "--tenant", tenant.slug, "--sheet", "Leads")
    assert result.exit_code == 0, result.output
    assert len(customers(tenant)) == 2
    result = cli("import", path, "--tenant", tenant.slug, "--sheet", "Nope")
    assert result.exit_code == 1, result.output
    assert "no sheet 'Nope'" in result.output


def test_a_workbook_spread_over_a_huge_area_is_refused_and_the_server_lives(tenant):
    """A 5 KB workbook with a cell in its last row and one in its last column: calamine asked
    for 500 GB for it and the process aborted (Rust's out-of-memory abort, no exception),
    the server with it. It reads workbooks in a child process bounded in memory."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email"])
    sheet.append(["a@sheet.example"])
    sheet["XFD1048576"] = "far away"
    out = io.BytesIO()
    book.save(out)
    response = upload(tenant, out.getvalue(), "far.xlsx")
    assert response.status_code == 415, response.text
    assert "memory" in response.json()["error"]["message"]
    assert tenant.client.get("/v1/imports", headers=tenant.headers()).status_code == 200


def test_a_workbook_read_for_too_long_is_refused(tenant, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_SECONDS", 0.001)
    response = upload(tenant, xlsx({"Customers": CUSTOMERS}), "slow.xlsx")
    assert response.status_code == 415, response.text
    assert "took longer than" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("code", "stderr", "words"),
    [
        (-9, b"", "within 2 GiB of memory"),  # killed
        (1, b"Traceback (most recent call last):\nMemoryError", "within 2 GiB of memory"),
        (1, b"Traceback (most recent call last):\nValueError: boom", "(ValueError: boom)"),
        (0, b"", "(exit 0)"),  # it said nothing
    ],
)
def test_a_reading_process_that_dies_is_a_refusal_saying_how(monkeypatch, code, stderr, words):
    import subprocess

    from rolodex.imports.detect import FileProblem

    def died(args, **_kw):
        return subprocess.CompletedProcess(args, code, b"not json\n" if code == 0 else b"", stderr)

    monkeypatch.setattr(workbook.subprocess, "run", died)
    with pytest.raises(FileProblem) as refused:
        workbook.as_csv(io.BytesIO(xlsx({"Customers": CUSTOMERS})))
    assert refused.value.status == 415
    assert words in refused.value.message
