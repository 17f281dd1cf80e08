"""The import page's options, row-by-row report and downloads, through HTTP."""

from __future__ import annotations

import csv
import html
import io
import re

from rolodex.jobs.worker import Worker
from tests.web.helpers import api_customer, assert_page, new_customer, signed_in

HX = {"HX-Request": "true"}


def _start(tenant, csrf, name, text, **form):
    files = {"file": (name, text.encode("utf-8"), "text/csv")}
    r = tenant.client.post("/imports", data={"csrf_token": csrf, **form}, files=files, headers=HX)
    panel = assert_page(r)
    run_id = re.search(r'id="import-([0-9a-f-]{36})"', panel).group(1)
    Worker(tenant.client.app.state.db).drain()
    return run_id


def _preview(tenant, csrf, name, text):
    """The preview panel of ``text`` uploaded as ``name``, as htmx asks for it."""
    files = {"file": (name, text.encode(), "text/csv")}
    return assert_page(
        tenant.client.post("/imports/preview", data={"csrf_token": csrf}, files=files, headers=HX)
    )


def _csv(r):
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_a_dry_run_shows_row_by_row_what_each_record_would_do(tenant):
    csrf = signed_in(tenant)
    client = tenant.client
    ada = new_customer(tenant, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    text = (
        "email,first name,company,ltv\n"
        "ada@example.com,Ada,Analytical Engines,12.50\n"
        "grace@example.com,Grace,Navy,\n"
        "not-an-email,,,\n"
        "grace@example.com,Grace,,\n"
    )
    run_id = _start(tenant, csrf, "people.csv", text, dry_run="true")
    page = assert_page(client.get(f"/imports/{run_id}"))
    assert "Row by row" in page
    rows = re.findall(r'<tr data-action="(\w+)"><td class="num">(\d+)<', page)
    assert rows == [("update", "1"), ("create", "2"), ("fail", "3"), ("unchanged", "4")]
    # the matched customer by name, linked; what would change, in words
    assert f'<a href="/customers/{ada["id"]}">Ada Lovelace</a>' in page
    assert "company: (empty) → Analytical Engines" in page
    assert "ltv: kept 0.00 (the file has 12.50; an existing customer&#39;s LTV follows" in page
    assert "a new customer" in page  # a dry run's new customer is not stored: no link
    assert "(from row 2)" in page  # row 4 matches the customer row 2 would create
    assert "not a valid email address" in page
    assert "Would update" in page
    # only the failed rows (htmx filter)
    section = assert_page(client.get(f"/imports/{run_id}/rows", params={"action": "fail"},
                                     headers=HX))  # fmt: skip
    assert re.findall(r'data-action="(\w+)"', section) == ["fail"]
    assert "Download these rows (CSV)" in section
    # a bad filter is said, not a 500
    bad = assert_page(client.get(f"/imports/{run_id}/rows", params={"action": "x"}, headers=HX))
    assert "one of create, update, unchanged, skip, fail" in bad
    # the whole report as CSV, from the dashboard and the API alike
    report = _csv(client.get(f"/imports/{run_id}/rows.csv"))
    assert [r["action"] for r in report] == ["update", "create", "fail", "unchanged"]
    assert report[0]["customer_id"] == ada["id"]
    assert "company: (empty) → Analytical Engines" in report[0]["changes"]
    assert report[2]["problems"].startswith("email 'not-an-email': not a valid email address")
    api = _csv(client.get(f"/v1/imports/{run_id}/rows", params={"format": "csv"},
                          headers=tenant.headers()))  # fmt: skip
    assert api == report
    only = _csv(client.get(f"/imports/{run_id}/rows.csv", params={"action": "create"}))
    assert [r["row"] for r in only] == ["2"]
    # nothing was written
    assert api_customer(tenant, ada["id"])["company"] is None


def test_the_report_pages_through_every_row(tenant):
    csrf = signed_in(tenant)
    client = tenant.client
    text = "email\n" + "".join(f"p{i}@example.com\n" for i in range(1, 61))
    run_id = _start(tenant, csrf, "many.csv", text)
    page = assert_page(client.get(f"/imports/{run_id}"))
    assert len(re.findall(r'data-action="create"', page)) == 50
    nxt = re.search(r'data-testid="rows-next"\s+hx-get="([^"]+)"', page).group(1)
    rest = assert_page(client.get(nxt.replace("&amp;", "&"), headers=HX))
    shown = re.findall(r'<tr data-action="create"><td class="num">(\d+)<', rest)
    assert shown == [str(i) for i in range(51, 61)]
    assert "rows-next" not in rest
    # a created customer is linked by its email (it has no name)
    assert ">p51@example.com</a>" in rest
    # without htmx, the section's address leads to the page, filter kept
    r = client.get(f"/imports/{run_id}/rows", params={"action": "create"},
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"].endswith(f"/imports/{run_id}?action=create")
    # a forged cursor is said on the page
    forged = assert_page(client.get(f"/imports/{run_id}", params={"cursor": "bm90LWEtY3Vyc29y"}))
    assert 'role="alert"' in forged


def test_the_problems_download_is_every_problem_with_formulas_neutralized(tenant):
    csrf = signed_in(tenant)
    client = tenant.client
    text = "email\n" + "".join(f"=cmd{i}\n" for i in range(25))
    run_id = _start(tenant, csrf, "bad.csv", text)
    page = assert_page(client.get(f"/imports/{run_id}"))
    assert "The first 20 are shown." in page
    assert "Download all 25 problems (CSV)" in page
    problems = _csv(client.get(f"/imports/{run_id}/errors.csv"))
    assert [p["row"] for p in problems] == [str(i) for i in range(1, 26)]
    assert problems[0]["field"] == "email"
    assert problems[0]["value"] == "'=cmd0"  # a spreadsheet shows it, never runs it
    # a viewer may read the report but not import
    viewer_csrf = signed_in(tenant, role="viewer")
    assert len(_csv(client.get(f"/imports/{run_id}/errors.csv"))) == 25
    r = client.post("/imports", data={"csrf_token": viewer_csrf},
                    files={"file": ("x.csv", b"email\na@b.co\n", "text/csv")})  # fmt: skip
    assert r.status_code == 403
    # another tenant's import, or none, is not found
    assert client.get("/imports/00000000-0000-0000-0000-000000000000/errors.csv").status_code == 404


def test_the_form_sets_overwrite_source_and_how_to_read_the_file(tenant):
    csrf = signed_in(tenant)
    client = tenant.client
    ada = new_customer(tenant, email="ada@example.com", company="Old Co")
    # semicolons, Latin-1, an id column from another tool, tags split by '/'
    text = "E-Mail;Firma;Kundennummer;Tags\nada@example.com;Neue Gesellschaft;K-1;a/b\n"
    files = {"file": ("kunden.txt", text.encode("latin-1"), "text/plain")}
    form = {"csrf_token": csrf, "delimiter": ";", "encoding": "latin-1", "format": "csv"}
    preview = assert_page(client.post("/imports/preview", data=form, files=files, headers=HX))
    assert "CSV · cp1252 · delimiter “;”" in preview
    assert 'value="Firma=company" selected' in preview
    # what a record would set, attributes and address included, as a person reads it
    text2 = "email,Birthday,attr.tier,city,country\nz@example.com,1980-02-03,gold,Lyon,FR\n"
    files2 = {"file": ("z.csv", text2.encode(), "text/csv")}
    shown = assert_page(client.post("/imports/preview", data={"csrf_token": csrf}, files=files2,
                                    headers=HX))  # fmt: skip
    assert "birthday: 1980-02-03, tier: gold" in shown
    assert "Lyon, FR" in shown
    # fill (the default) keeps the stored company and reports the conflict
    run_id = _start(tenant, csrf, "k.csv", text, delimiter=";", tag_delimiter="/")
    assert api_customer(tenant, ada["id"])["company"] == "Old Co"
    assert "company: kept Old Co (the file has Neue Gesellschaft)" in assert_page(
        client.get(f"/imports/{run_id}")
    )
    # replace, under the file's own source name
    run_id = _start(tenant, csrf, "k.csv", text, delimiter=";", overwrite="true",
                    source="hubspot", tag_delimiter="/")  # fmt: skip
    after = api_customer(tenant, ada["id"])
    assert after["company"] == "Neue Gesellschaft"
    assert {"a", "b"} <= set(after["tags"])  # "/" splits the tags column
    assert {"source": "import", "external_id": "hubspot:K-1"} in [
        {"source": s["source"], "external_id": s["external_id"]} for s in after["sources"]
    ]
    run = client.get(f"/v1/imports/{run_id}", headers=tenant.headers()).json()
    assert run["options"]["overwrite"] is True
    assert run["options"]["source"] == "hubspot"
    # an option the API refuses is said on the form, nothing starts
    r = client.post("/imports", data={"csrf_token": csrf, "encoding": "ebcdic"},
                    files={"file": ("x.csv", b"email\na@b.co\n", "text/csv")},
                    headers=HX)  # fmt: skip
    assert "encoding" in assert_page(r)
    assert "import-progress" not in r.text


def test_a_possible_duplicate_is_named_and_linked(tenant):
    csrf = signed_in(tenant)
    grace = new_customer(tenant, first_name="Grace", last_name="Hopper", email="g@example.com")
    run_id = _start(tenant, csrf, "g.csv", "first name,last name\nGrace,Hopper\n")
    page = assert_page(tenant.client.get(f"/imports/{run_id}"))
    said = re.search(r'<a href="/customers/([0-9a-f-]{36})">possible duplicate of ([^<]+)</a>',
                     page)  # fmt: skip
    assert said, page[page.find("Row by row") :][:2000]
    assert said.group(1) == grace["id"]
    assert said.group(2).startswith("Grace Hopper (score 0.")


def test_the_date_order_chosen_on_the_form_reads_dates_that_could_be_either(tenant):
    csrf = signed_in(tenant)
    page = assert_page(tenant.client.get("/imports"))
    assert '<option value="day_first">' in page
    text = "email,created\nada@example.com,03/04/2023\n"
    run_id = _start(tenant, csrf, "d.csv", text, date_order="day_first")
    run = tenant.client.get(f"/v1/imports/{run_id}", headers=tenant.headers()).json()
    assert run["progress"]["created"] == 1
    assert run["options"]["date_order"] == "day_first"
    (ada,) = tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"]
    assert ada["created_at"].startswith("2023-04-03")


def test_the_mapping_the_preview_shows_is_the_one_the_import_uses_whatever_the_headers_hold(
    tenant,
):
    csrf = signed_in(tenant)
    text = "email,attr.=k,Score (1=low),Plan,50% off\nada@example.com,x,3,gold,yes\n"
    preview = _preview(tenant, csrf, "odd.csv", text)
    chosen = [html.unescape(v) for v in re.findall(r'<option value="([^"]*)" selected>', preview)]
    assert len(chosen) == 5  # one per column, as the browser sends them
    run_id = _start(tenant, csrf, "odd.csv", text, map=chosen)
    page = assert_page(tenant.client.get(f"/imports/{run_id}"))
    assert 'data-testid="created">1<' in page, page
    (made,) = tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"]
    assert made["attributes"]["=k"] == "x"


def test_a_column_no_field_fits_can_be_kept_as_a_custom_attribute_from_the_preview(tenant):
    csrf = signed_in(tenant)
    text = "Email,Favourite Colour,Tier\nada@example.com,Sea Blue,gold\n"
    preview = _preview(tenant, csrf, "hubspot.csv", text)
    options = [html.unescape(v) for v in re.findall(r'<option value="([^"]*)"', preview)]
    assert "Favourite%20Colour=attr.favourite_colour" in options
    assert "Tier=attr.tier" in options
    run_id = _start(
        tenant,
        csrf,
        "hubspot.csv",
        text,
        map=["Email=email", "Favourite%20Colour=attr.favourite_colour", "Tier=ignore"],
    )
    assert 'data-testid="created">1<' in assert_page(tenant.client.get(f"/imports/{run_id}"))
    (made,) = tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"]
    assert made["attributes"] == {"favourite_colour": "Sea Blue"}


def test_a_file_whose_columns_no_field_fits_shows_them_to_map_by_hand(tenant):
    csrf = signed_in(tenant)
    text = "Kontaktadresse,Rufname\nada@example.com,Ada\n"
    preview = _preview(tenant, csrf, "crm.csv", text)
    assert 'aria-label="Field for column Kontaktadresse"' in preview, preview
    assert "No column is mapped to a customer field yet" in preview
    files = {"file": ("crm.csv", text.encode(), "text/csv")}
    refused = tenant.client.post("/imports", data={"csrf_token": csrf}, files=files, headers=HX)
    assert "no column of the file could be mapped" in assert_page(refused)
    run_id = _start(
        tenant, csrf, "crm.csv", text, map=["Kontaktadresse=email", "Rufname=first_name"]
    )
    assert 'data-testid="created">1<' in assert_page(tenant.client.get(f"/imports/{run_id}"))


def test_the_dashboards_report_downloads_are_audited_as_exports(tenant):
    csrf = signed_in(tenant)
    run_id = _start(tenant, csrf, "a.csv", "email\nada@example.com\nnope\n")
    _csv(tenant.client.get(f"/imports/{run_id}/errors.csv"))
    _csv(tenant.client.get(f"/imports/{run_id}/rows.csv", params={"action": "create"}))
    entries = tenant.client.get(
        "/v1/audit", params={"action": "export"}, headers=tenant.headers()
    ).json()["items"]
    assert sorted((e["meta"]["report"], e["meta"]["filter"].get("action")) for e in entries) == [
        ("import_errors", None),
        ("import_rows", "create"),
    ]
    assert {e["actor"]["type"] for e in entries} == {"user"}
    assert {e["meta"]["import_id"] for e in entries} == {run_id}


def test_the_row_filter_goes_into_the_address_bar(tenant):
    """Choosing which rows to show puts them in the page's URL (htmx pushes it), and that URL
    shows the same rows on a reload; paging and the refresh at the import's end push nothing."""
    csrf = signed_in(tenant)
    run_id = _start(tenant, csrf, "a.csv", "email\nada@example.com\nnope\n")
    filter_change = {**HX, "HX-Trigger": "import-rows-filter"}
    r = tenant.client.get(f"/imports/{run_id}/rows", params={"action": "fail"},
                          headers=filter_change)  # fmt: skip
    assert r.headers["HX-Push-Url"] == f"/imports/{run_id}?action=fail"
    again = assert_page(tenant.client.get(r.headers["HX-Push-Url"]))
    assert re.findall(r'<tr data-action="(\w+)">', again) == ["fail"]
    back = tenant.client.get(f"/imports/{run_id}/rows", params={"action": ""},
                             headers=filter_change)  # fmt: skip
    assert back.headers["HX-Push-Url"] == f"/imports/{run_id}"
    paged = tenant.client.get(f"/imports/{run_id}/rows", params={"action": "fail"}, headers=HX)
    assert "HX-Push-Url" not in paged.headers
    assert 'id="import-rows-filter"' in assert_page(paged)


def test_a_refused_cancel_or_revert_is_said_on_the_panel_not_on_a_later_page(tenant):
    csrf = signed_in(tenant)
    client = tenant.client
    run_id = _start(tenant, csrf, "done.csv", "email\nada@example.com\n")
    for action, said in (
        ("cancel", "Could not cancel. The import is done already; revert it to undo what it did"),
        ("revert", None),
    ):
        panel = assert_page(
            client.post(f"/imports/{run_id}/{action}", data={"csrf_token": csrf}, headers=HX)
        )
        if said:
            assert said in panel.replace("&#39;", "'")
    Worker(client.app.state.db).drain()
    panel = assert_page(
        client.post(f"/imports/{run_id}/revert", data={"csrf_token": csrf}, headers=HX)
    )
    assert "Could not revert. The import was reverted already" in panel
    # said where it was asked, not again on the next page opened
    assert "Could not" not in assert_page(client.get("/imports"))


def test_a_cancel_asked_of_a_running_import_says_it_is_stopping(tenant, backend):
    from uuid import UUID

    from sqlalchemy import update

    from rolodex.models import ImportRun

    csrf = signed_in(tenant)
    files = {"file": ("slow.csv", b"email\nada@example.com\n", "text/csv")}
    panel = assert_page(
        tenant.client.post("/imports", data={"csrf_token": csrf}, files=files, headers=HX)
    )
    run_id = re.search(r'id="import-([0-9a-f-]{36})"', panel).group(1)
    with backend.owner.begin() as conn:  # a worker has it: it stops at its next batch
        conn.execute(update(ImportRun).where(ImportRun.id == UUID(run_id)).values(state="running"))
    url = f"/imports/{run_id}/cancel"
    panel = assert_page(tenant.client.post(url, data={"csrf_token": csrf}, headers=HX))
    assert re.search(r'data-testid="import-state">Stopping', panel)
    assert f'action="{url}"' not in panel  # asked once: no second Cancel button
    assert "every 1s" in panel  # it follows the import to its end


def test_an_import_that_wrote_nothing_offers_no_revert_and_no_empty_report(tenant):
    """An import cancelled before its first row, or whose every row failed, offered "Revert
    import" (undoing nothing) and, when cancelled, a "Row by row" link to an empty report."""
    csrf = signed_in(tenant)
    client = tenant.client
    failed = _start(tenant, csrf, "bad.csv", "email\nnot-an-email\nalso-not\n")
    page = assert_page(client.get(f"/imports/{failed}"))
    assert 'data-testid="revert"' not in page
    assert "Row by row: what each record did" in page  # the report says why each failed

    files = {"file": ("late.csv", b"email\nada@example.com\n", "text/csv")}
    panel = assert_page(client.post("/imports", data={"csrf_token": csrf}, files=files, headers=HX))
    queued = re.search(r'id="import-([0-9a-f-]{36})"', panel).group(1)
    assert_page(client.post(f"/imports/{queued}/cancel", data={"csrf_token": csrf}, headers=HX))
    Worker(client.app.state.db).drain()
    page = assert_page(client.get(f"/imports/{queued}"))
    assert re.search(r'data-testid="import-state">Cancelled', page), page
    assert 'data-testid="revert"' not in page
    assert "Row by row: what each record did" not in page  # its report is empty
    assert '<p class="empty">No rows.</p>' in page

    done = _start(tenant, csrf, "good.csv", "email\nada@example.com\n")
    assert 'data-testid="revert"' in assert_page(client.get(f"/imports/{done}"))
