"""Long unbroken values in a real browser: they wrap or are cut short inside their cell or
card, the page never scrolls sideways, and a narrow screen scrolls a table inside its own
wrapper."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import imported_from_page, shot, sign_in

# How the page lays a value out is the same HTML on either engine: one of them is enough
# (the suite's ten minutes; the values themselves are stored and read on both elsewhere).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

PAGE_WIDTH = "() => [document.documentElement.clientWidth, document.documentElement.scrollWidth]"
RIGHT = "e => e.getBoundingClientRect().right"


def _customer(site, **fields) -> str:
    with site.api() as api:
        r = api.post("/v1/customers", json=fields)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


def _no_sideways_scroll(page, name):
    width, content = page.evaluate(PAGE_WIDTH)
    assert content <= width, f"{name}: the page is {content}px wide in a {width}px window"


def test_a_long_email_leaves_every_column_of_the_customer_list_on_screen(page, site):
    email = "a" * 110 + "@x.example"  # 120 characters, no space to break at
    _customer(site, first_name="Lon", last_name="Gmail", email=email)
    _customer(site, first_name="Sho", last_name="Rt", email="short@x.example")
    sign_in(page, site)
    page.goto(f"{site.base}/customers")
    expect(page.locator("#rows tbody tr")).to_have_count(2)
    wrap = page.locator("#rows .table-wrap")
    width, content = wrap.evaluate("w => [w.clientWidth, w.scrollWidth]")
    assert content <= width, f"the customer table is {content}px wide in {width}px"
    _no_sideways_scroll(page, "the customer list")
    card_right = wrap.evaluate(RIGHT)
    created = page.locator("#rows thead th").last
    expect(created).to_contain_text("Created")
    assert created.evaluate(RIGHT) <= card_right
    cell = page.locator("#rows tbody td", has_text="aaaa")
    assert cell.evaluate(RIGHT) <= card_right
    expect(cell.locator("[title]")).to_have_attribute("title", email)  # the whole address
    shot(page, "long-email-list")


def test_a_long_tag_stays_inside_its_card_on_the_customer_page(page, site):
    tag = "t" * 100  # the longest a tag can be, no space to break at
    cid = _customer(site, first_name="Tag", last_name="Long", tags=[tag, "vip-ish"])
    sign_in(page, site)
    page.goto(f"{site.base}/customers/{cid}")
    chip = page.locator("#tags .tag", has_text="ttt")
    expect(chip).to_be_visible()
    assert chip.evaluate(RIGHT) <= page.locator("#tags").evaluate(RIGHT)
    _no_sideways_scroll(page, "the customer page")
    shot(page, "long-tag-customer")


def test_recent_imports_scroll_inside_their_wrapper_on_a_phone(page, site, tmp_path):
    path = tmp_path / ("customers-from-the-autumn-fair-" + "x" * 60 + ".csv")
    path.write_text("Email\nada@example.com\nbob@example.com\n", encoding="utf-8")
    imported_from_page(page, site, path)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site.base}/imports")
    table = page.locator("#recent-imports table")
    expect(table.locator("tbody tr")).to_have_count(1)
    _no_sideways_scroll(page, "the imports page at 390px")
    wrap = table.locator("xpath=..")
    expect(wrap).to_have_class("table-wrap")
    assert wrap.evaluate(RIGHT) <= page.locator("#recent-imports").evaluate(RIGHT)
    shot(page, "recent-imports-390")


def test_the_import_filters_line_has_a_row_of_its_own_and_the_fields_keep_theirs(page, site):
    """The line saying the list holds one import's customers sat among the fields, pushing
    Tag to a second row of the filter card."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site)
    page.goto(f"{site.base}/customers?import=01a24b8b-76ec-730b-9b7b-b59ecaa533f2")
    note = page.get_by_test_id("import-filter")
    expect(note).to_contain_text("Only the customers this import created")
    top = "e => Math.round(e.getBoundingClientRect().top)"
    fields = [page.locator("#q"), page.get_by_label("Stage"), page.get_by_label("Tag").first]
    tops = [f.evaluate(top) for f in fields]
    assert max(tops) - min(tops) <= 4, tops  # one row (a second row is some 60 px lower)
    assert note.evaluate("e => e.getBoundingClientRect().bottom") <= fields[0].evaluate(top)
    shot(page, "import-filter-line")


# the lines of a .kv's value (its text after the label)
VALUE_LINES = "e => { const t = e.lastChild, r = document.createRange(); r.setStart(t, 1); r.setEnd(t, t.length); return r.getClientRects().length; }"  # noqa: E501
LINES = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"  # noqa: E501


def test_a_short_problem_value_is_not_split_beside_a_long_reason(page, site, tmp_path):
    """A problem's value shares its table with a long reason, and the value column, free to
    break anywhere, was squeezed to eight letters: "03/07/2024" read "03/07/20" over "24";
    the preview's values too (long unbroken values still wrap:
    tests/browser/test_import_preview.py)."""
    path = tmp_path / "dates.csv"
    path.write_text(
        "Email,Created\nada@example.com,2024-03-05\nbob@example.com,03/07/2024\n",
        encoding="utf-8",
    )
    imported_from_page(page, site, path)
    # the preview's values beside the same reason: a time was "2024-03-" over "05T00:00…"
    read = page.locator(".as-read .kv", has_text="created_at")
    expect(read).to_be_visible()
    assert read.evaluate(VALUE_LINES) == 1, read.evaluate("e => e.getBoundingClientRect().width")
    value = page.get_by_role("cell", name="03/07/2024", exact=True)
    expect(value).to_be_visible()
    assert value.evaluate(LINES) == 1, value.evaluate("e => e.getBoundingClientRect().width")
    _no_sideways_scroll(page, "the import's problems")
    shot(page, "import-problem-values")
