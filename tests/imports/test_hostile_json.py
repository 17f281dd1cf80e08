"""Hostile JSON and NDJSON files and odd import options, on SQLite and PostgreSQL: each gives a
clear error or per-row errors naming the field, the good rows are imported, and no record is
written other than the file says."""

from __future__ import annotations

import json

from tests.imports.helpers import consented, customers, errors, imported, upload


def test_an_integer_too_large_for_64_bits_is_kept_exact_not_rounded_to_a_float(tenant):
    """orjson reads an integer past 64 bits as a float: another tool's 30-digit id became the
    external id '1.2345678901234568e+29', and the report quoted the rounded number."""
    big = "123456789012345678901234567890"
    content = (
        f'[{{"email": "ext@example.com", "external_id": {big}}},'
        f' {{"email": "id@example.com", "id": {big}1}},'
        f' {{"email": "attr@example.com", "attributes": {{"n": {big}}}}}]'
    )
    run = imported(tenant, content, "people.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), run
    ids = {c["email"]: [s["external_id"] for s in c["sources"]] for c in customers(tenant)}
    assert ids == {"ext@example.com": [big], "id@example.com": [big + "1"]}
    (error,) = errors(tenant, run["id"])
    assert (error["row"], error["field"]) == (3, "attributes")
    assert error["value"] == f'{{"n":{big}}}'
    # NDJSON the same; NaN and a number past a double's range still fail their row
    lines = [f'{{"email": "nd@example.com", "external_id": {big}2}}',
             '{"email": "nan@example.com", "attributes": {"x": NaN}}',
             '{"email": "inf@example.com", "external_id": 1e400}']  # fmt: skip
    run = imported(tenant, "\n".join(lines) + "\n", "people.ndjson")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 2), run
    nd = {c["email"]: c for c in customers(tenant)}["nd@example.com"]
    assert [s["external_id"] for s in nd["sources"]] == [big + "2"]
    assert {e["row"] for e in errors(tenant, run["id"])} == {2, 3}


def test_values_nested_hundreds_deep_fail_their_row_naming_the_field(tenant):
    """A value nested 300 to 1,000 levels deep (within what JSON is read to) failed its row as
    'an unexpected error' (the NUL check recursed), and custom attributes nested 300 deep were
    stored: every GET /v1/customers of the tenant was then a 500 (the response could not be
    written) and a customer POSTed with them was a 500 too."""

    def deep(n: int) -> str:
        return "[" * n + "]" * n

    content = (
        f'[{{"email": "first@example.com", "attributes": {{"ok": {deep(20)}}}}},'
        f' {{"email": "notes@example.com", "notes": {deep(300)}}},'
        f' {{"email": "a300@example.com", "attributes": {{"x": {deep(300)}}}}},'
        f' {{"email": "a900@example.com", "attributes": {{"x": {deep(900)}}}}},'
        ' {"email": "last@example.com"}]'
    )
    run = imported(tenant, content, "people.json")
    assert run["state"] == "done"
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 3), run
    found = {e["row"]: (e["field"], e["reason"]) for e in errors(tenant, run["id"])}
    assert found[2] == ("notes", "must be text")
    assert found[3][0] == found[4][0] == "attributes"
    assert found[3][1] == found[4][1] == "is nested more than 64 levels deep"
    listed = tenant.client.get("/v1/customers", headers=tenant.headers())
    assert listed.status_code == 200, listed.text
    assert {c["email"] for c in listed.json()["items"]} == {"first@example.com", "last@example.com"}
    body = '{"email": "api@example.com", "attributes": {"x": ' + deep(300) + "}}"
    posted = tenant.client.post(
        "/v1/customers",
        content=body,
        headers={**tenant.headers(), "content-type": "application/json"},
    )
    assert posted.status_code == 422, posted.text


def test_addresses_given_as_one_object_make_the_address_not_nothing(tenant):
    """``"addresses": {...}`` (one address, not a list of them) was flattened into the keys
    addresses.line1, addresses.city..., which no field takes: the customer was created without
    its address and without an error."""
    records = [
        {"email": "one@example.com",
         "addresses": {"line1": "1 Main St", "city": "Springfield", "country": "US"}},
        {"email": "list@example.com", "addresses": [{"line1": "2 Side St", "country": "DE"}]},
        {"email": "text@example.com", "addresses": "3 High St"},
    ]  # fmt: skip
    run = imported(tenant, "\n".join(json.dumps(r) for r in records), "people.ndjson")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), run
    lines = {
        c["email"]: [(a["line1"], a["city"], a["country"]) for a in c["addresses"]]
        for c in customers(tenant)
    }
    assert lines == {
        "one@example.com": [("1 Main St", "Springfield", "US")],
        "list@example.com": [("2 Side St", None, "DE")],
    }
    (error,) = errors(tenant, run["id"])
    assert (error["row"], error["field"], error["value"]) == (3, "addresses", "3 High St")


