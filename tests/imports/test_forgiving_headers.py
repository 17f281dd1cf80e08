"""Other tools' files, pure: their header names are guessed (HubSpot, Klaviyo, Salesforce,
WooCommerce-style billing and shipping columns), a bare "Type" is not, and a JSON export
saved under a .csv name is read as JSON."""

from __future__ import annotations

import pytest

from rolodex.imports.detect import detect
from rolodex.imports.mapping import guess, resolve
from rolodex.imports.schemas import ImportOptions


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # HubSpot
        ("Mobile Phone Number", "phone"),
        ("Country/Region", "address1_country"),
        ("Create Date", "created_at"),
        ("Lead Status", "lifecycle_stage"),
        ("Last Activity Date", "last_active_at"),
        ("Original Source", "acquisition_source"),
        # Klaviyo
        ("Email Marketing Consent", "email_consent"),
        ("SMS Marketing Consent", "sms_consent"),
        ("Email Marketing Consent Timestamp", "email_consent_at"),
        ("SMS Marketing Consent Timestamp", "sms_consent_at"),
        ("Profile Created On", "created_at"),
        ("Klaviyo ID", "external_id"),
        ("Source", "acquisition_source"),
        # Salesforce
        ("Created Date", "created_at"),
        ("Mailing City", "address1_city"),
        ("Mailing Zip/Postal Code", "address1_postcode"),
        # Mailchimp
        ("OPTIN_TIME", "email_consent_at"),
        # generic
        ("Marketing Opt-In", "email_consent"),
        ("Billing City", "address1_city"),
        ("Billing Zip", "address1_postcode"),
        ("Billing Country", "address1_country"),
        ("Shipping City", "address1_city"),
        ("Shipping Zip", "address1_postcode"),
        ("Shipping Country", "address1_country"),
        ("Account Status", "status"),
        ("ID", "id"),
        ("Id", "id"),
        ("Customer ID", "external_id"),
        ("Type", None),
        # JSON from APIs: HubSpot, Airtable, Mailchimp, Intercom, Stripe
        ("properties.email", "email"),
        ("properties.firstname", "first_name"),
        ("fields.Email", "email"),
        ("merge_fields.FNAME", "first_name"),
        ("location.city", "address1_city"),
        ("Location Country", "address1_country"),
        ("metadata.tier", "attr.tier"),
        ("custom_attributes.plan", "attr.plan"),
        # Brevo (Sendinblue)
        ("ADDED_TIME", "created_at"),
        ("EMAIL_BLACKLISTED", "email_opt_out"),
        ("SMS_BLACKLISTED", "sms_opt_out"),
        ("LANDLINE_NUMBER", "phone"),
        # Constant Contact: the address's kind after its part
        ("Street address line 1 - Home", "address1_line1"),
        ("Street address line 2 - Home", "address1_line2"),
        ("City - Home", "address1_city"),
        ("State/Province - Work", "address1_region"),
        ("Zip/Postal code - Home", "address1_postcode"),
        ("Country - Other", "address1_country"),
        ("Email permission status", "email_consent"),
        # Xero: its postal address first, its street address second
        ("POAddressLine1", "address1_line1"),
        ("POPostalCode", "address1_postcode"),
        ("SACity", "address2_city"),
        ("SACountry", "address2_country"),
        ("Postcode", "address1_postcode"),
        ("Salutation", "attr.salutation"),  # kept: Mr. or Dr. (it was not imported)
        # Freshdesk
        ("Unique external ID", "external_id"),
        ("Background information", "notes"),
        # Wix: the time zone of a time column after its name
        ("Created At (UTC+0)", "created_at"),
        ("Last Active (GMT)", "last_active_at"),
        ("Email subscriber status", "email_consent"),
        ("SMS subscriber status", "sms_consent"),  # was not imported
        # a restaurant's, a salon's, a booking tool's: their consents, spend and last visit
        # (none was imported)
        ("Email Marketing Opt-In", "email_consent"),
        ("SMS Marketing Opt-In", "sms_consent"),
        ("Marketing Email", "email_consent"),
        ("Marketing SMS", "sms_consent"),
        ("Marketing Post", None),
        ("Total Paid", "ltv"),
        ("Total Sales", "ltv"),
        ("Last Appointment", "last_active_at"),
        ("Last Sale Date", "last_active_at"),
        # a shop's or a point of sale's customer group (Wholesale, VIP) is a tag; a messenger
        # an attribute of its name, a WhatsApp number a phone (none was imported)
        ("Customer Group", "tags"),
        ("Skype ID", "attr.skype"),
        ("Telegram", "attr.telegram"),
        ("WhatsApp Number", "phone"),
        ("WhatsApp", None),  # as often yes or no
        ("Company Main Phone", "phone"),  # Outlook's: a B2B contact's only number, often
        # a point of sale's loyalty points, store credit and visits: kept (were not imported)
        ("Loyalty Points", "attr.loyalty_points"),
        ("Store Credit", "attr.store_credit"),
        ("Visits", "attr.visits"),
        ("Total Visits", "attr.visits"),
        ("Car Phone", "phone"),
        ("Assistant's Phone", None),  # the assistant's, not the customer's
        ("Language", "attr.language"),  # Wix's: the language to write to them in
        ("Preferred language", "attr.language"),  # HubSpot's
        ("Profession", "attr.job_title"),
        ("Occupation", "attr.job_title"),
        # a form's or a shop's hint after a column's name: a currency, a date's form, a
        # length, "if any" (each was no column); another person's column stays none
        ("Total Spent (USD)", "ltv"),
        ("Lifetime Value (EUR)", "ltv"),
        ("Date of Birth (DD/MM/YYYY)", "attr.date_of_birth"),
        ("Birthday (mm/dd)", "attr.birthday"),
        ("Zip Code (5 digits)", "address1_postcode"),
        ("Company (if any)", "company"),
        ("Phone (Emergency Contact)", None),
        ("Name (Parent/Guardian)", None),
        ("Email (Parent)", None),
        # a point of sale's store, not the customer: only address parts take "location"
        ("Location Name", None),
        ("Location ID", None),
        ("Location Email", None),
    ],
)
def test_headers_of_other_tools_are_guessed(header, field):
    assert guess(header)[0] == field


