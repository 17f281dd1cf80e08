"""A member of staff walks through the dashboard in a real browser."""

from __future__ import annotations

import re

from tests.browser.conftest import shot, sign_in


def _customer(site, **fields):
    with site.api() as api:
        r = api.post("/v1/customers", json=fields)
        assert r.status_code == 201, r.text
        return r.json()


def test_sign_in_and_overview(page, site):
    _customer(site, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    page.goto(f"{site.base}/customers")
    assert "/signin" in page.url
    shot(page, f"signin-{site.backend.name}")
    sign_in(page, site)
    assert page.locator("[data-stat=total]").inner_text() == "1"
    page.wait_for_function("document.querySelectorAll('canvas').length === 2")
    shot(page, f"overview-{site.backend.name}")


def test_search_tag_and_cancelled_dialog(page, site):
    c = _customer(site, first_name="Zelda", last_name="Fitzgerald", email="zelda@example.com")
    _customer(site, first_name="Scott", last_name="Fitzwilliam", email="scott@example.com")
    sign_in(page, site)
    page.get_by_role("link", name="Customers").click()
    page.get_by_placeholder(re.compile("Search")).fill("zelda")
    page.wait_for_function("!document.body.innerText.includes('Scott Fitzwilliam')")
    shot(page, f"customers-search-{site.backend.name}")
    page.get_by_role("link", name="Zelda Fitzgerald").click()
    page.get_by_placeholder("Add a tag").fill("gold-club")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator(".tag", has_text="gold-club").wait_for()
    with site.api() as api:
        assert "gold-club" in api.get(f"/v1/customers/{c['id']}").json()["tags"]
    # Cancelling the confirmation leaves the customer as it was.
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("button", name="Block").click()
    page.wait_for_timeout(500)
    with site.api() as api:
        assert api.get(f"/v1/customers/{c['id']}").json()["status"] == "active"
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Block").click()
    page.get_by_role("button", name="Unblock").wait_for()
    with site.api() as api:
        assert api.get(f"/v1/customers/{c['id']}").json()["status"] == "blocked"
    shot(page, f"customer-detail-{site.backend.name}")
