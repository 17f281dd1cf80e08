"""The customer page through HTTP: tabs, stage change with LTV, segments, delete and restore,
readable errors, and what a viewer may not do."""

from __future__ import annotations

from tests.web.helpers import api_customer, assert_page, new_customer, signed_in


def test_page_tabs_and_load_more(tenant):
    csrf = signed_in(tenant)
    c = new_customer(tenant, first_name="Grace", last_name="Hopper")
    events = [
        {"customer_id": c["id"], "type": "page_view", "properties": {"n": n}} for n in range(25)
    ]
    assert (
        tenant.client.post("/v1/events", json=events, headers=tenant.headers()).status_code == 201
    )
    order = {"customer_id": c["id"], "number": "1001", "amount": "40.00", "currency": "USD"}
    assert tenant.client.post("/v1/orders", json=order, headers=tenant.headers()).status_code == 201
    page = assert_page(tenant.client.get(f"/customers/{c['id']}"))
    assert "GH" in page
    assert "Change stage" in page
    assert 'data-testid="orders">1<' in page
    assert "Load more" in page  # 25 events + order + creation: more than one page
    more = page.split('hx-get="/customers/' + c["id"] + "/timeline?cursor=")[1].split('"')[0]
    rest = assert_page(tenant.client.get(f"/customers/{c['id']}/timeline?cursor={more}"))
    assert rest.count('<li class="event') >= 5
    assert "Load more" not in rest
    for tab, text in (("orders", "1001"), ("audit", "create"), ("notes", "Internal notes")):
        assert text in assert_page(tenant.client.get(f"/customers/{c['id']}/tab/{tab}"))
        assert text in assert_page(tenant.client.get(f"/customers/{c['id']}?tab={tab}"))
    assert csrf


def test_stage_change_adds_or_sets_ltv(tenant):
    csrf = signed_in(tenant)
    c = new_customer(tenant)
    client = tenant.client
    r = client.post(
        f"/customers/{c['id']}/stage",
        data={
            "stage": "lead_qualified",
            "ltv_amount": "25.50",
            "reason": "call",
            "csrf_token": csrf,
        },
    )
    assert "Stage changed to lead qualified. LTV is now $25.50." in assert_page(r)
    r = client.post(
        f"/customers/{c['id']}/stage",
        data={"stage": "customer", "ltv_amount": "50.00", "csrf_token": csrf},
    )
    page = assert_page(r)
    assert 'data-testid="ltv">$75.50<' in page
    assert api_customer(tenant, c["id"])["ltv"] == "75.50"
    history = client.get(f"/v1/customers/{c['id']}/transitions", headers=tenant.headers()).json()
    assert [t["to_stage"] for t in history["items"]] == ["customer", "lead_qualified"]


def test_bad_amount_is_a_readable_message_and_changes_nothing(tenant):
    csrf = signed_in(tenant)
    c = new_customer(tenant)
    r = tenant.client.post(
        f"/customers/{c['id']}/stage",
        data={"stage": "customer", "ltv_amount": "20000", "csrf_token": csrf},
    )
    page = assert_page(r)
    assert "The stage was not changed. LTV amount: must be between 0.00 and 10,000.00" in page
    after = api_customer(tenant, c["id"])
    assert (after["lifecycle_stage"], after["ltv"]) == ("prospect", "0.00")


