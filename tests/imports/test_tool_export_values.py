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
