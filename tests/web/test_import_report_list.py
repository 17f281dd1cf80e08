"""The dashboard's list of imports reaches every import, a page at a time, newest first."""

from __future__ import annotations

import html
import re

from tests.imports.helpers import upload
from tests.web.helpers import assert_page, signed_in


def _listed(page: str) -> list[str]:
    return re.findall(r'<a href="/imports/[0-9a-f-]{36}">([^<]+)</a>', page)


def _older(page: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" data-testid="imports-older"', page)
    return html.unescape(match.group(1)) if match else None


def test_older_imports_are_listed_page_by_page(tenant):
    """A team importing a file or two a week had only its last ten imports on the page: the
    one from last month could not be reached from the dashboard."""
    signed_in(tenant)
    names = [f"week-{n:02}.csv" for n in range(23)]
    for name in names:
        assert upload(tenant, "email\na@example.com\n", name).status_code == 202
    seen, pages, url = [], 0, "/imports"
    while url:
        page = assert_page(tenant.client.get(url))
        seen += _listed(page)
        pages += 1
        assert ("Newest imports" in page) == (pages > 1)
        url = _older(page)
    assert seen == names[::-1]  # each once, newest first
    assert pages == 3


def test_a_damaged_cursor_is_a_page_not_a_trace(tenant):
    signed_in(tenant)
    r = tenant.client.get("/imports", params={"cursor": "not-a-cursor"})
    assert r.status_code in (400, 422), r.status_code
    assert "Traceback" not in r.text
