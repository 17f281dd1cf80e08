"""The dashboard's import form past the upload limit: a page or fragment to read, never JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rolodex.app import create_app
from tests.conftest import make_tenant
from tests.web.helpers import assert_page, signed_in

LIMIT = 4096
BIG = ("email\n" + "someone@example.com\n" * 500).encode()


@pytest.fixture
def small_uploads(backend):
    settings = backend.db.settings.model_copy(update={"max_upload_bytes": LIMIT})
    with TestClient(create_app(settings, backend.db), raise_server_exceptions=False) as client:
        yield make_tenant(client)


@pytest.mark.parametrize("path", ["/imports", "/imports/preview"])
def test_a_file_past_the_upload_limit_is_a_413_page_naming_the_limit(small_uploads, path):
    csrf = signed_in(small_uploads)
    files = {"file": ("big.csv", BIG, "text/csv")}
    r = small_uploads.client.post(path, data={"csrf_token": csrf}, files=files)
    text = assert_page(r, 413)
    assert "too large" in text
    assert f"{LIMIT:,} bytes" in text
    fragment = small_uploads.client.post(
        path, data={"csrf_token": csrf}, files=files, headers={"HX-Request": "true"}
    )
    assert assert_page(fragment, 413).startswith('<p class="error" role="alert">')
    listed = small_uploads.client.get("/v1/imports", headers=small_uploads.headers())
    assert listed.json()["items"] == []


def test_the_api_past_the_upload_limit_stays_a_json_413(small_uploads):
    files = {"file": ("big.csv", BIG, "text/csv")}
    r = small_uploads.client.post("/v1/imports", files=files, headers=small_uploads.headers())
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"
