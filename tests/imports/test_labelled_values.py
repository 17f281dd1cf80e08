"""Values an export writes with their name in the next column (Google Contacts' custom fields,
events and relations) and address lines beyond the second (Outlook's Street 3, the PO boxes of
Google Contacts and Outlook): through the import API on SQLite and PostgreSQL, the CLI and the
dashboard's preview. They were listed as not imported: a customer's data left behind."""

from __future__ import annotations

import html
import re

from rolodex.imports.mapping import resolve
from tests.imports.helpers import csv_text, customers, imported, rows
from tests.web.helpers import assert_page, signed_in

# Google Contacts' export of 2024 ("Label"), and its older one ("Type")
GOOGLE = ["First Name", "Last Name", "E-mail 1 - Label", "E-mail 1 - Value", "Birthday",
          "Relation 1 - Label", "Relation 1 - Value", "Event 1 - Label", "Event 1 - Value",
          "Custom Field 1 - Label", "Custom Field 1 - Value", "Custom Field 2 - Label",
          "Custom Field 2 - Value", "Address 1 - Street", "Address 1 - City",
          "Address 1 - PO Box", "Address 1 - Postal Code"]  # fmt: skip
GOOGLE_OLD = ["Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value",
              "Custom Field 1 - Type", "Custom Field 1 - Value", "Website 1 - Type",
              "Website 1 - Value", "Website 2 - Type", "Website 2 - Value"]  # fmt: skip


