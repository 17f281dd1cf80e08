"""The import in a real browser: a long value the file holds stays inside its tables, in the
preview, the progress panel's problems and the row report."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rolodex.jobs.worker import Worker
from tests.browser.conftest import file_chosen, import_pressed, imported_from_page, shot, sign_in

# What the page does in the browser is the same HTML and script on either engine: one of
# them is enough here (the suite's ten minutes); the data behind the page is stored and read
# on both engines by the API and dashboard tests (tests/imports, tests/exports, tests/web).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

FITS = """w => [w.clientWidth, w.scrollWidth, w.closest('.card').getBoundingClientRect().right,
    Math.max(...[...w.querySelectorAll('td')].map(c => c.getBoundingClientRect().right))]"""


def _fits(locator, name):
    width, content, card, cells = locator.evaluate(FITS)
    assert content <= width, f"{name}: {content}px of content in {width}px"
    assert cells <= card, f"{name}: a cell ends at {cells}px, its card at {card}px"


def test_a_long_unbroken_value_stays_inside_the_import_tables(page, site, tmp_path):
    path = tmp_path / "messy.csv"
    path.write_text(
        "First Name,Last Name,Email,Company\n"
        f"Dee,{'A' * 150},dee@long.example,{'C' * 150}\n"
        f"Cat,{'B' * 300},not-an-email,\n",
        encoding="utf-8",
    )
    rows = file_chosen(page, site, path).locator(".table-wrap").nth(1)
    expect(rows.locator(".error-text").first).to_be_visible()
    _fits(rows, "the preview's rows")
    problems = rows.locator("tr.bad td:last-child").evaluate("c => c.getBoundingClientRect().width")
    assert problems >= 200, f"the problems column is {problems}px wide"
    import_pressed(page, site)
    _fits(page.locator(".import-progress table"), "the panel's problems")
    page.get_by_role("link", name="Row by row").click()
    expect(page.locator("[data-testid=import-rows] tbody tr")).to_have_count(2)
    shot(page, "import-long-values")
    _fits(page.locator("#import-rows .table-wrap"), "the row report")


def _imported_to_its_rows(page, site, path, text):
    """Sign in, import ``text`` as the file ``path`` from the import page, run it, and go to
    its row-by-row report."""
    path.write_text(text, encoding="utf-8")
    imported_from_page(page, site, path)
    page.get_by_role("link", name="Row by row").click()


def test_the_row_filter_is_in_the_address_bar_and_survives_a_reload(page, site, tmp_path):
    _imported_to_its_rows(page, site, tmp_path / "two.csv", "Email\nada@example.com\nnope\n")
    page.get_by_test_id("rows-filter").select_option("fail")
    expect(page.locator("[data-testid=import-rows] tbody tr")).to_have_count(1)
    assert page.evaluate("location.search") == "?action=fail"
    page.reload()
    expect(page.locator("[data-testid=import-rows] tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("rows-filter")).to_have_value("fail")


def test_the_row_report_shows_what_a_revert_did_when_it_ends(page, site, tmp_path):
    text = "Email\nada@example.com\nbob@example.com\n"
    _imported_to_its_rows(page, site, tmp_path / "two.csv", text)
    rows = page.locator("[data-testid=import-rows] tbody tr")
    expect(rows).to_have_count(2)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("revert").click()
    expect(page.get_by_test_id("revert-state")).to_be_visible()
    Worker(site.db).drain()  # the revert's job
    expect(page.get_by_test_id("reverted")).to_have_text("2")
    # without a reload, the rows say so
    expect(rows.locator(".badge", has_text="reverted")).to_have_count(2)


def test_another_file_chosen_after_a_preview_is_previewed_with_its_own_columns(page, site):
    first = b"email,Nickname\nada@example.com,Countess\n"
    second = b"E-mail,Vorname\nbob@example.com,Bob\n"
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    page.set_input_files("#import-file", files=[{"name": "a.csv", "buffer": first,
                                                 "mimeType": "text/csv"}])  # fmt: skip
    expect(page.get_by_label("Field for column Nickname")).to_be_visible()
    # the first file's mapping is not the second's: choosing it shows its own columns
    page.set_input_files("#import-file", files=[{"name": "b.csv", "buffer": second,
                                                 "mimeType": "text/csv"}])  # fmt: skip
    expect(page.get_by_label("Field for column E-mail")).to_have_value("E-mail=email")
    expect(page.locator("#preview [role=alert]")).to_have_count(0)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_test_id("import-state")).to_be_visible()
    Worker(site.db).drain()  # the test server runs no worker
    expect(page.get_by_test_id("created")).to_have_text("1")


def test_changing_how_the_file_is_read_previews_it_again(page, site):
    text = "email;Straße\nada@example.com;Main St\n".encode()
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    page.set_input_files("#import-file", files=[{"name": "a.csv", "buffer": text,
                                                 "mimeType": "text/csv"}])  # fmt: skip
    expect(page.get_by_label("Field for column Straße")).to_be_visible()
    page.locator("summary", has_text="Reading the file").click()
    page.get_by_label("Encoding").select_option("latin-1")  # the columns are named anew
    expect(page.get_by_label("Field for column StraÃŸe")).to_be_visible()
    page.get_by_label("Encoding").select_option("")
    expect(page.get_by_label("Field for column Straße")).to_be_visible()
    page.get_by_role("button", name="Preview mapping").click()
    expect(page.locator("#preview [role=alert]")).to_have_count(0)
    expect(page.get_by_label("Field for column Straße")).to_be_visible()


def _file(page, text: bytes, name: str = "a.csv") -> None:
    page.set_input_files(
        "#import-file", files=[{"name": name, "buffer": text, "mimeType": "text/csv"}]
    )


def test_a_tag_separator_or_date_order_keeps_the_mapping_chosen(page, site):
    """Read with another tag separator or date order, the file keeps its columns: the
    preview shows it again with what was chosen (the guesses came back, and were imported)."""
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    _file(page, b"email,Tier,Labels,Created\nada@example.com,gold,vip;fair,03/04/2024\n")
    tier = page.get_by_label("Field for column Tier")
    tier.select_option("Tier=attr.tier")
    page.get_by_role("button", name="Preview mapping").click()
    expect(page.locator("#preview [role=alert]")).to_have_count(0)
    page.locator("summary", has_text="Reading the file").click()
    with page.expect_response("**/imports/preview"):
        page.get_by_label("Dates such as 03/04/2024").select_option("day_first")
    expect(page.locator("#preview .kv", has_text="2024-04-03")).to_be_visible()
    expect(tier).to_have_value("Tier=attr.tier")
    with page.expect_response("**/imports/preview"):
        page.get_by_label("Tags column separated by").fill(";")
        page.get_by_label("Tags column separated by").press("Tab")  # a change
    expect(page.locator("#preview .kv", has_text="fair")).to_be_visible()
    expect(tier).to_have_value("Tier=attr.tier")
    import_pressed(page, site)
    (ada,) = site.api().get("/v1/customers").json()["items"]
    assert ada["attributes"] == {"tier": "gold"}
    assert sorted(ada["tags"]) == ["fair", "vip"]


def test_back_on_the_import_page_previews_the_file_it_kept(page, site, tmp_path):
    """The browser gives the file back on Back, not the mapping table: the file is previewed
    again, so the table shows what Import would use (it ran the guesses, unseen)."""
    path = tmp_path / "tiers.csv"
    path.write_text("email,Tier\nada@example.com,gold\n", encoding="utf-8")
    file_chosen(page, site, path)
    expect(page.get_by_label("Field for column Tier")).to_be_visible()
    page.get_by_role("link", name="Customers", exact=True).first.click()
    page.wait_for_url(f"{site.base}/customers**")
    page.go_back()
    assert page.evaluate("document.getElementById('import-file').files.length") == 1
    expect(page.get_by_label("Field for column Tier")).to_be_visible()


def test_a_double_click_on_import_imports_the_file_once(page, site):
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    _file(page, b"email\nada@example.com\nbob@example.com\n")
    expect(page.locator("#mapping")).to_be_visible()
    start = page.get_by_role("button", name="Import", exact=True)
    start.dblclick()
    expect(page.get_by_test_id("import-state")).to_be_visible()
    expect(start).to_be_disabled()  # pressed again later, it would import the file again
    start.click(force=True)
    assert len(site.api().get("/v1/imports").json()["items"]) == 1
    page.get_by_role("button", name="Preview mapping").click()
    expect(start).to_be_enabled()  # previewed again: it may be imported again


def test_a_column_is_kept_as_a_custom_attribute_of_another_name(page, site):
    """The issue's attr.loyalty_tier for a column named "Tier": the dashboard offered only the
    column's own name (attr.tier)."""
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    _file(page, b"email,Tier\nada@example.com,gold\n")
    tier = page.get_by_label("Field for column Tier")
    page.once("dialog", lambda d: d.dismiss())  # cancelled: the column keeps its field
    tier.select_option(label="custom attribute, another name…")
    expect(tier).to_have_value("Tier=ignore")
    page.once("dialog", lambda d: d.accept("loyalty_tier"))
    tier.select_option(label="custom attribute, another name…")
    expect(tier).to_have_value("Tier=attr.loyalty_tier")
    page.get_by_role("button", name="Preview mapping").click()
    expect(page.locator("#preview .kv", has_text="loyalty_tier")).to_be_visible()
    expect(tier).to_have_value("Tier=attr.loyalty_tier")  # the preview keeps it
    import_pressed(page, site)
    (ada,) = site.api().get("/v1/customers").json()["items"]
    assert ada["attributes"] == {"loyalty_tier": "gold"}


