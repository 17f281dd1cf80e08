"""Exports as vCards (format=vcard, a .vcf: the customers as contacts for a phone or an address
book) through the API, the CLI and the dashboard, on SQLite and PostgreSQL; and the round
trip: export, import into an empty tenant, export again: the same cards."""

from __future__ import annotations

from hypothesis import given

from rolodex.exports import vcard, writers
from rolodex.imports.detect import detect
from rolodex.imports.reader import Reader
from tests.conftest import TenantCtx, make_tenant
from tests.exports.test_round_trip import rich_customers
from tests.exports.test_round_trip_demo import lived_in_demo
from tests.exports.test_round_trip_property import made, tenants
from tests.imports.helpers import errors, imported
from tests.properties import property_settings
from tests.web.helpers import signed_in

ADA = {
    "id": "01a24d6a-0000-7000-8000-000000000001",
    "email": "ada@x.example",
    "phone": "(415) 555-0100",
    "phone_e164": "+14155550100",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "full_name": None,
    "company": "Engines; Inc.",
    "tags": ["vip", "a, b"],
    "notes": "Line one\nline two, with a comma",
    "attributes": {"job_title": "Analyst", "other_email": "ada@home.example",
                   "other_phone": "+14155550199", "birthday": "1815-12-10",
                   "website": "https://ada.example", "linkedin": "https://linkedin.com/in/ada",
                   "tier": "gold"},
    "addresses": [{"type": "billing", "line1": "1 Main St", "line2": "Apt 2",
                   "city": "London", "region": None, "postcode": "W1", "country": "GB"},
                  {"type": "both", "line1": None, "line2": None, "city": "Paris",
                   "region": None, "postcode": None, "country": "FR"}],
}  # fmt: skip


def _cards(text: str) -> list[str]:
    """The cards of a file, each as its text, in order of their ids (UID)."""
    cards = [c for c in text.replace("\r\n ", "").split("BEGIN:VCARD") if c.strip()]
    return sorted(cards, key=lambda c: c.split("UID:", 1)[1].split("\r\n", 1)[0])


def test_a_customer_is_a_card_of_what_an_address_book_holds():
    assert vcard.card(ADA).split("\r\n") == [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Rolodex//Rolodex//EN",
        f"UID:urn:uuid:{ADA['id']}",
        f"X-ROLODEX-ID:{ADA['id']}",
        "N:Lovelace;Ada;;;",
        "FN:Ada Lovelace",
        "ORG:Engines\\; Inc.",
        "TITLE:Analyst",
        "EMAIL;TYPE=INTERNET;TYPE=pref:ada@x.example",
        "EMAIL;TYPE=INTERNET:ada@home.example",
        "TEL;TYPE=VOICE;TYPE=pref:+14155550100",
        "TEL;TYPE=VOICE:+14155550199",
        "ADR;TYPE=billing:;;1 Main St\\nApt 2;London;;W1;GB",
        "ADR:;;;Paris;;;FR",
        "NOTE:Line one\\nline two\\, with a comma",
        "BDAY:1815-12-10",
        "URL:https://ada.example",
        "X-SOCIALPROFILE;TYPE=linkedin:https://linkedin.com/in/ada",
        "CATEGORIES:vip,a\\, b",
        "END:VCARD",
        "",
    ]


def test_a_long_line_is_folded_between_characters_and_read_back_whole():
    note = "é" * 100 + " and the rest"
    text = vcard.card({"id": ADA["id"], "email": "long@x.example", "notes": note})
    assert all(len(line.encode()) <= vcard.LINE_OCTETS for line in text.split("\r\n"))
    data = text.encode()
    [record] = Reader([data], detect(data, total_size=len(data), filename="c.vcf"))
    assert record.cells["notes"] == note
    assert record.cells["id"] == ADA["id"]
    assert "external_id" not in record.cells  # its UID is its id, not another tool's


def test_the_customers_of_a_filter_are_exported_as_vcards(tenant: TenantCtx):
    h = tenant.headers()
    for body in ({"email": "ann@x.example", "first_name": "Ann", "tags": ["vip"]},
                 {"email": "bo@x.example", "company": "Bo Ltd"}):  # fmt: skip
        assert tenant.client.post("/v1/customers", json=body, headers=h).status_code == 201
    response = tenant.client.get("/v1/exports", params={"format": "vCard", "tag": "vip"}, headers=h)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == writers.MEDIA_TYPES["vcard"]
    assert response.headers["content-disposition"].endswith('.vcf"')
    [ann] = _cards(response.text)
    assert "EMAIL;TYPE=INTERNET;TYPE=pref:ann@x.example" in ann
    assert "FN:Ann\r\n" in ann