def test_google_contacts_custom_fields_events_and_relations_are_kept_under_their_labels(tenant):
    text = csv_text(
        [
            GOOGLE,
            ["Ana", "García", "* Home", "ana@example.com", "1985-03-04", "Spouse", "Luis",
             "Anniversary", "2010-06-01", "Loyalty Tier", "Gold", "Shoe size", "38",
             "Calle Mayor 1", "Madrid", "12", "28013"],
            # a label the row leaves empty: the column's name; a label naming a column's
            # attribute with another value: _2, both kept; a value without a label's row
            ["Bea", "Ruiz", "", "bea@example.com", "1990-01-02", "", "",
             "", "2015-07-08", "Birthday", "1990-02-01", "Loyalty Tier", "",
             "Gran Vía 2", "Madrid", "PO Box 7", ""],
        ]
    )  # fmt: skip
    run = imported(tenant, text, "contacts.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {c["first_name"]: c for c in customers(tenant)}
    assert found["Ana"]["attributes"] == {
        "birthday": "1985-03-04",
        "spouse": "Luis",
        "anniversary": "2010-06-01",
        "loyalty_tier": "Gold",
        "shoe_size": 38,
    }
    assert found["Bea"]["attributes"] == {
        "birthday": "1990-01-02",
        "event_1": "2015-07-08",
        "birthday_2": "1990-02-01",
    }
    assert [(a["line1"], a["line2"]) for a in found["Ana"]["addresses"]] == [
        ("Calle Mayor 1", "PO Box 12")
    ]
    assert [(a["line1"], a["line2"]) for a in found["Bea"]["addresses"]] == [
        ("Gran Vía 2", "PO Box 7")
    ]
    # the same file again: the same attributes, nothing changed
    again = imported(tenant, text, "contacts.csv")
    assert (again["progress"]["unchanged"], again["progress"]["updated"]) == (2, 0), again


def test_an_older_google_export_names_its_labels_type_and_a_mapping_names_any_pair(
    tenant, cli, tmp_path
):
    text = csv_text(
        [GOOGLE_OLD, ["Bob", "Stone", "* Work", "bob@stone.example", "Since", "2001", "Profile",
                      "https://stone.example", "Blog", "https://blog.stone.example"]]
    )  # fmt: skip
    fields = dict(zip(GOOGLE_OLD, resolve(GOOGLE_OLD).fields, strict=True))
    assert (fields["Custom Field 1 - Type"], fields["Custom Field 1 - Value"]) == (
        "attr_name1",
        "attr_value1",
    )
    run = imported(tenant, text, "google.csv")
    assert run["progress"]["created"] == 1, run
    # a file of the user's own with a name and a value column, mapped by hand
    own = csv_text([["Email", "Field", "Answer"], ["bob@stone.example", "Shoe Size", "44"]])
    mapped = imported(
        tenant, own, "own.csv", mapping={"Field": "attr_name1", "Answer": "attr_value1"}
    )
    assert mapped["progress"]["updated"] == 1, mapped
    (bob,) = customers(tenant)
    assert bob["attributes"] == {
        "since": 2001,
        "shoe_size": 44,
        "website": "https://stone.example",
        "website_2": "https://blog.stone.example",  # was not imported
    }
    path = tmp_path / "own.csv"
    path.write_text(own.replace("44", "45"))
    result = cli(
        "import", path, "--tenant", tenant.slug, "--dry-run", "--overwrite",
        "--map", "Field=attr_name1", "--map", "Answer=attr_value1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Field → attr_name1, Answer → attr_value1" in result.output, result.output
    assert "1 to update" in result.output, result.output


def test_outlooks_third_street_line_and_po_boxes_are_kept_in_the_second_line(tenant):
    header = ["First Name", "Last Name", "E-mail Address", "Business Street",
              "Business Street 2", "Business Street 3", "Business City",
              "Business Postal Code", "Business Address PO Box", "Home Street", "Home City",
              "Home Address PO Box"]  # fmt: skip
    fields = dict(zip(header, resolve(header).fields, strict=True))
    assert fields["Business Street 3"] == "address1_line3"
    assert fields["Home Address PO Box"] == "address2_po_box"
    text = csv_text(
        [header, ["Eve", "Ott", "eve@ott.example", "Tower A", "Floor 3", "Suite 301",
                  "Boston", "02110", "PO Box 99", "7 Elm St", "Cambridge", "123"]]
    )  # fmt: skip
    run = imported(tenant, text, "outlook.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (eve,) = customers(tenant)
    assert [(a["line1"], a["line2"], a["city"]) for a in eve["addresses"]] == [
        ("Tower A", "Floor 3, Suite 301, PO Box 99", "Boston"),
        ("7 Elm St", "PO Box 123", "Cambridge"),
    ]
    # a German form's Postfach column holding only the number
    german = csv_text(
        [["E-Mail", "Straße", "Ort", "Postfach"], ["kai@x.example", "", "Köln", "42"]]
    )
    run = imported(tenant, german, "kunden.csv")
    assert run["progress"]["created"] == 1, run
    (kai,) = customers(tenant, q="kai@x.example")
    assert [(a["line2"], a["city"]) for a in kai["addresses"]] == [("Postfach 42", "Köln")]
    # a whole address in one cell (Mailchimp's) beside a PO box: the cell is still split
    whole = csv_text(
        [
            ["Email", "Address", "PO Box"],
            ["lu@x.example", "1 Main St  Springfield  IL  62704  US", "5"],
        ]
    )
    run = imported(tenant, whole, "members.csv")
    assert run["progress"]["created"] == 1, run
    (lu,) = customers(tenant, q="lu@x.example")
    assert [(a["line1"], a["line2"], a["city"], a["postcode"]) for a in lu["addresses"]] == [
        ("1 Main St", "PO Box 5", "Springfield", "62704")
    ]


def test_the_dry_run_report_and_the_dashboards_preview_show_the_pairs(tenant):
    text = csv_text(
        [["Email", "Custom Field 1 - Label", "Custom Field 1 - Value"],
         ["ada@example.com", "Tier", "Gold"]]
    )  # fmt: skip
    run = imported(tenant, text, "google.csv", dry_run=True)
    assert run["progress"]["created"] == 1, run
    assert any("Loyalty Tier: attr.loyalty_tier" in w for w in run["warnings"]), run["warnings"]
    (row,) = rows(tenant, run["id"])
    assert row["action"] == "create", row
    csrf = signed_in(tenant)
    files = {"file": ("google.csv", text.encode(), "text/csv")}
    preview = assert_page(
        tenant.client.post(
            "/imports/preview",
            data={"csrf_token": csrf},
            files=files,
            headers={"HX-Request": "true"},
        )
    )
    chosen = [html.unescape(v) for v in re.findall(r'<option value="([^"]*)" selected>', preview)]
    assert "Custom%20Field%201%20-%20Label=attr_name1" in chosen, chosen
    assert "Custom%20Field%201%20-%20Value=attr_value1" in chosen, chosen
    assert customers(tenant) == []  # a dry run and a preview write nothing


# a phone's contacts: Apple's (and Google's) dates and related names labelled by X-ABLabel,
# vCard 4's ANNIVERSARY and RELATED, Outlook's X-MS-*, Android's X-ANDROID-CUSTOM
CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:García;Ana;;;\r\nFN:Ana García\r\n"
    "EMAIL;type=INTERNET;type=pref:ana@example.com\r\n"
    "item1.X-ABDATE;type=pref:2010-06-01\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\n"
    "item2.X-ABRELATEDNAMES;type=pref:Luis\r\nitem2.X-ABLabel:_$!<Spouse>!$_\r\n"
    "item3.X-ABDATE:2019-03-03\r\nitem3.X-ABLabel:First visit\r\n"
    "item4.X-ABRELATEDNAMES:Marta\r\nitem4.X-ABLabel:_$!<Sister>!$_\r\n"
    "item5.X-ABRELATEDNAMES:Pilar\r\nitem5.X-ABLabel:_$!<Sister>!$_\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob Stone\r\nN:Stone;Bob;;;\r\n"
    "EMAIL:bob@stone.example\r\nANNIVERSARY:19950505\r\n"
    "RELATED;TYPE=spouse;VALUE=text:Mary\r\nX-MS-MANAGER:Sue\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lee;Cy;;;\r\nTEL;CELL:+1 415 555 0100\r\n"
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Dan;14;;;;;;;;;;;;;\r\n"
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/contact_event;2001-02-03;1;;;;;;;;;;;;;\r\n"
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Zed;0;Coach;;;;;;;;;;;;\r\n"
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Cyc;1;;;;;;;;;;;;;\r\nEND:VCARD\r\n"
)


def test_a_phones_anniversaries_and_related_people_are_kept_under_their_labels(tenant):
    run = imported(tenant, CARDS, "contacts.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (3, 0), run
    found = {c["first_name"]: c["attributes"] for c in customers(tenant)}
    assert found == {
        "Ana": {"anniversary": "2010-06-01", "spouse": "Luis", "first_visit": "2019-03-03",
                "sister": "Marta", "sister_2": "Pilar"},
        "Bob": {"anniversary": "1995-05-05", "spouse": "Mary", "manager": "Sue"},
        "Cy": {"spouse": "Dan", "anniversary": "2001-02-03", "coach": "Zed", "nickname": "Cyc"},
    }  # fmt: skip
    again = imported(tenant, CARDS, "contacts.vcf")
    assert again["progress"]["unchanged"] == 3, again


def test_outlooks_anniversary_spouse_children_assistant_and_manager_are_kept(tenant):
    """Outlook keeps a contact's anniversary, spouse, children, assistant and manager in
    columns of those names: they were listed as not imported (a Google or phone contact's
    are kept). Its anniversary is a date as its birthday is (0/0/00 none, 6/13/2010 in the
    file's order), so the same day from a phone is the same value."""
    header = ["First Name", "Last Name", "E-mail Address", "Birthday", "Anniversary", "Spouse",
              "Children", "Assistant's Name", "Manager's Name"]  # fmt: skip
    text = csv_text(
        [header,
         ["Eve", "Ott", "eve@ott.example", "0/0/00", "6/13/2010", "Sam", "Kit, Lou", "Al", "Bo"],
         ["Max", "Ott", "max@ott.example", "3/14/1980", "0/0/00", "", "", "", ""]]
    )  # fmt: skip
    run = imported(tenant, text, "outlook.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {c["first_name"]: c["attributes"] for c in customers(tenant)}
    assert found == {
        "Eve": {"anniversary": "2010-06-13", "spouse": "Sam", "children": "Kit, Lou",
                "assistant": "Al", "manager": "Bo"},
        "Max": {"birthday": "1980-03-14"},
    }  # fmt: skip
    # the same anniversary from the phone's card: the same value, nothing changed
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ott;Eve;;;\r\nEMAIL:eve@ott.example\r\n"
        "item1.X-ABDATE:20100613\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\nEND:VCARD\r\n"
    )
    again = imported(tenant, card, "eve.vcf")
    assert again["progress"]["unchanged"] == 1, again


def test_social_profiles_of_a_card_or_a_sheet_are_kept_and_go_out_on_cards(tenant):
    """A card's Instagram, Facebook or Twitter profile (Apple's X-SOCIALPROFILE) was listed
    as not imported, and a sheet's Instagram or HubSpot's Twitter Username column too; they
    are attributes of the network's name, and a vCard export carries them back out."""
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kim;Ida;;;\r\nEMAIL:ida@k.example\r\n"
        "X-SOCIALPROFILE;type=instagram;x-user=ida.bakes:http://instagram.com/ida.bakes\r\n"
        "X-SOCIALPROFILE:https://www.facebook.com/ida.kim\r\n"
        "X-SOCIALPROFILE;type=twitter:https://x.com/idakim\r\n"
        "X-SOCIALPROFILE;type=myspace:http://myspace.com/ida\r\nEND:VCARD\r\n"
    )
    run = imported(tenant, card, "ida.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    sheet = csv_text(
        [["Email", "Instagram", "Twitter Username", "TikTok"],
         ["jo@k.example", "@jo.flowers", "jo_flowers", "@jo"]]
    )  # fmt: skip
    run = imported(tenant, sheet, "hubspot.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    found = {c["email"]: c["attributes"] for c in customers(tenant)}
    assert found == {
        "ida@k.example": {"instagram": "http://instagram.com/ida.bakes",
                          "facebook": "https://www.facebook.com/ida.kim",
                          "twitter": "https://x.com/idakim"},
        "jo@k.example": {"instagram": "@jo.flowers", "twitter": "jo_flowers", "tiktok": "@jo"},
    }  # fmt: skip
    cards = tenant.client.get("/v1/exports", params={"format": "vcard"}, headers=tenant.headers())
    assert "\r\nX-SOCIALPROFILE;TYPE=instagram:http://instagram.com/ida.bakes\r\n" in cards.text
    assert "\r\nX-SOCIALPROFILE;TYPE=tiktok:@jo\r\n" in cards.text
    again = imported(tenant, cards.content, "contacts.vcf")
    assert again["progress"]["unchanged"] == 2, again


def test_messengers_of_a_card_or_a_sheet_are_kept(tenant):
    """A card's Skype, Telegram or WhatsApp (IMPP) and a sheet's Skype ID, Telegram or
    WhatsApp Number column were listed as not imported; the messengers are attributes of
    their names, and a WhatsApp number is a phone (the row's own, or kept beside it)."""
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Oz;Al;;;\r\nEMAIL:al@oz.example\r\n"
        "IMPP;X-SERVICE-TYPE=Skype;type=pref:skype:al.oz\r\n"
        "IMPP;X-SERVICE-TYPE=Telegram:x-apple:aloz\r\n"
        "IMPP:xmpp:al@jabber.example\r\nEND:VCARD\r\n"
    )
    run = imported(tenant, card, "al.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    sheet = csv_text(
        [["Name", "Email", "Phone", "WhatsApp Number", "Skype ID"],
         ["Bo Oz", "bo@oz.example", "+1 415 555 0150", "+44 7400 123456", "bo.oz"],
         ["Cy Oz", "cy@oz.example", "", "+44 7400 123457", ""]]
    )  # fmt: skip
    run = imported(tenant, sheet, "contacts.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {c["email"]: (c["phone_e164"], c["attributes"]) for c in customers(tenant)}
    assert found == {
        "al@oz.example": (None, {"skype": "al.oz", "telegram": "aloz"}),
        "bo@oz.example": ("+14155550150", {"other_phone": "+44 7400 123456", "skype": "bo.oz"}),
        "cy@oz.example": ("+447400123457", {}),
    }


def test_a_weaker_job_title_column_beside_a_job_title_is_kept_under_its_own_name():
    """Google's older export has Occupation beside Organization 1 - Title; a sheet has a
    Profession beside its Job Title: the second was not imported. It is kept as an attribute
    of its own name, saying so."""
    header = ["Given Name", "Family Name", "Occupation", "Organization 1 - Title", "Language"]
    found = resolve(header)
    assert dict(zip(header, found.fields, strict=True)) == {
        "Given Name": "first_name",
        "Family Name": "last_name",
        "Occupation": "attr.occupation",
        "Organization 1 - Title": "attr.job_title",
        "Language": "attr.language",
    }
    assert "column 'Occupation' is kept as attr.occupation" in " ".join(found.warnings)
