"""Contact lists of vCards (.vcf), as phones and address books export them (Apple Contacts and
iCloud, Google Contacts, Android, Outlook, vCard 4.0), imported through the API, its preview
and the CLI on SQLite and PostgreSQL: a card a record, its people's fields where a CRM user
expects them. A vCard was refused before ("export the contacts as CSV"), which Apple Contacts
cannot do."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolodex.imports.detect import FileProblem, detect
from rolodex.imports.reader import Reader, vcard_groups
from tests.conftest import TenantCtx
from tests.imports.helpers import customers, errors, imported, rows, upload
from tests.properties import property_settings

PHOTO = "\r\n ".join(
    ["/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEx8eHh"] * 40
)
APPLE = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n"
    "N:Smith;Jane;Q.;Dr.;\r\n"
    "FN:Dr. Jane Q. Smith\r\n"
    "NICKNAME:JJ\r\n"
    "ORG:Acme\\, Inc.;Sales\r\n"
    "TITLE:Head of Sales\r\n"
    "item1.EMAIL;type=INTERNET;type=HOME:jane@home.example\r\n"
    "EMAIL;type=INTERNET;type=WORK;type=pref:jane@acme.example\r\n"
    "TEL;type=WORK;type=VOICE:(503) 555-0199\r\n"
    "TEL;type=CELL;type=VOICE:(503) 555-0100\r\n"
    "TEL;type=WORK;type=FAX:(503) 555-0198\r\n"
    "item2.ADR;type=HOME;type=pref:;;1 Main St\\nApt 4;Portland;OR;97201;United States\r\n"
    "item2.X-ABADR:us\r\n"
    "NOTE:Met at the fair\\, wants a demo\\nCall after 5\r\n"
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12\r\n"
    "item3.URL;type=pref:https://acme.example\r\n"
    "item3.X-ABLabel:_$!<HomePage>!$_\r\n"
    "X-SOCIALPROFILE;type=linkedin;x-user=janesmith:http://www.linkedin.com/in/janesmith\r\n"
    f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}\r\n"
    "UID:5B2E9C1A-7D3F-4E8B-9A61-0C4D2F8E7B13\r\n"
    "END:VCARD\r\n"
)
# Android's export: vCard 2.1, text out of ASCII in quoted-printable, a long one broken by "="
ANDROID = (
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "TEL;HOME:089 123456\r\n"
    "TEL;CELL;PREF:+49 170 1234567\r\n"
    "EMAIL;HOME:juergen@example.de\r\n"
    "ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Hauptstra=C3=9Fe 1;M=C3=BCnchen;;80331;"
    "Deutschland\r\n"
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Stammkunde seit 2019, bevorzugt Anrufe "
    "am Vor=\r\n"
    "mittag=0AGr=C3=B6=C3=9Fe M\r\n"
    "END:VCARD\r\n"
)
GOOGLE = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "FN:Ana Lima\r\n"
    "N:Lima;Ana;;;\r\n"
    "EMAIL;TYPE=INTERNET;TYPE=WORK:ana@lima.example\r\n"
    "TEL;TYPE=CELL:+55 11 91234-5678\r\n"
    "BDAY:1990-07-01\r\n"
    "CATEGORIES:myContacts,Friends\r\n"
    "END:VCARD\r\n"
)
# vCard 4.0: a company's card, its phone a tel: URI
COMPANY = (
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "KIND:org\r\n"
    "FN:Northwind Traders\r\n"
    "ORG:Northwind Traders\r\n"
    "EMAIL;TYPE=work;PREF=1:orders@northwind.example\r\n"
    'TEL;VALUE=uri;TYPE="voice,work":tel:+1-206-555-0150\r\n'
    "END:VCARD\r\n"
)
PEOPLE = APPLE + ANDROID + GOOGLE + COMPANY
# the line of each card's BEGIN:VCARD (Apple's photo runs over 40 lines)
BEGINS = [n for n, line in enumerate(PEOPLE.split("\r\n"), 1) if line == "BEGIN:VCARD"]


def records(text: str, filename: str = "contacts.vcf") -> list[Any]:
    data = text.encode()
    detected = detect(data, total_size=len(data), filename=filename)
    return list(Reader([data], detected, groups=vcard_groups([data], detected)))


def test_cards_of_apple_android_google_and_vcard_4_are_records_of_their_fields():
    apple, android, google, company = records(PEOPLE)
    assert apple.cells == {
        "external_id": "5B2E9C1A-7D3F-4E8B-9A61-0C4D2F8E7B13",
        "name_prefix": "Dr.",  # N's prefix and middle name (additional), each was left out
        "first_name": "Jane",
        "middle_name": "Q.",
        "last_name": "Smith",
        "nickname": "JJ",  # was not imported, nor ORG's unit (the department)
        # the preferred first, then a mobile number
        "emails": ["jane@acme.example", "jane@home.example"],
        "phones": ["(503) 555-0100", "(503) 555-0199"],
        "company": "Acme, Inc.",
        "department": "Sales",
        "job_title": "Head of Sales",
        "addresses": [{"line1": "1 Main St", "line2": "Apt 4", "city": "Portland",
                       "region": "OR", "postcode": "97201", "country": "United States"}],
        "birthday": "--04-12",  # Apple's year 1604: the year was left out
        "website": "https://acme.example",
        "linkedin": "http://www.linkedin.com/in/janesmith",
        "notes": "Met at the fair, wants a demo\nCall after 5",
        "vcard.fax": "(503) 555-0198",  # no phone: listed as not imported
    }  # fmt: skip
    assert android.cells == {
        "first_name": "Jürgen",
        "last_name": "Müller",
        "emails": ["juergen@example.de"],
        "phones": ["+49 170 1234567", "089 123456"],
        # every part, an empty one None: a card's street is never split as a whole address
        "addresses": [{"line1": "Hauptstraße 1", "line2": None, "city": "München",
                       "region": None, "postcode": "80331", "country": "Deutschland"}],
        "notes": "Stammkunde seit 2019, bevorzugt Anrufe am Vormittag\nGröße M",
    }  # fmt: skip
    # Google's automatic group myContacts is no tag (as in its CSV)
    assert google.cells["tags"] == ["Friends"]
    assert google.cells["birthday"] == "1990-07-01"
    # a company's card: its FN is the company, not a person's name
    assert company.cells == {
        "emails": ["orders@northwind.example"],
        "phones": ["+1-206-555-0150"],
        "company": "Northwind Traders",
        "vcard.kind": "org",
    }
    assert [r.line for r in records(PEOPLE)] == BEGINS


@pytest.mark.parametrize(
    ("bday", "read"),
    [("1985-04-12", "1985-04-12"), ("19850412", "1985-04-12"),
     ("1985-04-12T00:00:00Z", "1985-04-12"), ("--0412", "--04-12"), ("--04-12", "--04-12"),
     ("circa 1980", "circa 1980")],
)  # fmt: skip
def test_a_birthday_is_read_in_each_form_vcards_write_it(bday, read):
    [card] = records(f"BEGIN:VCARD\nVERSION:4.0\nFN:A B\nBDAY:{bday}\nEND:VCARD\n")
    assert card.cells["birthday"] == read


def test_a_card_that_cannot_be_read_fails_its_row_and_the_next_cards_are_read():
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nthis line is no property\nEND:VCARD\n"  # 1
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bob Kay\n"  # 6: no END:VCARD before the next card
        "BEGIN:VCARD\nVERSION:2.1\nFN:Cy Doe\nAGENT:\nBEGIN:VCARD\nFN:Assistant\nEND:VCARD\n"
        "EMAIL:cy@example.com\nEND:VCARD\n"  # 9: another's card inside, left out
        "some text between cards\n"  # 18
        "BEGIN:VCARD\nVERSION:3.0\n" + "NOTE:x\n" * 200_000 + "END:VCARD\n"  # 19: over 1 MiB
        "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=NOPE;ENCODING=QUOTED-PRINTABLE:J=C3=BC\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Dee Fox\n"  # the file ends inside it
    )
    read = [(r.line, r.cells, r.problem) for r in records(text)]
    assert read == [
        (1, None, "line 4 is not a vCard property (NAME:value): 'this line is no property'"),
        (6, None, "the card that begins on line 6 has no END:VCARD before the card on line 9 "
                  "begins"),
        (9, {"name": "Cy Doe", "emails": ["cy@example.com"]}, None),
        (18, None, "line 18 is outside any card: a card is BEGIN:VCARD ... END:VCARD"),
        (19, None, "the card is longer than 1 MiB without its photo"),
        (200_022, None, "line 200024: unknown character set 'NOPE'"),
        (200_026, None, "the card that begins on line 200026 has no END:VCARD before the file "
                        "ends"),
    ]  # fmt: skip


def test_a_photo_on_one_line_longer_than_a_record_is_left_out():
    photo = "A" * (1024 * 1024 + 10)
    [card] = records(
        f"BEGIN:VCARD\nFN:Ann Lee\nPHOTO;ENCODING=b:{photo}\nEMAIL:a@x.com\nEND:VCARD\n"
    )
    assert card.cells == {"name": "Ann Lee", "emails": ["a@x.com"]}


def test_a_phones_contact_list_is_imported_with_its_people(tenant: TenantCtx):
    run = imported(tenant, PEOPLE, "contacts.vcf")
    assert run["format"] == "vcard"
    assert run["progress"]["created"] == 4, run
    people = {c["email_normalized"]: c for c in customers(tenant)}
    jane = people["jane@acme.example"]
    assert (jane["first_name"], jane["last_name"], jane["company"]) == (
        "Jane",
        "Smith",
        "Acme, Inc.",
    )
    assert jane["phone_e164"] == "+15035550100"
    assert jane["attributes"] == {
        "name_prefix": "Dr.", "middle_name": "Q.", "nickname": "JJ", "department": "Sales",
        "job_title": "Head of Sales", "birthday": "--04-12", "website": "https://acme.example",
        "linkedin": "http://www.linkedin.com/in/janesmith",
        "other_email": "jane@home.example", "other_phone": "(503) 555-0199",
    }  # fmt: skip
    assert jane["notes"] == "Met at the fair, wants a demo\nCall after 5"
    [home] = jane["addresses"]
    assert (home["line1"], home["line2"], home["city"], home["country"]) == (
        "1 Main St", "Apt 4", "Portland", "US")  # fmt: skip
    juergen = people["juergen@example.de"]
    assert (juergen["first_name"], juergen["phone_e164"]) == ("Jürgen", "+491701234567")
    assert juergen["addresses"][0]["city"] == "München"
    assert juergen["addresses"][0]["country"] == "DE"
    assert people["ana@lima.example"]["tags"] == ["Friends"]
    northwind = people["orders@northwind.example"]
    assert (northwind["company"], northwind["full_name"]) == ("Northwind Traders", None)
    assert [r["line"] for r in rows(tenant, run["id"])] == BEGINS


def test_the_same_cards_imported_again_update_their_customers(tenant: TenantCtx):
    imported(tenant, APPLE + GOOGLE, "contacts.vcf")
    # the phone's card changed: another email first; its UID is the same
    changed = APPLE.replace("type=pref:jane@acme.example", "type=pref:jane@new.example")
    again = imported(tenant, changed + GOOGLE, "contacts.vcf", overwrite=True)
    assert again["progress"]["created"] == 0, again
    emails = sorted(c["email_normalized"] for c in customers(tenant))
    assert emails == ["ana@lima.example", "jane@new.example"]


def test_the_preview_reads_cards_and_lists_what_no_field_holds(tenant: TenantCtx):
    response = upload(tenant, PEOPLE, "contacts.vcf", path="/v1/imports/preview")
    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["format"] == "vcard"
    fields = {c["name"]: c["field"] for c in preview["columns"]}
    assert fields["emails"] == "email"
    assert fields["external_id"] == "external_id"
    assert fields["vcard.fax"] is None  # listed as not imported
    assert [r["line"] for r in preview["rows"]] == BEGINS


def test_a_card_that_cannot_be_read_fails_alone_through_the_api(tenant: TenantCtx):
    broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Card\r\n== junk ==\r\nEND:VCARD\r\n"
    run = imported(tenant, GOOGLE + broken + COMPANY, "contacts.txt", format="vcard")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), run
    [bad] = errors(tenant, run["id"])
    assert bad["line"] == 10
    assert "line 13 is not a vCard property" in bad["reason"]


def test_a_file_named_vcf_holding_a_csv_is_read_as_a_csv_saying_so(tenant: TenantCtx):
    run = imported(tenant, "email,first_name\nann@example.com,Ann\n", "contacts.vcf")
    assert run["progress"]["created"] == 1
    assert any("holds CSV, not vCards" in w for w in run["warnings"]), run["warnings"]


def test_the_cli_imports_a_vcard_file(cli, tenant: TenantCtx, tmp_path):
    path = tmp_path / "contacts.vcf"
    path.write_text(PEOPLE, newline="")
    result = cli("import", path, "--tenant", tenant.slug)
    assert result.exit_code == 0, result.output
    assert "imported 4 rows (100%): 4 created, 0 updated, 0 failed" in result.output
    assert len(customers(tenant)) == 4


def test_a_contact_group_is_no_customer_and_its_members_are_tagged_with_its_name():
    """iCloud's export holds its groups as cards (X-ADDRESSBOOKSERVER-KIND:group, vCard 4's
    KIND:group), after their members or before: each was imported as a customer named
    after the group. A group is its members' tag now."""
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann;;;\nEMAIL:ann@x.example\n"
        "UID:5B2E9C1A-7D3F-4E8B-9A61-0C4D2F8E7B13\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Friends\nN:Friends;;;;\nX-ADDRESSBOOKSERVER-KIND:group\n"
        "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:5b2e9c1a-7d3f-4e8b-9a61-0c4d2f8e7b13\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Team\nMEMBER:urn:uuid:b0b\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nFN:Bob Ray\nUID:urn:uuid:B0B\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Empty\nEND:VCARD\n"
    )
    ann, friends, team, bob, empty = records(text)
    assert ann.cells["tags"] == ["Friends"]
    assert bob.cells["tags"] == ["Team"]
    assert (
        friends.problem
        == "a contact group ('Friends'), not a person: its members are tagged 'Friends'"
    )
    assert team.problem == "a contact group ('Team'), not a person: its members are tagged 'Team'"
    assert empty.problem == "a contact group ('Empty'), not a person: not imported"


