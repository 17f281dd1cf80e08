"""Hostile files on SQLite and PostgreSQL: each gives a clear error or per-row errors, never a
500, and the server keeps answering."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from rolodex.app import create_app
from rolodex.config import Settings
from tests.conftest import make_tenant
from tests.imports.helpers import csv_text, customers, drain, errors, imported, rows, status, upload


def responsive(tenant) -> None:
    assert tenant.client.get("/healthz").status_code == 200
    assert tenant.client.get("/v1/customers", headers=tenant.headers()).status_code == 200


def refused(tenant, content, filename="customers.csv", **fields) -> dict:
    response = upload(tenant, content, filename, **fields)
    assert response.status_code in (413, 415, 422), response.text
    body = response.json()["error"]
    assert body["message"]
    assert body["code"]
    responsive(tenant)
    return {"status": response.status_code, **body}


def test_an_empty_file(tenant):
    found = refused(tenant, b"")
    assert found["status"] == 422
    assert "empty" in found["message"]
    assert found["details"][0]["field"] == "file"


def test_a_header_without_rows(tenant):
    found = refused(tenant, "email,first_name,last_name\r\n")
    assert found["status"] == 422
    assert "no data rows" in found["message"]
    assert refused(tenant, b"[]", "people.json")["status"] == 422


def test_fifty_megabytes_of_one_line(tenant):
    found = refused(tenant, b"a" * (50 * 1024 * 1024))
    assert found["status"] == 422
    assert "first line" in found["message"]
    # The same line as a data row: that row fails, the others are imported
    content = b"email,notes\nok@example.com,fine\nlong@example.com," + b"x" * (50 * 1024 * 1024)
    content += b"\nlast@example.com,fine\n"
    response = upload(tenant, content)
    assert response.status_code == 202
    worker = threading.Thread(target=drain, args=(tenant,))
    worker.start()
    while worker.is_alive():  # the API keeps answering while the worker reads it
        responsive(tenant)
        worker.join(0.2)
    run = status(tenant, response.json()["id"])
    assert run["state"] == "done"
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1)
    assert "longer than 1 MiB" in errors(tenant, run["id"])[0]["reason"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04" + bytes(range(256)) * 40, "Excel"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 40, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "PNG"),
    ],
)
def test_a_binary_file_renamed_csv(tenant, content, words):
    found = refused(tenant, content, "customers.csv")
    assert found["status"] == 415
    assert words in found["message"]


def test_mixed_encodings_are_read_with_a_warning(tenant):
    content = (
        "email,last_name\nm1@example.com,Müller\n".encode()
        + "m2@example.com,Müller\n".encode("latin-1")
    )
    run = imported(tenant, content)
    assert run["progress"]["created"] == 2
    assert any("Windows-1252" in w for w in run["warnings"])
    assert {c["last_name"] for c in customers(tenant)} == {"Müller"}


def test_utf16_and_latin1_files(tenant):
    text = "email,first_name\nzoe@example.com,Zoë\n"
    assert imported(tenant, "\ufeff" + text, "a.csv")["encoding"] == "utf-8"
    run = imported(tenant, ("\ufeff" + text.replace("zoe", "zoe2")).encode("utf-16-le"), "b.csv")
    assert run["encoding"] == "utf-16-le"
    run = imported(tenant, text.replace("zoe", "zoe3").encode("latin-1"), "c.csv")
    assert run["encoding"] == "cp1252"
    assert {c["first_name"] for c in customers(tenant)} == {"Zoë"}


def test_duplicate_header_names(tenant):
    text = csv_text([["Email", "Name", "Email"], ["a@example.com", "Ann", "b@example.com"]])
    run = imported(tenant, text)
    assert [(c["name"], c["field"], c["how"]) for c in run["columns"]] == [
        ("Email", "email", "auto"),
        ("Name", "full_name", "auto"),
        ("Email (2)", None, "duplicate"),
    ]
    assert run["warnings"]
    assert run["progress"]["created"] == 1
    assert [c["email"] for c in customers(tenant)] == ["a@example.com"]


def test_a_row_with_a_thousand_columns(tenant):
    text = (
        "email,first_name\n" + "wide@example.com," + ",".join(["x"] * 999) + "\nok@example.com,Ok\n"
    )
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 1)
    assert "1000 values" in errors(tenant, run["id"])[0]["reason"]
    header = ["email"] + [f"extra {i}" for i in range(999)]
    run = imported(tenant, csv_text([header, ["wide2@example.com"] + ["v"] * 999]))
    assert run["progress"]["created"] == 1
    assert refused(tenant, ",".join(f"c{i}" for i in range(3000)) + "\n1\n")["status"] == 422


def test_formula_cells_are_kept_as_text_and_neutralized_on_export(tenant):
    text = csv_text(
        [
            ["email", "first_name", "company", "notes"],
            ["f@example.com", "=cmd|' /C calc'!A0", "+SUM(1,2)", "@evil"],
        ]
    )
    run = imported(tenant, text)
    assert run["progress"]["created"] == 1
    (person,) = customers(tenant)
    assert (person["first_name"], person["company"]) == ("=cmd|' /C calc'!A0", "+SUM(1,2)")
    exported = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=tenant.headers())
    assert "'=cmd|' /C calc'!A0" in exported.text
    assert "'+SUM(1,2)" in exported.text
    assert ",=" not in exported.text
    assert ",+" not in exported.text
    assert ",@" not in exported.text


def test_broken_json_fails_the_import_clearly_keeping_earlier_rows(tenant):
    broken = '[{"email": "x@example.com"} {"email"'
    assert "comma" in refused(tenant, broken, "people.json")["message"]  # seen at upload
    pad = "n" * 1000
    good = ",".join(f'{{"email": "j{i}@example.com", "notes": "{pad}"}}' for i in range(300))
    run = imported(tenant, "[" + good + ', {"email": "x@example.com"} {"email"', "people.json")
    assert run["state"] == "failed"
    assert "comma" in run["error"]
    assert run["progress"]["created"] == 301  # what came before the break is kept
    deep = "[" * 100_000 + "]" * 100_000
    run = imported(
        tenant,
        '[{"email": "ok@example.com"}, {"email": "d@example.com", "deep": ' + deep + "}]",
        "deep.json",
    )
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 1)
    responsive(tenant)


def test_nul_bytes_after_the_sample_fail_their_row(tenant):
    filler = "".join(f"p{i}@example.com,P,{'n' * 1000}\n" for i in range(300))
    content = ("email,first_name,notes\n" + filler).encode()
    content += b"nul@example.com,N\x00ul,\nz@example.com,Z,\n"
    run = imported(tenant, content)
    assert run["progress"]["failed"] == 1
    assert run["progress"]["created"] == 301
    (failed,) = [r for r in rows(tenant, run["id"], action="fail")]
    assert failed["row"] == 301


def test_upload_limits_and_media_types(backend, tenant):
    settings = Settings(
        database_url=backend.url,
        env="test",
        max_upload_bytes=64 * 1024,
        db_app_role=backend.db.settings.db_app_role,
    )
    with TestClient(create_app(settings, backend.db), raise_server_exceptions=False) as client:
        small = make_tenant(client)
        found = refused(small, "email\n" + "a@example.com\n" * 10_000)
        assert found["status"] == 413
    response = tenant.client.post(
        "/v1/imports",
        content=b"email\na@example.com\n",
        headers={**tenant.headers(), "content-type": "text/csv"},
    )
    assert response.status_code == 415
    response = tenant.client.post(
        "/v1/imports", data={"format": "csv"}, files={"x": ("a", b"b")}, headers=tenant.headers()
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {"x", "file"}
    found = refused(tenant, "email\na@example.com\n", match="merge")
    assert found["status"] == 422
    assert found["details"][0]["field"] == "match"
    found = refused(tenant, "email\na@example.com\n", mapping="{not json")
    assert found["details"][0]["field"] == "mapping"
    assert refused(tenant, "email\na@example.com\n", tags="a\x00b")["status"] == 422


def test_a_misspelt_option_or_a_second_file_is_refused_not_ignored(tenant):
    h = tenant.headers()
    body = {"file": ("c.csv", b"email\na@example.com\n", "text/csv")}
    for data, params, field in (
        ({"dry-run": "true"}, {}, "dry-run"),  # meant a dry run: nothing may be written
        ({}, {"dry_run": "true"}, "?dry_run"),
    ):
        for path in ("/v1/imports", "/v1/imports/preview"):
            r = tenant.client.post(path, data=data, params=params, files=body, headers=h)
            assert r.status_code == 422, r.text
            assert r.json()["error"]["details"][0] == {"field": field, "message": "unknown option"}
    two = [("file", ("a.csv", b"email\na@example.com\n")), ("file", ("b.csv", b"email\n"))]
    r = tenant.client.post("/v1/imports", files=two, headers=h)
    assert r.status_code == 422
    assert r.json()["error"]["details"] == [
        {"field": "file", "message": "send one file per import"}
    ]
    assert tenant.client.get("/v1/imports", headers=h).json()["items"] == []
    assert tenant.client.get("/v1/customers", headers=h).json()["items"] == []
    # the key is checked first: no key, no hints about the form
    assert tenant.client.post("/v1/imports", data={"dry-run": "1"}, files=body).status_code == 401


def test_nul_characters_in_json_keys_and_values(tenant):
    content = (
        '[{"email": "a@example.com", "we\\u0000ird": 1, "attr.x\\u0000y": 2},'
        ' {"email": "b\\u0000@example.com"}]'
    )
    run = imported(tenant, content, "people.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 1)
    assert "\x00" not in str(run)
    assert [c["field"] for c in run["columns"] if "x" in c["name"]] == [None]  # not mapped
    # a NUL in the file part's content type (PostgreSQL cannot store it): not a 500
    files = {"file": ("f.csv", b"email\nc@example.com\n", "text/csv\x00x")}
    r = tenant.client.post("/v1/imports", files=files, headers=tenant.headers())
    assert r.status_code == 202, r.text


def test_numbers_and_times_out_of_range_fail_their_row(tenant):
    content = csv_text(
        [
            ["email", "ltv", "created_at", "last_active_at"],
            ["first@example.com", "10", "", ""],
            ["huge@example.com", "1e309", "", ""],  # cannot even be rounded to cents
            ["digits@example.com", "9" * 40, "", ""],
            ["dawn@example.com", "", "0001-01-01T00:00:00+01:00", ""],  # before UTC's year 1
            ["dusk@example.com", "", "", "9999-12-31T23:59:59-01:00"],  # after year 9999
            ["last@example.com", "", "0001-01-01", "9999-12-31T23:59:59Z"],  # at the edges: fine
        ]
    )
    run = imported(tenant, content)
    assert run["state"] == "done"
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 4)
    reasons = {(e["row"], e["field"]): e["reason"] for e in errors(tenant, run["id"])}
    assert reasons[(2, "ltv")] == reasons[(3, "ltv")] == "is too large"
    assert "out of range" in reasons[(4, "created_at")]
    assert "out of range" in reasons[(5, "last_active_at")]
    responsive(tenant)


def test_a_row_that_breaks_reading_unexpectedly_fails_alone(tenant, monkeypatch, caplog):
    """Whatever a row raises that no check foresaw, it fails alone with a reason and the
    import goes on; the traceback goes to the log."""
    from rolodex.imports import batch
    from rolodex.imports import rows as import_rows

    convert, probe = import_rows.convert, batch.probe_record

    def converting(row_no, line, cells, options):
        if any(value == "boom" for _, _, value in cells):
            raise ArithmeticError("a bug in reading a cell")
        return convert(row_no, line, cells, options)

    def probing(data, phone):
        if data.first_name == "Crash":
            raise RecursionError("a bug in matching")
        return probe(data, phone)

    monkeypatch.setattr(import_rows, "convert", converting)
    monkeypatch.setattr(batch, "probe_record", probing)
    content = csv_text(
        [
            ["email", "first_name", "notes"],
            ["a@example.com", "Ann", ""],
            ["b@example.com", "Bob", "boom"],
            ["c@example.com", "Crash", ""],
            ["d@example.com", "Dee", ""],
        ]
    )
    run = imported(tenant, content)
    assert run["state"] == "done"
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 2)
    found = {e["row"]: e["reason"] for e in errors(tenant, run["id"])}
    assert found == {2: import_rows.UNFORESEEN, 3: import_rows.UNFORESEEN}
    assert sorted(c["email"] for c in customers(tenant)) == ["a@example.com", "d@example.com"]
    logged = [r for r in caplog.records if r.name == "rolodex.imports" and r.exc_info]
    assert {type(r.exc_info[1]).__name__ for r in logged} == {"ArithmeticError", "RecursionError"}


def test_a_file_whose_start_is_not_the_format_its_name_says_is_refused_saying_so(tenant):
    found = refused(tenant, "email,first_name\na@example.com,Ann\n", "people.ndjson")
    assert found["status"] == 422
    assert "no record of the file's start could be read as NDJSON" in found["message"]
    assert "not valid JSON" in found["message"]


def test_a_delimiter_named_in_words_is_used(tenant):
    run = imported(tenant, "email;first_name\nsemi@example.com;Semi\n", delimiter="semicolon")
    assert (run["delimiter"], run["progress"]["created"]) == (";", 1)
    run = imported(tenant, "email,first_name\ncomma@example.com,Comma\n", delimiter="comma")
    assert (run["delimiter"], run["progress"]["created"]) == (",", 1)
    found = refused(tenant, "email\na@example.com\n", delimiter="colon")
    assert found["details"][0]["field"] == "delimiter"


def test_a_stray_nul_at_the_start_of_a_file_fails_its_row_not_the_file(tenant):
    content = b"email,first_name\nnul@example.com,N\x00ul\nok@example.com,Ok\nz@example.com,Z\x00\n"
    run = imported(tenant, content)
    assert run["state"] == "done"
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 2)
    assert {e["row"]: e["reason"] for e in errors(tenant, run["id"])} == {
        1: "contains a NUL character",
        3: "contains a NUL character",
    }
    assert refused(tenant, b"email,name\n" + b"a\x00\x00\x01" * 100)["status"] == 415


def test_old_mac_line_ends_and_a_quoted_line_feed_are_imported(tenant):
    content = 'email,notes\rmac1@example.com,"two\nlines"\rmac2@example.com,one\r'
    run = imported(tenant, content)
    assert (run["state"], run["progress"]["created"]) == ("done", 2)
    assert {c["email"]: c["notes"] for c in customers(tenant)} == {
        "mac1@example.com": "two\nlines",
        "mac2@example.com": "one",
    }


def test_ndjson_named_json_imports_every_line_and_trailing_json_is_refused(tenant):
    lines = "".join(f'{{"email": "nd{i}@example.com"}}\n' for i in range(5))
    run = imported(tenant, lines, "customers.json")
    assert (run["format"], run["progress"]["rows_read"], run["progress"]["created"]) == (
        "ndjson",
        5,
        5,
    )
    assert any("one JSON object per line" in w for w in run["warnings"])
    assert imported(tenant, lines, "customers.txt", format="json")["format"] == "ndjson"
    found = refused(tenant, '[{"email": "a@x.co"}]\n[{"email": "b@x.co"}]\n', "people.json")
    assert found["status"] == 422
    assert "on line 2" in found["message"]
    # After a value that ends past the first 256 KiB: what came before is kept, and it says why
    pad = "n" * 1000
    docs = ",".join(f'{{"email": "t{i}@example.com", "notes": "{pad}"}}' for i in range(300))
    run = imported(tenant, "[" + docs + ']\n[{"email": "lost@example.com"}]', "people.json")
    assert run["state"] == "failed"
    assert "goes on after its JSON value ends: on line 2" in run["error"]
    assert run["progress"]["created"] == 300


def test_a_quoted_value_past_1_mib_fails_its_row_and_the_next_rows_are_imported(tenant):
    cell = "\n".join(["y" * 1000] * 1100)
    content = f'email,first_name,notes\nbig@example.com,A,"{cell}"\nok@example.com,B,fine\n'
    run = imported(tenant, content)
    assert run["state"] == "done"
    progress = run["progress"]
    assert (progress["rows_read"], progress["created"], progress["failed"]) == (2, 1, 1)
    assert "longer than 1 MiB" in errors(tenant, run["id"])[0]["reason"]
    assert [c["email"] for c in customers(tenant)] == ["ok@example.com"]


def test_an_unclosed_quote_fails_its_row_and_the_rows_after_it_are_imported(tenant):
    run = imported(
        tenant, 'email,first_name,notes\nmq1@example.com,A,"unclosed\nmq2@example.com,B,ok\n'
    )
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 1)
    (error,) = errors(tenant, run["id"])
    assert error["reason"].startswith("a quote opened on line 2 is never closed")
    good = [
        "".join(f"q{i}@example.com,Q,fine\n" for i in range(a, b)) for a, b in ((0, 10), (10, 310))
    ]
    content = "email,first_name,notes\n" + good[0] + 'x@example.com,Bad,"oops\n' + good[1]
    run = imported(tenant, content)
    assert run["state"] == "done"
    progress = run["progress"]
    assert (progress["rows_read"], progress["created"], progress["failed"]) == (311, 310, 1)
    assert [e["row"] for e in errors(tenant, run["id"])] == [11]
    assert len(customers(tenant)) == 311
