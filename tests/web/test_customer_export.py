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