def test_export_import_export_as_vcards_gives_the_same_cards(tenant: TenantCtx):
    rich_customers(tenant)
    first = tenant.client.get("/v1/exports", params={"format": "vcard"}, headers=tenant.headers())
    empty = make_tenant(tenant.client, "Copy vcard")
    run = imported(empty, first.content, "customers.vcf")
    assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == ("done", 7, 0)
    again = empty.client.get("/v1/exports", params={"format": "vcard"}, headers=empty.headers())
    assert _cards(again.text) == _cards(first.text)
    # imported again into the first tenant: the same customers, updated, none made
    run = imported(tenant, first.content, "customers.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (0, 0), run


def test_the_cli_and_the_dashboard_export_vcards(cli, tenant: TenantCtx, tmp_path):
    h = tenant.headers()
    tenant.client.post(
        "/v1/customers", json={"email": "ada@x.example", "first_name": "Ada"}, headers=h
    )
    out = tmp_path / "contacts.vcf"
    result = cli("export", "--tenant", tenant.slug, "--format", "vcard", "--out", out)
    assert result.exit_code == 0, result.output
    assert "exported 1 customer" in result.output
    assert "EMAIL;TYPE=INTERNET;TYPE=pref:ada@x.example" in out.read_text()
    signed_in(tenant)
    page = tenant.client.get("/customers?q=ada")
    assert 'format=vcard"' in page.text
    response = tenant.client.get("/customers/export?q=ada&format=vcard")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith('.vcf"')
    assert "FN:Ada" in response.text


def test_the_demo_tenant_lived_in_is_copied_as_the_same_cards(tenant: TenantCtx, backend):
    listed = lived_in_demo(tenant, backend)
    first = tenant.client.get("/v1/exports", params={"format": "vcard"}, headers=tenant.headers())
    assert first.text.count("BEGIN:VCARD") == listed
    empty = make_tenant(tenant.client, "Copy of the demo as vcards")
    run = imported(empty, first.content, "customers.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (listed, 0), run
    again = empty.client.get("/v1/exports", params={"format": "vcard"}, headers=empty.headers())
    assert _cards(again.text) == _cards(first.text)
    rerun = imported(empty, first.content, "customers.vcf")
    assert (rerun["progress"]["unchanged"], rerun["progress"]["created"]) == (listed, 0), rerun


@property_settings(20)
@given(people=tenants())
def test_hostile_customers_are_copied_as_the_same_cards(app_client, people):
    """Customers of hostile but valid text (tests/exports/test_round_trip_property.py's):
    exported as vCards, imported into an empty tenant, exported again: the same cards."""
    tenant = make_tenant(app_client)
    made(tenant, people)
    first = tenant.client.get("/v1/exports", params={"format": "vcard"}, headers=tenant.headers())
    empty = make_tenant(app_client, "Copy vcard")
    run = imported(empty, first.content, "customers.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (len(people), 0), (
        run["progress"],
        errors(empty, run["id"]),
    )
    again = empty.client.get("/v1/exports", params={"format": "vcard"}, headers=empty.headers())
    assert _cards(again.text) == _cards(first.text)


def test_a_names_prefix_middle_name_and_suffix_go_out_and_come_back_in_its_n(
    tenant: TenantCtx,
):
    """A card's N holds the middle name, prefix and suffix beside given and family name; they
    were left out when read (Dr. Jane Q. Smith, Jr. was Jane Smith) and not written, as were
    NICKNAME and ORG's unit. From a CSV (Outlook's Middle Name, Suffix and Department, Google
    Contacts' Name Prefix and Nickname) they are custom attributes, which a card carries."""
    outlook = (
        "First Name,Middle Name,Last Name,Suffix,Name Prefix,Nickname,Company,Department,"
        "E-mail Address\r\nJane,Q.,Smith,Jr.,Dr.,JJ,Acme,Sales,jane@n.example\r\n"
    )
    run = imported(tenant, outlook, "contacts.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    first = tenant.client.get("/v1/exports", params={"format": "vcard"}, headers=tenant.headers())
    assert "\r\nN:Smith;Jane;Q.;Dr.;Jr.\r\n" in first.text
    assert "\r\nNICKNAME:JJ\r\nORG:Acme;Sales\r\n" in first.text
    empty = make_tenant(tenant.client, "Copy names")
    run = imported(empty, first.content, "contacts.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (copy,) = empty.client.get("/v1/customers", headers=empty.headers()).json()["items"]
    parts = {"middle_name": "Q.", "name_suffix": "Jr.", "name_prefix": "Dr.", "nickname": "JJ",
             "department": "Sales"}  # fmt: skip
    assert (copy["first_name"], copy["last_name"], copy["attributes"]) == ("Jane", "Smith", parts)


def test_an_anniversary_spouse_manager_and_assistant_go_out_and_come_back_labelled(
    tenant: TenantCtx,
):
    """A contact's anniversary and related people (kept from Outlook's, Google's and a
    phone's contacts) go out as Apple's labelled items, which phones and Google Contacts
    show, and an import reads back as the same attributes."""
    body = {"email": "eve@ott.example", "first_name": "Eve",
            "attributes": {"anniversary": "2010-06-13", "spouse": "Sam", "manager": "Bo",
                           "assistant": "Al; Cy", "children": "Kit"}}  # fmt: skip
    made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert made.status_code == 201, made.text
    first = tenant.client.get("/v1/exports", params={"format": "vcard"}, headers=tenant.headers())
    assert (
        "\r\nitem1.X-ABDATE:2010-06-13\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\n"
        "item2.X-ABRELATEDNAMES:Sam\r\nitem2.X-ABLabel:_$!<Spouse>!$_\r\n"
        "item3.X-ABRELATEDNAMES:Bo\r\nitem3.X-ABLabel:_$!<Manager>!$_\r\n"
        "item4.X-ABRELATEDNAMES:Al\\; Cy\r\nitem4.X-ABLabel:_$!<Assistant>!$_\r\n"
    ) in first.text, first.text
    empty = make_tenant(tenant.client, "Copy dates")
    run = imported(empty, first.content, "contacts.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (copy,) = empty.client.get("/v1/customers", headers=empty.headers()).json()["items"]
    # children stay in the CSV and JSON exports (a card's Child label is one child)
    assert copy["attributes"] == {k: v for k, v in body["attributes"].items() if k != "children"}
    again = empty.client.get("/v1/exports", params={"format": "vcard"}, headers=empty.headers())
    assert _cards(again.text) == _cards(first.text)