def test_segments_card_add_and_remove(tenant):
    csrf = signed_in(tenant)
    c = new_customer(tenant)
    seg = tenant.client.post(
        "/v1/segments", json={"name": "Trade show 2025"}, headers=tenant.headers()
    ).json()
    card = assert_page(tenant.client.get(f"/customers/{c['id']}/segments"))
    assert "Trade show 2025" in card
    assert "In no segment" in card
    r = tenant.client.post(
        f"/customers/{c['id']}/segments",
        data={"segment_id": seg["id"], "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert "Remove from segment Trade show 2025" in assert_page(r)
    r = tenant.client.post(
        f"/customers/{c['id']}/segments/{seg['id']}/remove",
        data={"csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert "In no segment" in assert_page(r)


def test_delete_then_restore(tenant):
    csrf = signed_in(tenant)
    c = new_customer(tenant, first_name="Dora", last_name="Deleted")
    new_customer(tenant, first_name="Kept")
    r = tenant.client.post(f"/customers/{c['id']}/delete", data={"csrf_token": csrf})
    page = assert_page(r)
    assert "Dora Deleted was deleted" in page
    assert "Undo" in page
    assert "Dora Deleted</a>" not in page  # gone from the list it lands on
    stats = tenant.client.get("/v1/stats", headers=tenant.headers()).json()
    assert stats["total_customers"] == 1
    # An admin can still open it, with a banner and a restore button.
    assert "This customer was deleted" in assert_page(tenant.client.get(f"/customers/{c['id']}"))
    r = tenant.client.post(f"/customers/{c['id']}/restore", data={"csrf_token": csrf})
    assert "Dora Deleted is back." in assert_page(r)
    assert tenant.client.get("/v1/stats", headers=tenant.headers()).json()["total_customers"] == 2


def test_unknown_customer_and_bad_id_are_pages_not_json(tenant):
    signed_in(tenant)
    page = assert_page(tenant.client.get("/customers/9b2f4b4e-0000-4000-8000-000000000000"), 404)
    assert "Not found" in page
    assert_page(tenant.client.get("/customers/not-an-id"), 422)
    assert "There is no page here." in assert_page(tenant.client.get("/no-such-page"), 404)
    # The API keeps its JSON errors.
    r = tenant.client.get("/v1/customers/not-an-id", headers=tenant.headers())
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"


def test_viewer_sees_no_actions_and_every_post_is_refused(tenant):
    c = new_customer(tenant)
    csrf = signed_in(tenant, role="viewer")
    page = assert_page(tenant.client.get(f"/customers/{c['id']}"))
    for control in ("Change stage", "Merge with", ">Delete<", "Add to segment", "Add a tag"):
        assert control not in page, control
    posts = [
        (f"/customers/{c['id']}/stage", {"stage": "customer", "ltv_amount": "10"}),
        (f"/customers/{c['id']}/delete", {}),
        (f"/customers/{c['id']}/restore", {}),
        (f"/customers/{c['id']}/edit", {"status": "blocked"}),
        ("/customers/bulk-tag", {"ids": c["id"], "tag": "x"}),
        ("/segments", {"name": "Nope"}),
        ("/imports", {}),
        ("/duplicates/merge", {"survivor_id": c["id"], "duplicate_id": c["id"]}),
    ]
    for path, data in posts:
        r = tenant.client.post(path, data={**data, "csrf_token": csrf})
        assert "cannot do this" in assert_page(r, 403), path
    after = api_customer(tenant, c["id"])
    assert (after["lifecycle_stage"], after["status"], after["deleted_at"]) == (
        "prospect",
        "active",
        None,
    )


def test_a_merged_customers_long_notes_do_not_stop_the_other_notes_being_saved(tenant):
    """A merge appends the notes of both: 24,000 characters, more than one edit gives. The
    notes form autosaves both notes whichever was edited, and the one sent back unchanged
    refused the edit of the other ("at most 20000 characters"): it is left out now."""
    csrf = signed_in(tenant)
    ann = new_customer(tenant, email="ann@long.example", notes="a" * 12_000)
    bob = new_customer(tenant, email="bob@long.example", notes="b" * 12_000)
    merge = {"survivor_id": ann["id"], "duplicate_id": bob["id"]}
    assert tenant.client.post("/v1/merges", json=merge, headers=tenant.headers()).is_success
    stored = api_customer(tenant, ann["id"])["notes"]
    assert len(stored) > 20_000
    form = {
        "csrf_token": csrf,
        "partial": "customers/_notes_status.html",
        "notes": stored,
        "internal_notes": "Call before noon",
    }
    r = tenant.client.post(f"/customers/{ann['id']}/edit", data=form, headers={"HX-Request": "1"})
    assert "Saved automatically" in assert_page(r)
    after = api_customer(tenant, ann["id"])
    assert (after["notes"], after["internal_notes"]) == (stored, "Call before noon")
    # the long notes themselves edited: refused, saying why, and nothing is lost
    form |= {"notes": stored + " more", "internal_notes": "Call after noon"}
    r = tenant.client.post(f"/customers/{ann['id']}/edit", data=form, headers={"HX-Request": "1"})
    assert "at most 20000 characters" in assert_page(r, 422)
    after = api_customer(tenant, ann["id"])
    assert (after["notes"], after["internal_notes"]) == (stored, "Call before noon")


def test_a_birthday_without_its_year_reads_as_a_day_of_the_year(tenant):
    """Imports store a birthday without its year as a vCard writes it, --04-12; the page
    showed that form. It reads "April 12"; a full date and other text stay as they are."""
    signed_in(tenant)
    attributes = {"birthday": "--04-12", "anniversary": "1999-06-01", "code": "--13-01"}
    c = new_customer(tenant, attributes=attributes)
    page = assert_page(tenant.client.get(f"/customers/{c['id']}"))
    details = page.split('data-testid="attributes"', 1)[1].split("</dl>", 1)[0]
    assert "<dt>birthday</dt><dd>April 12</dd>" in details
    assert "<dt>anniversary</dt><dd>1999-06-01</dd>" in details
    assert "<dt>code</dt><dd>--13-01</dd>" in details
