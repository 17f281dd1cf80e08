"""Values other tools' exports write in their own way, through the import API on SQLite and
PostgreSQL, with the header rows those tools write: Google Contacts' several values in one
cell (" ::: "), its system groups, Mailchimp's members export, Shopify's customers CSV."""

from __future__ import annotations

from typing import Any

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, imported, rows

# Google Contacts' CSV export ("Google CSV"), as written since 2023
GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Nickname", "File As", "Organization Name",
    "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label",
    "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label",
    "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
]  # fmt: skip


def _people(tenant: TenantCtx) -> dict[str, dict[str, Any]]:
    return {c["email_normalized"]: c for c in customers(tenant)}


def _google(*records: dict[str, str]) -> str:
    return csv_text([GOOGLE_HEADER, *([r.get(h, "") for h in GOOGLE_HEADER] for r in records)])


def test_a_google_contacts_cell_of_several_emails_and_phones_keeps_each_of_them(tenant):
    """Google writes a contact's further values of one label in the same cell, " ::: "
    apart: the whole cell was read as one email, and the row failed as invalid."""
    text = _google(
        {"First Name": "Ann", "Last Name": "Lee", "Labels": "* myContacts",
         "E-mail 1 - Label": "* Home", "E-mail 1 - Value": "ann@x.com ::: ann.work@y.com",
         "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+1 415 555 0100 ::: +1 415 555 0199"},
        {"First Name": "Bob", "E-mail 1 - Value": "bob@x.com",
         "E-mail 2 - Value": "bob@home.example ::: bob@old.example",
         "Phone 1 - Value": "+1 415 555 0102",
         "Phone 2 - Value": "+1 415 555 0103 ::: +1 415 555 0104"},
        {"First Name": "Cyd", "Notes": "likes ::: separators", "E-mail 1 - Value": "cyd@x.com"},
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (3, 0), rows(
        tenant, run["id"]
    )
    people = _people(tenant)
    ann, bob, cyd = people["ann@x.com"], people["bob@x.com"], people["cyd@x.com"]
    assert ann["phone_e164"] == "+14155550100"
    assert ann["attributes"] == {"other_email": "ann.work@y.com", "other_phone": "+1 415 555 0199"}
    assert bob["phone_e164"] == "+14155550102"
    assert bob["attributes"] == {
        "other_email": "bob@home.example, bob@old.example",
        "other_phone": "+1 415 555 0103, +1 415 555 0104",
    }
    assert cyd["notes"] == "likes ::: separators"  # other text is not split


def test_google_contacts_system_group_of_every_contact_is_no_tag(tenant):
    """ "* myContacts" (every contact in the address book) was a tag of each contact with no
    label of its own, and dropped beside one: now never a tag. The groups Google Contacts
    shows as labels are tags, "* starred" as "starred"."""
    new_format = _google(
        {"First Name": "Ann", "Labels": "* myContacts", "E-mail 1 - Value": "ann@x.com"},
        {"First Name": "Bob", "Labels": "* myContacts ::: Clients",
         "E-mail 1 - Value": "bob@x.com"},
        {"First Name": "Cyd", "Labels": "Clients ::: * starred ::: * myContacts",
         "E-mail 1 - Value": "cyd@x.com"},
    )  # fmt: skip
    old_format = csv_text(
        [
            ["Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Type",
             "E-mail 1 - Value"],
            ["Dee Doe", "Dee", "Doe", "* myContacts", "* Other", "dee@x.com"],
            ["Eve Ng", "Eve", "Ng", "* Friends ::: * myContacts", "* Work", "eve@x.com"],
        ]
    )  # fmt: skip
    imported(tenant, new_format)
    imported(tenant, old_format)
    tags = {e: sorted(p["tags"]) for e, p in _people(tenant).items()}
    assert tags == {
        "ann@x.com": [],
        "bob@x.com": ["Clients"],
        "cyd@x.com": ["Clients", "starred"],
        "dee@x.com": [],
        "eve@x.com": ["Friends"],
    }


# Mailchimp's export of an audience's subscribed members
MAILCHIMP_HEADER = [
    "Email Address", "First Name", "Last Name", "Address", "Phone Number", "MEMBER_RATING",
    "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF",
    "DSTOFF", "TIMEZONE", "CC", "REGION", "LAST_CHANGED", "LEID", "EUID", "NOTES", "TAGS",
]  # fmt: skip


def _mailchimp(*records: dict[str, str]) -> str:
    return csv_text(
        [MAILCHIMP_HEADER, *([r.get(h, "") for h in MAILCHIMP_HEADER] for r in records)]
    )


def _member(email: str, address: str, **more: str) -> dict[str, str]:
    return {
        "Email Address": email, "First Name": email[:3].title(), "Address": address,
        "MEMBER_RATING": "2", "OPTIN_TIME": "2023-03-15 14:02:11", "OPTIN_IP": "203.0.113.7",
        "CONFIRM_TIME": "2023-03-15 14:05:40", "CONFIRM_IP": "203.0.113.7",
        "LATITUDE": "37.7749000", "LONGITUDE": "-122.4194000", "GMTOFF": "-8", "DSTOFF": "-7",
        "TIMEZONE": "America/Los_Angeles", "CC": "US", "REGION": "CA",
        "LAST_CHANGED": "2023-03-15 14:05:40", "LEID": "123456789", "EUID": "a1b2c3d4e5",
        **more,
    }  # fmt: skip


def test_a_mailchimp_members_address_is_split_and_its_ip_location_is_no_address(tenant):
    """The export's LATITUDE, TIMEZONE, REGION (where the subscriber's IP is) were the postal
    address's parts: the ADDRESS cell stayed whole in the first line, beside an IP's region."""
    text = _mailchimp(
        _member("ann@example.com", "12 Elm St  Apt 4  Portland  OR  97201  US"),
        _member("bob@example.com", "1 Main St  Apt 4  Springfield    62704  US"),  # no state
        _member("cyd@example.com", "12 Elm St  Portland  OR  97201  US"),  # no second line
        _member("dee@example.com", "1 Main St  Springfield  Oregon"),
    )
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (4, 0), rows(
        tenant, run["id"]
    )
    parts = ("line1", "line2", "city", "region", "postcode", "country", "lat", "timezone")
    found = {e: tuple(p["addresses"][0][k] for k in parts) for e, p in _people(tenant).items()}
    assert found == {
        "ann@example.com": ("12 Elm St", "Apt 4", "Portland", "OR", "97201", "US", None, None),
        "bob@example.com": ("1 Main St", "Apt 4", "Springfield", None, "62704", "US", None,
                            None),
        "cyd@example.com": ("12 Elm St", None, "Portland", "OR", "97201", "US", None, None),
        "dee@example.com": ("1 Main St  Springfield  Oregon", None, None, None, None, None,
                            None, None),
    }  # fmt: skip
    notes = {r["row"]: r["note"] or "" for r in rows(tenant, run["id"])}
    assert "'1 Main St  Springfield  Oregon' kept whole as its first line" in notes[4]
    assert "kept whole" not in notes[1] + notes[2] + notes[3]


def test_a_mailchimp_opt_in_time_without_a_consent_is_no_consent_given_at_that_time(tenant):
    """A subscribed members' export has OPTIN_TIME and CONFIRM_TIME and no status column: the
    members were stored with no email consent and a consent time, as if given. Mailchimp's
    unsubscribed and cleaned exports have the same columns: a time alone grants nothing, and
    is not stored beside no consent; a consent column beside it still dates the consent."""
    text = _mailchimp(_member("ann@example.com", ""))
    run = imported(tenant, text)
    assert run["progress"]["created"] == 1, rows(tenant, run["id"])
    [ann] = customers(tenant)
    assert (ann["consent"]["email"], ann["consent"]["email_at"]) == (False, None)
    [row] = rows(tenant, run["id"])
    assert (
        "OPTIN_TIME '2023-03-15 14:02:11' not stored: the row gives no email consent"
        in (row["note"])
    )
    given = csv_text(
        [
            ["Email Address", "OPTIN_TIME", "Email Marketing", "MEMBER_RATING"],
            ["bob@example.com", "2023-03-15 14:02:11", "subscribed", "2"],
        ]
    )
    imported(tenant, given)
    bob = _people(tenant)["bob@example.com"]
    assert (bob["consent"]["email"], bob["consent"]["email_at"][:19]) == (
        True,
        "2023-03-15T14:02:11",
    )


# Shopify's customers export (Customers > Export), as written since 2023
SHOPIFY_HEADER = [
    "Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
    "Default Address Company", "Default Address Address1", "Default Address Address2",
    "Default Address City", "Default Address Province Code", "Default Address Country Code",
    "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
    "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags",
]  # fmt: skip


def _shopify(*records: dict[str, str]) -> str:
    return csv_text([SHOPIFY_HEADER, *([r.get(h, "") for h in SHOPIFY_HEADER] for r in records)])


def test_a_new_customer_with_orders_in_a_shopify_export_is_a_customer(tenant):
    """A customer with 7 orders and $1,234.50 spent was imported as a prospect: the order
    count was not read. A new customer with orders is a customer (as a paid order makes one);
    a stage column still wins, and an existing customer's stage is kept."""
    made = tenant.client.post(
        "/v1/customers",
        json={"email": "cyd@example.com", "lifecycle_stage": "prospect"},
        headers=tenant.headers(),
    )
    assert made.status_code == 201, made.text
    text = _shopify(
        {"Customer ID": "'7012345678901", "First Name": "Ada", "Email": "ada@example.com",
         "Accepts Email Marketing": "yes", "Total Spent": "1234.50", "Total Orders": "7"},
        {"Customer ID": "'7012345678902", "First Name": "Bob", "Email": "bob@example.com",
         "Accepts Email Marketing": "no", "Total Spent": "0.00", "Total Orders": "0"},
        {"Customer ID": "'7012345678903", "First Name": "Cyd", "Email": "cyd@example.com",
         "Accepts Email Marketing": "no", "Total Spent": "80.00", "Total Orders": "2"},
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), rows(
        tenant, run["id"]
    )
    staged = csv_text([["Email", "Lifecycle Stage", "Orders Count"],
                       ["dee@example.com", "churned", "3"]])  # fmt: skip
    imported(tenant, staged)
    people = _people(tenant)
    stages = {e: p["lifecycle_stage"] for e, p in people.items()}
    assert stages == {
        "ada@example.com": "customer",
        "bob@example.com": "prospect",
        "cyd@example.com": "prospect",  # existing: its stage follows its own orders
        "dee@example.com": "churned",
    }
    assert people["ada@example.com"]["ltv"] == "1234.50"
    notes = {r["row"]: r["note"] or "" for r in rows(tenant, run["id"])}
    assert "Total Orders '7': a new customer is created in stage customer" in notes[1]
    assert "Total Orders" not in notes[2]
