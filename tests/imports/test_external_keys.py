"""A file's ids are matched only within the file's own source: the text "hubspot:123" in the
id column of a file of the default source is an id of that source, not HubSpot's customer 123
(stored as import/hubspot:123), which it used to find and update."""

from __future__ import annotations

from rolodex.imports.encoding import external_pair
from tests.imports.helpers import csv_text, customers, imported, rows


def _sources(tenant) -> dict[str, set[tuple[str, str]]]:
    return {
        c["email"]: {(s["source"], s["external_id"]) for s in c["sources"]}
        for c in customers(tenant)
    }


def test_an_id_holding_another_sources_prefix_is_an_id_of_the_files_own_source(tenant):
    imported(tenant, csv_text([["Record ID", "email"], ["123", "hub@example.com"]]),
             source="hubspot")  # fmt: skip
    for dry_run in (True, False):
        file = csv_text([["Record ID", "email"], ["hubspot:123", "other@example.com"]])
        run = imported(tenant, file, dry_run=dry_run)
        (row,) = rows(tenant, run["id"])
        assert (row["action"], row["matched_by"]) == ("create", None), row
    assert _sources(tenant) == {
        "hub@example.com": {("import", "hubspot:123")},
        "other@example.com": {("import", "import:hubspot:123")},
    }
    # the default source's id finds its own customer again; HubSpot's still finds HubSpot's
    again = imported(tenant, csv_text([["Record ID", "email"], ["hubspot:123", "new@example.com"]]))
    (row,) = rows(tenant, again["id"])
    assert (row["action"], row["matched_by"]) == ("update", "external_id"), row
    hub = imported(tenant, csv_text([["Record ID", "email"], ["123", "hub2@example.com"]]),
                   source="hubspot")  # fmt: skip
    (row,) = rows(tenant, hub["id"])
    assert (row["action"], row["matched_by"]) == ("update", "external_id"), row
    assert set(_sources(tenant)) == {"hub2@example.com", "new@example.com"}


def test_keys_of_different_sources_never_meet_and_plain_ids_keep_their_stored_form():
    assert external_pair("import", "77") == ("import", "77")  # as stored before
    assert external_pair("shopify", "a:b") == ("shopify", "a:b")
    ids = ["123", "hubspot:123", "import:123", "import:hubspot:123", ":x", "a:b:c"]
    names = ["import", "hubspot", "a", "shopify", "pipedrive"]
    pairs = [(name, i) for name in names for i in ids]
    stored = [external_pair(name, i) for name, i in pairs]
    assert len(set(stored)) == len(pairs)


def _merged_links(tenant) -> dict[str, str]:
    """Ann (made by the API: a source link ``api`` with no id) absorbs Bo (link ``api`` 77):
    Ann holds both links, the one without an id first, as the merge moved Bo's."""
    h = tenant.headers()
    ann = tenant.client.post("/v1/customers", json={"email": "ann@example.com"}, headers=h)
    bo = tenant.client.post(
        "/v1/customers",
        json={"email": "bo@example.com", "sources": [{"source": "api", "external_id": "77"}]},
        headers=h,
    )
    assert (ann.status_code, bo.status_code) == (201, 201), (ann.text, bo.text)
    merge = {"survivor_id": ann.json()["id"], "duplicate_id": bo.json()["id"]}
    merged = tenant.client.post("/v1/merges", json=merge, headers=h)
    assert merged.status_code in (200, 201), merged.text
    assert _sources(tenant) == {"ann@example.com": {("api", None), ("api", "77")}}
    return {"ann": ann.json()["id"]}


def test_a_row_by_an_id_its_customer_holds_beside_an_idless_link_of_that_source_updates_it(
    tenant,
):
    """The row's id is found among the customer's links of that source, not written over the
    link without an id (a second link holding 77: the unique key refused the batch, a
    PostgreSQL CI failure of test_concurrent_writers, where the order of links decided)."""
    ann = _merged_links(tenant)["ann"]
    file = csv_text([["Record ID", "email", "company"], ["77", "ann@example.com", "Annco"]])
    for dry_run in (True, False):
        run = imported(tenant, file, source="api", dry_run=dry_run)
        assert run["state"] == "done", run
        (row,) = rows(tenant, run["id"])
        assert (row["action"], row["matched_by"], row["customer_id"]) == (
            "update",
            "external_id",
            ann,
        ), row
    (stored,) = customers(tenant)
    assert stored["company"] == "Annco"
    assert _sources(tenant) == {"ann@example.com": {("api", None), ("api", "77")}}