def test_a_groups_members_are_tagged_through_the_api_when_the_group_comes_last(
    tenant: TenantCtx,
):
    group = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Clients\r\nX-ADDRESSBOOKSERVER-KIND:group\r\n"
        "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:5B2E9C1A-7D3F-4E8B-9A61-0C4D2F8E7B13\r\n"
        "END:VCARD\r\n"
    )
    run = imported(tenant, PEOPLE + group, "contacts.vcf")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (4, 1), run
    tagged = {c["email"]: c["tags"] for c in customers(tenant)}
    assert tagged["jane@acme.example"] == ["Clients"]
    assert tagged["juergen@example.de"] == []


_PIECES = ["BEGIN:VCARD", "END:VCARD", "VERSION:2.1", "VERSION:3.0", "N:Lee;Ann;;;", "FN:Ann",
           "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BC;=", "=C3", "NOTE;ENCODING=QUOTED-"
           "PRINTABLE:a=", "EMAIL;TYPE=\"pref,x\":a@x.example", "TEL;CELL;PREF:+1 503 555 0100",
           "ADR;TYPE=home:;;1 St\\n2;City;;;US", "ADR:a;b;c;d;e;f;g;h;i", "BDAY:--0229",
           "BDAY:1604-13-45", "CATEGORIES:a\\,b,,c", "PHOTO;ENCODING=b:AAAA", " folded", "\tfolded",
           "AGENT:", "KIND:group", "X-ROLODEX-ID:not-a-uuid", "UID:urn:uuid:x", "ORG:;;;",
           "junk without a colon", "N;CHARSET=NOPE;ENCODING=QUOTED-PRINTABLE:x", "item1.URL:\\:",
           "KIND:GROUP", "X-ADDRESSBOOKSERVER-KIND:group", "MEMBER:urn:uuid:x",
           "X-ADDRESSBOOKSERVER-MEMBER:", "UID:X",
           "", "\\", ";;;:", "\u2028", "\x85", "é", "😀", "TEL;TYPE=FAX:1",
           "X-A;B=\"\":"]  # fmt: skip


@property_settings(300)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)), max_size=40),
       st.sampled_from(["\n", "\r\n"]))  # fmt: skip
def test_any_text_of_cards_is_read_into_records_or_reasons_never_an_error(lines, newline):
    """Whatever a .vcf holds, reading it gives records and reasons, never an exception (an
    import job that raised would stop, not fail the rows)."""
    data = newline.join(["BEGIN:VCARD", *lines]).encode()
    try:
        detected = detect(data, total_size=len(data), filename="contacts.vcf")
    except FileProblem:
        return  # refused whole, saying why (binary data): a clear error too
    for record in Reader([data], detected, groups=vcard_groups([data], detected)):
        assert (record.cells is None) != (record.problem is None), record
        if record.cells is not None:
            assert all(isinstance(k, str) for k in record.cells)
