"""The dashboard's export of the customer list (/customers/export) on SQLite and PostgreSQL:
a filter it cannot use is an error page before anything is sent or audited."""

from __future__ import annotations

from datetime import UTC

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
    assert "Format: one of csv, json, ndjson, xlsx, vcard" in page
    r = tenant.client.get("/customers/export", params={"format": "JSON"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert [c["first_name"] for c in r.json()] == ["Ada"]


def test_the_default_list_exports_in_its_on_screen_order_newest_first(tenant, backend):
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy import update

    from rolodex.models import Customer

    signed_in(tenant)
    made = [new_customer(tenant, first_name=n)["id"] for n in ("Old", "Older", "New")]
    with backend.owner.begin() as conn:  # "Older" was created years before it arrived
        conn.execute(
            update(Customer)
            .where(Customer.tenant_id == tenant.id, Customer.id == UUID(made[1]))
            .values(created_at=datetime(2015, 1, 1, tzinfo=UTC))
        )
    page = assert_page(tenant.client.get("/customers"))
    on_screen = sorted(("Old", "Older", "New"), key=lambda n: page.index(f">{n} "))
    assert on_screen == ["New", "Old", "Older"]
    r = tenant.client.get("/customers/export", params={"format": "json"})
    assert [c["first_name"] for c in r.json()] == on_screen
    r = tenant.client.get("/customers/export", params={"format": "json", "q": "old"})
    assert [c["first_name"] for c in r.json()] == ["Old", "Older"]


def test_a_search_inside_a_saved_search_lists_and_exports_only_what_matches_both(tenant):
    import re
    from urllib.parse import parse_qs, urlsplit

    csrf = signed_in(tenant)
    for first, last in (("Ada", "Lovelace"), ("Ada", "Byron"), ("Grace", "Hopper")):
        new_customer(tenant, first_name=first, last_name=last)
    r = tenant.client.post(
        "/customers/views",
        data={"name": "Lovelaces", "query": "q=lovelace", "csrf_token": csrf},
        follow_redirects=False,
    )
    view = parse_qs(urlsplit(r.headers["location"]).query)["view"][0]
    params = {"view": view, "q": "ada"}
    page = assert_page(tenant.client.get("/customers", params=params))
    listed = re.findall(r'<td><a href="/customers/[0-9a-f-]{36}"[^>]*>(.*?)</a>', page)
    assert listed == ["Ada Lovelace"]
    r = tenant.client.get("/customers/export", params={**params, "format": "json"})
    assert [f"{c['first_name']} {c['last_name']}" for c in r.json()] == listed
