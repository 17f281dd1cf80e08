"""The flows staff use every day, in a real browser: find a customer by a misspelled name,
change the stage with an LTV amount, tag, merge a duplicate, import a CSV and watch it finish,
retry a dead webhook, and a cancelled delete that changes nothing. Screenshots of each page
land in test-artifacts/screenshots/."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from rolodex.jobs import queue
from rolodex.jobs.worker import Worker
from tests.browser.conftest import shot, sign_in
from tests.ingest.payloads import (
    SHOPIFY_SECRET,
    body_of,
    shopify_customer,
    shopify_headers,
    shopify_order,
)


def _customer(site, **fields):
    with site.api() as api:
        r = api.post("/v1/customers", json=fields)
        assert r.status_code == 201, r.text
        return r.json()


def _api(site, path):
    with site.api() as api:
        return api.get(path).json()


def test_misspelled_search_stage_with_ltv_and_tag(page, site):
    c = _customer(site, first_name="Zelda", last_name="Fitzgerald", email="zelda@example.com")
    _customer(site, first_name="Scott", last_name="Fitzwilliam", email="scott@example.com")
    name = site.backend.name
    sign_in(page, site)
    page.get_by_role("link", name="Customers").click()
    page.get_by_role("searchbox", name="Search customers").fill("Zelad Fitzgerlad")
    zelda = page.get_by_role("link", name="Zelda Fitzgerald")
    expect(zelda).to_be_visible()
    expect(page.get_by_role("link", name="Scott Fitzwilliam")).to_have_count(0)
    shot(page, f"customers-misspelled-search-{name}")
    zelda.click()
    expect(page.get_by_test_id("ltv")).to_have_text("$0.00")
    page.get_by_label("New stage").select_option("lead_qualified")
    page.get_by_label("Reason").fill("asked for a quote")
    page.get_by_label("LTV amount").fill("25.50")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_test_id("ltv")).to_have_text("$25.50")
    expect(page.get_by_test_id("stage")).to_have_text("lead qualified")
    page.get_by_label("New stage").select_option("customer")
    page.get_by_label("LTV amount").fill("50")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_test_id("ltv")).to_have_text("$75.50")
    expect(page.get_by_text("Stage changed to customer. LTV is now $75.50.")).to_be_visible()
    page.get_by_placeholder("Add a tag").fill("wholesale-lead")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator(".tag", has_text="wholesale-lead").wait_for()
    after = _api(site, f"/v1/customers/{c['id']}")
    assert (after["ltv"], after["lifecycle_stage"]) == ("75.50", "customer")
    assert "wholesale-lead" in after["tags"]
    expect(page.locator("#timeline")).to_contain_text("lead qualified → customer")
    shot(page, f"customer-detail-stage-ltv-{name}")
    page.get_by_role("tab", name="Audit").click()
    expect(page.locator("#tab-panel")).to_contain_text("transition")
    shot(page, f"customer-audit-tab-{name}")


def test_cancelled_delete_changes_nothing_then_delete_and_undo(page, site):
    c = _customer(site, first_name="Dana", last_name="Keep", email="dana@example.com")
    sign_in(page, site)
    page.goto(f"{site.base}/customers/{c['id']}")
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("button", name="Delete").click()
    page.wait_for_timeout(500)
    assert page.url.endswith(f"/customers/{c['id']}")
    assert _api(site, f"/v1/customers/{c['id']}")["deleted_at"] is None
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Dana Keep was deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Dana Keep")).to_have_count(0)
    assert _api(site, "/v1/stats")["total_customers"] == 0
    shot(page, f"customer-deleted-with-undo-{site.backend.name}")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Dana Keep is back.")).to_be_visible()
    assert _api(site, f"/v1/customers/{c['id']}")["deleted_at"] is None


def test_merge_a_duplicate_from_the_duplicates_page(page, site):
    first = _customer(site, first_name="Ann", last_name="Lee", phone="+14155550101",
                      email="ann@example.com")  # fmt: skip
    with site.api() as api:
        r = api.post(
            "/v1/customers?match=true",
            json={"first_name": "Anne", "last_name": "Lee", "phone": "(415) 555-0101",
                  "email": "anne.lee@example.org"},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        second = r.json()
    name = site.backend.name
    sign_in(page, site)
    page.get_by_role("link", name="Duplicates").click()
    expect(page.get_by_text("same phone")).to_be_visible()
    shot(page, f"duplicates-{name}")
    page.get_by_role("link", name="Review and merge").click()
    expect(page.get_by_role("heading", name="Merge two customers")).to_be_visible()
    page.get_by_label("anne.lee@example.org").check()  # this email stays, whoever survives
    expect(page.get_by_test_id("result-email")).to_have_text("anne.lee@example.org")
    shot(page, f"duplicates-merge-compare-{name}")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.get_by_text("Merged. Everything of the duplicate")).to_be_visible()
    survivor_id = page.url.rsplit("/", 1)[-1]
    assert survivor_id in (first["id"], second["id"])
    kept = _api(site, f"/v1/customers/{survivor_id}")
    assert kept["email"] == "anne.lee@example.org"
    merged_away = second["id"] if survivor_id == first["id"] else first["id"]
    with site.api() as api:
        assert api.get(f"/v1/customers/{merged_away}").status_code in (307, 404, 409)
    shot(page, f"customer-after-merge-{name}")
    page.get_by_role("link", name="Duplicates").click()
    expect(page.locator("#recent-merges")).to_contain_text("Ann")


CSV = (
    b"E-mail,First Name,Last Name,Phone,Tags\n"
    b"alan@example.com,Alan,Turing,+44 20 7946 0001,pioneer\n"
    b"grace@example.com,Grace,Hopper,,navy\n"
    b"not-an-email,Nobody,,,\n"
)


def test_import_a_csv_and_watch_it_finish(page, site):
    name = site.backend.name
    worker = Worker(site.db)
    sign_in(page, site)
    page.get_by_role("link", name="Imports").click()
    page.set_input_files(
        "#import-file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    expect(page.locator("#mapping")).to_be_visible()
    expect(page.get_by_label("Field for column E-mail")).to_have_value("E-mail=email")
    shot(page, f"import-mapping-preview-{name}")
    page.get_by_role("button", name="Dry run").click()
    state = page.get_by_test_id("import-state")
    expect(state).to_have_text(re.compile("Waiting to start|Running"))
    shot(page, f"import-dry-run-waiting-{name}")
    worker.drain()
    expect(state).to_have_text("Finished", timeout=15_000)
    expect(page.get_by_test_id("created")).to_have_text("2")
    expect(page.get_by_text("Nothing was written")).to_be_visible()
    assert _api(site, "/v1/stats")["total_customers"] == 0
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Import of people.csv"))).to_be_visible()
    worker.drain()
    expect(state).to_have_text("Finished", timeout=15_000)
    expect(page.locator("progress")).to_have_attribute("value", "100.0")
    expect(page.get_by_test_id("failed")).to_have_text("1")
    expect(page.get_by_text("“not-an-email”")).to_be_visible()  # the preview names the value
    recent = page.locator("#recent-imports")  # reloaded when the import finished
    expect(recent.get_by_role("link", name="people.csv")).to_have_count(2)  # dry run + import
    shot(page, f"import-finished-{name}")
    page.get_by_role("link", name="See imported customers").click()
    expect(page.get_by_role("link", name="Grace Hopper")).to_be_visible()
    assert _api(site, "/v1/stats")["total_customers"] == 2


def test_revert_an_import_from_its_page(page, site):
    name = site.backend.name
    worker = Worker(site.db)
    with site.api() as api:
        made = api.post(
            "/v1/imports",
            files={"file": ("undo.csv", b"email,first_name\nu1@example.com,Una\n", "text/csv")},
        )
        assert made.status_code == 202, made.text
    worker.drain()
    assert _api(site, "/v1/stats")["total_customers"] == 1
    sign_in(page, site)
    page.goto(f"{site.base}/imports/{made.json()['id']}")
    page.once("dialog", lambda d: d.dismiss())  # "Undo this import?" No: nothing happens
    page.get_by_test_id("revert").click()
    expect(page.get_by_test_id("revert")).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("revert").click()
    state = page.get_by_test_id("revert-state")
    expect(state).to_have_text("Waiting to start")
    worker.drain()
    expect(state).to_have_text("Finished", timeout=15_000)  # the panel followed the revert
    expect(page.get_by_test_id("reverted")).to_have_text("1")
    expect(page.get_by_test_id("revert")).to_have_count(0)
    shot(page, f"import-reverted-{name}")
    assert _api(site, "/v1/stats")["total_customers"] == 0


def test_retry_a_dead_webhook_from_the_ingestion_monitor(page, site):
    name = site.backend.name
    with site.api() as api:
        r = api.post("/v1/sources", json={"provider": "shopify", "secret": SHOPIFY_SECRET})
        assert r.status_code == 201, r.text
        path = r.json()["webhook_path"]
        person = shopify_customer(first_name="Katherine", last_name="Johnson")
        good = body_of(person)
        poison = body_of(shopify_order(person, total_price="lots"))
        for topic, body in (("customers/create", good), ("orders/paid", poison)):
            sent = api.post(path, content=body, headers=shopify_headers(topic, body))
            assert sent.status_code == 200, sent.text
        inbox = api.get("/v1/inbox").json()["items"]
    # The customer webhook met an outage until its tries ran out (the queue's own bury);
    # the poison order dies in the worker on its first try (a non-retryable payload error).
    outage = next(uuid.UUID(i["job_id"]) for i in inbox if i["topic"] == "customers/create")
    with site.db.session(site.tenant_id) as session:
        job = queue.lock(session, site.tenant_id, outage)
        job.attempts = 8
        queue.bury(job, "OperationalError: the database did not answer (after 8 tries)")
    Worker(site.db).drain()
    sign_in(page, site)
    page.get_by_role("link", name="Ingestion").click()
    expect(page.get_by_test_id("count-dead")).to_have_text("2")
    expect(page.locator("#jobs")).to_contain_text("total_price")
    expect(page.locator("#jobs")).to_contain_text("the database did not answer")
    shot(page, f"ingestion-dead-letters-{name}")
    row = page.locator(f"#job-{outage}")
    row.get_by_role("button", name=re.compile("^Retry")).click()
    expect(page.get_by_text("Queued again")).to_be_visible()
    expect(page.get_by_test_id("count-dead")).to_have_text("1")
    Worker(site.db).drain()
    page.reload()
    expect(page.get_by_test_id("count-done")).to_have_text("1")
    expect(page.locator("#webhooks")).to_contain_text("applied")
    shot(page, f"ingestion-after-retry-{name}")
    assert _api(site, "/v1/stats")["total_customers"] == 1


def test_audit_segments_and_overview_pages(page, site):
    name = site.backend.name
    a = _customer(site, first_name="Ada", last_name="Lovelace", lifecycle_stage="customer",
                  status="vip")  # fmt: skip
    _customer(site, first_name="Charles", last_name="Babbage", lifecycle_stage="churned")
    with site.api() as api:
        api.post("/v1/segments", json={"name": "VIPs", "filter": "status:vip"})
        api.post("/v1/events", json={"customer_id": a["id"], "type": "email_open"})
    sign_in(page, site)
    page.wait_for_function("document.querySelectorAll('canvas').length === 3")
    expect(page.locator(".activity-card")).to_contain_text("Ada Lovelace")
    shot(page, f"overview-charts-{name}")
    page.get_by_role("link", name="Segments").click()
    expect(page.get_by_role("link", name="VIPs")).to_be_visible()
    shot(page, f"segments-{name}")
    page.get_by_role("link", name="Audit").click()
    page.get_by_role("button", name="Verify the chain").click()
    expect(page.get_by_test_id("verify")).to_contain_text("The audit chain is intact")
    shot(page, f"audit-{name}")
    page.set_viewport_size({"width": 1024, "height": 768})  # a small laptop
    page.goto(f"{site.base}/customers/{a['id']}")
    expect(page.get_by_test_id("risk")).to_be_visible()
    shot(page, f"customer-detail-1024px-{name}")
