"""Requests the export answered worse than the customer list, on SQLite and PostgreSQL: a
limit past what SQL counts cut the download short, a flag the list refuses was ignored."""

from __future__ import annotations

import json

from rolodex.demo.load import load_people
from rolodex.demo.synth import generate_people


def _people(backend, tenant, n: int) -> None:
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(n, seed=5))


def test_a_limit_past_what_sql_counts_is_every_customer_not_a_cut_download(cli, tenant, backend):
    _people(backend, tenant, 3)
    huge = str(2**64)
    for fmt in ("csv", "json", "ndjson"):
        r = tenant.client.get(
            "/v1/exports", params={"format": fmt, "limit": huge}, headers=tenant.headers()
        )
        assert r.status_code == 200, r.text
        lines = r.text.splitlines()
        assert len(json.loads(r.text) if fmt == "json" else lines) == (4 if fmt == "csv" else 3)
    result = cli("export", "--tenant", tenant.slug, "--format", "csv", "--limit", huge)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 4


def test_a_flag_the_list_refuses_the_export_refuses_too(tenant):
    h = tenant.headers()
    for value in ("maybe", "2"):
        listed = tenant.client.get("/v1/customers", params={"include_deleted": value}, headers=h)
        exported = tenant.client.get("/v1/exports", params={"include_deleted": value}, headers=h)
        assert listed.status_code == exported.status_code == 422, exported.text  # was 200
        assert "include_deleted" in str(exported.json()["error"])
    off = tenant.client.get("/v1/exports", params={"include_deleted": "off"}, headers=h)
    assert off.status_code == 200, off.text


def test_or_not_and_parentheses_in_a_filter_are_a_422_not_an_export_of_other_customers(cli, tenant):
    h = tenant.headers()
    people = [("ada", "Ada", None, ["vip"]), ("orla", "Orla", None, ["gold"]),
              ("bo", "Bo", "Oracle", ["vip", "gold"])]  # fmt: skip
    for email, first, company, tags in people:
        body = {"email": f"{email}@example.com", "first_name": first, "company": company}
        r = tenant.client.post("/v1/customers", json={**body, "tags": tags}, headers=h)
        assert r.status_code == 201, r.text
    for text in ("tag:vip OR tag:gold", "NOT tag:vip", "(tag:vip)"):
        # tag:vip OR tag:gold exported Bo alone: both tags, and a company starting "or"
        r = tenant.client.get("/v1/exports", params={"format": "ndjson", "filter": text}, headers=h)
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["details"][0]["field"] == "filter"
        assert error["message"].startswith("filter: the filter language has no "), error
    audited = tenant.client.get("/v1/audit", params={"action": "export"}, headers=h).json()
    assert audited["items"] == []
    r = tenant.client.get(
        "/v1/exports", params={"format": "ndjson", "filter": "tag:vip,gold"}, headers=h
    )  # as the message says to write it
    assert sorted(json.loads(x)["first_name"] for x in r.text.splitlines()) == ["Ada", "Bo", "Orla"]
    result = cli("export", "--tenant", tenant.slug, "--filter", "NOT tag:vip")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        "error: --filter: the filter language has no NOT: negate a term with -, as -tag:spam"
    ]
