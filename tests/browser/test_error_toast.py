"""The dashboard's error toast shows a failed htmx request's text and runs nothing of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

# What the page does in the browser is the same HTML and script on either engine: one of
# them is enough here (the suite's ten minutes); the data behind the page is stored and read
# on both engines by the API and dashboard tests (tests/imports, tests/exports, tests/web).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

HOSTILE = (
    '<html><body><h1>Bad things</h1><img src="/nowhere.png" onerror="window.__ran = 1">'
    "<script>window.__ran = 2</script><p>the server said no</p></body></html>"
)


def test_an_error_response_is_read_as_text_never_run(page, site):
    sign_in(page, site)
    page.goto(f"{site.base}/customers")
    page.evaluate("window.__ran = 0")
    # any htmx request of the page fails with markup that would run if it were parsed live
    page.route(
        "**/customers?**",
        lambda route: route.fulfill(status=500, content_type="text/html", body=HOSTILE),
    )
    page.get_by_role("searchbox", name="Search customers").fill("x")
    toast = page.locator("#toast [role=alert]")
    expect(toast).to_contain_text("the server said no")
    page.wait_for_timeout(300)  # an image's error handler would have fired by now
    assert page.evaluate("window.__ran") == 0
