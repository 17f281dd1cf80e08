"""The import page opened (or reloaded) while an import waits or runs: its panel follows it
to the end, and the list of recent imports then shows it finished. SQLite only: the page
and its polling are the same on either engine (tests/web/test_import_live.py reads the
page on both)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rolodex.jobs.worker import Worker
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_a_reloaded_page_follows_an_import_going_on_to_its_end(page, site):
    with site.api() as api:
        made = api.post(
            "/v1/imports",
            files={"file": ("later.csv", b"email\nl1@example.com\nl2@example.com\n", "text/csv")},
        )
        assert made.status_code == 202, made.text
    sign_in(page, site)
    page.goto(f"{site.base}/imports")
    page.reload()
    panel = page.locator(f"#import-{made.json()['id']}")
    expect(panel.get_by_test_id("import-state")).to_have_text("Waiting to start")
    recent = page.locator("#recent-imports")
    expect(recent.get_by_role("cell", name="Waiting to start")).to_be_visible()
    Worker(site.db).drain()
    expect(panel.get_by_test_id("import-state")).to_have_text("Finished")  # it polled
    expect(panel.get_by_test_id("created")).to_have_text("2")
    expect(recent.get_by_role("cell", name="Finished")).to_be_visible()  # the list reloaded
