"""Dashboard pages through HTTP: sign-in, CSRF, roles, list and detail."""

from __future__ import annotations

import re

from tests.factories.customers import customer_payload

PASSWORD = "correct horse battery"


def _user(tenant, role="admin", email=None):
    from rolodex.tenants import service

    db = tenant.client.app.state.db
    email = email or f"{role}-{tenant.slug}@example.com"
    with db.session(tenant.id) as session:
        service.create_user(session, tenant.id, email, PASSWORD, role=role)
    return email


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client, email, password=PASSWORD):
    page = client.get("/signin")
    return client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": _csrf(page.text), "next": "/"},
        follow_redirects=False,
    )


def test_pages_need_sign_in(app_client):
    r = app_client.get("/customers", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/signin?next=/customers")


def test_sign_in_wrong_password_then_right(tenant):
    email = _user(tenant)
    r = sign_in(tenant.client, email, "wrong password!!")
    assert r.status_code == 401
    assert "do not match" in r.text
    r = sign_in(tenant.client, email.upper())
    assert r.status_code == 303
    home = tenant.client.get("/")
    assert home.status_code == 200
    assert "Total customers" in home.text


def test_form_without_csrf_token_is_refused(tenant):
    email = _user(tenant)
    r = tenant.client.post("/signin", data={"email": email, "password": PASSWORD})
    assert r.status_code == 403
    assert sign_in(tenant.client, email).status_code == 303
    c = tenant.client.post(
        "/v1/customers", json=customer_payload(), headers=tenant.headers()
    ).json()
    r = tenant.client.post(f"/customers/{c['id']}/edit", data={"first_name": "Mallory"})
    assert r.status_code == 403
    after = tenant.client.get(f"/v1/customers/{c['id']}", headers=tenant.headers()).json()
    assert after["first_name"] == c["first_name"]


def test_list_search_and_detail_edit(tenant):
    email = _user(tenant)
    sign_in(tenant.client, email)
    c = tenant.client.post(
        "/v1/customers",
        json=customer_payload(first_name="Zelda", last_name="Fitzgerald"),
        headers=tenant.headers(),
    ).json()
    page = tenant.client.get("/customers", params={"q": "fitzg"})
    assert "Zelda Fitzgerald" in page.text
    detail = tenant.client.get(f"/customers/{c['id']}")
    assert "ZF" in detail.text  # initials avatar
    r = tenant.client.post(
        f"/customers/{c['id']}/edit",
        data={"csrf_token": _csrf(detail.text), "add_tag": "gold-club"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    after = tenant.client.get(f"/v1/customers/{c['id']}", headers=tenant.headers()).json()
    assert "gold-club" in after["tags"]


def test_viewer_sees_no_edit_controls_and_cannot_post(tenant):
    email = _user(tenant, role="viewer")
    sign_in(tenant.client, email)
    c = tenant.client.post(
        "/v1/customers", json=customer_payload(), headers=tenant.headers()
    ).json()
    detail = tenant.client.get(f"/customers/{c['id']}")
    assert detail.status_code == 200
    assert "Save contact" not in detail.text
    assert "Quick actions" not in detail.text
    r = tenant.client.post(
        f"/customers/{c['id']}/edit", data={"csrf_token": _csrf(detail.text), "status": "blocked"}
    )
    assert r.status_code == 403
    after = tenant.client.get(f"/v1/customers/{c['id']}", headers=tenant.headers()).json()
    assert after["status"] == "active"


def test_stats_api_matches_the_overview(tenant):
    for stage in ("customer", "customer", "prospect", "churned"):
        tenant.client.post(
            "/v1/customers", json=customer_payload(lifecycle_stage=stage), headers=tenant.headers()
        )
    stats = tenant.client.get("/v1/stats", headers=tenant.headers()).json()
    assert stats["total_customers"] == 4
    assert stats["stages"]["customer"] == 2
    assert stats["churn_rate"] == round(1 / 3, 4)
    assert stats["new_this_month"] == 4
    email = _user(tenant)
    sign_in(tenant.client, email)
    assert 'data-stat="total">4<' in tenant.client.get("/").text