def test_the_arrow_keys_go_through_every_field_of_a_column(page, site):
    """A keyboard user moving down a column's fields met the prompt for a custom attribute's
    name among them; dismissed, the field went back, and the next arrow asked again."""
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    _file(page, b"email,Tier\nada@example.com,gold\n")
    tier = page.get_by_label("Field for column Tier")
    expect(tier).to_have_value("Tier=ignore")
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    values = tier.locator("option").evaluate_all("os => os.map(o => o.value)")
    tier.focus()
    for _ in values[1:-1]:
        page.keyboard.press("ArrowDown")
    assert asked == []
    expect(tier).to_have_value(values[-2])  # the last field; the attribute of another name after it
    assert values[-1] == "Tier=attr."


def test_a_long_column_name_leaves_its_field_in_sight(page, site):
    """A 300-letter header widened the mapping table to 4,000 px: the fields to choose were
    off the page, and the page scrolled sideways."""
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    _file(page, b"email," + b"X" * 300 + b"\nada@example.com,gold\n")
    mapping = page.locator("#mapping")
    expect(mapping).to_be_visible()
    _fits(mapping.locator("xpath=.."), "the mapping")
    field = page.get_by_label("Field for column " + "X" * 300)
    right = field.evaluate("s => s.getBoundingClientRect().right")
    assert right <= page.evaluate("document.documentElement.clientWidth")
    width = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.evaluate(width), "the page scrolls sideways"
