"""The dashboard's export of the customer list (/customers/export) on SQLite and PostgreSQL:
a filter it cannot use is an error page before anything is sent or audited."""

from __future__ import annotations

from tests.web.helpers import assert_page, new_customer, signed_in


def export_audit(tenant) -> list[dict]:
    return tenant.client.get(
        "/v1/audit", params={"action": "export"}, headers=tenant.headers()
    ).json()["items"]


def test_a_segment_that_does_not_exist_is_an_error_page_not_a_broken_download(tenant):
    signed_in(tenant)
    new_customer(tenant, first_name="Ada")
    for fmt in ("csv", "json"):
        r = tenant.client.get("/customers/export", params={"segment": "nonexistent", "format": fmt})
        page = assert_page(r, 422)
        assert "Segment: no segment &#39;nonexistent&#39;" in page
    assert export_audit(tenant) == []
    r = tenant.client.get("/customers/export", params={"format": "csv"})
    assert r.status_code == 200
    assert len(export_audit(tenant)) == 1


def test_a_format_in_any_case_and_a_bad_one_says_which_there_are(tenant):
    signed_in(tenant)
    new_customer(tenant, first_name="Ada")
    page = assert_page(tenant.client.get("/customers/export", params={"format": "xml"}), 422)
    assert "Format: one of csv, json, ndjson" in page
    r = tenant.client.get("/customers/export", params={"format": "JSON"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert [c["first_name"] for c in r.json()] == ["Ada"]
