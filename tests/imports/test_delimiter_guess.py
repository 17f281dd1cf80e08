"""The delimiter guessed from a file whose cells hold other delimiters (a notes or tags column
of "vip; newsletter", addresses with ';', tags joined with '|'), and what a refusal or an
uneven row says of the delimiter the file was read with."""

from __future__ import annotations

import pytest

from rolodex.imports.detect import detect
from tests.imports.helpers import csv_text, customers, errors, imported, upload

PEOPLE = [(f"p{i}@example.com", f"Ann{i}", "Lee") for i in range(8)]
# a CRM's export: a notes column of semicolon lists in every row, addresses quoted with ';'
NOTES = csv_text(
    [
        ["Email", "First Name", "Last Name", "Notes", "Address"],
        *[
            [e, f, last, "vip; newsletter; spring; 2026", f"Flat {n}; 10 High St; London"]
            for n, (e, f, last) in enumerate(PEOPLE)
        ],
    ]
)
# Shopify-like tags joined with '|'
PIPES = csv_text(
    [["email", "first_name", "tags"], *[[e, f, "vip|newsletter|spring|sale"] for e, f, _ in PEOPLE]]
)
# a quoted name with a comma, semicolons in a tags cell and in a quoted address
QUOTED = csv_text(
    [
        ["Email", "Name", "Tags", "Street"],
        *[
            [e, f"{last}, {f}", "vip;newsletter;spring", "12 Main St; Apt 4; Springfield"]
            for e, f, last in PEOPLE
        ],
    ]
)
# some rows with a comma nobody quoted: the rows are uneven, the semicolons even
UNEVEN = (
    csv_text(
        [
            ["email", "first_name", "notes"],
            *[[e, f, "vip; newsletter; spring"] for e, f, _ in PEOPLE],
        ]
    )
    + "x@example.com,Xavier,vip; newsletter; spring,extra\n" * 3
)
# a European (semicolon) file: addresses with commas in every row, unquoted
ADDRESSES = "email;name;address\n" + "".join(
    f"{e};{f};10 High St, London, UK\n" for e, f, _ in PEOPLE
)
# a European file: a title line with a comma, decimal commas in every row
EUROPEAN = "Kunden, Stand 2026\nemail;name;ltv\n" + "".join(
    f"{e};{f};12,50\n" for e, f, _ in PEOPLE
)


@pytest.mark.parametrize(
    ("text", "sep"),
    [(NOTES, ","), (PIPES, ","), (QUOTED, ","), (UNEVEN, ","), (ADDRESSES, ";"), (EUROPEAN, ";")],
    ids=["notes", "pipes", "quoted", "uneven", "addresses", "european"],
)
def test_the_delimiter_is_the_one_that_splits_the_header(text, sep):
    data = text.encode()
    assert detect(data, total_size=len(data), filename="people.csv").delimiter == sep


def test_a_comma_file_with_semicolon_lists_is_imported_column_by_column(tenant):
    run = imported(tenant, NOTES, mapping={"Notes": "attr.notes", "Address": "attr.address"})
    assert run["state"] == "done", run
    assert (run["delimiter"], run["progress"]["created"], run["progress"]["failed"]) == (",", 8, 0)
    ann = next(c for c in customers(tenant) if c["email"] == "p0@example.com")
    assert (ann["first_name"], ann["last_name"]) == ("Ann0", "Lee")
    assert ann["attributes"] == {
        "notes": "vip; newsletter; spring; 2026",
        "address": "Flat 0; 10 High St; London",
    }


def test_tags_joined_with_pipes_stay_tags(tenant):
    run = imported(tenant, PIPES)
    assert (run["delimiter"], run["progress"]["created"]) == (",", 8)
    assert {tuple(c["tags"]) for c in customers(tenant)} == {
        ("newsletter", "sale", "spring", "vip")
    }


def test_a_file_read_as_one_column_says_which_delimiter_and_how_to_choose(tenant):
    colons = "email:first_name\n" + "".join(f"{e}:{f}\n" for e, f, _ in PEOPLE)
    refused = upload(tenant, colons)
    assert refused.status_code == 422, refused.text
    said = refused.json()["error"]["message"]
    assert "no column of the file could be mapped" in said
    assert (
        "the file was read as comma-separated (guessed), its header as 1 column: if another "
        "character separates its columns, choose the delimiter (comma, semicolon, tab or pipe)"
    ) in said
    chosen = upload(tenant, NOTES, delimiter="semicolon")
    assert chosen.status_code == 422, chosen.text
    assert (
        "read as semicolon-separated (as chosen), its header as 1 column"
        in (chosen.json()["error"]["message"])
    )
    preview = upload(tenant, colons, path="/v1/imports/preview")
    assert preview.status_code == 200, preview.text
    assert any(
        w.startswith("the file was read as comma-separated (guessed), its header as 1 column")
        for w in preview.json()["warnings"]
    ), preview.json()["warnings"]
    named = upload(tenant, "email,first_name,notes\na@example.com,Ann,x\n")
    assert named.status_code == 202  # a header that maps: nothing said of delimiters


def test_the_command_line_says_it_too(cli, tenant, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(NOTES)
    result = cli("import", path, "--tenant", tenant.slug, "--delimiter", ";")
    assert result.exit_code == 1, result.output  # the file refused: nothing imported
    said = " ".join(result.output.split())
    assert "read as semicolon-separated (as chosen), its header as 1 column" in said
    assert "choose the delimiter (comma, semicolon, tab or pipe)" in said


def test_a_row_wider_than_the_header_names_the_delimiter(tenant):
    run = imported(tenant, UNEVEN)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (8, 3)
    reasons = {e["reason"] for e in errors(tenant, run["id"])}
    assert reasons == {
        "the row has 4 values but the header names 3 columns: a value holding a comma needs "
        'quotes ("..."), or the file is not comma-separated (choose its delimiter)'
    }
