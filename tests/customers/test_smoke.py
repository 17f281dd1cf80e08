from tests.factories.customers import customer_payload


def test_create_and_get(tenant):
    r = tenant.client.post("/v1/customers", json=customer_payload(), headers=tenant.headers())
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    r = tenant.client.get(f"/v1/customers/{cid}", headers=tenant.headers())
    assert r.status_code == 200
    assert r.json()["phone_e164"].startswith("+1415555")
