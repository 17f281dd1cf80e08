"""Overview, customer list (filters, views, export), duplicates, imports, ingestion and audit
pages through HTTP."""

from __future__ import annotations

import csv
import io
import re

from rolodex.jobs.worker import Worker
from tests.ingest.conftest import add_source
from tests.ingest.payloads import (
    SHOPIFY_SECRET,
    body_of,
    shopify_customer,
    shopify_headers,
    shopify_order,
)
from tests.web.helpers import api_customer, assert_page, new_customer, signed_in


def test_overview_figures_segments_and_recent_activity(tenant):
    a = new_customer(tenant, first_name="Ada", lifecycle_stage="customer", status="vip")
    new_customer(tenant, lifecycle_stage="churned")
    gone = new_customer(tenant)
    tenant.client.delete(f"/v1/customers/{gone['id']}", headers=tenant.headers())
    tenant.client.post(
        "/v1/segments", json={"name": "VIPs", "filter": "status:vip"}, headers=tenant.headers()
    )
    tenant.client.post(
        "/v1/events", json={"customer_id": a["id"], "type": "checkout_started"},
        headers=tenant.headers(),
    )  # fmt: skip
    signed_in(tenant)
    page = assert_page(tenant.client.get("/"))
    assert 'data-stat="total">2<' in page  # the deleted one is not counted
    assert "checkout started" in page
    assert "Recent activity" in page
    assert '"segments": ["VIPs"]' in page
    assert '"segment_counts": [1]' in page
    stats = tenant.client.get("/v1/stats", headers=tenant.headers()).json()
    assert stats["segments"][0]["members"] == 1
    assert stats["vip"] == 1
    assert stats["churn_rate"] == 0.5
    assert stats["as_of"]


