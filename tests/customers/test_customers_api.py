"""Customer profiles through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

from tests.factories.customers import customer_payload


def create(tenant, **fields):
    r = tenant.client.post(
        "/v1/customers", json=customer_payload(**fields), headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_create_keeps_given_values_and_normalizes(tenant):
    body = create(
        tenant,
        email="  Ada.Lovelace@Example.COM ",
        phone="(415) 555-0134",
        first_name="Ada",
        last_name="Lovelace",
        tags=["VIP", "vip", " newsletter "],
        attributes={"loyalty_tier": "gold"},
        addresses=[{"city": "London", "country": "gb", "postcode": "N1 9GU"}],
    )
    assert body["email"] == "Ada.Lovelace@Example.COM"
    assert body["email_normalized"] == "ada.lovelace@example.com"
    assert body["phone"] == "(415) 555-0134"
    assert body["phone_e164"] == "+14155550134"
    assert body["full_name"] == "Ada Lovelace"
    assert body["lifecycle_stage"] == "prospect"
    assert body["status"] == "active"
    assert sorted(body["tags"]) == ["VIP", "newsletter"]
    assert body["ltv"] == "0.00"
    assert body["addresses"][0]["country"] == "GB"
    assert body["addresses"][0]["is_default"] is True
    assert body["sources"][0]["source"] == "api"


def test_phone_uses_the_tenants_default_region(app_client, other_tenant):
    # other_tenant's default region is GB
    body = create(other_tenant, phone="020 7946 0958")
    assert body["phone_e164"] == "+442079460958"


def test_other_tenants_customer_is_not_found(tenant, other_tenant):
    mine = create(tenant)
    r = other_tenant.client.get(f"/v1/customers/{mine['id']}", headers=other_tenant.headers())
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    r = other_tenant.client.patch(
        f"/v1/customers/{mine['id']}", json={"first_name": "X"}, headers=other_tenant.headers()
    )
    assert r.status_code == 404
    listed = other_tenant.client.get("/v1/customers", headers=other_tenant.headers()).json()
    assert listed["items"] == []


def test_viewer_reads_but_cannot_write(tenant):
    customer = create(tenant)
    viewer = tenant.key("viewer")
    r = tenant.client.get(f"/v1/customers/{customer['id']}", headers=tenant.headers(viewer))
    assert r.status_code == 200
    r = tenant.client.post("/v1/customers", json=customer_payload(), headers=tenant.headers(viewer))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    r = tenant.client.patch(
        f"/v1/customers/{customer['id']}",
        json={"first_name": "Eve"},
        headers=tenant.headers(viewer),
    )
    assert r.status_code == 403
    after = tenant.client.get(f"/v1/customers/{customer['id']}", headers=tenant.headers()).json()
    assert after["first_name"] == customer["first_name"]


def test_ingest_key_creates_but_cannot_read(tenant):
    ingest = tenant.key("ingest")
    r = tenant.client.post("/v1/customers", json=customer_payload(), headers=tenant.headers(ingest))
    assert r.status_code == 201
    assert tenant.client.get("/v1/customers", headers=tenant.headers(ingest)).status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("email", "a@@b.com"),
        ("phone", "12"),
        ("phone", "call me maybe"),
        ("lifecycle_stage", "lead"),
        ("status", "gold"),
        ("customer_type", "vip"),
        ("attributes", {"   ": 1}),  # a name of spaces only
        ("attributes", {"blob": "x" * 100_001}),  # a record must fit what an import reads
    ],
)
def test_invalid_field_is_422_naming_it(tenant, field, value):
    r = tenant.client.post(
        "/v1/customers", json=customer_payload(**{field: value}), headers=tenant.headers()
    )
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "invalid_input"
    assert field in err["message"]
    assert any(d["field"] == field for d in err["details"])
    assert tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"] == []


def test_duplicate_email_is_409_with_existing_id(tenant):
    first = create(tenant, email="sam@example.com")
    r = tenant.client.post(
        "/v1/customers", json=customer_payload(email="SAM@Example.com"), headers=tenant.headers()
    )
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "duplicate_email"
    assert err["details"]["existing_id"] == first["id"]
    other = create(tenant, email="other@example.com")
    r = tenant.client.patch(
        f"/v1/customers/{other['id']}", json={"email": "sam@example.com"}, headers=tenant.headers()
    )
    assert r.status_code == 409


def test_a_concurrent_insert_of_the_same_email_is_409_not_500(tenant, monkeypatch):
    """Two requests with one email at once: both pass the check before either writes, and
    the unique index stops the second. It gets a 409, and the first customer stays."""
    from rolodex.customers import service

    first = create(tenant, email="race@example.com")
    monkeypatch.setattr(service, "_check_email_free", lambda session, customer: None)
    r = tenant.client.post(
        "/v1/customers", json=customer_payload(email="race@example.com"), headers=tenant.headers()
    )
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "duplicate_email"
    # every customer of the tenant (the list has no email parameter: ?email= is a 422)
    found = tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"]
    assert [c["id"] for c in found] == [first["id"]]


def test_same_email_in_two_tenants_is_fine(tenant, other_tenant):
    create(tenant, email="shared@example.com")
    create(other_tenant, email="shared@example.com", phone=None)


def test_patch_changes_only_what_is_sent(tenant):
    c = create(tenant, first_name="Grace", last_name="Hopper", attributes={"tier": "gold", "n": 1})
    r = tenant.client.patch(
        f"/v1/customers/{c['id']}",
        json={"last_name": "Murray", "attributes": {"n": 2, "tier": None}, "add_tags": ["navy"]},
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["first_name"] == "Grace"
    assert body["full_name"] == "Grace Murray"
    assert body["attributes"] == {"n": 2}
    assert set(body["tags"]) == {"newsletter", "navy"}
    assert body["email"] == c["email"]
    r = tenant.client.patch(
        f"/v1/customers/{c['id']}",
        json={"remove_tags": ["NAVY"], "phone": None},
        headers=tenant.headers(),
    )
    assert r.json()["tags"] == ["newsletter"]
    assert r.json()["phone_e164"] is None


def test_patch_rejects_null_stage_and_unknown_fields(tenant):
    c = create(tenant)
    r = tenant.client.patch(
        f"/v1/customers/{c['id']}", json={"lifecycle_stage": None}, headers=tenant.headers()
    )
    assert r.status_code == 422
    r = tenant.client.patch(f"/v1/customers/{c['id']}", json={"ltv": "5"}, headers=tenant.headers())
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "ltv"


def test_consent_records_time_and_source(tenant):
    c = create(tenant, consent={"email": True, "source": "checkout"})
    assert c["consent"]["email"] is True
    assert c["consent"]["email_source"] == "checkout"
    assert c["consent"]["email_at"] is not None
    assert c["consent"]["sms"] is False


def test_one_default_address_only(tenant):
    r = tenant.client.post(
        "/v1/customers",
        json=customer_payload(
            addresses=[{"city": "A", "is_default": True}, {"city": "B", "is_default": True}]
        ),
        headers=tenant.headers(),
    )
    assert r.status_code == 422


def test_keyset_pagination_walks_every_row_once(tenant):
    ids = {create(tenant)["id"] for _ in range(7)}
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = tenant.client.get("/v1/customers", params=params, headers=tenant.headers()).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7
    assert set(seen) == ids


def test_pagination_is_stable_under_inserts(tenant):
    for _ in range(4):
        create(tenant)
    first = tenant.client.get(
        "/v1/customers", params={"limit": 2, "sort": "created_at"}, headers=tenant.headers()
    ).json()
    create(tenant)  # lands after the cursor in this sort order
    rest = tenant.client.get(
        "/v1/customers",
        params={"limit": 50, "sort": "created_at", "cursor": first["next_cursor"]},
        headers=tenant.headers(),
    ).json()
    ids = [c["id"] for c in first["items"]] + [c["id"] for c in rest["items"]]
    assert len(ids) == len(set(ids)) == 5


def test_filters_and_sort(tenant):
    a = create(
        tenant, lifecycle_stage="customer", status="vip", tags=["spring-2025"], first_name="A"
    )
    create(tenant, lifecycle_stage="prospect", tags=["spring-2025"])
    create(tenant, lifecycle_stage="customer", tags=["other"])
    r = tenant.client.get(
        "/v1/customers",
        params={"stage": "customer", "tag": "spring-2025", "status": "vip"},
        headers=tenant.headers(),
    )
    assert [c["id"] for c in r.json()["items"]] == [a["id"]]
    r = tenant.client.get(
        "/v1/customers", params={"sort": "-last_name", "count": "true"}, headers=tenant.headers()
    )
    names = [c["last_name"] for c in r.json()["items"]]
    assert names == sorted(names, reverse=True)
    assert r.headers["X-Total-Count"] == "3"


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password"},
        {"cursor": "garbage!!"},
        {"limit": 0},
        {"limit": 100000},
        {"ltv_min": "abc"},
        {"created_after": "yesterday"},
    ],
)
def test_bad_list_parameters_are_422(tenant, params):
    r = tenant.client.get("/v1/customers", params=params, headers=tenant.headers())
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_input"


def test_cursor_from_another_sort_is_rejected(tenant):
    for _ in range(3):
        create(tenant)
    page = tenant.client.get("/v1/customers", params={"limit": 1}, headers=tenant.headers()).json()
    r = tenant.client.get(
        "/v1/customers",
        params={"limit": 1, "sort": "ltv", "cursor": page["next_cursor"]},
        headers=tenant.headers(),
    )
    assert r.status_code == 422


def test_unknown_customer_and_bad_id(tenant):
    r = tenant.client.get(f"/v1/customers/{uuid.uuid4()}", headers=tenant.headers())
    assert r.status_code == 404
    r = tenant.client.get("/v1/customers/not-a-uuid", headers=tenant.headers())
    assert r.status_code == 422


def test_new_rows_get_time_ordered_ids(tenant):
    """Customers and their rows get UUIDv7 ids, each later one above the one before, so the
    indexes keyed by them grow at their end (kit/ids.py)."""
    made = [create(tenant, email=f"order{n}@example.com", addresses=[{"city": "Oslo"}])
            for n in range(3)]  # fmt: skip
    ids = [uuid.UUID(c["id"]) for c in made]
    assert [i.version for i in ids] == [7, 7, 7]
    assert ids == sorted(ids)
    address_ids = [uuid.UUID(c["addresses"][0]["id"]) for c in made]
    assert [i.version for i in address_ids] == [7, 7, 7]
    assert address_ids == sorted(address_ids)


def test_a_local_phone_is_read_where_the_customer_lives_then_in_the_tenants_region(tenant):
    """A US tenant: a London customer's "020 7946 0958" is a London number (it was refused
    as not valid in the US), as an import reads it; a US number written locally for a
    customer abroad still reads in the tenant's region; PATCH reads it at the stored address."""
    london = [{"city": "London", "country": "GB", "postcode": "N1 9GU"}]
    body = create(tenant, phone="020 7946 0958", addresses=london)
    assert body["phone_e164"] == "+442079460958"
    body = create(tenant, phone="(415) 555-0134", addresses=london)
    assert body["phone_e164"] == "+14155550134"
    r = tenant.client.patch(
        f"/v1/customers/{body['id']}", json={"phone": "020 7946 0959"}, headers=tenant.headers()
    )
    assert r.status_code == 200, r.text
    assert r.json()["phone_e164"] == "+442079460959"
    r = tenant.client.post(
        "/v1/customers",
        json=customer_payload(phone="12", addresses=london),
        headers=tenant.headers(),
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "phone"


def test_a_source_id_the_customer_holds_beside_an_idless_link_is_kept_not_copied(tenant):
    """A customer that absorbed another can hold a link of a source without an id and one
    with id 77 (the merge moves the other's links to it); sending 77 again must find that
    link, whatever their order, not write 77 into the one without an id (the unique key
    refused it: 409 "the change conflicts with existing data")."""
    h = tenant.headers()
    ann = create(tenant, email="ann@example.com")
    bo = create(tenant, email="bo@example.com", sources=[{"source": "api", "external_id": "77"}])
    merged = tenant.client.post(
        "/v1/merges", json={"survivor_id": ann["id"], "duplicate_id": bo["id"]}, headers=h
    )
    assert merged.status_code in (200, 201), merged.text

    def links() -> set[tuple[str, str | None]]:
        got = tenant.client.get(f"/v1/customers/{ann['id']}", headers=h).json()
        return {(s["source"], s["external_id"]) for s in got["sources"]}

    assert links() == {("api", None), ("api", "77")}
    r = tenant.client.patch(
        f"/v1/customers/{ann['id']}",
        json={"company": "Annco", "sources": [{"source": "api", "external_id": "77"}]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["company"] == "Annco"
    assert links() == {("api", None), ("api", "77")}
    # a new id of the source still fills the link without one
    r = tenant.client.patch(
        f"/v1/customers/{ann['id']}",
        json={"sources": [{"source": "api", "external_id": "78"}]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert links() == {("api", "78"), ("api", "77")}


def _two_links(tenant, filled: str, moved: str) -> tuple[str, list[str]]:
    """A customer holding ``api`` links ``filled`` and ``moved``: made without an id, it
    absorbs one holding ``moved``, then a PATCH fills its own link with ``filled`` (an
    update: PostgreSQL writes the row anew after the moved one, SQLite keeps its place).
    Its id and the ids of the PATCH's answer."""
    h = tenant.headers()
    ann = create(tenant, email=f"ann{filled}@example.com")
    bo = create(
        tenant, email=f"bo{moved}@example.com", sources=[{"source": "api", "external_id": moved}]
    )
    merge = {"survivor_id": ann["id"], "duplicate_id": bo["id"]}
    merged = tenant.client.post("/v1/merges", json=merge, headers=h)
    assert merged.status_code in (200, 201), merged.text
    return ann["id"], _patched(tenant, ann["id"], filled)


def _patched(tenant, cid: str, external_id: str) -> list[str]:
    r = tenant.client.patch(
        f"/v1/customers/{cid}",
        json={"sources": [{"source": "api", "external_id": external_id}]},
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    return [s["external_id"] for s in r.json()["sources"]]


def test_sources_of_one_source_are_listed_by_their_id_whatever_their_rows_order(tenant):
    """Two links of one source came in the database's row order: a customer answered
    77, 78 on one engine and 78, 77 on the other (and so in exports and the audit's
    snapshots); a PATCH adding a link answered it last."""
    h = tenant.headers()
    # one customer's filled link sorts after the moved one, the other's before it
    made = [_two_links(tenant, "78", "77"), _two_links(tenant, "87", "88")]
    wanted = {made[0][0]: ["77", "78"], made[1][0]: ["87", "88"]}
    added = create(tenant, email="cy@example.com", sources=[{"source": "api", "external_id": "98"}])
    wanted[added["id"]] = ["97", "98"]
    answered = [made[0][1], made[1][1], _patched(tenant, added["id"], "97")]
    assert answered == list(wanted.values())
    listed = tenant.client.get("/v1/customers", params={"sort": "created_at"}, headers=h).json()
    by_id = {c["id"]: c for c in listed["items"]}
    for cid, ids in wanted.items():
        got = tenant.client.get(f"/v1/customers/{cid}", headers=h).json()
        assert [(s["source"], s["external_id"]) for s in got["sources"]] == [
            ("api", i) for i in ids
        ]
        assert [s["external_id"] for s in by_id[cid]["sources"]] == ids
