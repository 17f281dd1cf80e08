"""A source id (shopify:6789) belongs to one customer of a tenant: an import row whose sources
cell gives one another customer holds fails alone, saying whose it is, as the API refuses it
(409); it no longer stops the whole import on the database's unique index. A cell naming one
twice gives it once, as the API keeps it (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from tests.imports.helpers import csv_text, customers, imported, made, rows


def test_a_source_id_held_by_another_customer_fails_its_row_only(tenant):
    h = tenant.headers()
    held = made(
        tenant,
        {"email": "old@example.com", "sources": [{"source": "shopify", "external_id": "6789"}]},
    )
    gone = made(
        tenant,
        {"email": "gone@example.com", "sources": [{"source": "klaviyo", "external_id": "K9"}]},
    )
    assert tenant.client.delete(f"/v1/customers/{gone['id']}", headers=h).status_code == 204
    api = tenant.client.post(
        "/v1/customers",
        json={
            "email": "api@example.com",
            "sources": [{"source": "shopify", "external_id": "6789"}],
        },
        headers=h,
    )
    assert api.status_code == 409
    table = [
        ["email", "sources"],
        ["ok@example.com", ""],
        ["new@example.com", "shopify:6789"],  # the old customer's
        ["old@example.com", "klaviyo:K1|shopify:6789"],  # its own
        ["twin@example.com", "chat:C1"],
        ["twin2@example.com", "chat:C1"],  # the row before made it that customer's
        ["late@example.com", "klaviyo:K9"],  # a deleted customer's
        ["twice@example.com", "api:A1|api:A1|api"],
    ]
    for dry_run in (True, False):
        run = imported(tenant, csv_text(table), dry_run=dry_run)
        assert run["state"] == "done", run
        report = rows(tenant, run["id"])
        actions = [r["action"] for r in report]
        assert actions == ["create", "fail", "update", "create", "fail", "fail", "create"], report
        problems = {r["row"]: r["errors"][0] for r in report if r["action"] == "fail"}
        assert {p["field"] for p in problems.values()} == {"sources"}
        assert problems[2]["reason"] == f"shopify:6789 already belongs to customer {held['id']}"
        assert problems[2]["column"] == "sources"
        assert str(report[3]["customer_id"]) in problems[5]["reason"]
        assert "deleted customer" in problems[6]["reason"]
    people = {c["email"]: c for c in customers(tenant)}
    assert set(people) == {"old@example.com", "ok@example.com", "twin@example.com",
                           "twice@example.com"}  # fmt: skip
    assert sorted(
        (s["source"], s["external_id"]) for s in people["old@example.com"]["sources"]
    ) == [
        ("klaviyo", "K1"),
        ("shopify", "6789"),
    ]
    assert [(s["source"], s["external_id"]) for s in people["twice@example.com"]["sources"]] == [
        ("api", "A1")
    ]


def test_a_source_listed_without_an_id_beside_its_ids_keeps_a_link_without_one(tenant):
    """An export writes the links of a customer that absorbed another as they are: "api:" (its
    own, without an id) beside "api:66" (the merged one's); JSON says ``"external_id": null``.
    Read back, that is two links. A bare "api" beside "api:66" names where the row came from
    and adds no link, and "api:" alone is a link without an id, as before."""
    table = [
        ["email", "sources"],
        ["both@example.com", "api:|api:66"],
        ["bare@example.com", "api|api:67"],
        ["alone@example.com", "api:"],
        ["twice@example.com", "api:|api:|api:68"],
    ]
    for dry_run in (True, False):
        run = imported(tenant, csv_text(table), dry_run=dry_run)
        assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == (
            "done",
            4,
            0,
        ), run
    none = {"source": "api", "external_id": None}
    docs = [
        {"email": "json@example.com", "sources": [none, {"source": "api", "external_id": "69"}]},
        {"email": "keyless@example.com",
         "sources": [{"source": "api"}, {"source": "api", "external_id": "70"}]},
    ]  # fmt: skip
    run = imported(tenant, json.dumps(docs), "people.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    links = {
        c["email"]: sorted((s["source"], s["external_id"] or "") for s in c["sources"])
        for c in customers(tenant)
    }
    assert links == {
        "both@example.com": [("api", ""), ("api", "66")],
        "bare@example.com": [("api", "67")],
        "alone@example.com": [("api", "")],
        "twice@example.com": [("api", ""), ("api", "68")],
        "json@example.com": [("api", ""), ("api", "69")],
        "keyless@example.com": [("api", "70")],
    }
    # the same file again changes no one; given to a customer holding api:66 alone, it adds
    # the link without an id the file lists
    again = imported(tenant, csv_text(table))
    assert (again["progress"]["created"], again["progress"]["updated"]) == (0, 0), again
    made(tenant, {"email": "held@example.com", "sources": [{"source": "api", "external_id": "71"}]})
    run = imported(tenant, csv_text([["email", "sources"], ["held@example.com", "api:|api:71"]]))
    assert (run["progress"]["updated"], run["progress"]["failed"]) == (1, 0), run
    held = next(c for c in customers(tenant) if c["email"] == "held@example.com")
    assert sorted((s["source"], s["external_id"] or "") for s in held["sources"]) == [
        ("api", ""),
        ("api", "71"),
    ]
