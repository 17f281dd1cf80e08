"""Exports of the tools small businesses leave (Google Contacts, Outlook, Stripe, Square,
WooCommerce, Zoho, Pipedrive, Lightspeed), with their real header rows, through the import API
on SQLite and PostgreSQL: every value lands in the field a CRM user expects, not in another
address's field, not dropped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rolodex.imports.mapping import resolve
from tests.conftest import TenantCtx, make_tenant
from tests.imports.helpers import consented, csv_text, customers, imported, rows, upload
from tests.web.helpers import signed_in


def _people(tenant: TenantCtx) -> dict[str, dict[str, Any]]:
    return {c["email_normalized"]: c for c in customers(tenant)}


def _fields(headers: list[str]) -> dict[str, str | None]:
    found = resolve(headers)
    return dict(zip(found.columns, found.fields, strict=True))


def _each_imported(tenant: TenantCtx, files: dict[str, str]) -> None:
    """Each CSV text imported (named after its tool), each making one customer, none failing."""
    for name, text in files.items():
        run = imported(tenant, text, f"{name}.csv")
        assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), (name, run)


def test_a_stripe_export_keeps_the_billing_city_and_the_shipping_address_apart(tenant):
    text = csv_text(
        [
            ["id", "Description", "Email", "Name", "Phone", "Created (UTC)", "Address Line1",
             "Address Line2", "Address City", "Address State", "Address Country",
             "Address Zip", "Shipping Name", "Shipping Address Line1",
             "Shipping Address Line2", "Shipping Address City", "Shipping Address State",
             "Shipping Address Country", "Shipping Address Postal Code", "Total Spend"],
            ["cus_NffrFeUfNV2Hib", "VIP client", "ada@example.com", "Ada Lovelace",
             "+14155550100", "2023-03-15 14:02", "1 Main St", "", "San Francisco", "CA", "US",
             "94105", "Ada Lovelace", "2 Ship Rd", "", "Austin", "TX", "US", "73301",
             "1234.56"],
        ]
    )  # fmt: skip
    run = imported(tenant, text)
    assert run["progress"]["created"] == 1, run
    [ada] = customers(tenant)
    addresses = [
        {k: a[k] for k in ("type", "line1", "city", "region", "postcode", "country")}
        for a in ada["addresses"]
    ]
    # the shipping city, state and zip filled the billing address before: Austin at 1 Main St
    assert addresses == [
        {"type": "both", "line1": "1 Main St", "city": "San Francisco", "region": "CA",
         "postcode": "94105", "country": "US"},
        {"type": "shipping", "line1": "2 Ship Rd", "city": "Austin", "region": "TX",
         "postcode": "73301", "country": "US"},
    ]  # fmt: skip
    assert ada["created_at"].startswith("2023-03-15T14:02")
    assert (ada["ltv"], ada["notes"]) == ("1234.56", "VIP client")
    assert [s["external_id"] for s in ada["sources"]] == ["cus_NffrFeUfNV2Hib"]


def test_a_pipedrive_export_is_imported_with_each_persons_email_and_phone_of_any_kind(tenant):
    text = csv_text(
        [
            ["Person - ID", "Person - Name", "Person - First name", "Person - Last name",
             "Person - Label", "Person - Organization", "Person - Email - Work",
             "Person - Email - Home", "Person - Email - Other", "Person - Phone - Work",
             "Person - Phone - Home", "Person - Phone - Mobile", "Person - Phone - Other",
             "Person - Owner", "Person - Person created", "Person - Postal address"],
            ["17", "Ada Lovelace", "Ada", "Lovelace", "Hot lead", "Analytical Ltd",
             "ada@example.com", "ada@home.example", "", "", "", "+1 415 555 0100", "", "Jane",
             "2023-03-15 14:02:11", "1 Main St, San Francisco, CA 94105, USA"],
            ["18", "Bob Builder", "Bob", "Builder", "Customer", "", "", "bob@example.com", "",
             "(415) 555-0102", "", "", "", "Jane", "2023-04-01 09:00:00", ""],
        ]
    )  # fmt: skip
    run = imported(tenant, text)  # every column was unmapped: the file was refused (422)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    people = _people(tenant)
    ada, bob = people["ada@example.com"], people["bob@example.com"]
    assert (ada["first_name"], ada["last_name"], ada["company"]) == (
        "Ada", "Lovelace", "Analytical Ltd",
    )  # fmt: skip
    assert (ada["phone_e164"], bob["phone_e164"]) == ("+14155550100", "+14155550102")
    assert ada["attributes"] == {"other_email": "ada@home.example"}
    assert (ada["tags"], bob["tags"]) == (["Hot lead"], ["Customer"])
    assert ada["addresses"][0]["line1"] == "1 Main St, San Francisco, CA 94105, USA"
    assert ada["created_at"].startswith("2023-03-15T14:02:11")
    assert [s["external_id"] for s in bob["sources"]] == ["18"]


def test_a_zoho_contact_with_only_a_mobile_number_keeps_it(tenant):
    text = csv_text(
        [
            ["Record Id", "First Name", "Last Name", "Account Name", "Email", "Phone",
             "Home Phone", "Other Phone", "Mobile", "Secondary Email", "Created Time",
             "Last Activity Time", "Mailing Street", "Mailing City", "Mailing State",
             "Mailing Zip", "Mailing Country", "Description", "Tag"],
            ["zcrm_4876876000000123456", "Ada", "Lovelace", "Analytical Ltd",
             "ada@example.com", "", "", "", "+1 415 555 0100", "ada2@example.com",
             "2023-03-15 14:02:11", "2024-01-20 10:00:00", "1 Main St", "San Francisco", "CA",
             "94105", "United States", "Big account", "VIP,Expo 2023"],
            ["zcrm_4876876000000123457", "Bob", "Builder", "", "bob@example.com",
             "(415) 555-0102", "(415) 555-0103", "", "(415) 555-0104", "", "", "", "", "", "",
             "", "", "", ""],
        ]
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    people = _people(tenant)
    ada, bob = people["ada@example.com"], people["bob@example.com"]
    # Ada's mobile lost to the empty Phone column and was not imported: she had no phone
    assert ada["phone_e164"] == "+14155550100"
    assert (ada["company"], ada["notes"]) == ("Analytical Ltd", "Big account")
    assert ada["attributes"] == {"other_email": "ada2@example.com"}
    assert ada["last_active_at"].startswith("2024-01-20T10:00")
    # Bob's home and mobile numbers are both kept beside his phone
    assert bob["phone_e164"] == "+14155550102"
    assert bob["attributes"] == {"other_phone": "(415) 555-0103, (415) 555-0104"}


def test_square_and_woocommerce_exports_keep_the_amount_spent_and_the_street(tenant):
    square = csv_text(
        [
            ["Reference ID", "First Name", "Last Name", "Email Address", "Phone Number",
             "Company Name", "Street Address 1", "Street Address 2", "City", "State",
             "Postal Code", "Birthday", "Memo", "Square Customer ID", "First Visit",
             "Last Visit", "Transaction Count", "Total Spend", "Email Subscription Status"],
            ["R-17", "Ada", "Lovelace", "ada@example.com", "+14155550100", "Analytical Ltd",
             "1 Main St", "Apt 2", "San Francisco", "CA", "94105", "1985-03-15", "likes tea",
             "7XK9Q2ZP4WB1H3E6", "2023-03-15", "2024-01-20", "12", "$1,234.56", "subscribed"],
        ]
    )  # fmt: skip
    woo = csv_text(
        [
            ["Name", "Username", "Last active", "Date registered", "Email", "Orders",
             "Total spend", "AOV", "Country / Region", "City", "Region", "Postal code"],
            ["Bob Builder", "bob", "2024-01-20", "2023-03-15", "bob@example.com", "3",
             "$1,234.56", "$411.52", "US", "Portland", "OR", "97201"],
        ]
    )  # fmt: skip
    assert imported(tenant, square)["progress"]["created"] == 1
    assert imported(tenant, woo)["progress"]["created"] == 1
    people = _people(tenant)
    ada, bob = people["ada@example.com"], people["bob@example.com"]
    assert (ada["ltv"], bob["ltv"]) == ("1234.56", "1234.56")
    address = ada["addresses"][0]
    assert (address["line1"], address["line2"], address["city"]) == (
        "1 Main St", "Apt 2", "San Francisco",
    )  # fmt: skip
    assert ada["notes"] == "likes tea"
    assert [s["external_id"] for s in ada["sources"]] == ["7XK9Q2ZP4WB1H3E6"]
    assert ada["created_at"].startswith("2023-03-15")
    assert bob["created_at"].startswith("2023-03-15")
    # the shop's own Reference ID beside Square's id, and the Transaction Count (12 purchases:
    # a customer), were not imported
    assert ada["attributes"]["reference_id"] == "R-17"
    assert ada["lifecycle_stage"] == "customer"


GOOGLE = ["First Name", "Middle Name", "Last Name", "Nickname", "Organization Name",
          "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label",
          "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label",
          "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value", "Address 1 - Label",
          "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
          "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
          "Address 1 - Country", "Address 1 - Extended Address", "Address 2 - Label",
          "Address 2 - Street", "Address 2 - City"]  # fmt: skip
GOOGLE_OLD = ["Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Type",
              "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value", "Organization 1 - Name",
              "Organization 1 - Title"]  # fmt: skip
OUTLOOK = ["First Name", "Last Name", "Company", "Business Street", "Business Street 2",
           "Business City", "Business State", "Business Postal Code", "Business Country/Region",
           "Home Street", "Home City", "Home Postal Code", "Home Country/Region",
           "Business Phone", "Home Phone", "Mobile Phone", "Other Phone", "Birthday",
           "Categories", "E-mail Address", "E-mail Display Name", "E-mail 2 Address",
           "Home Address"]  # fmt: skip
VEND = ["customer_code", "first_name", "email", "phone", "mobile", "physical_address1",
        "physical_address2", "physical_city", "physical_postcode", "physical_state",
        "physical_country_id", "postal_address1", "postal_city"]  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (GOOGLE, {"Organization Name": "company", "Labels": "tags",
                  "E-mail 1 - Value": "email", "E-mail 2 - Value": "other_email",
                  "Phone 1 - Value": "phone", "Phone 2 - Value": "other_phone",
                  "Address 1 - Street": "address1_line1", "Address 1 - City": "address1_city",
                  "Address 1 - Region": "address1_region",
                  "Address 1 - Postal Code": "address1_postcode",
                  "Address 1 - Country": "address1_country",
                  "Address 1 - Extended Address": "address1_line2",
                  "Address 2 - Street": "address2_line1", "Address 2 - City": "address2_city",
                  "E-mail 1 - Label": None, "Address 1 - Formatted": None}),
        (GOOGLE_OLD, {"Group Membership": "tags", "E-mail 1 - Value": "email",
                      "Phone 1 - Value": "phone", "Organization 1 - Name": "company",
                      "E-mail 1 - Type": None}),
        (OUTLOOK, {"Business Street": "address1_line1", "Business Street 2": "address1_line2",
                   "Business City": "address1_city", "Business State": "address1_region",
                   "Business Country/Region": "address1_country",
                   "Home Street": "address2_line1", "Home City": "address2_city",
                   "Home Postal Code": "address2_postcode",
                   "Home Country/Region": "address2_country", "Business Phone": "other_phone",
                   "Home Phone": "other_phone", "Mobile Phone": "phone",
                   "Other Phone": "other_phone", "Categories": "tags",
                   "E-mail Address": "email", "E-mail Display Name": None,
                   "E-mail 2 Address": "other_email", "Home Address": None}),
        (VEND, {"customer_code": "external_id", "mobile": "other_phone",
                "physical_address1": "address1_line1", "physical_address2": "address1_line2",
                "physical_city": "address1_city", "physical_country_id": "address1_country",
                "postal_address1": "address2_line1", "postal_city": "address2_city"}),
    ],
    ids=["google", "google-old", "outlook", "lightspeed"],
)  # fmt: skip
def test_contact_app_exports_map_their_emails_phones_and_addresses(headers, expected):
    fields = _fields(headers)
    assert {h: fields[h] for h in expected} == expected


def test_a_german_sheets_revenue_customer_since_and_newsletter_columns_are_read():
    from rolodex.imports import words

    fields = _fields(["Kundennummer", "Vorname", "Umsatz", "Kunde seit", "Newsletter"])
    assert list(fields.values()) == [
        "external_id", "first_name", "ltv", "created_at", "email_consent",
    ]  # fmt: skip
    assert [words.yes_no(w) for w in ("Ja", "Nein", "oui", "non")] == [True, False, True, False]


def test_mailchimp_and_google_contacts_tags_are_the_tags_shown_in_those_tools(tenant):
    mailchimp = csv_text(
        [
            ["Email Address", "First Name", "MEMBER_RATING", "OPTIN_TIME", "TAGS"],
            ["ada@example.com", "Ada", "4", "2023-03-15 14:02:11", '"Customer","VIP"'],
        ]
    )  # fmt: skip
    google = csv_text(
        [
            ["Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Value"],
            ["Bob Builder", "Bob", "Builder", "* myContacts ::: Friends ::: * starred",
             "bob@example.com"],
        ]
    )  # fmt: skip
    imported(tenant, mailchimp)
    imported(tenant, google)
    people = _people(tenant)
    # tags were '"Customer"' with their quotes, and Google's groups one tag with the :::
    assert sorted(people["ada@example.com"]["tags"]) == ["Customer", "VIP"]
    assert sorted(people["bob@example.com"]["tags"]) == ["Friends", "starred"]


SHOPIFY_CUSTOMER = {
    "id": 207119551,
    "email": "ada@example.com",
    "accepts_marketing": True,
    "created_at": "2023-03-15T14:02:11-04:00",
    "updated_at": "2024-01-20T10:00:00-04:00",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "orders_count": 3,
    "state": "enabled",
    "total_spent": "199.65",
    "note": "likes tea",
    "verified_email": True,
    "tax_exempt": False,
    "tags": "VIP, Newsletter",
    "currency": "USD",
    "phone": "+16136120707",
    "addresses": [
        {"id": 1, "customer_id": 207119551, "first_name": "Ada", "last_name": "Lovelace",
         "company": "Analytical Ltd", "address1": "1 Main St", "address2": "Apt 2",
         "city": "Ottawa", "province": "Ontario", "country": "Canada", "zip": "K2P 1L4",
         "phone": "555-625-1199", "name": "Ada Lovelace", "province_code": "ON",
         "country_code": "CA", "country_name": "Canada", "default": False},
        {"id": 2, "address1": "2 Ship Rd", "city": "Toronto", "province": "Ontario",
         "province_code": "ON", "zip": "M5V 2T6", "country": "Canada", "country_code": "CA",
         "default": True},
    ],
    "email_marketing_consent": {"state": "subscribed", "opt_in_level": "confirmed_opt_in",
                                "consent_updated_at": "2023-03-16T09:00:00-04:00"},
    "sms_marketing_consent": {"state": "not_subscribed", "opt_in_level": "single_opt_in",
                              "consent_updated_at": None,
                              "consent_collected_from": "OTHER"},
    "admin_graphql_api_id": "gid://shopify/Customer/207119551",
    "default_address": {"id": 2, "address1": "2 Ship Rd", "city": "Toronto",
                        "province_code": "ON", "zip": "M5V 2T6", "country_code": "CA",
                        "default": True},
}  # fmt: skip


def test_a_shopify_customers_json_keeps_its_addresses_consent_and_account_state(tenant):
    """Shopify's address keys (address1, province_code, zip, country_code) were dropped, its
    account state "enabled" became the address region, and its consent object failed the
    row as not true or false."""
    import json

    run = imported(tenant, json.dumps({"customers": [SHOPIFY_CUSTOMER]}), "customers.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    [ada] = customers(tenant)
    addresses = [
        {k: a[k] for k in ("line1", "line2", "city", "region", "postcode", "country")}
        | {"default": a["is_default"]}
        for a in sorted(ada["addresses"], key=lambda a: a["line1"])
    ]
    # the default address's parts are not written over the first listed address either
    assert addresses == [
        {"line1": "1 Main St", "line2": "Apt 2", "city": "Ottawa", "region": "ON",
         "postcode": "K2P 1L4", "country": "CA", "default": False},
        {"line1": "2 Ship Rd", "line2": None, "city": "Toronto", "region": "ON",
         "postcode": "M5V 2T6", "country": "CA", "default": True},
    ]  # fmt: skip
    assert ada["attributes"] == {"account_state": "enabled"}
    consent = ada["consent"]
    assert (consent["email"], consent["email_at"][:19]) == (True, "2023-03-16T13:00:00"), consent
    assert (consent["sms"], consent["sms_source"]) == (False, "OTHER")
    assert (ada["ltv"], ada["notes"], sorted(ada["tags"])) == ("199.65", "likes tea",
                                                               ["Newsletter", "VIP"])  # fmt: skip


def test_json_contacts_with_lists_of_emails_and_phones_and_a_name_object(tenant):
    """A list of emails or phones failed the row ("must be text"), a name object too."""
    import json

    docs = [
        {"name": {"first": "Ada", "last": "Lovelace"},
         "emails": ["ada@example.com", "ada@home.example", "ada@work.example"],
         "phones": [{"number": "+1 415 555 0100", "type": "mobile"},
                    {"number": "+1 415 555 0101", "type": "home"}]},
        {"name": {"givenName": "Bob", "familyName": "Builder"},
         "emailAddresses": [{"value": "bob@work.example"},
                            {"value": "bob@example.com", "primary": True}],
         "phones": ["(415) 555-0102"]},
    ]  # fmt: skip
    run = imported(tenant, json.dumps(docs), "contacts.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), rows(
        tenant, run["id"]
    )
    people = _people(tenant)
    ada, bob = people["ada@example.com"], people["bob@example.com"]
    assert (ada["first_name"], ada["last_name"], bob["first_name"], bob["last_name"]) == (
        "Ada", "Lovelace", "Bob", "Builder",
    )  # fmt: skip
    assert (ada["phone_e164"], bob["phone_e164"]) == ("+14155550100", "+14155550102")
    assert ada["attributes"] == {
        "other_email": "ada@home.example, ada@work.example",
        "other_phone": "+1 415 555 0101",
    }
    assert bob["attributes"] == {"other_email": "bob@work.example"}


@pytest.mark.parametrize(
    ("header", "field"),
    [("Email Opt Out", "email_opt_out"), ("Unsubscribed from all email", "email_opt_out"),
     ("Do Not Email", "email_opt_out"), ("HasOptedOutOfEmail", "email_opt_out"),
     ("Unsubscribed", "email_opt_out"), ("SMS Opt Out", "sms_opt_out")],
)  # fmt: skip
def test_opt_out_columns_are_mapped_as_consent_turned_around(header, field):
    assert _fields(["Email", header])[header] == field


def test_an_opt_out_column_revokes_consent_and_never_grants_it(tenant):
    """Zoho's and Salesforce's "Email Opt Out" was left unmapped: a contact who had opted out
    kept the consent Rolodex held, or got the consent another column of the file gave."""
    made = tenant.client.post(
        "/v1/customers",
        json={"email": "cyd@example.com", "consent": {"email": True, "sms": True}},
        headers=tenant.headers(),
    )
    assert made.status_code == 201, made.text
    zoho = csv_text(
        [
            ["Email", "First Name", "Email Opt Out", "SMS Opt Out"],
            ["ada@example.com", "Ada", "true", "false"],
            ["bob@example.com", "Bob", "false", ""],
            ["cyd@example.com", "Cyd", "true", "true"],
        ]
    )  # fmt: skip
    run = imported(tenant, zoho, overwrite=True)
    assert run["progress"]["failed"] == 0, rows(tenant, run["id"])
    hubspot = csv_text(
        [
            ["Email", "Marketing consent", "Unsubscribed from all email"],
            ["dee@example.com", "yes", "Yes"],
            ["eve@example.com", "yes", "No"],
        ]
    )  # fmt: skip
    imported(tenant, hubspot)
    consent = {c["email"]: (c["consent"]["email"], c["consent"]["sms"]) for c in customers(tenant)}
    assert consent == {
        "ada@example.com": (False, False),
        "bob@example.com": (False, False),  # not opted out: still no consent given
        "cyd@example.com": (False, False),  # revoked
        "dee@example.com": (False, False),  # the opt-out wins over the consent beside it
        "eve@example.com": (True, False),
    }


def test_a_mailchimp_address_cell_is_split_into_its_parts(tenant):
    """Mailchimp writes the whole address in one cell, its parts two spaces apart: it all
    landed in the first line."""
    text = csv_text(
        [
            ["Email Address", "First Name", "Address", "Phone Number"],
            ["ada@example.com", "Ada", "123 Main St  Apt 4  Springfield  IL  62704  US", ""],
            ["bob@example.com", "Bob", "10 Downing St    London    SW1A 2AA  GB", ""],
            ["cyd@example.com", "Cyd", "1 Main St, Springfield, IL 62704", ""],
        ]
    )  # fmt: skip
    run = imported(tenant, text)
    assert run["progress"]["failed"] == 0, rows(tenant, run["id"])
    people = _people(tenant)
    parts = ("line1", "line2", "city", "region", "postcode", "country")
    found = {e: tuple(p["addresses"][0][k] for k in parts) for e, p in people.items()}
    assert found == {
        "ada@example.com": ("123 Main St", "Apt 4", "Springfield", "IL", "62704", "US"),
        "bob@example.com": ("10 Downing St", None, "London", None, "SW1A 2AA", "GB"),
        "cyd@example.com": ("1 Main St, Springfield, IL 62704", None, None, None, None, None),
    }


def test_constant_contact_and_brevo_exports_keep_addresses_phones_and_opt_outs(tenant):
    """Constant Contact writes an address's kind after its part ("City - Home"), Brevo its
    opt-outs as EMAIL_BLACKLISTED and SMS_BLACKLISTED: every such column was listed as not
    imported, so the customers came without an address and their opt-outs were lost."""
    constant = csv_text(
        [["Email address", "First name", "Last name", "Phone - mobile",
          "Street address line 1 - Home", "City - Home", "State/Province - Home",
          "Zip/Postal code - Home", "Country - Home", "Street address line 1 - Work",
          "City - Work", "Zip/Postal code - Work", "Country - Work", "Email permission status"],
         ["cara@cc.example", "Cara", "Diaz", "(312) 555-0147", "10 Lake St", "Chicago", "IL",
          "60601", "United States", "1 Office Rd", "Evanston", "60201", "United States",
          "Subscribed"]]
    )  # fmt: skip
    brevo = csv_text(
        [["CONTACT ID", "EMAIL", "FIRSTNAME", "LASTNAME", "LANDLINE_NUMBER", "ADDED_TIME",
          "EMAIL_BLACKLISTED", "SMS_BLACKLISTED"],
         ["12", "anna@brevo.example", "Anna", "Schmidt", "+493012345678", "2024-02-01 10:00:00",
          "true", "false"],
         ["13", "ben@brevo.example", "Ben", "Meyer", "", "2024-02-02 11:00:00", "false", "true"]],
        delimiter=";",
    )  # fmt: skip
    made = tenant.client.post(
        "/v1/customers",
        json={"email": "anna@brevo.example", "consent": {"email": True, "sms": True}},
        headers=tenant.headers(),
    )
    assert made.status_code == 201, made.text
    for name, text, done in (("constant.csv", constant, (1, 0)), ("brevo.csv", brevo, (1, 1))):
        run = imported(tenant, text, name, overwrite=True)
        progress = run["progress"]
        assert (progress["created"], progress["updated"], progress["failed"]) == (*done, 0), run
    people = _people(tenant)
    cara = people["cara@cc.example"]
    assert [(a["line1"], a["city"], a["region"], a["postcode"], a["country"])
            for a in cara["addresses"]] == [
        ("10 Lake St", "Chicago", "IL", "60601", "US"),
        ("1 Office Rd", "Evanston", None, "60201", "US"),
    ]  # fmt: skip
    assert (cara["phone_e164"], cara["consent"]["email"]) == ("+13125550147", True)
    anna = people["anna@brevo.example"]
    assert anna["phone_e164"] == "+493012345678"
    assert people["ben@brevo.example"]["created_at"][:10] == "2024-02-02"
    # blacklisted for email: consent revoked; not for SMS: the consent held is kept
    assert (anna["consent"]["email"], anna["consent"]["sms"]) == (False, True)


def test_a_name_column_beside_a_first_or_last_name_column_fills_the_other_part(tenant):
    """A "Name" column is the whole name, but beside "Last name" (MailerLite's export) it is
    the given name (or the whole name, holding the last): it was dropped, and the customers
    came without a first name, without a word. Beside "First name" it gives the last."""
    mailerlite = csv_text(
        [["Email", "Name", "Last name", "Company"],
         ["mia@ml.example", "Mia", "Wong", "Wong Inc"],
         ["ray@ml.example", "Ray Fox", "Fox", ""],  # the whole name in Name
         ["kim@ml.example", "Lee Kim", "Lee", ""],  # family name first
         ["solo@ml.example", "", "Solo", ""]]
    )  # fmt: skip
    german = csv_text(
        [["E-Mail", "Vorname", "Name"],
         ["jonas@de.example", "Jonas", "Becker"]]
    )  # fmt: skip
    english = csv_text(
        [["Email", "First name", "Name"],
         ["ann@en.example", "Ann", "Ann Lee"],
         ["bo@en.example", "Bo", "Bo"]]
    )  # fmt: skip
    full = csv_text(
        [["Email", "First Name", "Last Name", "Full Name"],
         ["cy@full.example", "Cy", "", "Cy Young"],  # the last name from the full one
         ["di@full.example", "", "Hart", "Di Hart"],
         ["ed@full.example", "Ed", "", "Edward Stone"]]  # holding neither end: not guessed
    )  # fmt: skip
    files = [("mailerlite.csv", mailerlite), ("kunden.csv", german), ("en.csv", english),
             ("full.csv", full)]  # fmt: skip
    for name, text in files:
        run = imported(tenant, text, name)
        assert run["progress"]["failed"] == 0, rows(tenant, run["id"])
    names = {c["email"]: (c["first_name"], c["last_name"]) for c in customers(tenant)}
    assert names == {
        "mia@ml.example": ("Mia", "Wong"),
        "ray@ml.example": ("Ray", "Fox"),
        "kim@ml.example": ("Kim", "Lee"),
        "solo@ml.example": (None, "Solo"),
        "jonas@de.example": ("Jonas", "Becker"),  # (Name beside Vorname: the surname already)
        "ann@en.example": ("Ann", "Lee"),
        "bo@en.example": ("Bo", None),
        "cy@full.example": ("Cy", "Young"),
        "di@full.example": ("Di", "Hart"),
        "ed@full.example": ("Ed", None),
    }


def test_a_bigcommerce_export_keeps_its_addresses(tenant):
    """BigCommerce writes a customer's addresses in one cell, "address_id: 1, address_line_1:
    3 Elm St, ..., address_city: Boston, ..." and several joined by "|": every row failed
    ("must be a list of address objects"), a BigCommerce export imported no one."""
    one = ("address_id: 1, address_first_name: Bea, address_last_name: Cole, address_company: "
           "Cole Co, address_line_1: 3 Elm St, Apt 2, address_line_2: , address_city: Boston, "
           "address_state: Massachusetts, address_zip: 02108, address_country: United States, "
           "address_phone: +16175550100")  # fmt: skip
    two = one + (" | address_id: 2, address_line_1: 9 Bay Rd, address_city: Salem, "
                 "address_state: Massachusetts, address_zip: 01970, "
                 "address_country: United States")  # fmt: skip
    text = csv_text(
        [["Customer ID", "First Name", "Last Name", "Email", "Phone", "Date Joined", "Addresses"],
         ["7", "Bea", "Cole", "bea@bc.example", "+16175550100", "2023-02-03", one],
         ["8", "Cy", "Dee", "cy@bc.example", "", "2023-02-04", two],
         ["9", "Di", "Eve", "di@bc.example", "", "2023-02-05", ""]]
    )  # fmt: skip
    run = imported(tenant, text, "customers.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (3, 0), run
    people = _people(tenant)
    found = {
        email: [(a["line1"], a["city"], a["region"], a["postcode"], a["country"])
                for a in people[email]["addresses"]]
        for email in ("bea@bc.example", "cy@bc.example", "di@bc.example")
    }  # fmt: skip
    assert found == {
        "bea@bc.example": [("3 Elm St, Apt 2", "Boston", "Massachusetts", "02108", "US")],
        "cy@bc.example": [("3 Elm St, Apt 2", "Boston", "Massachusetts", "02108", "US"),
                          ("9 Bay Rd", "Salem", "Massachusetts", "01970", "US")],
        "di@bc.example": [],
    }  # fmt: skip


def test_a_xero_export_keeps_its_postal_and_street_addresses(tenant):
    """Xero writes a contact's postal address as PO... columns and its street address as
    SA...: both were listed as not imported."""
    text = csv_text(
        [["*ContactName", "EmailAddress", "FirstName", "LastName", "POAddressLine1", "POCity",
          "POPostalCode", "POCountry", "SAAddressLine1", "SACity", "SAPostalCode", "SACountry"],
         ["Ann Lee Ltd", "ann@xero.example", "Ann", "Lee", "PO Box 12", "Wellington", "6011",
          "New Zealand", "1 Queen St", "Auckland", "1010", "New Zealand"],
         ["Street Only", "sam@xero.example", "Sam", "Ray", "", "", "", "", "2 King St",
          "Auckland", "1010", "New Zealand"]]
    )  # fmt: skip
    run = imported(tenant, text, "contacts.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    people = _people(tenant)
    found = {
        email: [(a["line1"], a["city"], a["postcode"], a["country"], a["is_default"])
                for a in people[email]["addresses"]]
        for email in ("ann@xero.example", "sam@xero.example")
    }  # fmt: skip
    assert found == {
        "ann@xero.example": [("PO Box 12", "Wellington", "6011", "NZ", True),
                             ("1 Queen St", "Auckland", "1010", "NZ", False)],
        "sam@xero.example": [("2 King St", "Auckland", "1010", "NZ", True)],
    }  # fmt: skip


def test_time_zones_named_as_zendesk_freshdesk_or_shopify_name_them_are_read(tenant):
    """Zendesk, Freshdesk and Shopify name time zones as Rails does ("Eastern Time (US &
    Canada)", "(GMT+01:00) Berlin"): every row of their exports failed as "not an IANA time
    zone". They are read as the IANA zone they stand for; a name that stands for none still
    fails its row."""
    text = csv_text(
        [["Email", "Name", "Time zone"],
         ["a@tz.example", "A", "Eastern Time (US & Canada)"],
         ["b@tz.example", "B", "(GMT+01:00) Berlin"],
         ["c@tz.example", "C", "Mexico City"],
         ["d@tz.example", "D", "Europe/Paris"],
         ["e@tz.example", "E", "New Delhi"],
         ["f@tz.example", "F", "Atlantis Standard Time"]]
    )  # fmt: skip
    run = imported(tenant, text, "users.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (5, 1), run
    zones = {c["email"]: [a["timezone"] for a in c["addresses"]] for c in customers(tenant)}
    assert zones == {
        "a@tz.example": ["America/New_York"],
        "b@tz.example": ["Europe/Berlin"],
        "c@tz.example": ["America/Mexico_City"],
        "d@tz.example": ["Europe/Paris"],
        "e@tz.example": ["Asia/Kolkata"],
    }


SHOPIFY_ORDERS = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Accepts Marketing",
    "Currency", "Total", "Created at", "Lineitem quantity", "Lineitem name", "Billing Name",
    "Billing Street", "Billing Address1", "Billing Address2", "Billing Company", "Billing City",
    "Billing Zip", "Billing Province", "Billing Country", "Billing Phone", "Shipping Name",
    "Shipping Street", "Shipping Address1", "Shipping Address2", "Shipping City",
    "Shipping Zip", "Shipping Province", "Shipping Country", "Tags",
]  # fmt: skip


def test_a_shopify_orders_export_names_its_customers_by_their_billing_name(tenant):
    """Shopify's orders export heads the order's number "Name" (#1001): its customers were
    named "#1001" and their Billing Name was not imported; its "Street" (Address1 and
    Address2 in one) beside "Address1" made each a second address of one line."""
    text = csv_text(
        [SHOPIFY_ORDERS,
         ["#1001", "ann@shop.example", "paid", "2024-01-05 10:00:00 -0500", "fulfilled", "yes",
          "USD", "26.60", "2024-01-05 09:59:00 -0500", "1", "Mug", "Ann Lee",
          "1 Main St, Apt 4", "1 Main St", "Apt 4", "Lee Co", "Springfield", "62701", "IL",
          "US", "+12175550134", "Ann Lee", "9 Oak Rd", "9 Oak Rd", "", "Decatur", "62521",
          "IL", "US", "vip"],
         ["#1001", "ann@shop.example", "", "", "", "", "", "", "2024-01-05 09:59:00 -0500",
          "2", "Plate", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
          "", ""]]
    )  # fmt: skip
    run = imported(tenant, text, "orders_export.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    assert any("order" in w and "'Name'" in w for w in run["warnings"]), run["warnings"]
    (ann,) = customers(tenant)
    assert (ann["first_name"], ann["last_name"], ann["company"]) == ("Ann", "Lee", "Lee Co")
    assert [(a["line1"], a["line2"], a["city"], a["postcode"]) for a in ann["addresses"]] == [
        ("1 Main St", "Apt 4", "Springfield", "62701"),
        ("9 Oak Rd", None, "Decatur", "62521"),
    ]


def test_a_shopify_orders_export_links_no_order_id_and_keeps_one_address_for_both(tenant):
    """Its "Id" is the order's id: a customer of two orders was linked under both ids (a
    third import of the shop's customers would have found neither); an order shipped to where
    it was billed (nearly every one) gave its customer the same address twice, billing and
    shipping."""
    text = csv_text(
        [[*SHOPIFY_ORDERS, "Id"],
         ["#1002", "bo@shop.example", "paid", "2024-02-01 10:00:00 -0500", "fulfilled", "no",
          "USD", "12.00", "2024-02-01 09:59:00 -0500", "1", "Cup", "Bo Chan", "3 Elm St",
          "3 Elm St", "", "", "Austin", "73301", "TX", "US", "", "Bo Chan", "3 Elm St",
          "3  ELM st", "", "Austin", "73301", "TX", "US", "", "5550002"],
         ["#1001", "bo@shop.example", "paid", "2024-01-05 10:00:00 -0500", "fulfilled", "no",
          "USD", "26.60", "2024-01-05 09:59:00 -0500", "1", "Mug", "Bo Chan", "3 Elm St",
          "3 Elm St", "", "", "Austin", "73301", "TX", "US", "", "Bo Chan", "3 Elm St",
          "3 Elm St", "", "Austin", "73301", "TX", "US", "", "5550001"]]
    )  # fmt: skip
    run = imported(tenant, text, "orders_export.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    assert any("'Id'" in w and "order's id" in w for w in run["warnings"]), run["warnings"]
    (bo,) = customers(tenant)
    assert [(s["source"], s["external_id"]) for s in bo["sources"]] == [("import", None)]
    assert [(a["type"], a["line1"], a["city"], a["postcode"]) for a in bo["addresses"]] == [
        ("both", "3 Elm St", "Austin", "73301")
    ]


def test_billing_and_shipping_addresses_apart_stay_two_and_a_typed_pair_stays_as_typed(tenant):
    text = csv_text(
        [["Email", "Billing Address", "Billing City", "Shipping Address", "Shipping City"],
         ["cy@shop.example", "1 Main St", "Boston", "1 Main St", "Salem"],
         ["di@shop.example", "5 Oak Rd", "Boston", "5 Oak Rd", "Boston"]]
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    kept = {c["email"]: [(a["type"], a["city"]) for a in c["addresses"]] for c in customers(tenant)}
    assert kept == {
        "cy@shop.example": [("billing", "Boston"), ("shipping", "Salem")],
        "di@shop.example": [("both", "Boston")],
    }
    # an export of Rolodex's own writes each address with its type: a customer holding the
    # same place as a billing and a shipping address is copied as it is
    own = csv_text(
        [["email", "address1_type", "address1_line1", "address1_city", "address2_type",
          "address2_line1", "address2_city"],
         ["ed@shop.example", "billing", "7 Pine Rd", "Boston", "shipping", "7 Pine Rd",
          "Boston"]]
    )  # fmt: skip
    imported(tenant, own)
    ed = next(c for c in customers(tenant) if c["email"] == "ed@shop.example")
    assert [a["type"] for a in ed["addresses"]] == ["billing", "shipping"]


def test_a_linkedin_connections_export_is_read_below_its_notes(tenant):
    """LinkedIn's Connections.csv starts with a "Notes:" line and a paragraph above its
    header: "Notes:" maps (to notes) and was taken for the header, and every row failed as
    wider than it. Its URL (the profile), Position and Connected On were not imported."""
    text = (
        "Notes:\n"
        '"When exporting your connection data, you may notice that some of the email addresses'
        " are missing. You will only see email addresses for connections who have allowed "
        'their connections to see or download their email address."\n'
        "\n"
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,Lee,https://www.linkedin.com/in/annlee,ann@li.example,Acme Inc,Head of Sales,"
        "07 Dec 2023\n"
        "Bo,Chan,https://www.linkedin.com/in/bochan,,Globex,CTO,15 Jan 2022\n"
    )
    run = imported(tenant, text, "Connections.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    assert any("line 4" in w and "'Notes:'" in w for w in run["warnings"]), run["warnings"]
    people = {c["last_name"]: c for c in customers(tenant)}
    ann, bo = people["Lee"], people["Chan"]
    assert (ann["email"], ann["company"], ann["created_at"][:10]) == (
        "ann@li.example",
        "Acme Inc",
        "2023-12-07",
    )
    assert ann["attributes"] == {
        "linkedin": "https://www.linkedin.com/in/annlee",
        "job_title": "Head of Sales",
    }
    assert (bo["email"], bo["attributes"]["job_title"]) == (None, "CTO")
    assert [e["line"] for e in rows(tenant, run["id"])] == [5, 6]


@pytest.mark.parametrize(
    ("header", "field"),
    [("Job Title", "attr.job_title"), ("Position", "attr.job_title"),
     ("Organization Title", "attr.job_title"), ("Website 1 - Value", "attr.website"),
     ("Gender", "attr.gender"), ("Pronouns", "attr.pronouns"),
     ("Website", "attr.website"), ("Web Page", "attr.website"), ("LinkedIn URL", "attr.linkedin"),
     ("Title", "attr.job_title"), ("URL", None)],  # a bare Title: a job title or Mr. by value
)  # fmt: skip
def test_a_contacts_job_title_website_and_linkedin_are_kept_as_attributes(header, field):
    assert _fields([header]) == {header: field}


def test_a_one_column_file_whose_header_is_one_word_keeps_it_as_its_header(tenant):
    run = imported(tenant, "Email\na@one.example\nb@one.example\n", "one.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    assert not any("title" in w for w in run["warnings"]), run["warnings"]


def test_calendly_etsy_facebook_leads_and_google_forms_exports_are_read(tenant):
    """Calendly's invitees ("Invitee Email": the whole file was refused, no column mapping),
    Etsy's orders ("Street 1", "Ship City" not imported beside "Street 2" as the first line;
    "Status: Completed", the order's, failed every row), Facebook's lead ads (lead_status
    CREATED failed every row as a stage; its phones are written "p:+1..."), a Google Form's
    "How did you hear about us?" (the acquisition source)."""
    calendly = csv_text(
        [["Invitee Name", "Invitee First Name", "Invitee Last Name", "Invitee Email",
          "Text Reminder Number", "Event Type Name", "Invitee Time Zone"],
         ["Cal Lee", "Cal", "Lee", "cal@tools.example", "+1 503-555-0100", "Intro Call",
          "Pacific Time - US & Canada"]]
    )  # fmt: skip
    etsy = csv_text(
        [["Sale Date", "Order ID", "Buyer User ID", "Full Name", "First Name", "Last Name",
          "Street 1", "Street 2", "Ship City", "Ship State", "Ship Zipcode", "Ship Country",
          "Order Total", "Status", "Buyer"],
         ["03/05/24", "3012345678", "987654321", "Et Sy", "Et", "Sy", "12 Oak St", "Apt 4",
          "Portland", "OR", "97201", "United States", "30.00", "Completed", "etsy123"]]
    )  # fmt: skip
    leads = csv_text(
        [["id", "created_time", "ad_id", "ad_name", "adset_id", "campaign_id", "campaign_name",
          "form_id", "is_organic", "platform", "full_name", "email", "phone_number",
          "lead_status"],
         ["l:1234567890123456", "2024-03-05T10:15:30-08:00", "ag:1", "Spring Ad", "as:2",
          "c:3", "Spring Campaign", "f:4", "false", "ig", "Fay Book", "fay@tools.example",
          "p:+15035550101", "CREATED"]]
    )  # fmt: skip
    form = csv_text(
        [["Timestamp", "Email Address", "Name", "How did you hear about us?"],
         ["3/5/2024 10:15:30", "gf@tools.example", "Gee Form", "Instagram"]]
    )  # fmt: skip
    for name, text in (("calendly", calendly), ("etsy", etsy), ("leads", leads),
                       ("form", form)):  # fmt: skip
        run = imported(tenant, text, f"{name}.csv")
        assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), (name, run)
    found = {c["last_name"]: c for c in customers(tenant)}
    cal = found["Lee"]
    assert (cal["email"], cal["phone_e164"]) == ("cal@tools.example", "+15035550100")
    sy = found["Sy"]
    assert [(a["type"], a["line1"], a["line2"], a["city"], a["postcode"], a["country"])
            for a in sy["addresses"]] == [
        ("both", "12 Oak St", "Apt 4", "Portland", "97201", "US")
    ]  # fmt: skip
    assert (sy["status"], [s["external_id"] for s in sy["sources"]]) == ("active", ["987654321"])
    fay = found["Book"]
    assert (fay["lifecycle_stage"], fay["phone_e164"]) == ("prospect", "+15035550101")
    assert (fay["utm"]["campaign"], fay["utm"]["content"], fay["utm"]["source"]) == (
        "Spring Campaign",
        "Spring Ad",
        "ig",
    )
    assert found["Form"]["acquisition_source"] == "Instagram"


def test_a_salon_or_studio_client_list_keeps_its_consent_referral_and_gender(tenant):
    """Mindbody-style client lists: "Marketing Emails Opt-in", "Text Message Opt-in",
    "Referred By" and "Gender" were not imported (the consents lost)."""
    text = csv_text(
        [["Client ID", "First Name", "Last Name", "Email", "Mobile Phone", "Home Phone",
          "Birthday", "Gender", "Client Since", "Last Visit", "Total Visits", "Referred By",
          "Marketing Emails Opt-in", "Text Message Opt-in"],
         ["100023", "Sara", "Pine", "sara@studio.example", "(503) 555-0111", "(503) 555-0112",
          "04/12/1985", "Female", "01/15/2019", "11/20/2024", "37", "Instagram", "Yes", "No"]]
    )  # fmt: skip
    run = imported(tenant, text, "clients.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (sara,) = customers(tenant)
    assert (sara["consent"]["email"], sara["consent"]["sms"]) == (True, False)
    assert sara["consent"]["email_at"] is not None  # given, as the file says
    assert sara["acquisition_source"] == "Instagram"
    assert sara["attributes"] == {
        "birthday": "1985-04-12",
        "gender": "Female",
        "other_phone": "(503) 555-0112",
        "visits": 37,  # Total Visits
    }
    assert (sara["created_at"][:10], sara["last_active_at"][:10]) == ("2019-01-15", "2024-11-20")
    assert [s["external_id"] for s in sara["sources"]] == ["100023"]


def test_substack_gumroad_and_patreon_lists_keep_opt_outs_ids_and_since(tenant):
    """Substack's email_disabled and Gumroad's "Do not contact?" (opt-outs) were not
    imported, nor Patreon's "User ID" and "Patronage Since Date"."""
    consented(tenant, "sub@creator.example", "gum@creator.example")  # both had said yes
    substack = csv_text(
        [["email", "active_subscription", "plan", "email_disabled", "created_at"],
         ["sub@creator.example", "false", "", "true", "2023-02-06T10:00:00.000Z"]]
    )  # fmt: skip
    gumroad = csv_text(
        [["Purchase Date", "Item Name", "Buyer Name", "Buyer Email", "Do not contact?", "Price"],
         ["2024-03-05", "Ebook", "Gum Road", "gum@creator.example", "1", "10.00"]]
    )  # fmt: skip
    patreon = csv_text(
        [["Name", "Email", "Patron Status", "Tier", "Patronage Since Date", "User ID"],
         ["Pat Ron", "pat@creator.example", "Active patron", "Gold",
          "2022-05-01 10:00:00.000000", "12345678"]]
    )  # fmt: skip
    for name, text in (("substack", substack), ("gumroad", gumroad), ("patreon", patreon)):
        run = imported(tenant, text, f"{name}.csv")
        assert run["progress"]["failed"] == 0, (name, run)
    found = {c["email"]: c for c in customers(tenant)}
    assert found["sub@creator.example"]["consent"]["email"] is False
    assert found["gum@creator.example"]["consent"]["email"] is False
    pat = found["pat@creator.example"]
    assert (pat["created_at"][:10], [s["external_id"] for s in pat["sources"]]) == (
        "2022-05-01",
        ["12345678"],
    )


def test_an_email_cell_as_a_mail_program_writes_it_is_read(tenant):
    """ "Jane Smith <jane@x.com>" (copied from a To: line), several addresses in one cell and
    "mailto:" each failed the row as not an email address."""
    text = csv_text(
        [["Name", "Email"],
         ["Jane Smith", "Jane Smith <jane@mail.example>"],
         ["John Public", "john@mail.example; jq@mail.example"],
         ["Ann Lee", "ann@mail.example, ann.lee@work.example"],
         ["Mai To", "mailto:mai@mail.example"],
         ["Not Two", "not@two@mail.example"]]
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (4, 1), run
    found = {c["last_name"]: c for c in customers(tenant)}
    assert found["Smith"]["email"] == "jane@mail.example"
    assert (found["Public"]["email"], found["Public"]["attributes"]) == (
        "john@mail.example",
        {"other_email": "jq@mail.example"},
    )
    assert found["Lee"]["attributes"] == {"other_email": "ann.lee@work.example"}
    assert found["To"]["email"] == "mai@mail.example"
    notes = [r["note"] for r in rows(tenant, run["id"]) if r["note"]]
    assert "Email 'Jane Smith <jane@mail.example>' read as jane@mail.example" in notes


def test_a_phone_cell_with_two_numbers_or_a_label_and_excels_short_dates_are_read(tenant):
    """Two numbers in one phone cell ("... / ...", "..., ...", "... or ...") or a label after
    the number ("(mobile)", "- cell") failed the row as not a phone number; Excel's d-mmm-yy
    dates (5-Jan-24) as not a date."""
    text = csv_text(
        [["Name", "Email", "Phone", "Signup Date"],
         ["A One", "a1@cells.example", "503-555-0100 / 503-555-0199", "5-Jan-24"],
         ["B Two", "b2@cells.example", "+1 503 555 0101 (mobile)", "05-JAN-2024"],
         ["C Three", "c3@cells.example", "503-555-0104, 503-555-0105", "12-Mar-99"],
         ["D Four", "d4@cells.example", "503-555-0106 - cell", "5 Jan 24"],
         ["E Five", "e5@cells.example", "503-555-0100, ext 12", ""]]
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (5, 0), run
    found = {c["last_name"]: c for c in customers(tenant)}
    assert (found["One"]["phone_e164"], found["One"]["attributes"]) == (
        "+15035550100",
        {"other_phone": "503-555-0199"},
    )
    assert (found["Two"]["phone_e164"], found["Two"]["attributes"]) == ("+15035550101", {})
    assert found["Three"]["attributes"] == {"other_phone": "503-555-0105"}
    assert found["Four"]["phone_e164"] == "+15035550106"
    created = [found[n]["created_at"][:10] for n in ("One", "Two", "Three", "Four")]
    assert created == ["2024-01-05", "2024-01-05", "1999-03-12", "2024-01-05"]
    # an extension is no second number: the cell is read as it is (the number, its extension)
    assert (found["Five"]["phone"], found["Five"]["phone_e164"]) == (
        "503-555-0100, ext 12",
        "+15035550100",
    )


def test_a_sheets_check_marks_are_yes_and_no(tenant):
    """A consent column ticked "✓" or crossed "✗" failed its row as no yes or no."""
    text = csv_text(
        [["Email", "Newsletter", "SMS"],
         ["tick@marks.example", "✓", "☐"],
         ["box@marks.example", "☑", "✗"],
         ["none@marks.example", "☒", ""]]
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), run
    found = {c["email"]: c["consent"] for c in customers(tenant)}
    assert [(found[e]["email"], found[e]["sms"]) for e in ("tick@marks.example",
                                                          "box@marks.example")] == [
        (True, False), (True, False)
    ]  # fmt: skip


def test_tags_written_as_hashtags_are_each_a_tag_and_such_a_tag_is_copied_whole(tenant):
    """ "#vip #newsletter" was one tag of that text; a stored tag that reads so is exported as
    a JSON list, so that a copy keeps it whole."""
    run = imported(tenant, csv_text([["Email", "Tags"], ["hash@tags.example", "#vip #newsletter"]]))
    assert run["progress"]["created"] == 1, run
    (one,) = customers(tenant)
    assert one["tags"] == ["newsletter", "vip"]
    made = tenant.client.post(
        "/v1/customers", json={"email": "whole@tags.example", "tags": ["#a #b"]},
        headers=tenant.headers(),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    file = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=tenant.headers())
    empty = make_tenant(tenant.client, "Copy of tags")
    imported(empty, file.content, "copy.csv")
    copied = {c["email"]: c["tags"] for c in customers(empty)}
    assert copied["whole@tags.example"] == ["#a #b"]


def test_field_service_and_accounting_exports_keep_every_phone_email_and_address_part(tenant):
    """FreshBooks' "Province/State" and "Postal Code/Zip" (a field named twice) were lost, as
    were Jobber's main and mobile numbers and its service address, Housecall Pro's home and
    work numbers, additional emails and "Street Line 2"."""
    freshbooks = csv_text(
        [["Organization", "First Name", "Last Name", "Email", "Phone", "Address Line 1",
          "City", "Province/State", "Country", "Postal Code/Zip", "Currency"],
         ["Pine Bakery", "Sara", "Pine", "sara@pine.example", "(503) 555-0111", "1 Main St",
          "Portland", "OR", "United States", "97201", "USD"]]
    )  # fmt: skip
    jobber = csv_text(
        [["Display Name", "First Name", "Last Name", "Main Phone #s", "Mobile Phone #s",
          "E-mails", "Billing Street 1", "Billing City", "Billing State", "Billing Zip code",
          "Service Street 1", "Service City", "Service State", "Service Zip code"],
         ["Joe Field", "Joe", "Field", "(503) 555-0121", "(503) 555-0122",
          "joe@field.example", "9 Office Rd", "Salem", "OR", "97301", "4 Farm Ln",
          "Albany", "OR", "97321"]]
    )  # fmt: skip
    housecall = csv_text(
        [["First Name", "Last Name", "Mobile Number", "Home Number", "Work Number", "Email",
          "Additional Emails", "Address", "Street Line 2", "City", "State", "Zip"],
         ["Hal Call", "Call", "(503) 555-0131", "(503) 555-0132", "", "hal@call.example",
          "hal@work.example", "5 Elm St", "Unit 2", "Eugene", "OR", "97401"]]
    )  # fmt: skip
    _each_imported(tenant, {"freshbooks": freshbooks, "jobber": jobber, "housecall": housecall})
    found = _people(tenant)
    [sara] = found["sara@pine.example"]["addresses"]
    assert (sara["region"], sara["postcode"]) == ("OR", "97201")
    joe = found["joe@field.example"]
    assert (joe["phone_e164"], joe["attributes"]["other_phone"]) == (
        "+15035550121",
        "(503) 555-0122",
    )
    kinds = {a["type"]: (a["line1"], a["city"]) for a in joe["addresses"]}
    assert kinds == {"billing": ("9 Office Rd", "Salem"), "shipping": ("4 Farm Ln", "Albany")}
    hal = found["hal@call.example"]
    assert hal["attributes"] == {"other_phone": "(503) 555-0132",
                                 "other_email": "hal@work.example"}  # fmt: skip
    assert hal["addresses"][0]["line2"] == "Unit 2"


def test_point_of_sale_booking_and_course_exports_keep_their_consent(tenant):
    """Clover's "Marketing Allowed", Squarespace's "Subscribed to Marketing", Vagaro's
    "Email Promotions" and "Text Promotions" (consents) and Teachable's
    unsubscribe_from_marketing_emails (an opt-out) were not imported."""
    consented(tenant, "tea@course.example")
    files = {
        "clover": [["Customer ID", "First Name", "Email Address", "Marketing Allowed"],
                   ["C1", "Clo", "clo@pos.example", "true"]],
        "squarespace": [["Email", "Name", "Subscribed to Marketing", "Customer Since"],
                        ["squ@shop.example", "Squ Are", "Yes", "2024-01-02"]],
        "vagaro": [["First Name", "Last Name", "Email", "Cell Phone", "Day Phone",
                    "Email Promotions", "Text Promotions"],
                   ["Vag", "Aro", "vag@salon.example", "(503) 555-0141", "(503) 555-0142",
                    "Yes", "Yes"]],
        "teachable": [["name", "email", "unsubscribe_from_marketing_emails"],
                      ["Tea Chable", "tea@course.example", "true"]],
    }  # fmt: skip
    for name, table in files.items():
        run = imported(tenant, csv_text(table), f"{name}.csv")
        assert run["progress"]["failed"] == 0, (name, run)
    found = _people(tenant)
    assert found["clo@pos.example"]["consent"]["email"] is True
    assert found["squ@shop.example"]["consent"]["email"] is True
    vag = found["vag@salon.example"]
    assert (vag["consent"]["email"], vag["consent"]["sms"]) == (True, True)
    assert vag["attributes"]["other_phone"] == "(503) 555-0142"
    assert found["tea@course.example"]["consent"]["email"] is False


def test_a_subscribers_state_is_no_region_and_kits_api_state_is_its_consent(tenant):
    """Kit's (ConvertKit's) subscribers: a bare "state" of active, cancelled or bounced was
    stored as an address whose region was "active"."""
    kit_csv = csv_text(
        [["id", "first_name", "email_address", "state", "created_at"],
         ["101", "Kim", "kim@kit.example", "active", "2024-01-02T10:00:00Z"],
         ["102", "Ken", "ken@kit.example", "bounced", "2024-01-03T10:00:00Z"]]
    )  # fmt: skip
    run = imported(tenant, kit_csv, "subscribers.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    page = (
        '{"subscribers": [{"id": 201, "first_name": "Kay", "email_address": "kay@kit.example",'
        ' "state": "active", "created_at": "2024-02-01T10:00:00Z", "fields": {}},'
        ' {"id": 202, "first_name": "Kai", "email_address": "kai@kit.example",'
        ' "state": "cancelled", "created_at": "2024-02-02T10:00:00Z", "fields": {}}],'
        ' "pagination": {"has_next_page": false}}'
    )
    consented(tenant, "kai@kit.example")
    run = imported(tenant, page, "subscribers.json")
    assert run["progress"]["failed"] == 0, run
    found = _people(tenant)
    for email in ("kim@kit.example", "ken@kit.example", "kay@kit.example"):
        assert found[email]["addresses"] == [], email
    assert found["kim@kit.example"]["attributes"]["account_state"] == "active"
    assert found["ken@kit.example"]["consent"]["email"] is False
    assert found["kay@kit.example"]["consent"]["email"] is True
    assert found["kai@kit.example"]["consent"]["email"] is False


def test_square_pipedrive_activecampaign_and_zendesk_api_json_is_read_whole(tenant):
    """Square's API customers with a reference_id failed every row (two external ids: its
    id and the shop's reference); their region (administrative_district_level_1) and their
    opt-out (preferences.email_unsubscribed) were lost; so were Pipedrive's and
    ActiveCampaign's company and created time (org_name, add_time; orgname, cdate) and
    Zendesk's user_fields."""
    consented(tenant, "amelia@example.com")
    square = {
        "customers": [
            {
                "id": "JDKYHBWT1D4F8MFH63DBMEN8Y4",
                "created_at": "2016-03-23T20:21:54.859Z",
                "given_name": "Amelia",
                "family_name": "Earhart",
                "email_address": "amelia@example.com",
                "address": {
                    "address_line_1": "500 Electric Ave",
                    "locality": "New York",
                    "administrative_district_level_1": "NY",
                    "postal_code": "10003",
                    "country": "US",
                },
                "reference_id": "REF-77",
                "preferences": {"email_unsubscribed": True},
                "creation_source": "THIRD_PARTY",
                "version": 1,
            }
        ],
        "cursor": "next",
    }
    pipedrive = {
        "success": True,
        "data": [
            {
                "id": 7,
                "name": "Pip Drive",
                "first_name": "Pip",
                "last_name": "Drive",
                "email": [{"value": "pip@drive.example", "primary": True, "label": "work"}],
                "org_name": "Drive Co",
                "add_time": "2020-01-02 10:00:00",
            }
        ],
    }
    active = {
        "contacts": [
            {
                "id": "3",
                "email": "ac@tive.example",
                "firstName": "Ac",
                "lastName": "Tive",
                "orgname": "Tive Org",
                "cdate": "2018-09-12T16:53:47-05:00",
            }
        ]
    }
    zendesk = {
        "users": [
            {
                "id": 35436,
                "name": "Zen Desk",
                "email": "zen@desk.example",
                "user_fields": {"plan": "gold"},
            }
        ],
        "next_page": None,
        "count": 1,
    }
    for name, doc in (
        ("square", square),
        ("pipedrive", pipedrive),
        ("activecampaign", active),
        ("zendesk", zendesk),
    ):
        run = imported(tenant, json.dumps(doc), f"{name}.json")
        assert run["progress"]["failed"] == 0, (name, run)
    found = _people(tenant)
    amelia = found["amelia@example.com"]
    assert amelia["addresses"][0]["region"] == "NY"
    assert amelia["consent"]["email"] is False
    imported_ids = [s["external_id"] for s in amelia["sources"] if s["source"] == "import"]
    assert imported_ids == ["JDKYHBWT1D4F8MFH63DBMEN8Y4"]
    assert amelia["attributes"]["reference_id"] == "REF-77"
    pip = found["pip@drive.example"]
    assert (pip["company"], pip["created_at"][:10]) == ("Drive Co", "2020-01-02")
    ac = found["ac@tive.example"]
    assert (ac["company"], ac["created_at"][:10]) == ("Tive Org", "2018-09-12")
    assert found["zen@desk.example"]["attributes"] == {"plan": "gold"}


def test_yahoo_and_thunderbird_address_books_keep_the_street_and_the_birthday(tenant):
    """Their "Home Address" and "Work Address" (the street, beside city, state and zip and no
    "Home Street") were lost as Outlook's whole address in one cell; Thunderbird's Birth Day
    alone ("12") was stored as the birthday, beside its Birth Year and Birth Month."""
    yahoo = csv_text(
        [["First", "Last", "Email", "Alternate Email 1", "Mobile", "Work Address", "Work City",
          "Work State", "Work ZIP", "Home Address", "Home City", "Home State", "Home ZIP"],
         ["Yan", "Hoo", "yan@hoo.example", "yan@old.example", "(503) 555-0151",
          "1 Office Pl", "Portland", "OR", "97201", "2 Home Ct", "Salem", "OR", "97301"]]
    )  # fmt: skip
    thunderbird = csv_text(
        [["First Name", "Last Name", "Primary Email", "Home Address", "Home Address 2",
          "Home City", "Home State", "Home ZipCode", "Web Page 1", "Birth Year", "Birth Month",
          "Birth Day"],
         ["Thun", "Der", "thun@der.example", "3 Bird Way", "Apt 5", "Eugene", "OR", "97401",
          "https://der.example", "1984", "7", "12"],
         ["Bird", "Less", "bird@der.example", "", "", "", "", "", "", "", "2", "29"]]
    )  # fmt: skip
    for name, text in (("yahoo", yahoo), ("thunderbird", thunderbird)):
        run = imported(tenant, text, f"{name}.csv")
        assert run["progress"]["failed"] == 0, (name, run)
    found = _people(tenant)
    yan = found["yan@hoo.example"]
    assert sorted((a["line1"], a["city"]) for a in yan["addresses"]) == [
        ("1 Office Pl", "Portland"), ("2 Home Ct", "Salem")]  # fmt: skip
    assert yan["attributes"]["other_email"] == "yan@old.example"
    thun = found["thun@der.example"]
    [home] = thun["addresses"]
    assert (home["line1"], home["line2"], home["city"]) == ("3 Bird Way", "Apt 5", "Eugene")
    assert thun["attributes"] == {"birthday": "1984-07-12", "website": "https://der.example"}
    assert found["bird@der.example"]["attributes"] == {"birthday": "--02-29"}


def test_newsletter_booking_and_crm_columns_of_consent_and_company_are_read(tenant):
    """Omnisend's "SMS Status", Booksy's "Agreed to marketing", Campaign Monitor's "Date
    Subscribed" and Salesforce's "Company / Account" were not imported; Campaign Monitor's
    subscriber state "Active" failed its row."""
    files = {
        "omnisend": [["Email", "Phone", "Email Status", "SMS Status"],
                     ["omni@send.example", "(503) 555-0161", "subscribed", "subscribed"]],
        "booksy": [["Name", "Phone", "Email", "Agreed to marketing"],
                   ["Boo Ksy", "(503) 555-0162", "boo@ksy.example", "Yes"]],
        "campaignmonitor": [["Email Address", "Name", "Subscriber Status", "Date Subscribed"],
                            ["cam@mon.example", "Cam Mon", "Active", "2023-05-06 10:00:00"]],
        "salesforce": [["Lead ID", "First Name", "Last Name", "Company / Account", "Email"],
                       ["00Q1", "Sal Es", "Force", "Force Inc", "sal@force.example"]],
    }  # fmt: skip
    for name, table in files.items():
        run = imported(tenant, csv_text(table), f"{name}.csv")
        assert run["progress"]["failed"] == 0, (name, run)
    found = _people(tenant)
    omni = found["omni@send.example"]
    assert (omni["consent"]["email"], omni["consent"]["sms"]) == (True, True)
    assert found["boo@ksy.example"]["consent"]["email"] is True
    assert found["sal@force.example"]["company"] == "Force Inc"
    cam = found["cam@mon.example"]  # its "Active" failed the row, as no consent word
    assert (cam["consent"]["email"], cam["consent"]["email_at"][:10]) == (True, "2023-05-06")


def test_zoho_books_and_zenoti_exports_keep_the_email_postcodes_id_and_consents(tenant):
    """Zoho Books' "EmailID" (the email: every row was refused as naming no one when it was
    the only contact) and its addresses' "Code" (the postcode), Zenoti's Guest Code, its
    opt-ins and Last Visit Date were not imported."""
    books = csv_text(
        [["Display Name", "First Name", "Last Name", "EmailID", "Billing Address",
          "Billing City", "Billing Code", "Billing Country", "Shipping Address",
          "Shipping City", "Shipping Code"],
         ["Bo Oks", "Bo", "Oks", "bo@books.example", "1 Ledger Rd", "Pune", "411001", "India",
          "2 Dock Rd", "Mumbai", "400001"]]
    )  # fmt: skip
    zenoti = csv_text(
        [["Guest Code", "First Name", "Last Name", "Mobile Number", "Email", "Last Visit Date",
          "Opt-in for Marketing Emails", "Opt-in for SMS"],
         ["G-1001", "Zen", "Oti", "(503) 555-0171", "zen@oti.example", "2024-11-02", "Yes",
          "No"]]
    )  # fmt: skip
    _each_imported(tenant, {"zoho-books": books, "zenoti": zenoti})
    found = _people(tenant)
    bo = found["bo@books.example"]
    assert sorted((a["city"], a["postcode"]) for a in bo["addresses"]) == [
        ("Mumbai", "400001"), ("Pune", "411001")]  # fmt: skip
    zen = found["zen@oti.example"]
    assert (zen["consent"]["email"], zen["consent"]["sms"]) == (True, False)
    assert zen["last_active_at"][:10] == "2024-11-02"
    assert [s["external_id"] for s in zen["sources"]] == ["G-1001"]


SHOPIFY_GRAPHQL = [
    {"id": "gid://shopify/Customer/7001", "email": "gq@shop.example", "firstName": "Gra",
     "lastName": "Phql", "createdAt": "2023-01-02T03:04:05Z", "tags": ["vip"],
     "state": "ENABLED", "numberOfOrders": "3",
     "amountSpent": {"amount": "199.50", "currencyCode": "USD"},
     "defaultAddress": {"id": "gid://shopify/MailingAddress/2", "address1": "2 Ship Rd",
                        "city": "Toronto", "provinceCode": "ON", "countryCodeV2": "CA",
                        "zip": "M5V 2T6"},
     "addresses": [{"id": "gid://shopify/MailingAddress/1", "address1": "1 Main St",
                    "city": "Ottawa", "provinceCode": "ON", "countryCodeV2": "CA",
                    "zip": "K2P 1L4"},
                   {"id": "gid://shopify/MailingAddress/2", "address1": "2 Ship Rd",
                    "city": "Toronto", "provinceCode": "ON", "countryCodeV2": "CA",
                    "zip": "M5V 2T6"}],
     "emailMarketingConsent": {"marketingState": "SUBSCRIBED",
                               "consentUpdatedAt": "2023-01-02T03:04:05Z"},
     "smsMarketingConsent": {"marketingState": "NOT_SUBSCRIBED", "consentUpdatedAt": None}},
    {"id": "gid://shopify/Customer/7002", "email": "gone@shop.example", "firstName": "Un",
     "state": "DISABLED", "emailMarketingConsent": {"marketingState": "UNSUBSCRIBED"},
     "defaultAddress": {"address1": "9 Rue", "city": "Lyon", "countryCodeV2": "FR"}},
]  # fmt: skip


def test_a_shopify_graphql_bulk_export_keeps_consent_spend_and_addresses(tenant):
    """Shopify's GraphQL customers (its bulk operations' JSONL, the way it says to export
    many): their consent, amount spent, province and country were lost, and the account
    state ENABLED took the province's place."""
    consented(tenant, "gone@shop.example")
    text = "".join(json.dumps(doc) + "\n" for doc in SHOPIFY_GRAPHQL)
    run = imported(tenant, text, "bulk-customers.jsonl")
    assert run["progress"]["failed"] == 0, run
    found = _people(tenant)
    gra = found["gq@shop.example"]
    assert (gra["consent"]["email"], gra["consent"]["sms"]) == (True, False)
    assert (gra["ltv"], gra["lifecycle_stage"]) == ("199.50", "customer")
    kept = {(a["line1"], a["region"], a["country"], a["is_default"]) for a in gra["addresses"]}
    assert kept == {("1 Main St", "ON", "CA", False), ("2 Ship Rd", "ON", "CA", True)}
    assert gra["attributes"] == {"account_state": "enabled"}
    assert [s["external_id"] for s in gra["sources"]] == ["7001"]
    gone = found["gone@shop.example"]
    assert gone["consent"]["email"] is False
    assert [(a["city"], a["country"]) for a in gone["addresses"]] == [("Lyon", "FR")]


def test_brevo_mailerlite_and_constant_contact_api_records_keep_names_email_and_consent(tenant):
    """Brevo's contacts kept their names, mobile and company as custom attributes of a
    customer with no name; MailerLite's subscriber state failed its row as a customer status
    (junk, unconfirmed) and its "name" field beside last_name was a whole name; Constant
    Contact's email object, phones and street addresses were lost (a contact without its
    email)."""
    brevo = {"contacts": [{"email": "bre@vo.example", "id": 12, "emailBlacklisted": False,
                           "smsBlacklisted": False, "createdAt": "2023-02-03T10:00:00.000+01:00",
                           "attributes": {"FIRSTNAME": "Bre", "LASTNAME": "Vo",
                                          "SMS": "+33612345678", "COMPANY": "Brevo SA",
                                          "LOYALTY": "gold"}, "listIds": [2]}],
             "count": 1}  # fmt: skip
    mailerlite = {
        "data": [
            {
                "id": "318973",
                "email": "mai@ler.example",
                "status": "junk",
                "opens_count": 0,
                "fields": {"name": "Mai", "last_name": "Ler", "company": None},
                "groups": [{"id": "1", "name": "Newsletter"}],
                "created_at": "2022-11-10 09:00:00",
            },
            {
                "id": "318974",
                "email": "lite@ler.example",
                "status": "active",
                "opens_count": 3,
                "fields": {"name": "Li", "last_name": "Te"},
                "groups": [],
                "subscribed_at": "2022-11-11 09:00:00",
                "created_at": "2022-11-11 09:00:00",
            },
        ]
    }
    constant = {"contacts": [
        {"contact_id": "1618ae62-4752-11e9-9c8a-fa163e6b01c1",
         "email_address": {"address": "con@stant.example", "permission_to_send": "explicit",
                           "created_at": "2019-03-15T19:14:12Z"},
         "first_name": "Con", "last_name": "Stant", "company_name": "CC Inc",
         "phone_numbers": [{"phone_number": "+15035550112", "kind": "home"},
                           {"phone_number": "+15035550111", "kind": "mobile"}],
         "street_addresses": [{"kind": "home", "street": "1 Main St", "city": "Waltham",
                               "state": "MA", "postal_code": "02451",
                               "country": "United States"}],
         "taggings": ["b8c6c8b4-0000-0000-0000-000000000000"]}]}  # fmt: skip
    for name, doc in (("brevo", brevo), ("mailerlite", mailerlite), ("constant", constant)):
        run = imported(tenant, json.dumps(doc), f"{name}.json")
        assert run["progress"]["failed"] == 0, (name, run)
    found = _people(tenant)
    bre = found["bre@vo.example"]
    assert (bre["first_name"], bre["last_name"], bre["company"]) == ("Bre", "Vo", "Brevo SA")
    assert (bre["phone_e164"], bre["attributes"]) == ("+33612345678", {"LOYALTY": "gold"})
    mai, lite = found["mai@ler.example"], found["lite@ler.example"]
    assert (mai["first_name"], mai["last_name"], mai["tags"]) == ("Mai", "Ler", ["Newsletter"])
    assert (mai["consent"]["email"], lite["consent"]["email"]) == (False, True)
    con = found["con@stant.example"]
    assert (con["first_name"], con["company"], con["consent"]["email"]) == ("Con", "CC Inc", True)
    assert con["phone_e164"] == "+15035550111"  # the mobile number first
    [home] = con["addresses"]
    assert (home["line1"], home["region"], home["postcode"], home["country"]) == (
        "1 Main St", "MA", "02451", "US")  # fmt: skip
    assert con["tags"] == []


def test_wordpress_users_and_memberpress_members_keep_their_email_and_street(tenant):
    """WordPress's users export (user_email, user_registered, user_url) lost the email,
    when the account was made and the website: the rows of users without a billing phone
    named no one; MemberPress's address_one and address_two were lost."""
    wordpress = csv_text(
        [["ID", "user_login", "user_email", "user_registered", "display_name", "first_name",
          "last_name", "roles", "user_url"],
         ["17", "wpann", "ann@wp.example", "2021-05-06 07:08:09", "Ann W", "Ann", "Press",
          "customer", "https://ann.example"]]
    )  # fmt: skip
    memberpress = csv_text(
        [["username", "email", "first_name", "last_name", "address_one", "address_two",
          "city", "state", "zip", "country"],
         ["mem", "mem@press.example", "Mem", "Ber", "4 Club St", "Suite 9", "Austin", "TX",
          "73301", "US"]]
    )  # fmt: skip
    _each_imported(tenant, {"wordpress": wordpress, "memberpress": memberpress})
    found = _people(tenant)
    ann = found["ann@wp.example"]
    assert (ann["created_at"][:10], ann["attributes"]) == (
        "2021-05-06", {"website": "https://ann.example"})  # fmt: skip
    [club] = found["mem@press.example"]["addresses"]
    assert (club["line1"], club["line2"], club["city"]) == ("4 Club St", "Suite 9", "Austin")


def test_hubspot_v1_and_zoho_crm_api_records_keep_their_values_and_company(tenant):
    """HubSpot's older API (v1) holds each property's value in an object: every row failed
    ("must be text"); Zoho CRM's API holds the contact's company as a lookup (Account_Name:
    {"name": ..., "id": ...}), which was lost."""
    hubspot = {"contacts": [{"vid": 123, "canonical-vid": 123,
                             "properties": {"firstname": {"value": "Hub"},
                                            "lastname": {"value": "One"},
                                            "email": {"value": "hub1@spot.example"},
                                            "lifecyclestage": {"value": "lead"}}}],
               "has-more": False, "vid-offset": 123}  # fmt: skip
    zoho = {"data": [{"id": "3477061000000419001", "First_Name": "Zo", "Last_Name": "Ho",
                      "Email": "zo@ho.example", "Account_Name": {"name": "Zoho Acc", "id": "1"},
                      "Owner": {"name": "Pat", "id": "2", "email": "pat@zoho.example"}}],
            "info": {"per_page": 200, "count": 1, "page": 1, "more_records": False}}  # fmt: skip
    for name, doc in (("hubspot", hubspot), ("zoho", zoho)):
        run = imported(tenant, json.dumps(doc), f"{name}.json")
        assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), (name, run)
    found = _people(tenant)
    hub = found["hub1@spot.example"]
    assert (hub["first_name"], hub["last_name"], hub["lifecycle_stage"]) == (
        "Hub", "One", "prospect")  # fmt: skip
    assert [s["external_id"] for s in hub["sources"]] == ["123"]
    assert found["zo@ho.example"]["company"] == "Zoho Acc"


def test_buy_me_a_coffee_supporters_and_circle_members_are_read(tenant):
    """Buy Me a Coffee's supporters ("Supporter Name", "Supporter Email") were refused as a
    file no column of which maps; Circle's "Joined at" was not the created time."""
    coffee = csv_text(
        [["Supporter Name", "Supporter Email", "Support Date", "Message", "Amount"],
         ["Cof Fee", "cof@fee.example", "2024-02-03", "Thanks!", "5"]]
    )  # fmt: skip
    circle = csv_text(
        [["Name", "Email", "Joined at", "Headline", "Tags"],
         ["Cir Cle", "cir@cle.example", "2023-08-09 10:11:12 UTC", "Maker", "founding"]]
    )  # fmt: skip
    _each_imported(tenant, {"coffee": coffee, "circle": circle})
    found = _people(tenant)
    assert (found["cof@fee.example"]["first_name"], found["cof@fee.example"]["last_name"]) == (
        "Cof", "Fee")  # fmt: skip
    assert found["cir@cle.example"]["created_at"][:10] == "2023-08-09"


def test_a_forms_date_column_names_its_order_and_a_shops_total_its_currency(tenant):
    """ "Date of Birth (DD/MM/YYYY)": 05/06/1985 was read month first when no value showed
    the order (the header names it: June 5th); "Total Spent (USD)" was no column."""
    text = csv_text(
        [["Email", "Date of Birth (DD/MM/YYYY)", "Total Spent (USD)", "Zip Code (5 digits)"],
         ["form@x.example", "05/06/1985", "120.50", "97201"]]
    )  # fmt: skip
    run = imported(tenant, text, "form.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (person,) = customers(tenant)
    assert person["attributes"]["date_of_birth"] == "1985-06-05"
    assert person["ltv"] == "120.50"
    assert person["addresses"][0]["postcode"] == "97201"


def test_a_records_notes_columns_are_all_kept_one_paragraph_each(tenant):
    """Follow Up Boss writes "Notes" and "Background": the second was not imported (a field
    took one column); both are the notes now, one paragraph each."""
    text = csv_text(
        [["First Name", "Last Name", "Email 1", "Phone 1", "Stage", "Notes", "Background"],
         ["Fol", "Lowup", "fol@boss.example", "(503) 555-0191", "Lead", "Met at open house",
          "First-time buyer, pre-approved"],
         ["Bo", "Ss", "bo@boss.example", "", "", "", "Only background"]]
    )  # fmt: skip
    run = imported(tenant, text, "people.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = _people(tenant)
    assert found["fol@boss.example"]["notes"] == (
        "Met at open house\n\nFirst-time buyer, pre-approved"
    )
    assert found["bo@boss.example"]["notes"] == "Only background"


def test_do_not_contact_revokes_email_and_sms_consent_and_do_not_call_the_sms(tenant):
    """ "Do Not Contact" was an email opt-out only: a customer who had said yes to texts kept
    that consent. It revokes both now; Salesforce's "Do Not Call" (a text message is a call
    to the US's TCPA) was not imported and revokes the SMS consent; "no" grants nothing."""
    for email in ("dnc@x.example", "call@x.example", "keep@x.example"):
        body = {"email": email, "consent": {"email": True, "sms": True}}
        made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
        assert made.status_code == 201, made.text
    text = csv_text(
        [["Email", "Do Not Contact", "Do Not Call"],
         ["dnc@x.example", "Yes", ""], ["call@x.example", "", "true"],
         ["keep@x.example", "No", "false"], ["new@x.example", "No", "No"]]
    )  # fmt: skip
    run = imported(tenant, text, "contacts.csv")
    assert (run["progress"]["failed"], run["progress"]["created"]) == (0, 1), run
    found = {c["email"]: (c["consent"]["email"], c["consent"]["sms"]) for c in customers(tenant)}
    assert found == {
        "dnc@x.example": (False, False),
        "call@x.example": (True, False),
        "keep@x.example": (True, True),
        "new@x.example": (False, False),
    }


def test_a_hubspot_contacts_export_keeps_its_total_revenue_as_the_lifetime_value(tenant):
    """HubSpot's contacts export: "Total Revenue" (its closed-won deals' revenue, what a
    customer is worth) was not imported."""
    header = [
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Lifecycle Stage",
        "Contact owner",
        "Create Date",
        "Total Revenue",
        "Annual Revenue",
        "Company Name",
    ]
    assert _fields(header)["Total Revenue"] == "ltv"
    assert _fields(header)["Annual Revenue"] is None  # the company's, not the customer's
    text = csv_text(
        [header, ["51", "Hub", "Spot", "hub@spot.example", "+1 617 555 0142", "customer",
                  "Sam Seller", "2023-04-05 10:00", "1,250.00", "5000000", "Spot Inc"]]
    )  # fmt: skip
    run = imported(tenant, text, "hubspot-crm-exports-all-contacts.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (hub,) = customers(tenant)
    assert (hub["ltv"], hub["lifecycle_stage"], hub["company"]) == (
        "1250.00",
        "customer",
        "Spot Inc",
    )


def test_excel_for_macs_csv_in_mac_roman_is_read_with_its_accents(tenant, cli, tmp_path):
    """Excel for Mac's "Comma Separated Values" is Mac Roman (old ones with CR line ends):
    read as Windows-1252, José Müller of Zürich was "JosŽ MŸller" of "ZŸrich", silently."""
    text = "First Name,Last Name,Email,City\rJosé,Müller,jose@mac.example,Zürich\r" + (
        "Françoise,Ångström,fran@mac.example,Besançon\r"
    )
    data = text.encode("mac_roman")
    preview = upload(tenant, data, "Customers.csv", path="/v1/imports/preview")
    assert preview.status_code == 200, preview.text
    assert preview.json()["encoding"] == "mac_roman"
    assert any("Mac Roman" in w for w in preview.json()["warnings"])
    run = imported(tenant, data, "Customers.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {c["email"]: (c["first_name"], c["last_name"], c["addresses"][0]["city"])
             for c in customers(tenant)}  # fmt: skip
    assert found == {
        "jose@mac.example": ("José", "Müller", "Zürich"),
        "fran@mac.example": ("Françoise", "Ångström", "Besançon"),
    }
    # named, as the dashboard's Reading the file and the CLI's --encoding name it
    path = tmp_path / "one.csv"
    path.write_bytes("Email,Last Name\rbjorn@mac.example,Björn\r".encode("mac_roman"))
    result = cli("import", path, "--tenant", tenant.slug, "--encoding", "mac-roman")
    assert result.exit_code == 0, result.output
    assert {c["last_name"] for c in customers(tenant)} == {"Müller", "Ångström", "Björn"}
    signed_in(tenant)
    page = tenant.client.get("/imports")
    assert '<option value="mac-roman">Mac Roman (Excel for Mac)</option>' in page.text


def test_a_date_of_zeros_is_no_date_not_a_birthday_or_a_failed_row(tenant):
    """Outlook writes 0/0/00 where a contact has no birthday (it was stored as the birthday),
    and MySQL, so WordPress and WooCommerce, 0000-00-00 00:00:00 for a date never set (the
    row failed: "not a real date")."""
    outlook = csv_text(
        [["First Name", "Last Name", "E-mail Address", "Birthday", "Anniversary"],
         ["Out", "Look", "out@look.example", "0/0/00", "0/0/00"],
         ["Bea", "Day", "bea@look.example", "4/30/1985", "0/0/00"]]
    )  # fmt: skip
    wordpress = csv_text(
        [["user_email", "first_name", "user_registered", "date_of_birth"],
         ["wp@press.example", "Word", "0000-00-00 00:00:00", "0000-00-00"]]
    )  # fmt: skip
    for name, text in (("outlook", outlook), ("wordpress", wordpress)):
        run = imported(tenant, text, f"{name}.csv")
        assert run["progress"]["failed"] == 0, (name, rows(tenant, run["id"]))
        notes = [r["note"] for r in rows(tenant, run["id"]) if r.get("note")]
        assert any("read as no date" in n for n in notes), notes
    found = {c["email"]: c for c in customers(tenant)}
    assert found["out@look.example"]["attributes"] == {}
    assert found["bea@look.example"]["attributes"] == {"birthday": "1985-04-30"}
    assert found["wp@press.example"]["attributes"] == {}
    assert found["wp@press.example"]["first_name"] == "Word"  # created, its dates none


def test_a_bare_title_is_a_job_title_or_a_names_prefix_by_its_value(tenant):
    """A bare "Title" was not imported: Salesforce's contacts hold the job title in it (lost),
    Outlook's the name's prefix (Mr., Dr.). Its value decides now; beside a Job Title column
    (Outlook's) it is the prefix, and in an orders export the item's (not imported)."""
    assert _fields(["Email", "Title"])["Title"] == "attr.job_title"
    assert _fields(["Email", "Title", "Job Title"]) == {
        "Email": "email", "Title": "attr.name_prefix", "Job Title": "attr.job_title"}  # fmt: skip
    assert _fields(["Order ID", "Total", "Email", "Title"])["Title"] == "ignore"
    salesforce = csv_text(
        [["Salutation", "First Name", "Last Name", "Title", "Email", "Account Name"],
         ["Mr.", "Sal", "Force", "VP Sales", "sal@force.example", "Force Inc"],
         ["", "Doc", "Tor", "Prof. Dr.", "doc@force.example", ""]]
    )  # fmt: skip
    run = imported(tenant, salesforce, "salesforce-contacts.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {c["email"]: c["attributes"] for c in customers(tenant)}
    assert found["sal@force.example"] == {"salutation": "Mr.", "job_title": "VP Sales"}
    assert found["doc@force.example"] == {"name_prefix": "Prof. Dr."}
    outlook = csv_text([["Title", "First Name", "Last Name", "Job Title", "E-mail Address"],
                        ["Ms.", "Out", "Look", "Buyer", "out@look.example"]])  # fmt: skip
    imported(tenant, outlook, "outlook.csv")
    found = {c["email"]: c["attributes"] for c in customers(tenant)}
    assert found["out@look.example"] == {"name_prefix": "Ms.", "job_title": "Buyer"}


def test_a_polish_excels_csv_in_windows_1250_is_read_with_its_letters(tenant, cli, tmp_path):
    """A Polish Excel saves its CSV in Windows-1250: read as Windows-1252, Michał Dąbrowski of
    Łódź was "Micha³ D¹browski" of "£ódŸ", silently. Polish and Czech headers (Imię,
    Nazwisko, Miasto; Jméno, Příjmení, PSČ) were not guessed: no column mapped."""
    text = (
        "Imię,Nazwisko,Adres e-mail,Numer telefonu,Ulica,Kod pocztowy,Miasto,Województwo,"
        "Państwo,Data urodzenia,Uwagi\r\nMichał,Dąbrowski,m@pl.example,+48 601 234 567,"
        "ul. Piotrkowska 1,90-001,Łódź,łódzkie,Polska,1985-04-12,Stały klient\r\n"
    )
    preview = upload(tenant, text.encode("cp1250"), "klienci.csv", path="/v1/imports/preview")
    assert preview.status_code == 200, preview.text
    assert preview.json()["encoding"] == "cp1250"
    assert any("Windows-1250" in w for w in preview.json()["warnings"])
    run = imported(tenant, text.encode("cp1250"), "klienci.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    path = tmp_path / "cz.csv"  # Czech letters read as Western ones too (Jiøí Dvoøák)
    path.write_bytes(
        "Jméno,Příjmení,E-mail,Město,PSČ,Země\r\nJiří,Dvořák,j@cz.example,Brno,602 00,"
        "Česká republika\r\n".encode("cp1250")
    )
    result = cli("import", path, "--tenant", tenant.slug, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "csv, cp1250" in result.output, result.output
    result = cli("import", path, "--tenant", tenant.slug, "--encoding", "windows-1250")
    assert result.exit_code == 0, result.output
    found = {c["email"]: (c["first_name"], c["last_name"]) for c in customers(tenant)}
    assert found["j@cz.example"] == ("Jiří", "Dvořák")
    assert found["m@pl.example"] == ("Michał", "Dąbrowski")
    people = {c["email"]: c for c in customers(tenant)}
    michal, jiri = people["m@pl.example"], people["j@cz.example"]
    (home,) = michal["addresses"]
    assert (home["line1"], home["postcode"], home["city"], home["region"], home["country"]) == (
        "ul. Piotrkowska 1", "90-001", "Łódź", "łódzkie", "PL")  # fmt: skip
    assert (michal["phone_e164"], michal["notes"]) == ("+48601234567", "Stały klient")
    assert michal["attributes"] == {"date_of_birth": "1985-04-12"}
    assert (jiri["addresses"][0]["city"], jiri["addresses"][0]["country"]) == ("Brno", "CZ")


def test_klaviyos_historic_lifetime_value_and_orders_are_the_ltv_and_make_a_customer(tenant):
    """Klaviyo's profiles export: "Historic Customer Lifetime Value" (what the profile's placed
    orders came to) and "Historic Number Of Orders" were not imported; "Predicted" and
    "Total" ones (Klaviyo's guesses, or with them) stay out. Its API's profiles give the same
    under predictive_analytics (when asked for), which was listed as not imported."""
    header = ["Email", "First Name", "Klaviyo ID", "Predicted Customer Lifetime Value",
              "Historic Customer Lifetime Value", "Total Customer Lifetime Value",
              "Predicted Number Of Orders", "Historic Number Of Orders"]  # fmt: skip
    fields = _fields(header)
    assert (fields["Historic Customer Lifetime Value"], fields["Historic Number Of Orders"]) == (
        "ltv",
        "order_count",
    )
    assert fields["Predicted Customer Lifetime Value"] is None
    assert fields["Total Customer Lifetime Value"] is None
    text = csv_text(
        [header, ["kim@example.com", "Kim", "01HKIM", "300.5", "1,204.10", "1504.60", "2", "7"]]
    )
    run = imported(tenant, text, "profiles.csv", source="klaviyo")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    profile = {
        "type": "profile",
        "id": "01HLEE",
        "attributes": {
            "email": "lee@example.com",
            "first_name": "Lee",
            "predictive_analytics": {
                "historic_clv": 93.87,
                "predicted_clv": 27.24,
                "total_clv": 121.11,
                "historic_number_of_orders": 2,
                "predicted_number_of_orders": 0.54,
                "churn_probability": 0.89,
            },
        },
    }
    run = imported(tenant, json.dumps({"data": [profile]}), "profiles.json", source="klaviyo")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    assert "predictive_analytics" not in {c["name"] for c in run["columns"]}
    found = {c["first_name"]: (c["ltv"], c["lifecycle_stage"]) for c in customers(tenant)}
    assert found == {"Kim": ("1204.10", "customer"), "Lee": ("93.87", "customer")}


def test_a_quickbooks_customers_export_keeps_the_customers_name(tenant):
    """QuickBooks Online's customers export heads the customer's display name "Customer": it
    was not imported (a customer with no email or phone was refused as naming no one). It is
    the name, but where it is the company's (a business customer) or an id."""
    header = ["Customer", "Company", "Street Address", "City", "State", "Country", "Zip",
              "Phone", "Email", "Attachments", "Open Balance", "Notes"]  # fmt: skip
    text = csv_text(
        [header,
         ["Amy Lee", "", "4581 Finch St.", "Bayshore", "CA", "USA", "94326", "(650) 555-3311",
          "amy@example.com", "", "239.00", "Prefers email"],
         ["Bill's Windsurf Shop", "Bill's Windsurf Shop", "12 Ocean Dr.", "Half Moon Bay", "CA",
          "USA", "94213", "(415) 444-6538", "surf@example.com", "", "85.00", ""],
         ["Cool Cars", "", "65 Ocean Dr.", "Half Moon Bay", "CA", "USA", "94213",
          "(415) 555-9933", "", "", "0.00", ""],
         ["cus_NffrFeUfNV2Hib", "", "", "", "", "", "", "", "stripe@example.com", "", "", ""]]
    )  # fmt: skip
    run = imported(tenant, text, "Customers.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (4, 0), run
    found = {
        c["email"] or c["phone_e164"]: (c["first_name"], c["last_name"], c["company"])
        for c in customers(tenant)
    }
    assert found == {
        "amy@example.com": ("Amy", "Lee", None),
        "surf@example.com": (None, None, "Bill's Windsurf Shop"),  # the company's name
        "+14155559933": ("Cool", "Cars", None),  # a name as a Name column's would be
        "stripe@example.com": (None, None, None),  # an id, not a name
    }
    notes = {r["row"]: r.get("note") or "" for r in rows(tenant, run["id"])}
    assert "Customer \"Bill's Windsurf Shop\" read as the company's name" in notes[2], notes
    assert "Customer 'cus_NffrFeUfNV2Hib' read as an id, not a person's name" in notes[4]


def test_a_wix_contacts_export_keeps_the_sms_consent_beside_the_email_one(tenant):
    """Wix's contacts export: "SMS subscriber status" was not imported (a texting customer's
    consent lost) beside the "Email subscriber status" that was."""
    text = csv_text(
        [["First Name", "Last Name", "Email 1", "Phone 1", "Email subscriber status",
          "SMS subscriber status", "Created At (UTC+0)"],
         ["Wil", "Xu", "wil@x.example", "+1 415 555 0142", "Subscribed", "Subscribed",
          "2024-02-03 10:00"],
         ["Yan", "Zo", "yan@x.example", "+1 415 555 0143", "Unsubscribed", "Never subscribed",
          "2024-02-03 10:00"]]
    )  # fmt: skip
    run = imported(tenant, text, "contacts.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {
        c["first_name"]: (c["consent"]["email"], c["consent"]["sms"]) for c in customers(tenant)
    }
    assert found == {"Wil": (True, True), "Yan": (False, False)}


def test_a_salons_clients_keep_their_marketing_consents_spend_and_last_visit(other_tenant):
    """A salon's or a restaurant's client list ("Marketing Email", "Marketing SMS", "Total
    Sales", "Last Sale Date"; Toast's "Email Marketing Opt-In"): none was imported, so a
    client who had said yes to texts was imported as unknown, and their spend as nothing."""
    text = csv_text(
        [["Contact ID", "Full Name", "Email", "Mobile", "Marketing Email", "Marketing SMS",
          "Marketing Post", "Total Sales", "Last Sale Date"],
         ["C-1", "Pat Ray", "pat@x.example", "07400 123456", "Yes", "Yes", "No", "£1,020.50",
          "14/03/2024"],
         ["C-2", "Sam Oak", "sam@x.example", "07400 123457", "No", "No", "No", "£0.00", ""]]
    )  # fmt: skip
    tenant = other_tenant  # a British salon's: its phones read in the region GB
    run = imported(tenant, text, "clients.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {
        c["first_name"]: (c["consent"]["email"], c["consent"]["sms"], c["ltv"],
                          (c["last_active_at"] or "")[:10])
        for c in customers(tenant)
    }  # fmt: skip
    assert found == {
        "Pat": (True, True, "1020.50", "2024-03-14"),
        "Sam": (False, False, "0.00", ""),
    }


def test_pipedrives_marketing_status_and_squarespaces_orders_are_read(tenant):
    """Pipedrive's "Person - Marketing status" (Subscribed, Unsubscribed, No consent,
    Archived) and Squarespace's "Total Order Count" and "Last Order Date" were not
    imported."""
    pipedrive = csv_text(
        [["Person - Name", "Person - Email - Work", "Person - Marketing status"],
         ["Ann Sub", "ann@p.example", "Subscribed"], ["Ben Uns", "ben@p.example", "Unsubscribed"],
         ["Cy None", "cy@p.example", "No consent"], ["Di Arch", "di@p.example", "Archived"]]
    )  # fmt: skip
    run = imported(tenant, pipedrive, "people.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (4, 0), run
    squarespace = csv_text(
        [["First Name", "Last Name", "Email", "Accepts Marketing", "Created On",
          "Last Order Date", "Total Order Count", "Total Spent"],
         ["Eve", "Sq", "eve@sq.example", "true", "2023-01-05", "2024-04-30", "3", "120.00"]]
    )  # fmt: skip
    run = imported(tenant, squarespace, "profiles.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    found = {c["email"]: c for c in customers(tenant)}
    assert {e: found[e]["consent"]["email"] for e in found if e.endswith("p.example")} == {
        "ann@p.example": True,
        "ben@p.example": False,
        "cy@p.example": False,
        "di@p.example": False,
    }
    eve = found["eve@sq.example"]
    assert (eve["lifecycle_stage"], eve["ltv"], eve["last_active_at"][:10]) == (
        "customer",
        "120.00",
        "2024-04-30",
    )


def test_a_salons_blocked_client_is_blocked_with_the_reason_kept_for_staff(tenant):
    """Fresha's clients export marks a client a salon will not book ("Blocked", "Block
    Reason"): neither was imported, so a no-show client came back as any other."""
    text = csv_text(
        [["Client ID", "First Name", "Last Name", "Blocked", "Block Reason", "Email",
          "Accepts Marketing", "Accepts SMS Marketing"],
         ["91", "Nia", "Lo", "Yes", "Three no-shows", "nia@f.example", "No", "No"],
         ["92", "Ola", "Ma", "No", "", "ola@f.example", "Yes", "Yes"]]
    )  # fmt: skip
    assert _fields(text.splitlines()[0].split(","))["Blocked"] == "blocked"
    run = imported(tenant, text, "clients.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {c["first_name"]: (c["status"], c["internal_notes"]) for c in customers(tenant)}
    assert found == {"Nia": ("blocked", "Three no-shows"), "Ola": ("active", None)}


def test_an_outlook_contact_whose_only_number_is_the_company_main_phone_keeps_it(tenant):
    """Outlook's "Company Main Phone" and "Car Phone" were not imported: a business contact
    with only its switchboard number came in with no phone at all."""
    header = ["First Name", "Last Name", "Company", "E-mail Address", "Business Phone",
              "Mobile Phone", "Company Main Phone", "Car Phone", "Assistant's Phone"]  # fmt: skip
    text = csv_text(
        [header,
         ["Vi", "Ng", "Acme", "vi@acme.example", "", "", "+1 212 555 0100", "", "+1 212 555 0199"],
         ["Wu", "Li", "Acme", "wu@acme.example", "", "+1 212 555 0101", "", "+1 212 555 0102",
          ""]]
    )  # fmt: skip
    run = imported(tenant, text, "contacts.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {
        c["first_name"]: (c["phone_e164"], c["attributes"].get("other_phone"))
        for c in customers(tenant)
    }
    assert found == {"Vi": ("+12125550100", None), "Wu": ("+12125550101", "+1 212 555 0102")}


def test_a_point_of_sales_loyalty_points_store_credit_and_visits_are_kept(tenant):
    """A point of sale's customers export ("Loyalty Points", "Store Credit", "Visits",
    "Customer Group"): none was imported, a customer's balance with the shop lost."""
    text = csv_text(
        [["Name", "Email", "Customer Group", "Loyalty Points", "Store Credit", "Visits",
          "Total Spent"],
         ["Rae Po", "rae@pos.example", "VIP", "1250", "$12.50", "17", "$830.00"]]
    )  # fmt: skip
    run = imported(tenant, text, "customers.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (rae,) = customers(tenant)
    assert (rae["tags"], rae["ltv"]) == (["VIP"], "830.00")
    assert rae["attributes"] == {"loyalty_points": 1250, "store_credit": "$12.50", "visits": 17}
