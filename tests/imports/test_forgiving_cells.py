"""Other tools' values in a record, pure: country names, dates, stage/status/type and consent
words, "Last, First" names and another tool's ids are read, not failed or dropped; what still
cannot be read fails its row saying how to write it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from rolodex.imports import dates, names
from rolodex.imports.rows import Options, Prepared, RowError, convert

CSV = Options()


def ok(cells: dict, options: Options = CSV) -> Prepared:
    result = convert(1, 2, [(f, f"col {f}", v) for f, v in cells.items()], options)
    assert isinstance(result, Prepared), result
    return result


def bad(cells: dict, options: Options = CSV) -> list[RowError]:
    result = convert(1, 2, [(f, f"col {f}", v) for f, v in cells.items()], options)
    assert isinstance(result, list), result
    return result


# -- countries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Germany", "DE"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("u.s.a.", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Great Britain", "GB"),
        ("Deutschland", "DE"),
        ("DEUTSCHLAND", "DE"),
        ("España", "ES"),
        ("espana", "ES"),
        ("Österreich", "AT"),
        ("Schweiz", "CH"),
        ("Suisse", "CH"),
        ("Nederland", "NL"),
        ("Holland", "NL"),
        ("Polska", "PL"),
        ("Brasil", "BR"),
        ("México", "MX"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Viet Nam", "VN"),
        ("Czech Republic", "CZ"),
        ("DEU", "DE"),
        ("usa", "US"),
        ("gbr", "GB"),
        (" fr ", "FR"),
        ("de", "DE"),
    ],
)
def test_a_country_name_or_alpha_3_code_reads_as_its_alpha_2_code(written, code):
    p = ok({"address1_country": written, "address1_city": "X"})
    assert p.data.addresses
    assert p.data.addresses[0].country == code


def test_a_country_in_a_json_address_list_is_read_the_same_way():
    addresses = [{"city": "Berlin", "country": "Germany"}, {"city": "Wien", "country": "AUT"}]
    p = ok({"addresses": addresses}, Options(is_csv=False))
    assert [a.country for a in p.data.addresses or []] == ["DE", "AT"]


@pytest.mark.parametrize("written", ["Atlantis", "Narnia", "XX", "Germanyy", "123"])
def test_a_country_that_cannot_be_read_still_fails_its_row_saying_how_to_write_it(written):
    (err,) = bad({"address1_country": written})
    assert (err.field, err.column, err.value) == ("address1_country", "col address1_country",
                                                  written)  # fmt: skip
    assert "alpha-2" in err.reason


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "instant"),
    [
        ("2023-03-15", datetime(2023, 3, 15, tzinfo=UTC)),
        ("2023-03-15 14:02:11", datetime(2023, 3, 15, 14, 2, 11, tzinfo=UTC)),
        ("2023-03-15T14:02:11Z", datetime(2023, 3, 15, 14, 2, 11, tzinfo=UTC)),
        ("2023-03-15T14:02:11+01:00", datetime(2023, 3, 15, 13, 2, 11, tzinfo=UTC)),
        ("2023-03-15 14:02:11 UTC", datetime(2023, 3, 15, 14, 2, 11, tzinfo=UTC)),
        ("3/15/2023", datetime(2023, 3, 15, tzinfo=UTC)),  # Excel, US
        ("03/15/2023", datetime(2023, 3, 15, tzinfo=UTC)),
        ("15/03/2023", datetime(2023, 3, 15, tzinfo=UTC)),  # Excel, UK
        ("15.03.2023", datetime(2023, 3, 15, tzinfo=UTC)),  # Excel, Germany
        ("5.3.2023", datetime(2023, 3, 5, tzinfo=UTC)),  # dots: day first
        ("15-03-2023", datetime(2023, 3, 15, tzinfo=UTC)),
        ("2023/03/15", datetime(2023, 3, 15, tzinfo=UTC)),
        ("2023.3.5", datetime(2023, 3, 5, tzinfo=UTC)),
        ("3/3/2023", datetime(2023, 3, 3, tzinfo=UTC)),  # either way the same day
        ("3/15/2023 2:02 PM", datetime(2023, 3, 15, 14, 2, tzinfo=UTC)),
        ("3/15/2023 12:05 AM", datetime(2023, 3, 15, 0, 5, tzinfo=UTC)),
        ("3/15/2023 12:05 pm", datetime(2023, 3, 15, 12, 5, tzinfo=UTC)),
        ("15.03.2023 14:02", datetime(2023, 3, 15, 14, 2, tzinfo=UTC)),
        ("15.03.2023 14:02:11", datetime(2023, 3, 15, 14, 2, 11, tzinfo=UTC)),
        ("Mar 15, 2023", datetime(2023, 3, 15, tzinfo=UTC)),
        ("March 15th, 2023 2:02pm", datetime(2023, 3, 15, 14, 2, tzinfo=UTC)),
        ("15 March 2023", datetime(2023, 3, 15, tzinfo=UTC)),
        ("Wed, 15 Mar 2023 14:02:11 +0000", datetime(2023, 3, 15, 14, 2, 11, tzinfo=UTC)),
    ],
)
def test_common_spreadsheet_dates_and_times_are_read(written, instant):
    assert ok({"created_at": written}).created_at == instant
    consent = ok({"email_consent_at": written, "email_consent": "yes"}).consent
    assert consent == {"email_consent": True, "email_consent_at": instant}
    assert ok({"last_active_at": written}).data.last_active_at == instant


def test_a_time_with_an_offset_keeps_its_instant():
    value = dates.read("1/20/2023 14:02:11.5 +01:00")
    assert value == datetime(2023, 1, 20, 14, 2, 11, 500000, tzinfo=timezone(timedelta(hours=1)))


def test_a_date_whose_day_and_month_could_swap_fails_naming_both_readings():
    (err,) = bad({"created_at": "3/4/2023"})
    assert (err.field, err.value) == ("created_at", "3/4/2023")
    assert "March 4, 2023 (month first)" in err.reason
    assert "3 April 2023 (day first)" in err.reason
    assert "2023-03-04 or 2023-04-03" in err.reason


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("next week", "31.01.2024, 2024/01/31, 01/31/2024, 31/01/2024"),
        ("2024", "Excel day number (five digits"),  # a year alone: no date
        ("31/02/2023", "not a real date"),
        ("13/13/2023", "not a real date"),
        ("3/15/2023 13:00 PM", "12-hour clock"),
        ("2023-03-15T14:02:11+25:00", "not a real date"),
        ("Foo 12, 2023", "ISO 8601"),
    ],
)
def test_a_date_that_cannot_be_read_fails_its_row_naming_the_forms(written, words):
    (err,) = bad({"created_at": written})
    assert err.field == "created_at"
    assert words in err.reason


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("15.03.1980", "1980-03-15"),
        ("3/15/1980", "1980-03-15"),
        ("1980-03-15", "1980-03-15"),
        ("1980-03-15T00:00:00Z", "1980-03-15"),
        ("03/04/1980", "03/04/1980"),  # either day or month first: kept as written
        ("03/15", "--03-15"),  # no year (Mailchimp's birthday): as a vCard writes it
        ("03/04", "03/04"),  # no year, either day or month first: kept as written
        ("unknown", "unknown"),
    ],
)
def test_a_birth_date_attribute_is_stored_as_matching_reads_it_when_it_reads_as_a_date(
    written, stored
):
    p = ok({"attr.date_of_birth": written, "attr.note": "15.03.1980"})
    assert p.data.attributes == {"date_of_birth": stored, "note": "15.03.1980"}


# -- stage, status and type words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stage"),
    [
        ("Subscriber", "prospect"),
        ("Lead", "prospect"),
        ("Marketing Qualified Lead", "lead_qualified"),
        ("marketingqualifiedlead", "lead_qualified"),
        ("MQL", "lead_qualified"),
        ("Sales Qualified Lead", "lead_qualified"),
        ("salesqualifiedlead", "lead_qualified"),
        ("Opportunity", "lead_qualified"),
        ("Customer", "customer"),
        ("Evangelist", "customer"),
        ("Open - Not Contacted", "prospect"),
        ("Working - Contacted", "prospect"),
        ("Closed - Converted", "lead_qualified"),
        ("Closed - Not Converted", "lead_exhausted"),
        ("Former customer", "churned"),
        ("lead qualified", "lead_qualified"),
        ("LEAD_EXHAUSTED", "lead_exhausted"),
    ],
)
def test_other_tools_lifecycle_stages_are_translated(written, stage):
    assert ok({"lifecycle_stage": written}).data.lifecycle_stage == stage


def test_hubspots_other_stage_sets_no_stage_rather_than_failing_or_guessing():
    p = ok({"lifecycle_stage": "Other", "email": "a@example.com"})
    assert "lifecycle_stage" not in p.given
    (err,) = bad({"lifecycle_stage": "Wizard"})
    assert "must be one of prospect, lead_qualified" in err.reason


@pytest.mark.parametrize(
    ("written", "status", "stage", "consent"),
    [
        ("VIP", "vip", None, None),
        ("Enabled", "active", None, None),  # Shopify account states
        ("disabled", "inactive", None, None),
        ("Invited", "pending", None, None),
        ("pending", "pending", None, None),  # ours before Mailchimp's "pending"
        ("Lead", None, "prospect", None),  # a hand-made sheet's "Status"
        ("Customer", None, "customer", None),
        ("Open - Not Contacted", None, "prospect", None),  # Salesforce
        ("subscribed", None, None, True),  # Mailchimp
        ("unsubscribed", None, None, False),
        ("cleaned", None, None, False),
    ],
)
def test_a_status_column_sets_what_its_words_mean(written, status, stage, consent):
    p = ok({"status": written})
    assert (p.data.status, p.data.lifecycle_stage) == (status, stage)
    assert p.consent == ({} if consent is None else {"email_consent": consent})


def test_a_stage_or_consent_column_of_its_own_wins_over_a_status_column_in_any_order():
    p = ok({"status": "Lead", "lifecycle_stage": "customer", "email_consent": "no"})
    assert p.data.lifecycle_stage == "customer"
    p = ok({"lifecycle_stage": "customer", "status": "Lead", "email_consent": "no"})
    assert (p.data.lifecycle_stage, p.data.status) == ("customer", None)
    p = ok({"email_consent": "no", "status": "subscribed"})
    assert p.consent == {"email_consent": False}
    (err,) = bad({"status": "gold"})
    assert err.field == "status"
    assert "must be one of active, inactive, vip, blocked, pending" in err.reason


@pytest.mark.parametrize(
    ("written", "kind", "stage"),
    [
        ("wholesale", "wholesale", None),
        ("Reseller", "wholesale", None),
        ("Channel Partner / Reseller", "wholesale", None),
        ("Member", "registered", None),
        ("Customer - Direct", None, "customer"),  # a Salesforce account type
        ("Prospect", None, "prospect"),
    ],
)
def test_a_type_column_sets_a_type_or_the_stage_its_words_mean(written, kind, stage):
    p = ok({"customer_type": written})
    assert (p.data.customer_type, p.data.lifecycle_stage) == (kind, stage)


# -- consent --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("SUBSCRIBED", True),
        ("NEVER_SUBSCRIBED", False),
        ("UNSUBSCRIBED", False),
        ("SPAM_REPORTED", False),
        ("yes", True),
        ("no", False),
        ("Y", True),
        ("n", False),
        ("opted in", True),
        ("Opted-Out", False),
        ("1", True),
        ("0", False),
        ("TRUE", True),
    ],
)
def test_consent_words_of_other_tools_read_as_true_or_false(written, value):
    p = ok({"email_consent": written, "sms_consent": written})
    assert p.consent == {"email_consent": value, "sms_consent": value}


def test_a_consent_word_that_cannot_be_read_fails_its_row():
    (err,) = bad({"sms_consent": "maybe"})
    assert (err.field, err.value) == ("sms_consent", "maybe")
    assert "true or false" in err.reason


# -- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("Smith, John", "John", "Smith"),
        ("Smith,John", "John", "Smith"),
        ("van der Berg, Anna Maria", "Anna Maria", "van der Berg"),
        ("John Smith, Jr.", "John", "Smith, Jr."),
        ("Smith, John, Jr.", "John", "Smith, Jr."),
        ("Smith, John Jr.", "John", "Smith, Jr."),
        ("John Smith Jr", "John", "Smith Jr"),
        ("Martin Luther King, Jr.", "Martin Luther", "King, Jr."),
        ("Jean Paul Sartre", "Jean Paul", "Sartre"),
        ("Cher", "Cher", None),
        ("Smith, J.", "J.", "Smith"),
        # a surname's particles go with it (the given name was "Anna van der")
        ("Anna van der Berg", "Anna", "van der Berg"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Maria De La Cruz", "Maria", "De La Cruz"),
        ("Mohammed Al Fayed", "Mohammed", "Al Fayed"),
        ("John van Berg Jr", "John", "van Berg Jr"),
        ("Minh Van Tran", "Minh Van", "Tran"),  # Vietnamese Văn: a middle name
        # a surname first in capitals, as French and official lists write it (Jean was the
        # surname); a given name's initials and a company's name are not that
        ("DUPONT Jean", "Jean", "DUPONT"),
        ("VAN DER BERG Anna Maria", "Anna Maria", "VAN DER BERG"),
        ("O'BRIEN Pat", "Pat", "O'BRIEN"),
        ("AJ Smith", "AJ", "Smith"),
        ("JOHN SMITH", "JOHN", "SMITH"),
        ("IBM Corp", "IBM", "Corp"),
    ],
)
def test_a_whole_name_is_split_sensibly(written, first, last):
    p = ok({"full_name": written})
    assert (p.data.first_name, p.data.last_name) == (first, last)
    assert names.split(" ".join(written.split())) == (first, last)


# -- another tool's ids ---------------------------------------------------------------------


def test_an_id_column_holding_another_tools_ids_gives_the_external_id():
    p = ok({"id": "12345", "email": "a@example.com"})
    assert (p.record_id, p.external_id) == (None, "12345")
    p = ok({"id": 12345}, Options(is_csv=False))  # a JSON number
    assert (p.record_id, p.external_id) == (None, "12345")
    ours = uuid.UUID(int=7)
    p = ok({"id": str(ours)})
    assert (p.record_id, p.external_id) == (ours, None)


def test_an_id_column_beside_an_external_id_column_is_not_dropped_silently():
    assert ok({"id": "12345", "external_id": "12345"}).external_id == "12345"
    (err,) = bad({"id": "12345", "external_id": "c-9"})
    assert (err.field, err.column, err.value) == ("id", "col id", "12345")
    assert "'col external_id' gives the external id" in err.reason
    assert "attr.<name>" in err.reason


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("created_at", "ISO 8601"),
        ("address1_country", "alpha-2"),
        ("lifecycle_stage", "must be one of"),
        ("email_consent", "true or false"),
    ],
)
def test_a_huge_cell_fails_its_row_at_once_like_any_unreadable_value(field, words):
    # a time then a long run of spaces once took quadratic time in the date pattern
    (err,) = bad({field: "1/15/2023 1:00" + " " * 200_000 + "x"})
    assert (err.field, len(err.value or "")) == (field, 500)
    assert words in err.reason