def test_a_tag_list_holding_objects_or_booleans_fails_its_row_not_a_python_repr_tag(tenant):
    """Each item of a tags list was made text by Python's str(): {"x": 1} became the tag
    "{'x': 1}" and true the tag "True"."""
    records = [
        {"email": "obj@example.com", "tags": ["vip", {"x": 1}]},
        {"email": "bool@example.com", "tags": ["vip", True]},
        {"email": "list@example.com", "tags": [["a", "b"]]},
        {"email": "ok@example.com", "tags": ["vip", 7, None, "b,c"]},
    ]
    run = imported(tenant, json.dumps(records), "people.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 3), run
    assert {c["email"]: sorted(c["tags"]) for c in customers(tenant)} == {
        "ok@example.com": ["7", "b,c", "vip"]
    }
    found = {e["row"]: (e["field"], e["value"]) for e in errors(tenant, run["id"])}
    assert found == {
        1: ("tags", '["vip",{"x":1}]'),
        2: ("tags", '["vip",true]'),
        3: ("tags", '[["a","b"]]'),
    }
    assert all("text" in e["reason"] for e in errors(tenant, run["id"]))


def test_a_consent_given_as_a_list_fails_its_row_rather_than_being_read_from_its_repr(tenant):
    """A consent of [true] or ["no"] was read from Python's text of the list ("[True]" as the
    word true): a list said yes or no by accident."""
    records = [
        {"email": "list@example.com", "email_consent": [True]},
        {"email": "words@example.com", "sms_consent": ["no"]},
        {"email": "ok@example.com", "email_consent": "yes", "sms_consent": False},
    ]
    run = imported(tenant, json.dumps(records), "people.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 2), run
    found = {e["row"]: (e["field"], e["value"]) for e in errors(tenant, run["id"])}
    assert found == {1: ("email_consent", "[true]"), 2: ("sms_consent", '["no"]')}
    ((email, consent),) = [(c["email"], c["consent"]) for c in customers(tenant)]
    assert (email, consent["email"], consent["sms"]) == ("ok@example.com", True, False)


def test_the_match_mode_is_read_in_any_case_as_the_form_documents(tenant):
    """The form documents match as one of update, skip, create in any case (as format and
    date_order are read); SKIP was a 422."""
    content = '[{"email": "m@example.com", "first_name": "Old"}]'
    assert imported(tenant, content, "people.json")["progress"]["created"] == 1
    again = '[{"email": "m@example.com", "first_name": "New"}]'
    run = imported(tenant, again, "people.json", match=" SKIP ")
    assert run["options"]["match"] == "skip"
    assert (run["progress"]["skipped"], run["progress"]["updated"]) == (1, 0)
    assert [c["first_name"] for c in customers(tenant)] == ["Old"]
    refused = upload(tenant, again, "people.json", match="merge")
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "match"


def test_a_second_list_of_records_in_the_wrapper_object_is_refused_not_dropped(tenant):
    """{"customers": [...], "items": [...]}: the first list was imported and the second,
    read as the wrapper's other keys (a next_cursor and such), was dropped without a word.
    Which list was imported depended on the order of the keys."""
    content = (
        '{"customers": [{"email": "a@example.com"}], "next_cursor": null,'
        ' "items": [{"email": "b@example.com"}]}'
    )
    response = upload(tenant, content, "people.json")
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert "'items'" in message
    assert "second list" in message
    # the other keys of a wrapper are still read past: a cursor, a count, metadata
    fine = '{"items": [{"email": "c@example.com"}], "next_cursor": "x", "meta": {"n": [1]}}'
    assert imported(tenant, fine, "people.json")["progress"]["created"] == 1
    # past the first 256 KiB: the import fails saying so, keeping what it imported
    pad = "n" * 1000
    docs = ",".join(f'{{"email": "w{i}@example.com", "notes": "{pad}"}}' for i in range(300))
    run = imported(
        tenant, '{"data": [' + docs + '], "records": [{"email": "z@example.com"}]}', "p.json"
    )
    assert run["state"] == "failed"
    assert "'records'" in run["error"]
    assert run["progress"]["created"] == 300


def test_a_json_key_left_out_for_another_is_said_to_fill_records_without_it(tenant):
    """A mapping that sends key Nope to email leaves the email key out; in JSON that key
    still fills the email of a record without Nope (test_json_keys), but the import warned
    that it 'is not imported' while it wrote the email of the second record."""
    content = '[{"email": "a@example.com", "Nope": "n@example.com"}, {"email": "b@example.com"}]'
    run = imported(tenant, content, "people.json", mapping={"Nope": "email"})
    assert sorted(c["email"] for c in customers(tenant)) == ["b@example.com", "n@example.com"]
    (said,) = [w for w in run["warnings"] if "also looks like email" in w]
    assert "not imported" not in said
    assert "records without" in said


def test_a_record_that_is_not_valid_json_names_its_line_in_the_file(tenant):
    """The reason of a record that is not valid JSON gave orjson's position within the
    record ("line 1 column 1"), beside the record's own line in the file: row 2 (line 2) said
    'line 1', and an element of a pretty-printed array from line 3 said 'line 3' for line 5."""
    lines = '{"email": "a@example.com"}\nnot json\n{"email": "c@example.com"}\n'
    run = imported(tenant, lines, "people.ndjson")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1)
    (error,) = errors(tenant, run["id"])
    assert (error["row"], error["line"]) == (2, 2)
    assert error["reason"] == "not valid JSON: invalid literal, expected 'null' (line 2, column 1)"
    pretty = (
        "[\n"
        '  {"email": "d@example.com"},\n'
        "  {\n"
        '    "email": "e@example.com",\n'
        '    "first_name": "E",\n'
        "  },\n"
        '  {"email": "f@example.com"}\n'
        "]\n"
    )
    run = imported(tenant, pretty, "people.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1)
    (error,) = errors(tenant, run["id"])
    assert (error["row"], error["line"]) == (2, 3)
    assert error["reason"] == "not valid JSON: trailing comma is not allowed (line 5)"


def test_sources_given_as_one_object_are_read_not_dropped(tenant):
    """``"sources": {"source": "shopify", "external_id": "1"}`` was flattened into keys no
    field takes: the customer was created without its Shopify id and without an error."""
    records = [
        {"email": "one@example.com", "sources": {"source": "shopify", "external_id": "77"}},
        {"email": "bad@example.com", "sources": {"source": "myspace", "external_id": "1"}},
    ]
    run = imported(tenant, "\n".join(json.dumps(r) for r in records), "people.ndjson")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 1), run
    (person,) = customers(tenant)
    assert ("shopify", "77") in {(s["source"], s["external_id"]) for s in person["sources"]}
    (error,) = errors(tenant, run["id"])
    assert (error["row"], error["field"]) == (2, "sources")
    assert "unknown source 'myspace'" in error["reason"]


def test_the_lists_of_other_tools_json_exports_are_read_as_their_records(tenant):
    """HubSpot's API answers {"results": [...], "paging": ...} and Mailchimp's
    {"members": [...], "total_items": ...}: read as one object, each was a single record
    with no column mapped (422). Their records are read, whatever the file's name."""
    hubspot = (
        '{"results": [{"properties": {"email": "h1@example.com", "firstname": "Hana"}},'
        ' {"properties": {"email": "h2@example.com"}}],'
        ' "paging": {"next": {"after": "2"}}}'
    )
    # HubSpot keeps a contact's fields under "properties": mapped by hand, as any
    # column the guesses miss
    mapping = '{"properties.email": "email", "properties.firstname": "first_name"}'
    run = imported(tenant, hubspot, "contacts.json", mapping=mapping)
    assert run["state"] == "done", run
    assert run["progress"]["created"] == 2
    mailchimp = (
        '{"members": [{"email_address": "m1@example.com", "merge_fields": {"FNAME": "Mo"}}],'
        ' "list_id": "abc", "total_items": 1, "_links": [{"rel": "self"}]}'
    )
    run = imported(tenant, mailchimp, "members.txt")  # a name that says nothing of JSON
    assert run["state"] == "done", run
    assert run["progress"]["created"] == 1
    emails = {c["email"] for c in customers(tenant)}
    assert emails == {"h1@example.com", "h2@example.com", "m1@example.com"}
    twice = '{"results": [{"email": "r@example.com"}], "members": [{"email": "s@example.com"}]}'
    response = upload(tenant, twice, "both.json")
    assert response.status_code == 422, response.text
    assert "second list" in response.json()["error"]["message"]


def test_a_first_record_longer_than_the_sample_read_does_not_refuse_the_file(tenant):
    """Columns are found in the file's first 256 KiB: a JSON or NDJSON file whose first record
    is longer (a 300 KB note, or one past 1 MiB that fails alone) had no key found, and the
    preview showed no column and no row and the import was a 422 'no column of the file could
    be mapped', the whole file refused for one record."""
    long_note = "y" * 300_000
    too_long = "z" * (1024 * 1024 + 10)
    for filename, content in (
        ("people.json", f'[{{"email": "a@example.com", "notes": "{long_note}"}},'
                        ' {"email": "b@example.com", "first_name": "Bo"}]'),
        ("people.ndjson", f'{{"email": "a@example.com", "notes": "{long_note}"}}\n'
                          '{"email": "b@example.com", "first_name": "Bo"}\n'),
        ("big.json", f'[{{"email": "c@example.com", "notes": "{too_long}"}},'
                     ' {"email": "d@example.com", "first_name": "Di"}]'),
    ):  # fmt: skip
        seen = upload(tenant, content, filename, path="/v1/imports/preview")
        assert seen.status_code == 200, seen.text
        assert {c["name"] for c in seen.json()["columns"]} >= {"email", "first_name"}, filename
        assert [r["row"] for r in seen.json()["rows"]] == [1, 2]
        run = imported(tenant, content, filename)
        assert run["state"] == "done", run
        assert run["progress"]["rows_read"] == 2
    found = {c["email"]: c for c in customers(tenant)}
    assert (found["b@example.com"]["first_name"], found["d@example.com"]["first_name"]) == (
        "Bo",
        "Di",
    )
    assert "c@example.com" not in found


def test_tags_given_as_a_boolean_fail_their_row_not_the_tag_true(tenant):
    """A boolean in a tags list failed its row, but one alone ("tags": true) was made text by
    str(): the customer was tagged "True" (and false "False") without a word."""
    records = [
        {"email": "true@example.com", "tags": True},
        {"email": "false@example.com", "tags": False},
        {"email": "ok@example.com", "tags": "vip, gold"},
        {"email": "num@example.com", "tags": 7},
    ]
    for filename, content in (
        ("people.json", json.dumps(records)),
        ("people.ndjson", "\n".join(map(json.dumps, records)) + "\n"),
    ):
        seen = upload(tenant, content, filename, path="/v1/imports/preview").json()
        verdicts = [[e["field"] for e in r["errors"]] for r in seen["rows"]]
        assert verdicts == [["tags"], ["tags"], [], []], seen["rows"]
        run = imported(tenant, content, filename)
        assert (run["progress"]["rows_read"], run["progress"]["failed"]) == (4, 2), run
        found = {e["row"]: (e["field"], e["value"]) for e in errors(tenant, run["id"])}
        assert found == {1: ("tags", "true"), 2: ("tags", "false")}
    assert {c["email"]: sorted(c["tags"]) for c in customers(tenant)} == {
        "ok@example.com": ["gold", "vip"],
        "num@example.com": ["7"],
    }


def test_a_phone_written_as_a_float_is_read_as_its_digits(tenant):
    """A CSV phone a spreadsheet made a number (4155550123.0) loses its ".0"; the same in a
    JSON file (pandas writes a column of numbers with a gap as floats) was read as the text
    "4155550123.0" and failed its row as 'not a valid phone number'."""
    records = [
        {"email": "a@example.com", "phone": 4155550123.0},
        {"email": "b@example.com", "phone": 4155550124},
        {"email": "c@example.com", "phone": 4155.5},
    ]
    for filename, content in (
        ("people.json", json.dumps(records)),
        ("people.ndjson", "\n".join(map(json.dumps, records)) + "\n"),
    ):
        seen = upload(tenant, content, filename, path="/v1/imports/preview").json()
        assert [[e["field"] for e in r["errors"]] for r in seen["rows"]] == [[], [], ["phone"]]
        run = imported(tenant, content, filename)
        assert (run["progress"]["rows_read"], run["progress"]["failed"]) == (3, 1), run
        assert {e["row"] for e in errors(tenant, run["id"])} == {3}
    assert {c["email"]: c["phone"] for c in customers(tenant)} == {
        "a@example.com": "4155550123",
        "b@example.com": "4155550124",
    }


def test_an_id_or_postcode_written_as_a_whole_float_is_read_as_its_digits(tenant):
    """pandas writes a column of ids or postcodes with a gap as floats (12345.0): the id was
    stored as "12345.0", so the CSV of the same export (12345) matched no one by it, and the
    postcode read "94105.0". A whole number is read as its digits; any other is kept."""
    records = [
        {"email": "a@example.com", "external_id": 12345.0,
         "address": {"line1": "1 Main St", "city": "Boston", "postcode": 94105.0}},
        {"email": "b@example.com", "id": 777.0},
        {"email": "c@example.com", "external_id": 12.5},
        {"email": "d@example.com",
         "addresses": [{"line1": "2 Side St", "city": "New York", "postcode": 10001.0}]},
        {"email": "e@example.com", "sources": [{"source": "shopify", "external_id": 99.0}]},
    ]  # fmt: skip
    for filename, content in (
        ("people.json", json.dumps(records)),
        ("people.ndjson", "\n".join(map(json.dumps, records)) + "\n"),
    ):
        run = imported(tenant, content, filename)
        assert (run["progress"]["rows_read"], run["progress"]["failed"]) == (5, 0), run
    found = {c["email"]: c for c in customers(tenant)}
    assert len(found) == 5  # the second file found each customer by its id or email
    ids = {
        e: [s["external_id"] for s in c["sources"] if s["external_id"]] for e, c in found.items()
    }
    assert ids == {
        "a@example.com": ["12345"],
        "b@example.com": ["777"],
        "c@example.com": ["12.5"],
        "d@example.com": [],
        "e@example.com": ["99"],
    }
    postcodes = {e: [a["postcode"] for a in c["addresses"]] for e, c in found.items()}
    assert postcodes["a@example.com"] == ["94105"]
    assert postcodes["d@example.com"] == ["10001"]


def test_a_source_id_given_as_true_or_an_object_fails_its_row(tenant):
    """``{"source": "shopify", "external_id": true}`` linked the customer under the id "True"
    (an object: under "{'a': 1}"); the row fails naming sources."""
    records = [
        {"email": "a@example.com", "sources": [{"source": "shopify", "external_id": True}]},
        {"email": "b@example.com", "sources": [{"source": "shopify", "external_id": {"a": 1}}]},
        {"email": "c@example.com", "sources": [{"source": "shopify", "external_id": 5}]},
    ]
    run = imported(tenant, json.dumps(records), "people.json")
    assert (run["progress"]["rows_read"], run["progress"]["failed"]) == (3, 2), run
    assert {(e["row"], e["field"]) for e in errors(tenant, run["id"])} == {
        (1, "sources"),
        (2, "sources"),
    }
    assert [c["email"] for c in customers(tenant)] == ["c@example.com"]


def test_an_api_export_of_hubspot_stripe_or_airtable_is_mapped(tenant):
    """JSON saved from an API: HubSpot's contacts keep their fields under ``properties``,
    Airtable's records under ``fields``, Stripe its customers' own keys under ``metadata``
    inside a list object. HubSpot's imported customers holding only their id, Stripe's page
    refused as "no column could be mapped"."""
    hubspot = {
        "results": [
            {"id": "51", "archived": False,
             "properties": {"email": "ann@hs.example", "firstname": "Ann", "lastname": "Lee",
                            "company": "Lee Co", "lifecyclestage": "customer"}},
        ],
        "paging": {"next": {"after": "52"}},
    }  # fmt: skip
    stripe = {
        "object": "list",
        "data": [
            {"id": "cus_N1", "object": "customer", "email": "jenny@stripe.example",
             "name": "Jenny Rosen", "metadata": {"tier": "gold"},
             "address": {"line1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117",
                         "country": "DE", "line2": None, "state": None}},
        ],
        "has_more": False,
    }  # fmt: skip
    airtable = {
        "records": [{"id": "rec1", "fields": {"Email": "max@at.example", "Name": "Max Roe"}}]
    }
    for name, doc in (("hubspot", hubspot), ("stripe", stripe), ("airtable", airtable)):
        run = imported(tenant, json.dumps(doc, indent=2), f"{name}.json")
        assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == (
            "done", 1, 0,
        ), run  # fmt: skip
    found = {c["email"]: c for c in customers(tenant)}
    ann = found["ann@hs.example"]
    assert (ann["first_name"], ann["last_name"], ann["company"], ann["lifecycle_stage"]) == (
        "Ann", "Lee", "Lee Co", "customer",
    )  # fmt: skip
    jenny = found["jenny@stripe.example"]
    assert (jenny["first_name"], jenny["last_name"], jenny["attributes"]) == (
        "Jenny", "Rosen", {"tier": "gold"},
    )  # fmt: skip
    assert [(a["city"], a["postcode"], a["country"]) for a in jenny["addresses"]] == [
        ("Berlin", "10117", "DE")
    ]
    assert (found["max@at.example"]["first_name"], found["max@at.example"]["last_name"]) == (
        "Max", "Roe",
    )  # fmt: skip


KLAVIYO_PROFILE = {
    "type": "profile",
    "id": "01GDDKASAP8TKDDA2GRZDSVP4H",
    "attributes": {
        "email": "sarah.mason@klaviyo-demo.com", "phone_number": "+14155550106",
        "external_id": "63f64a2b", "first_name": "Sarah", "last_name": "Mason",
        "organization": "Example Corporation", "title": "Regional Manager",
        "created": "2022-11-08T00:00:00+00:00",
        "location": {"address1": "89 E 42nd St", "address2": "1st floor", "city": "New York",
                     "country": "United States", "region": "NY", "zip": "10017",
                     "timezone": "America/New_York"},
        "properties": {"pseudonym": "Dr. Octopus"},
        "subscriptions": {
            "email": {"marketing": {"consent": "SUBSCRIBED",
                                    "consent_timestamp": "2023-02-21T20:07:38+00:00"}},
            "sms": {"marketing": {"consent": "NEVER_SUBSCRIBED"}}},
    },
    "links": {"self": "https://a.klaviyo.com/api/profiles/01GDDKASAP8TKDDA2GRZDSVP4H/"},
}  # fmt: skip


def test_a_klaviyo_api_page_of_profiles_is_read_as_its_profiles_fields(tenant):
    """Klaviyo's API writes a profile as {"type": "profile", "id", "attributes": {...}}: the
    whole profile became custom attributes of a customer holding nothing else (its email
    among them). Its fields, address, custom properties and consent are read, as Klaviyo's
    webhooks give them, its id under the klaviyo source."""
    page = {"data": [KLAVIYO_PROFILE], "links": {"next": None}}
    run = imported(tenant, json.dumps(page, indent=2), "profiles.json", source="klaviyo")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (sarah,) = customers(tenant)
    got = {k: sarah[k] for k in ("email", "phone_e164", "first_name", "last_name", "company")}
    assert got == {
        "email": "sarah.mason@klaviyo-demo.com", "phone_e164": "+14155550106",
        "first_name": "Sarah", "last_name": "Mason", "company": "Example Corporation",
    }  # fmt: skip
    assert sarah["attributes"] == {
        "pseudonym": "Dr. Octopus", "external_id": "63f64a2b",
        "job_title": "Regional Manager",  # its title (was not imported)
    }  # fmt: skip
    (address,) = sarah["addresses"]
    assert (address["line1"], address["line2"], address["city"], address["postcode"]) == (
        "89 E 42nd St", "1st floor", "New York", "10017",
    )  # fmt: skip
    assert (address["country"], address["timezone"]) == ("US", "America/New_York")
    consent = sarah["consent"]
    assert (consent["email"], consent["email_at"][:10], consent["sms"]) == (
        True, "2023-02-21", False,
    )  # fmt: skip
    assert [(s["source"], s["external_id"]) for s in sarah["sources"]] == [
        ("klaviyo", "01GDDKASAP8TKDDA2GRZDSVP4H")
    ]
    assert sarah["created_at"].startswith("2022-11-08")


def test_tags_given_as_objects_with_a_name_are_their_names(tenant):
    """Mailchimp's API lists a member's tags as {"id": 1, "name": "vip"}: the row failed."""
    records = [
        {"email": "a@example.com", "tags": [{"id": 1, "name": "vip"}, {"id": 2, "name": "b2b"}]},
        {"email": "b@example.com", "tags": [{"id": 3}]},  # no name: still a problem
    ]
    run = imported(tenant, json.dumps(records), "members.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 1), run
    assert [(e["row"], e["field"]) for e in errors(tenant, run["id"])] == [(2, "tags")]
    (a,) = customers(tenant)
    assert sorted(a["tags"]) == ["b2b", "vip"]


def test_a_mailchimp_api_page_of_members_is_read_with_their_merge_fields(tenant):
    """Mailchimp's API keeps a member's name, phone and address under ``merge_fields``, the
    address as an object: they were listed as not imported (an object under ADDRESS would
    fail the row). Its ``location`` is a guess from the member's IP address: not read."""
    page = {
        "members": [
            {"id": "852aaa9532cb36adfb5e9fef7a4206a9", "email_address": "urist@example.com",
             "status": "subscribed", "tags": [{"id": 1, "name": "vip"}],
             "location": {"latitude": 52.5, "longitude": 13.4, "country_code": "DE"},
             "merge_fields": {"FNAME": "Urist", "LNAME": "McVankab", "PHONE": "+14045550100",
                              "BIRTHDAY": "03/14",
                              "ADDRESS": {"addr1": "1 Main St", "addr2": "", "city": "Atlanta",
                                          "state": "GA", "zip": "30308", "country": "US"}}},
            {"id": "0c3b5f1d0c3b5f1d0c3b5f1d0c3b5f1d", "email_address": "text@example.com",
             "merge_fields": {"FNAME": "Tex", "ADDRESS": "2 Side St, Atlanta"}},
        ],
        "list_id": "57afe96172",
        "total_items": 2,
    }  # fmt: skip
    run = imported(tenant, json.dumps(page, indent=2), "members.json", source="mailchimp")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), run
    found = {c["email"]: c for c in customers(tenant)}
    urist = found["urist@example.com"]
    got = {k: urist[k] for k in ("first_name", "last_name", "phone_e164", "tags", "attributes")}
    assert got == {
        "first_name": "Urist", "last_name": "McVankab", "phone_e164": "+14045550100",
        "tags": ["vip"], "attributes": {"birthday": "--03-14"},
    }  # fmt: skip
    parts = ("line1", "city", "region", "postcode", "country")
    assert [tuple(a[p] for p in parts) for a in urist["addresses"]] == [
        ("1 Main St", "Atlanta", "GA", "30308", "US")
    ]
    assert urist["consent"]["email"] is True
    assert [s["external_id"] for s in urist["sources"]] == [
        "mailchimp:852aaa9532cb36adfb5e9fef7a4206a9"
    ]
    tex = found["text@example.com"]
    # an ADDRESS merge field of text is the address as written
    assert (tex["first_name"], [a["line1"] for a in tex["addresses"]]) == (
        "Tex",
        ["2 Side St, Atlanta"],
    )


def test_a_salesforce_or_intercom_api_page_is_read(tenant):
    """Salesforce's query result ({"totalSize", "done", "records"}) and Intercom's list
    ({"type": "list", "data"}) were refused as one record with nothing to map; each
    Salesforce record's own ``attributes`` ({"type", "url"}) would have become custom
    attributes."""
    salesforce = {
        "totalSize": 1, "done": True,
        "records": [
            {"attributes": {"type": "Contact", "url": "/services/data/v59.0/sobjects/Contact/1"},
             "Id": "003Dn00000AbCdEIAV", "FirstName": "Ann", "LastName": "Lee",
             "Email": "ann@sf.example", "MailingCity": "San Francisco", "MailingCountry": "US",
             "Account": {"attributes": {"type": "Account", "url": "/services/data/v59.0/a/1"},
                         "Name": "Lee & Co"}},
        ],
        "nextRecordsUrl": None,
    }  # fmt: skip
    intercom = {
        "type": "list",
        "data": [
            {"type": "contact", "id": "5ba682d23d7cf92bef87bfd4", "role": "user",
             "email": "joe@intercom.example", "name": "Joe Example", "created_at": 1537704658,
             "location": {"type": "location", "country": "Ireland", "city": "Dublin"},
             "custom_attributes": {"paid_subscriber": True}},
        ],
        "total_count": 1,
    }  # fmt: skip
    for name, doc in (("salesforce", salesforce), ("intercom", intercom)):
        run = imported(tenant, json.dumps(doc), f"{name}.json", source=name)
        assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == (
            "done", 1, 0,
        ), run  # fmt: skip
    found = {c["email"]: c for c in customers(tenant)}
    ann = found["ann@sf.example"]
    assert (ann["first_name"], ann["last_name"], ann["company"], ann["attributes"]) == (
        "Ann", "Lee", "Lee & Co", {},
    )  # fmt: skip
    assert [(a["city"], a["country"]) for a in ann["addresses"]] == [("San Francisco", "US")]
    joe = found["joe@intercom.example"]
    assert (joe["first_name"], joe["attributes"]) == ("Joe", {"paid_subscriber": True})
    assert [(a["city"], a["country"]) for a in joe["addresses"]] == [("Dublin", "IE")]
    assert joe["created_at"].startswith("2018-09-23")
    # a customer's own custom attributes named type and url are kept (an export copied back)
    own = [{"email": "own@example.com", "attributes": {"type": "b2b", "url": "https://x.example"}}]
    run = imported(tenant, json.dumps(own), "own.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (copied,) = [c for c in customers(tenant) if c["email"] == "own@example.com"]
    assert copied["attributes"] == {"type": "b2b", "url": "https://x.example"}


def test_a_google_people_api_page_of_contacts_is_read(tenant):
    """Google's People API lists contacts under ``connections``, each with lists of names,
    emails, phones, addresses (streetAddress, postalCode) and organizations: the file was
    refused as one record with nothing to map."""
    page = {
        "connections": [
            {"resourceName": "people/c1", "etag": "%EgU",
             "names": [{"displayName": "Gail Park", "familyName": "Park", "givenName": "Gail"}],
             "emailAddresses": [{"value": "gail@g.example", "type": "home"},
                                {"value": "gail@work.example", "type": "work"}],
             "phoneNumbers": [{"value": "+1 415-555-0199", "type": "mobile"}],
             "addresses": [{"streetAddress": "3 Pine St", "extendedAddress": "Unit 2",
                            "city": "San Francisco", "region": "CA", "postalCode": "94111",
                            "country": "United States", "countryCode": "US", "type": "home"}],
             "organizations": [{"name": "Park Co", "title": "Owner"}],
             "biographies": [{"value": "Met at the expo"}]},
        ],
        "totalPeople": 1,
        "totalItems": 1,
    }  # fmt: skip
    run = imported(tenant, json.dumps(page), "connections.json", source="google")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (gail,) = customers(tenant)
    got = {k: gail[k] for k in ("email", "phone_e164", "first_name", "last_name", "company",
                                "notes")}  # fmt: skip
    assert got == {
        "email": "gail@g.example", "phone_e164": "+14155550199", "first_name": "Gail",
        "last_name": "Park", "company": "Park Co", "notes": "Met at the expo",
    }  # fmt: skip
    assert gail["attributes"].get("other_email") == "gail@work.example"
    assert [(a["line1"], a["line2"], a["city"], a["postcode"], a["country"])
            for a in gail["addresses"]] == [
        ("3 Pine St", "Unit 2", "San Francisco", "94111", "US")
    ]  # fmt: skip
    assert [s["external_id"] for s in gail["sources"]] == ["google:people/c1"]


def test_a_google_people_api_contacts_other_fields_are_kept_as_a_csv_of_it_keeps_them(tenant):
    """A person of Google's People API holds more than names, emails, phones, addresses and
    a company: a middle name, prefix and suffix, a nickname, a job title and department, a
    website, a gender, a birthday (a date object), events, relations and custom fields
    (userDefined). All were dropped; they are the attributes a Google Contacts CSV gives."""
    person = {
        "resourceName": "people/c2",
        "names": [{"givenName": "Ana", "familyName": "García", "middleName": "Luz",
                   "honorificPrefix": "Dr.", "honorificSuffix": "PhD"}],
        "nicknames": [{"value": "Anita"}],
        "emailAddresses": [{"value": "ana@g.example"}],
        "organizations": [{"name": "Flores", "title": "Owner", "department": "Sales"}],
        "urls": [{"value": "https://flores.example", "type": "homePage"}],
        "genders": [{"value": "female", "formattedValue": "Female"}],
        "birthdays": [{"date": {"month": 3, "day": 4}}],
        "events": [{"date": {"year": 2010, "month": 6, "day": 1}, "type": "anniversary",
                    "formattedType": "Anniversary"},
                   {"date": {"year": 2019, "month": 3, "day": 3}, "type": "First visit",
                    "formattedType": "First visit"}],
        "relations": [{"person": "Luis", "type": "spouse", "formattedType": "Spouse"},
                      {"person": "Marta", "type": "sister", "formattedType": "Sister"},
                      {"person": "Pilar", "type": "sister", "formattedType": "Sister"}],
        "userDefined": [{"key": "Loyalty Tier", "value": "Gold"}, {"key": "", "value": "x"}],
    }  # fmt: skip
    run = imported(tenant, json.dumps({"connections": [person]}), "connections.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    (ana,) = customers(tenant)
    assert (ana["first_name"], ana["last_name"], ana["company"]) == ("Ana", "García", "Flores")
    assert ana["attributes"] == {
        "middle_name": "Luz", "name_prefix": "Dr.", "name_suffix": "PhD", "nickname": "Anita",
        "job_title": "Owner", "department": "Sales", "website": "https://flores.example",
        "gender": "female", "birthday": "--03-04", "anniversary": "2010-06-01",
        "first_visit": "2019-03-03", "spouse": "Luis", "sister": "Marta", "sister_2": "Pilar",
        "loyalty_tier": "Gold", "custom_field": "x",
    }  # fmt: skip


def test_an_intercom_contact_with_its_own_external_id_and_an_opt_out_is_read(tenant):
    """An Intercom contact holds Intercom's id and its id in the workspace's own system
    (external_id): every contact having both failed ("column 'external_id' gives the external
    id"), and its unsubscribed_from_emails and last_seen_at were not imported."""
    contact = {
        "type": "contact", "id": "5ba682d23d7cf92bef87bfd4", "workspace_id": "ecahpwf5",
        "external_id": "25", "role": "user", "email": "joe@intercom.example",
        "name": "Joe Bloggs", "unsubscribed_from_emails": True, "created_at": 1571672154,
        "last_seen_at": 1571069751, "custom_attributes": {"monthly_spend": 155.5},
    }  # fmt: skip
    other = {**contact, "id": "5ba682d23d7cf92bef87bfd5", "external_id": None,
             "email": "lee@intercom.example", "unsubscribed_from_emails": False}  # fmt: skip
    consented(tenant, "joe@intercom.example", "lee@intercom.example")  # both said yes before
    page = {"type": "list", "data": [contact, other], "total_count": 2}
    run = imported(tenant, json.dumps(page), "contacts.json", source="intercom")
    assert (run["progress"]["updated"], run["progress"]["failed"]) == (2, 0), run
    assert not any("'type'" in w for w in run["warnings"]), run["warnings"]
    found = {c["email"]: c for c in customers(tenant)}
    joe, lee = found["joe@intercom.example"], found["lee@intercom.example"]
    # Intercom is none of Rolodex's sources: its ids live under import, named by the source
    assert ("import", "intercom:5ba682d23d7cf92bef87bfd4") in [
        (s["source"], s["external_id"]) for s in joe["sources"]
    ]
    assert joe["attributes"] == {"monthly_spend": 155.5, "external_id": "25"}
    # unsubscribed revokes the consent; not unsubscribed leaves it as it was
    assert (joe["consent"]["email"], lee["consent"]["email"]) == (False, True)
    assert joe["last_active_at"].startswith("2019-10-14")
    assert lee["attributes"] == {"monthly_spend": 155.5}