def test_a_hubspot_export_maps_each_column_to_its_field():
    headers = ["Record ID", "First Name", "Last Name", "Email", "Phone Number",
               "Mobile Phone Number", "Country/Region", "Lifecycle Stage", "Lead Status",
               "Create Date"]  # fmt: skip
    m = resolve(headers)
    assert m.as_dict() == {
        "Record ID": "external_id",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Phone Number": "phone",
        "Mobile Phone Number": "other_phone",
        "Country/Region": "address1_country",
        "Lifecycle Stage": "lifecycle_stage",
        "Create Date": "created_at",
    }
    # the weaker names lose to the exact ones, wherever they stand, and say so
    assert {c: h for c, h in zip(m.columns, m.how, strict=True)}["Lead Status"] == "duplicate"
    assert (
        "column 'Mobile Phone Number' also looks like phone, which column 'Phone Number' "
        "fills: it is the phone of rows where that is empty, and is kept as "
        "attr.other_phone where both are given"
    ) in m.warnings
    alone = resolve(["Email", "Lead Status", "Mobile Phone Number"])
    assert alone.as_dict() == {
        "Email": "email",
        "Lead Status": "lifecycle_stage",
        "Mobile Phone Number": "phone",
    }


def test_billing_and_shipping_columns_side_by_side_fill_two_addresses():
    m = resolve(["Billing First Name", "Billing Email", "Billing Address 1", "Billing City",
                 "Billing Zip", "Billing Country", "Shipping First Name", "Shipping Address 1",
                 "Shipping City", "Shipping Zip", "Shipping Country"])  # fmt: skip
    assert m.as_dict() == {
        "Billing First Name": "first_name",
        "Billing Email": "email",
        "Billing Address 1": "address1_line1",
        "Billing City": "address1_city",
        "Billing Zip": "address1_postcode",
        "Billing Country": "address1_country",
        "Shipping Address 1": "address2_line1",
        "Shipping City": "address2_city",
        "Shipping Zip": "address2_postcode",
        "Shipping Country": "address2_country",
    }
    assert m.warnings == [
        "column 'Shipping First Name' also looks like first_name, which column "
        "'Billing First Name' fills; it is not imported"
    ]
    # a shipping part the billing columns lack goes with the shipping address, not the first
    m = resolve(["Billing Address 1", "Billing City", "Shipping Address 1", "Shipping City",
                 "Shipping Country"])  # fmt: skip
    assert m.as_dict() == {
        "Billing Address 1": "address1_line1",
        "Billing City": "address1_city",
        "Shipping Address 1": "address2_line1",
        "Shipping City": "address2_city",
        "Shipping Country": "address2_country",
    }
    # beside a plain address, the billing one is the second
    m = resolve(["City", "Billing City", "address2_city"])
    assert m.as_dict() == {"City": "address1_city", "Billing City": "address3_city",
                           "address2_city": "address2_city"}  # fmt: skip


