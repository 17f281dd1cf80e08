"""The customer page shows what the record holds: every part of its addresses, marketing
consent, custom attributes and the systems it comes from, all as text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

# What the page does in the browser is the same HTML and script on either engine: one of
# them is enough here (the suite's ten minutes); the data behind the page is stored and read
# on both engines by the API and dashboard tests (tests/imports, tests/exports, tests/web).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _customer(site, **fields) -> str:
    with site.api() as api:
        r = api.post("/v1/customers", json=fields)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


def _lines(locator) -> str:
    """The text as shown, lines joined by a space."""
    return " ".join(locator.inner_text().split())


def _addresses(page):
    return page.locator(".card", has=page.get_by_role("heading", name="Addresses")).locator(
        "address"
    )


def test_the_customer_page_shows_consent_attributes_sources_and_whole_addresses(page, site):
    """None of these were on the page; the address left out its second line and region."""
    cid = _customer(
        site,
        first_name="Ida",
        last_name="Tor",
        email="ida@tor.example",
        addresses=[
            {
                "line1": "77 King St W",
                "line2": "Suite 300",
                "city": "Toronto",
                "region": "ON",
                "postcode": "M5K 1A1",
                "country": "CA",
                "type": "billing",
                "is_default": True,
            },
            {"line1": "1 Dock Rd", "city": "Halifax", "country": "CA", "type": "shipping"},
        ],
        consent={"email": True, "sms": False, "source": "checkout"},
        attributes={"tier": "gold", "size": {"shoe": 42, "fit": "wide"}, "note": "<b>bold</b>"},
        sources=[{"source": "shopify", "external_id": "gid-7741"}],
    )
    sign_in(page, site)
    page.goto(f"{site.base}/customers/{cid}")
    expect(_addresses(page)).to_have_count(2)
    first, second = _addresses(page).all()
    assert _lines(first) == "billing default 77 King St W Suite 300 Toronto, ON M5K 1A1 CA"
    assert _lines(second) == "shipping 1 Dock Rd Halifax CA"
    consent = page.get_by_test_id("consent")
    expect(consent.locator("dd").first).to_contain_text("yes")
    expect(consent.locator("dd").first).to_contain_text("via checkout")
    expect(consent.locator("dd").nth(1)).to_have_text("no")
    attributes = page.get_by_test_id("attributes")
    expect(attributes).to_contain_text("tier")
    expect(attributes.locator("dt", has_text="size").locator("+ dd")).to_have_text(
        '{"fit": "wide", "shoe": 42}'
    )
    note = attributes.locator("dt", has_text="note").locator("+ dd")
    expect(note).to_have_text("<b>bold</b>")  # shown as written, never as markup
    expect(attributes.locator("b")).to_have_count(0)
    sources = page.get_by_test_id("sources")
    expect(sources.locator("dt")).to_have_text(["shopify"])
    expect(sources.locator("dd")).to_have_text(["gid-7741 · synced just now"])
    shot(page, "customer-details")


def test_a_single_address_has_no_type_marker_and_no_attributes_say_so(page, site):
    cid = _customer(site, first_name="Bo", addresses=[{"line1": "2 Elm St", "region": "VT"}])
    sign_in(page, site)
    page.goto(f"{site.base}/customers/{cid}")
    expect(_addresses(page)).to_have_count(1)
    assert _lines(_addresses(page)) == "2 Elm St VT"
    expect(page.get_by_test_id("consent").locator("dd")).to_have_text(["no", "no"])
    expect(page.locator("#details")).to_contain_text("No custom attributes.")
    sources = page.get_by_test_id("sources")  # made through the API: no id elsewhere
    expect(sources.locator("dt")).to_have_text(["api"])
    expect(sources.locator("dd")).to_have_text(["no external id"])