def test_list_filters_sort_views_and_export(tenant):
    csrf = signed_in(tenant)
    big = new_customer(tenant, first_name="Big", last_name="Spender", lifecycle_stage="customer")
    tenant.client.post(
        f"/v1/customers/{big['id']}/transitions", json={"ltv_amount": "900.00"},
        headers=tenant.headers(),
    )  # fmt: skip
    new_customer(tenant, first_name="Small", last_name="Fry", lifecycle_stage="customer")
    new_customer(tenant, first_name="Pro", last_name="Spect")
    client = tenant.client
    page = assert_page(client.get("/customers", params={"stage": "customer", "ltv_min": "100"}))
    assert "Big Spender" in page
    assert "Small Fry" not in page
    assert "Pro Spect" not in page
    page = assert_page(client.get("/customers", params={"stage": "customer", "sort": "ltv"}))
    assert page.index("Small Fry") < page.index("Big Spender")
    assert 'aria-sort="ascending"' in page
    bad = assert_page(client.get("/customers", params={"created_after": "someday"}))
    assert 'class="error"' in bad
    assert "Created after" in bad
    # A saved view keeps the filters; applying it gives the same list.
    r = client.post(
        "/customers/views",
        data={"name": "Whales", "query": "stage=customer&ltv_min=100", "csrf_token": csrf},
    )
    page = assert_page(r)
    assert "Saved the view “Whales”." in page
    assert "Big Spender" in page
    assert "Small Fry" not in page
    # The export is the current filter, as CSV.
    r = client.get("/customers/export", params={"stage": "customer", "ltv_min": "100"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["last_name"] for row in rows] == ["Spender"]
    # ... in the list's order, as on screen
    for sort, first in (("ltv", "Fry"), ("-ltv", "Spender")):
        r = client.get("/customers/export", params={"stage": "customer", "sort": sort})
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [row["last_name"] for row in rows][0] == first


def test_misspelled_search_finds_the_customer(tenant):
    signed_in(tenant)
    new_customer(tenant, first_name="Zelda", last_name="Fitzgerald")
    new_customer(tenant, first_name="Scott", last_name="Fitzwilliam")
    page = assert_page(tenant.client.get("/customers", params={"q": "Zelad Fitzgerlad"}))
    assert "Zelda Fitzgerald" in page
    assert "Scott Fitzwilliam" not in page


def _pair(tenant):
    """Two records of one person (same phone, different email): a review candidate."""
    first = new_customer(tenant, first_name="Ann", last_name="Lee", phone="+14155550101")
    r = tenant.client.post(
        "/v1/customers?match=true",
        json={"first_name": "Anne", "last_name": "Lee", "phone": "(415) 555-0101",
              "email": "anne.lee@example.org"},
        headers=tenant.headers(),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return first, r.json()


def test_duplicates_merge_choosing_values_then_undo(tenant):
    csrf = signed_in(tenant)
    first, second = _pair(tenant)
    page = assert_page(tenant.client.get("/duplicates"))
    assert "same phone" in page
    assert "Review and merge" in page
    assert 'class="differs"' in page
    compare = assert_page(
        tenant.client.get(
            "/duplicates/merge", params={"survivor": first["id"], "duplicate": second["id"]}
        )
    )
    assert 'name="keep_email"' in compare
    assert 'name="keep_first_name"' in compare
    r = tenant.client.post(
        "/duplicates/merge",
        data={"survivor_id": first["id"], "duplicate_id": second["id"],
              "keep_email": "duplicate", "keep_first_name": "survivor", "csrf_token": csrf},
    )  # fmt: skip
    page = assert_page(r)
    assert "Merged." in page
    assert "Undo merge" in page
    kept = api_customer(tenant, first["id"])
    assert (kept["email"], kept["first_name"]) == ("anne.lee@example.org", "Ann")
    merges = tenant.client.get("/v1/merges", headers=tenant.headers()).json()["items"]
    r = tenant.client.post(f"/duplicates/merges/{merges[0]['id']}/undo", data={"csrf_token": csrf})
    assert "Merge undone" in assert_page(r)
    assert api_customer(tenant, first["id"])["email"] == first["email"]
    assert api_customer(tenant, second["id"])["deleted_at"] is None


def test_dismissed_pair_is_not_proposed_again(tenant):
    csrf = signed_in(tenant)
    _pair(tenant)
    page = tenant.client.get("/duplicates").text
    candidate = re.search(r'action="/duplicates/([0-9a-f-]{36})/dismiss"', page)
    assert candidate
    r = tenant.client.post(f"/duplicates/{candidate.group(1)}/dismiss", data={"csrf_token": csrf})
    assert "No possible duplicates right now." in assert_page(r)


CSV = b"Email,First Name,Last Name,Phone\nalan@example.com,Alan,Turing,+44 20 7946 0001\n" \
      b"bad-row,,,\nlinus@example.com,Linus,Torvalds,\n"  # fmt: skip


def test_import_preview_dry_run_and_run(tenant):
    csrf = signed_in(tenant)
    client = tenant.client
    files = {"file": ("people.csv", CSV, "text/csv")}
    hx = {"HX-Request": "true"}
    preview = assert_page(
        client.post("/imports/preview", data={"csrf_token": csrf}, files=files, headers=hx)
    )
    assert "How the file will be read" in preview
    assert 'value="First%20Name=first_name" selected' in preview  # the column URL-encoded
    r = client.post(
        "/imports", data={"csrf_token": csrf, "dry_run": "true", "map": ["Phone=ignore"]},
        files=files, headers=hx,
    )  # fmt: skip
    panel = assert_page(r)
    assert "Dry run of people.csv" in panel
    assert 'hx-trigger="every 1s"' in panel
    run_id = re.search(r'id="import-([0-9a-f-]{36})"', panel).group(1)
    Worker(client.app.state.db).drain()
    done = assert_page(client.get(f"/imports/{run_id}/progress"))
    assert "Finished" in done
    assert "every 1s" not in done
    assert 'data-testid="created">2<' in done
    assert "Nothing was written" in done
    assert "alan@example.com" not in client.get("/v1/customers", headers=tenant.headers()).text
    r = client.post("/imports", data={"csrf_token": csrf}, files=files, follow_redirects=False)
    assert r.status_code == 303
    Worker(client.app.state.db).drain()
    page = assert_page(client.get(r.headers["location"]))
    assert "Finished" in page
    assert 'data-testid="created">2<' in page
    assert "Problems (1)" in page
    assert "alan@example.com" in client.get("/v1/customers", headers=tenant.headers()).text


def test_an_import_is_reverted_from_its_page_showing_what_was_kept(tenant):
    csrf = signed_in(tenant)
    client, h = tenant.client, tenant.headers()
    kept = new_customer(tenant, email="kept@example.com")
    text = "email,company\nkept@example.com,Imported Co\nnew@example.com,New Co\n"
    files = {"file": ("undo.csv", text.encode(), "text/csv")}
    r = client.post("/imports", data={"csrf_token": csrf}, files=files, follow_redirects=False)
    page_url = r.headers["location"]
    Worker(client.app.state.db).drain()
    page = assert_page(client.get(page_url))
    assert 'data-testid="revert"' in page
    run_id = page_url.rsplit("/", 1)[1]
    # someone changes the company the import set: that field stays
    client.patch(f"/v1/customers/{kept['id']}", json={"company": "Mine"}, headers=h)
    hx = {"HX-Request": "true"}
    panel = assert_page(
        client.post(f"/imports/{run_id}/revert", data={"csrf_token": csrf}, headers=hx)
    )
    assert 'data-testid="revert-state">Waiting to start<' in panel
    assert 'hx-trigger="every 1s"' in panel  # the panel follows the revert
    assert 'data-testid="revert"' not in panel
    Worker(client.app.state.db).drain()
    done = assert_page(client.get(f"/imports/{run_id}/progress"))
    assert 'data-testid="revert-state">Partly reverted<' in done
    assert "every 1s" not in done
    assert 'data-testid="reverted">1<' in done  # new@ removed...
    assert 'data-testid="revert-partly">0<' in done
    assert 'data-testid="revert-kept">1<' in done  # ...and kept@ kept whole: its change was touched
    assert "changed since the import" in done
    emails = {c["email"] for c in client.get("/v1/customers", headers=h).json()["items"]}
    assert emails == {"kept@example.com"}
    # something was kept: it may be reverted again later, and a viewer sees no button
    assert ">Revert again</button>" in done
    viewer = signed_in(tenant, role="viewer")
    assert viewer
    assert 'data-testid="revert"' not in assert_page(client.get(page_url))


def test_import_without_a_file_says_so(tenant):
    csrf = signed_in(tenant)
    r = tenant.client.post("/imports", data={"csrf_token": csrf}, headers={"HX-Request": "true"})
    assert "Choose a CSV, JSON or NDJSON file first" in assert_page(r)


def test_ingestion_dead_letter_and_retry(tenant):
    csrf = signed_in(tenant)
    add_source(tenant, "shopify", SHOPIFY_SECRET)
    person = shopify_customer()
    poison = body_of(shopify_order(person, total_price="lots"))
    r = tenant.client.post(
        f"/v1/hooks/{tenant.slug}/shopify", content=poison,
        headers=shopify_headers("orders/paid", poison),
    )  # fmt: skip
    assert r.status_code == 200
    Worker(tenant.client.app.state.db).drain()
    page = assert_page(tenant.client.get("/ingestion"))
    assert 'data-testid="count-dead">1<' in page
    assert "total_price" in page
    assert "shopify orders/paid" in page
    assert "/v1/hooks/" in page
    job_id = re.search(r'action="/ingestion/jobs/([0-9a-f-]{36})/retry"', page).group(1)
    r = tenant.client.post(f"/ingestion/jobs/{job_id}/retry", data={"csrf_token": csrf})
    page = assert_page(r)
    assert "Queued again" in page
    assert 'data-testid="count-queued">1<' in page
    r = tenant.client.post(f"/ingestion/jobs/{job_id}/retry", data={"csrf_token": csrf})
    assert "only dead or waiting jobs" not in assert_page(r)  # a waiting job may run now
    Worker(tenant.client.app.state.db).drain()
    assert 'data-testid="count-dead">1<' in tenant.client.get("/ingestion").text


def test_audit_log_filters_and_chain_check(tenant):
    signed_in(tenant)
    c = new_customer(tenant)
    tenant.client.patch(
        f"/v1/customers/{c['id']}", json={"company": "Initech"}, headers=tenant.headers()
    )
    page = assert_page(tenant.client.get("/audit", params={"action": "update"}))
    assert "company" in page
    assert "Initech" in page
    assert "No entries match" in assert_page(tenant.client.get("/audit?action=erase"))
    bad = assert_page(tenant.client.get("/audit", params={"since": "yesterday"}), 422)
    assert "Since: a date such as 2025-01-31" in bad
    check = assert_page(tenant.client.get("/audit/verify", headers={"HX-Request": "true"}))
    assert "The audit chain is intact" in check


def test_segments_page_create_and_delete(tenant):
    csrf = signed_in(tenant)
    new_customer(tenant, status="vip")
    r = tenant.client.post(
        "/segments", data={"name": "VIP club", "filter": "status:vip", "csrf_token": csrf}
    )
    assert "Created the segment “VIP club”." in assert_page(r)
    page = assert_page(tenant.client.get("/segments"))
    assert "VIP club" in page
    assert ">1<" in page
    r = tenant.client.post(
        "/segments", data={"name": "Broken", "filter": "nosuchfield:1", "csrf_token": csrf}
    )
    assert "The segment was not created." in assert_page(r)


def test_viewer_pages_show_no_edit_controls(tenant):
    first, second = _pair(tenant)
    signed_in(tenant, role="viewer")
    client = tenant.client
    pages = {
        "/customers": ("Add tag", ">Import<"),
        "/duplicates": ("Review and merge", "Not the same person", ">Undo<"),
        "/segments": ("New segment", ">Delete<"),
        "/imports": ('id="import-form"',),
        "/ingestion": ("Retry", "Run now", "Webhook sources"),
        f"/customers/{first['id']}": ("Change stage", "Save contact", "Quick actions"),
        f"/duplicates/merge?survivor={first['id']}&duplicate={second['id']}": (">Merge<",),
    }
    for path, controls in pages.items():
        page = assert_page(client.get(path))
        for control in controls:
            assert control not in page, (path, control)
    assert "Your role can see imports but not start one." in client.get("/imports").text
