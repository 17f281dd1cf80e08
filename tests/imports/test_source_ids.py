"""A source id (shopify:6789) belongs to one customer of a tenant: an import row whose sources
cell gives one another customer holds fails alone, saying whose it is, as the API refuses it
(409); it no longer stops the whole import on the database's unique index. A cell naming one
twice gives it once, as the API keeps it (SQLite and PostgreSQL)."""

from __future__ import annotations

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
