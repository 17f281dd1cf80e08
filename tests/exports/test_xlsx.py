"""Exports as an Excel workbook (format=xlsx) through the API, the CLI and the dashboard, on
SQLite and PostgreSQL: the CSV's columns, every cell text as stored (a phone keeps its "+", a
formula-like value stays text, no apostrophe before either) but LTV and order count, which
are numbers; past the rows a sheet holds, more sheets. The round trip through a workbook is
tests/exports/test_round_trip.py's."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from rolodex.exports import writers
from tests.conftest import TenantCtx
from tests.web.helpers import signed_in


def _book(content: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content), read_only=False)


def _table(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _customers(tenant: TenantCtx) -> None:
    h = tenant.headers()
    ada = tenant.client.post(
        "/v1/customers",
        json={"email": "ada@x.example", "phone": "+1 415 555 0100", "first_name": "Ada",
              "company": "=HYPERLINK(\"http://evil.example\",\"click\")", "tags": ["vip", "-x"],
              "attributes": {"tier": "gold", "score": 5},
              "addresses": [{"line1": "1 Main St", "postcode": "02134", "country": "US"}]},
        headers=h,
    ).json()  # fmt: skip
    tenant.client.post(
        f"/v1/customers/{ada['id']}/transitions",
        json={"stage": "customer", "ltv_amount": "250.75"},
        headers=h,
    )
    tenant.client.post("/v1/customers", json={"email": "bo@x.example"}, headers=h)


def test_a_workbook_export_keeps_every_value_as_written(tenant):
    _customers(tenant)
    response = tenant.client.get(
        "/v1/exports", params={"format": "XLSX", "sort": "email"}, headers=tenant.headers()
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == writers.MEDIA_TYPES["xlsx"]
    assert response.headers["content-disposition"].endswith('.xlsx"')
    book = _book(response.content)
    assert book.sheetnames == ["Customers"]
    sheet = book["Customers"]
    assert sheet.freeze_panes == "A2"
    ada, bo = _table(sheet)
    assert (ada["email"], bo["email"]) == ("ada@x.example", "bo@x.example")
    # as stored: no apostrophe as CSV needs, and never a formula
    assert ada["phone"] == "+1 415 555 0100"
    assert ada["company"] == '=HYPERLINK("http://evil.example","click")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert (ada["tags"], ada["address1_postcode"], ada["attr.tier"]) == ("-x|vip", "02134", "gold")
    assert (ada["ltv"], ada["order_count"], bo["ltv"]) == (250.75, 0, 0)
    assert ada["email_consent"] == "false"


def test_rows_past_what_a_sheet_holds_go_on_in_another_sheet(tenant, monkeypatch):
    monkeypatch.setattr(writers.XlsxWriter, "SHEET_ROWS", 2)
    for n in range(5):
        tenant.client.post(
            "/v1/customers", json={"email": f"p{n}@x.example"}, headers=tenant.headers()
        )
    response = tenant.client.get("/v1/exports", params={"format": "xlsx"}, headers=tenant.headers())
    book = _book(response.content)
    assert book.sheetnames == ["Customers", "Customers 2", "Customers 3"]
    emails = [r["email"] for name in book.sheetnames for r in _table(book[name])]
    assert emails == [f"p{n}@x.example" for n in range(5)]


def test_text_longer_than_a_cell_holds_is_cut_to_it_saying_so(tenant, monkeypatch):
    """Cut silently, the sheet showed part of the notes as if it were all of them."""
    monkeypatch.setattr(writers.XlsxWriter, "CELL_CHARS", 200)
    notes = "".join(f"{n:04d} " for n in range(100))  # 500 characters
    tenant.client.post(
        "/v1/customers", json={"email": "long@x.example", "notes": notes}, headers=tenant.headers()
    )
    response = tenant.client.get("/v1/exports", params={"format": "xlsx"}, headers=tenant.headers())
    (row,) = _table(_book(response.content)["Customers"])
    cell = row["notes"]
    assert len(cell) == 200
    kept = cell.index(" [... ")
    assert notes.startswith(cell[:kept])
    assert cell[kept:] == (
        f" [... {500 - kept} more characters: a cell of a sheet holds 200; "
        "a CSV or JSON export has them all]"
    )
    monkeypatch.setattr(writers.XlsxWriter, "CELL_CHARS", 10)  # no room to say it: only cut
    response = tenant.client.get("/v1/exports", params={"format": "xlsx"}, headers=tenant.headers())
    assert _table(_book(response.content)["Customers"])[0]["notes"] == notes[:10]


def test_an_unknown_format_names_xlsx_among_the_formats(tenant):
    response = tenant.client.get("/v1/exports", params={"format": "xls"}, headers=tenant.headers())
    assert response.status_code == 422
    assert "xlsx" in response.text


def test_the_cli_exports_a_workbook_to_a_file(cli, tenant, tmp_path):
    _customers(tenant)
    out = tmp_path / "customers.xlsx"
    result = cli("export", "--tenant", tenant.slug, "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    assert "exported 2 customers" in result.output
    rows = _table(_book(out.read_bytes())["Customers"])
    assert sorted(r["email"] for r in rows) == ["ada@x.example", "bo@x.example"]


def test_the_dashboard_exports_the_lists_customers_as_a_workbook(tenant):
    _customers(tenant)
    signed_in(tenant)  # the dashboard's session, on the tenant's client
    client = tenant.client
    page = client.get("/customers?q=ada")
    assert 'format=xlsx"' in page.text
    assert ">Excel<" in page.text
    response = client.get("/customers/export?q=ada&format=xlsx")
    assert response.status_code == 200, response.text
    rows = _table(_book(response.content)["Customers"])
    assert [r["email"] for r in rows] == ["ada@x.example"]
