"""rolodex export on SQLite and PostgreSQL: what it refuses, it refuses in one line, before
anything is written or audited."""

from __future__ import annotations

import json


def add(tenant, email: str, **fields) -> None:
    r = tenant.client.post(
        "/v1/customers", json={"email": email, **fields}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text


def exports_audited(tenant) -> int:
    r = tenant.client.get("/v1/audit", params={"action": "export"}, headers=tenant.headers())
    return len(r.json()["items"])


def test_a_where_that_is_not_a_list_filter_is_refused_in_one_line(cli, tenant):
    add(tenant, "a@example.com")
    for pair, says in (
        ("bogus=1", "'bogus' is not a filter of the customer list"),
        ("noequals", "write name=value"),
        ("=1", "write name=value"),
        ("sort=-ltv", "sort has its own option, --sort"),
    ):
        result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--where", pair)
        assert result.exit_code == 2, (pair, result.output)  # bad usage
        assert result.stdout == ""
        (line,) = result.output.splitlines()
        assert line.startswith(f"error: --where {pair!r}: "), line
        assert says in line
    assert exports_audited(tenant) == 0


def test_where_takes_every_list_filter_attributes_included(cli, tenant):
    add(tenant, "gold@example.com", attributes={"tier": "gold", "score": 7})
    add(tenant, "none@example.com", lifecycle_stage="customer")
    for pairs, emails in (
        (["attr.tier=gold"], ["gold@example.com"]),
        (["attr.score>5"], ["gold@example.com"]),
        (["attr.score>=8"], []),
        (["stage=customer", "tag_none=spam"], ["none@example.com"]),
    ):
        where = [arg for pair in pairs for arg in ("--where", pair)]
        result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", *where)
        assert result.exit_code == 0, (pairs, result.output)
        assert [json.loads(x)["email"] for x in result.stdout.splitlines()] == emails


def test_an_output_file_that_cannot_be_opened_is_one_line_and_nothing_is_audited(
    cli, tenant, tmp_path
):
    add(tenant, "a@example.com")
    for out in (tmp_path / "no-such-dir" / "x.csv", tmp_path):
        result = cli("export", "--tenant", tenant.slug, "--format", "csv", "--out", out)
        assert result.exit_code == 2, result.output  # bad usage
        assert "Traceback" not in result.output
        (line,) = result.output.splitlines()
        assert line.startswith(f"error: cannot write {out}: "), line
    assert exports_audited(tenant) == 0
    good = tmp_path / "x.csv"
    result = cli("export", "--tenant", tenant.slug, "--format", "csv", "--out", good)
    assert result.exit_code == 0, result.output
    assert "a@example.com" in good.read_text(encoding="utf-8-sig")
    assert exports_audited(tenant) == 1


def test_a_format_in_any_case_and_a_bad_one_in_one_line(cli, tenant):
    add(tenant, "a@example.com")
    result = cli("export", "--tenant", tenant.slug, "--format", "xml")
    assert result.exit_code == 2  # bad usage
    assert result.output.splitlines() == [
        "error: --format: one of csv, json, ndjson, xlsx, vcard (got 'xml')"
    ]
    result = cli("export", "--tenant", tenant.slug, "--format", "NDJSON")
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["email"] for x in result.stdout.splitlines()] == ["a@example.com"]
    assert exports_audited(tenant) == 1