def test_a_bare_type_column_is_not_guessed_and_the_import_says_how_to_map_it():
    m = resolve(["Email", "Type", "Customer Type"])
    assert m.as_dict() == {"Email": "email", "Customer Type": "customer_type"}
    assert m.warnings == [
        "column 'Type' is not imported: map it to customer_type if it holds guest, "
        "registered, wholesale or affiliate"
    ]
    assert resolve(["Email", "Type"], {"Type": "customer_type"}).as_dict()["Type"] == (
        "customer_type"
    )


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b'[{"email": "a@example.com"}]', "json"),
        (b'\xef\xbb\xbf \n [\n  {"email": "a@example.com"}\n]\n', "json"),
        (b"[]", "json"),
        (b'{"items": [{"email": "a@example.com"}]}', "json"),
        (b'{"email": "a@example.com"}\n{"email": "b@example.com"}\n', "ndjson"),
    ],
)
def test_json_named_csv_is_read_as_json_and_the_import_says_so(data, kind):
    found = detect(data, total_size=len(data), filename="export.csv")
    assert found.format == kind
    assert f"named 'export.csv' but holds {kind.upper()}, not CSV" in " ".join(found.warnings)
    # given a format, the format decides
    assert detect(data, total_size=len(data), filename="export.csv", format="csv").format == ("csv")


@pytest.mark.parametrize(
    "data", [b"[Name],[Email]\nAda,a@example.com\n", b"{id},email\n1,a@example.com\n"]
)
def test_a_csv_whose_header_starts_with_a_bracket_stays_csv(data):
    found = detect(data, total_size=len(data), filename="export.csv")
    assert (found.format, found.warnings) == ("csv", [])


@pytest.mark.parametrize("given", ["JSON", "Json", " ndjson ", "CSV"])
def test_the_format_option_is_read_in_any_case(given):
    assert ImportOptions(format=given).format == given.strip().lower()


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # the word a spreadsheet has for the people it lists: these were left unimported
        ("Client Name", "full_name"),
        ("Client Email", "email"),
        ("Client Phone", "phone"),
        ("Client Address", "address1_line1"),
        ("Lead Email", "email"),
        ("Lead Phone", "phone"),
        ("Member Name", "full_name"),
        ("Subscriber Email", "email"),
        ("Buyer Email", "email"),
        ("Guest Name", "full_name"),
        ("Patient First Name", "first_name"),
        ("Personal Email", "email"),
        ("Client ID", "external_id"),
        ("Member No.", "external_id"),
        ("Customer Number", "external_id"),
        ("Client Since", "created_at"),
        ("Member Since", "created_at"),
        ("Subscriber Status", "email_consent"),
        # when they came, when they said yes
        ("Signup", "created_at"),
        ("Signed up", "created_at"),
        ("Join Date", "created_at"),
        ("First Seen", "created_at"),
        ("Added On", "created_at"),
        ("Opt-in Date", "email_consent_at"),
        ("Subscribed At", "email_consent_at"),
        ("Registered", None),  # a yes or no as often as a date
        # left alone: a login, an owner
        ("Username", None),
        ("Lead Owner", None),
    ],
)
def test_the_words_for_a_sheets_people_lead_their_fields(header, field):
    assert resolve([header]).fields == [field]
