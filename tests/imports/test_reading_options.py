"""How to read a file (encoding, delimiter), said wrong: refused as the request's or the
command line's mistake before anything is stored, whatever the file holds; on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from tests.imports.helpers import upload
from tests.web.helpers import assert_page, signed_in

ZIP = b"PK\x03\x04" + bytes(range(256)) * 4  # a file refused whatever the options
JSON = b'[{"email": "a@example.com"}]'  # no delimiter is looked at
UNKNOWN = [
    pytest.param(
        "encoding",
        "bogus",
        "unknown encoding 'bogus'; use utf-8, utf-16, latin-1, mac-roman or windows-1250",
        id="encoding",
    ),
    pytest.param(
        "delimiter",
        "ab",
        "unknown delimiter 'ab'; use comma, semicolon, tab or pipe (or the character itself: "
        ", ; |)",
        id="delimiter",
    ),
]


def _imports(tenant) -> list:
    return tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"]


@pytest.mark.parametrize(("field", "value", "said"), UNKNOWN)
@pytest.mark.parametrize(
    ("name", "content"),
    [("a.zip.csv", ZIP), ("a.json", JSON), ("empty.csv", b"")],
    ids=["zip", "json", "empty"],
)
@pytest.mark.parametrize("path", ["/v1/imports", "/v1/imports/preview"])
def test_the_api_refuses_an_unknown_option_naming_it_and_stores_nothing(
    tenant, path, name, content, field, value, said
):
    r = upload(tenant, content, name, path=path, **{field: value})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"] == [{"field": field, "message": said}]
    assert r.json()["error"]["message"] == f"{field}: {said}"  # not "invalid input: encoding"
    assert _imports(tenant) == []


@pytest.mark.parametrize(
    ("value", "sep"), [("", ";"), ("Semicolon", ";"), (";", ";"), ("tab", "\t"), ("\t", "\t")]
)
def test_a_blank_or_named_delimiter_is_taken(tenant, value, sep):
    text = f"email{sep}first_name\na@example.com{sep}Ann\n"
    r = upload(tenant, text, delimiter=value, encoding="")  # blank: guessed
    assert r.status_code == 202, r.text
    assert r.json()["delimiter"] == sep


@pytest.mark.parametrize(("field", "value", "said"), UNKNOWN)
def test_the_command_line_says_so_as_bad_usage(cli, tenant, tmp_path, field, value, said):
    path = tmp_path / "a.csv"
    path.write_text("email\na@example.com\n")
    result = cli("import", path, "--tenant", tenant.slug, f"--{field}", value)
    assert result.exit_code == 2, result.output  # bad usage, not 1: the file refused
    assert f"--{field}: {said}" in " ".join(result.output.split())
    assert _imports(tenant) == []


@pytest.mark.parametrize(("field", "value", "said"), UNKNOWN)
@pytest.mark.parametrize("path", ["/imports/preview", "/imports"])
def test_the_dashboard_says_which_choice_and_why(tenant, path, field, value, said):
    csrf = signed_in(tenant)
    fragment = tenant.client.post(
        path,
        data={"csrf_token": csrf, field: value},
        files={"file": ("a.json", JSON, "application/json")},
        headers={"HX-Request": "true"},
    )
    text = assert_page(fragment).replace("&#39;", "'")
    assert f"{field.capitalize()}: {said}" in text, text
    assert _imports(tenant) == []
