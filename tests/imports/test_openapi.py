"""The import and export calls as /openapi.json describes them to a client's code generator:
the upload's required file, the choices of its options, the CSV downloads."""

from __future__ import annotations

from typing import Any


def _spec(client: Any) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def _form(spec: dict[str, Any], path: str) -> dict[str, Any]:
    body = spec["paths"][path]["post"]["requestBody"]
    ref = body["content"]["multipart/form-data"]["schema"]["$ref"]
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_upload_requires_its_file_and_lists_the_choices_of_its_options(app_client):
    spec = _spec(app_client)
    for path in ("/v1/imports", "/v1/imports/preview"):
        form = _form(spec, path)
        assert form["required"] == ["file"], path
        assert form["properties"]["format"]["enum"] == ["csv", "json", "ndjson", "vcard"]
        assert form["properties"]["date_order"]["enum"] == ["auto", "day_first", "month_first"]
    options = _form(spec, "/v1/imports")["properties"]
    assert options["match"]["enum"] == ["update", "skip", "create"]
    assert options["match"]["default"] == "update"


def test_the_choices_documented_are_the_ones_taken(tenant):
    from tests.imports.helpers import upload

    form = _form(_spec(tenant.client), "/v1/imports")["properties"]
    text = "email,signed up\na@example.com,03/04/2024\n"
    files = {
        "csv": text,
        "json": '[{"email": "a@example.com"}]',
        "ndjson": '{"email": "a@example.com"}\n',
        "vcard": "BEGIN:VCARD\nVERSION:3.0\nEMAIL:a@example.com\nEND:VCARD\n",
    }
    for value in form["format"]["enum"]:
        assert upload(tenant, files[value], format=value).status_code == 202, value
    for name in ("match", "date_order"):
        for value in form[name]["enum"]:
            fields = {name: value, "dry_run": True}
            assert upload(tenant, text, **fields).status_code == 202, (name, value)


def test_the_error_report_and_row_report_document_their_csv_download(app_client):
    spec = _spec(app_client)
    for path in ("/v1/imports/{import_id}/errors", "/v1/imports/{import_id}/rows"):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        assert "application/json" in content, path
        assert content["text/csv"]["schema"] == {"type": "string"}, path


def test_the_export_format_lists_its_choices(app_client):
    spec = _spec(app_client)
    (fmt,) = [p for p in spec["paths"]["/v1/exports"]["get"]["parameters"] if p["name"] == "format"]
    assert fmt["schema"]["enum"] == ["csv", "json", "ndjson", "xlsx", "vcard"]
    assert fmt["schema"]["default"] == "csv"
