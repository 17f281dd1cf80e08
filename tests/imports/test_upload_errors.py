"""An upload sent wrong is told what is wrong in plain words, not in the words of FastAPI or
Starlette (SQLite and PostgreSQL): a file sent as a text field was "Expected UploadFile,
received: <class 'str'>", a file name too long for the multipart parser "Invalid multipart
data." (a 400 saying nothing)."""

from __future__ import annotations

import pytest

from tests.web.helpers import assert_page, signed_in

CSV = b"email\nada@example.com\n"
NOT_A_FILE = "send the file as a multipart file upload (a form field with a file name)"
TOO_LONG = "the file name is too long (at most 1,000 characters)"


def _as_text(tenant, path, headers, **fields):
    """A multipart body whose ``file`` part has no file name: a text field."""
    parts = {"file": CSV.decode(), **fields}
    body = b"".join(
        f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in parts.items()
    )
    return tenant.client.post(
        path,
        content=body + b"--B--\r\n",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=B"},
    )


def _refused(response, message):
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"] == f"file: {message}"
    assert [(d["field"], d["message"]) for d in error["details"]] == [("file", message)]
    for internal in ("UploadFile", "class", "multipart data", "Value error"):
        assert internal not in response.text


@pytest.mark.parametrize("path", ["/v1/imports", "/v1/imports/preview"])
def test_a_file_sent_as_a_text_field_is_told_to_send_a_file(tenant, path):
    _refused(_as_text(tenant, path, tenant.headers()), NOT_A_FILE)
    assert tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"] == []


@pytest.mark.parametrize("path", ["/v1/imports", "/v1/imports/preview"])
@pytest.mark.parametrize(
    "name",
    [
        "a" * 5000 + ".csv",  # past the parser's header line (4,224 bytes)
        "é" * 2500,  # 5,000 bytes
        "a" * 1001,  # through the parser, past the limit said
    ],
)
def test_a_file_name_too_long_is_said_so(tenant, path, name):
    response = tenant.client.post(
        path, files={"file": (name, CSV, "text/csv")}, headers=tenant.headers()
    )
    _refused(response, TOO_LONG)
    assert tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"] == []


@pytest.mark.parametrize("name", ["a" * 996 + ".csv", "😀" * 1000])
def test_a_file_name_of_the_limit_is_taken_whatever_its_characters(tenant, name):
    """1,000 characters of 4 bytes each still fit the parser's header line."""
    response = tenant.client.post(
        "/v1/imports", files={"file": (name, CSV, "text/csv")}, headers=tenant.headers()
    )
    assert response.status_code == 202, response.text
    assert response.json()["filename"] == name[:300]  # as stored, as before


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("a" * 5000 + ".csv", 422),  # the parser refuses the form: the error page's status
        ("a" * 1001, 200),  # the form's own error, shown in place as its others
    ],
)
def test_the_dashboard_form_says_the_same(tenant, name, status):
    """A name past the parser's line, and one through it past the limit, as the API."""
    csrf = signed_in(tenant)
    hx = {"HX-Request": "true"}
    files = {"file": (name, CSV, "text/csv")}
    fragment = tenant.client.post(
        "/imports/preview", data={"csrf_token": csrf}, files=files, headers=hx
    )
    assert f"File: {TOO_LONG}" in assert_page(fragment, status)
    started = tenant.client.post("/imports", data={"csrf_token": csrf}, files=files, headers=hx)
    assert f"File: {TOO_LONG}" in assert_page(started, status)
    assert tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"] == []
    page = assert_page(
        tenant.client.post("/imports/preview", data={"csrf_token": csrf}, files=files), status
    )
    assert f"File: {TOO_LONG}" in page
    fragment = _as_text(tenant, "/imports/preview", hx, csrf_token=csrf)
    assert f"File: {NOT_A_FILE}" in assert_page(fragment, 422)
