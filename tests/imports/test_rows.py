"""Record → customer data, pure: each kind of cell, per-field errors, the email fast path."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.customers.normalize import check_email
from rolodex.imports import cells
from rolodex.imports.cells import fast_check_email
from rolodex.imports.rows import Options, Prepared, RowError, convert

CSV = Options()


def ok(cells, options=CSV) -> Prepared:
    result = convert(1, 2, [(f, f, v) for f, v in cells.items()], options)
    assert isinstance(result, Prepared), result
    return result


def bad(cells, options=CSV) -> list[RowError]:
    result = convert(7, 9, [(f, f"col {f}", v) for f, v in cells.items()], options)
    assert isinstance(result, list), result
    return result


def test_a_full_record():
    p = ok(
        {
            "email": " Ada@Example.com ",
            "phone": "+1 415 555 0100",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "lifecycle_stage": "Lead Qualified",
            "status": "VIP",
            "customer_type": "wholesale",
            "tags": "vip|newsletter|VIP",
            "attr.loyalty_tier": "gold",
            "attr.score": "5",
            "address1_line1": "1 Main St",
            "address1_postcode": "94110",
            "address1_country": "us",
            "address2_city": "Paris",
            "address2_country": "FR",
            "email_consent": "yes",
            "created_at": "2021-03-04",
            "ltv": "$1,250.5",
            "external_id": " c-1 ",
            "utm_campaign": "spring",
        }
    )
    d = p.data
    assert d.email == "Ada@Example.com"
    assert d.first_name == "Ada"
    assert (d.lifecycle_stage, d.status, d.customer_type) == ("lead_qualified", "vip", "wholesale")
    assert d.tags == ["vip", "newsletter"]
    assert d.attributes == {"loyalty_tier": "gold", "score": 5}
    assert [a.country for a in d.addresses or []] == ["US", "FR"]
    assert d.utm is not None
    assert d.utm.campaign == "spring"
    assert p.consent == {"email_consent": True}
    assert p.created_at == datetime(2021, 3, 4, tzinfo=UTC)
    assert p.ltv == Decimal("1250.50")
    assert p.external_id == "c-1"
    assert {"email", "phone", "tags", "attributes", "addresses", "utm_campaign"} <= p.given


def test_a_full_name_is_split_only_without_first_and_last():
    assert ok({"full_name": "Jean  Paul Sartre"}).data.first_name == "Jean Paul"
    assert ok({"full_name": "Jean Paul Sartre", "first_name": "J"}).data.last_name is None
    cher = ok({"full_name": "Cher"})
    assert (cher.data.first_name, cher.data.last_name) == ("Cher", None)
    assert "last_name" not in cher.given


def test_empty_cells_are_absent_and_neutralized_cells_are_restored():
    p = ok({"first_name": "  ", "company": "'=ACME", "notes": "'-5 points"})
    assert "first_name" not in p.given
    assert p.data.company == "=ACME"
    assert p.data.notes == "-5 points"


@pytest.mark.parametrize(
    ("cells", "field", "words"),
    [
        ({"email": "not-an-email"}, "email", "email"),
        ({"lifecycle_stage": "wizard"}, "lifecycle_stage", "must be one of"),
        ({"status": "gold"}, "status", "must be one of"),
        ({"email_consent": "maybe"}, "email_consent", "true or false"),
        ({"created_at": "next week"}, "created_at", "ISO 8601"),
        ({"ltv": "-5"}, "ltv", "zero or more"),
        ({"ltv": "1.234"}, "ltv", "two decimal"),
        ({"address1_country": "Atlantis"}, "address1_country", "alpha-2"),
        ({"address1_lat": "north"}, "address1_lat", "number"),
        ({"attributes": "[1,2]"}, "attributes", "JSON object"),
        ({"sources": "myspace:1"}, "sources", "unknown source"),
        ({"first_name": "x" * 300}, "first_name", "at most 200"),
        ({"notes": "a\x00b"}, "notes", "NUL"),
        ({"external_id": "x" * 201}, "external_id", "200"),
    ],
)
def test_bad_cells_are_row_errors_naming_field_column_and_value(cells, field, words):
    errors = bad(cells)
    assert len(errors) == 1
    err = errors[0]
    assert err.field == field
    assert words in err.reason
    assert err.column == f"col {field}"
    assert err.value


def test_several_bad_cells_give_several_errors():
    assert {e.field for e in bad({"status": "x", "created_at": "y"})} == {"status", "created_at"}
    # a cell that cannot be read, the email check and the API's validation: all at once
    found = bad({"email": "not-an-email", "ltv": "-5", "first_name": "A" * 300})
    assert {e.field for e in found} == {"email", "ltv", "first_name"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", 5),
        ("1.5", 1.5),
        ("true", True),
        ('"5"', "5"),
        ('""', ""),
        ("null", None),
        ('{"a": 1}', {"a": 1}),
        ("gold", "gold"),
        ("007", "007"),
        ("-", "-"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("1e999", "1e999"),
    ],
)
def test_attribute_cells(text, value):
    assert cells.attr_cell(text) == value


def test_json_documents_keep_their_types():
    p = ok(
        {
            "tags": ["a", "b"],
            "attributes": {"score": 5, "nested": {"x": [1]}},
            "addresses": [{"line1": "1 Main", "country": "US", "id": "ignored", "lat": 1.5}],
            "sources": [{"source": "shopify", "external_id": "123"}, {"source": "api"}],
            "phone": 4155550100,
        },
        Options(is_csv=False),
    )
    assert p.data.tags == ["a", "b"]
    assert p.data.attributes == {"score": 5, "nested": {"x": [1]}}
    assert p.data.addresses
    assert p.data.addresses[0].lat == 1.5
    assert p.sources == [("shopify", "123"), ("api", None)]
    assert p.data.phone == "4155550100"


def test_a_json_exports_sources_keep_when_they_last_synced():
    at = "2026-11-01T08:30:00+00:00"
    p = ok(
        {"sources": [{"source": "shopify", "external_id": "123", "last_synced_at": at},
                     {"source": "klaviyo", "external_id": "k1", "last_synced_at": None},
                     {"source": "api", "last_synced_at": at}]},
        Options(is_csv=False),
    )  # fmt: skip
    assert p.sources == [("shopify", "123"), ("klaviyo", "k1"), ("api", None)]
    assert p.synced == {("shopify", "123"): datetime(2026, 11, 1, 8, 30, tzinfo=UTC)}
    [error] = bad({"sources": [{"source": "shopify", "external_id": "1", "last_synced_at": "x"}]})
    assert error.field == "sources"
    assert error.reason.startswith("last_synced_at of source 'shopify': ")


# -- the email fast path gives check_email's verdict ----------------------------------------

local = st.text(
    alphabet=st.sampled_from(list("abcXYZ019.-_+'!#$%&*/=?^`{|}~\"() ,:;<>@[]\\é")),
    min_size=0,
    max_size=70,
)
domain = st.sampled_from(
    [
        "example.com",
        "gmail.com",
        "localhost",
        "a.b",
        "x-.com",
        "-x.com",
        "ex ample.com",
        "example..com",
        "xn--bcher-kva.ch",
        "bücher.ch",
        "[127.0.0.1]",
        "example.invalid",
        "a" * 64 + ".com",
        "123.com",
        "e.c",
        "",
    ]
)


def _verdict(fn, text):
    try:
        return ("ok", fn(text))
    except ValueError:
        return ("bad", None)


@settings(max_examples=400)
@given(local, domain, st.sampled_from(["", " ", "  \t"]))
def test_fast_check_email_agrees_with_check_email(name, host, pad):
    text = f"{pad}{name}@{host}{pad}"
    assert _verdict(fast_check_email, text) == _verdict(check_email, text)


@pytest.mark.parametrize(
    ("text", "amount"),
    [("12,50", "12.50"), ("0,5", "0.50"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"),
     ("1,234", "1234.00"), ("$1,234.56", "1234.56"), ("12,50 €", "12.50"),
     ("EUR 12,50", "12.50"), ("1 234,56", "1234.56"), ("1\u00a0234,56", "1234.56"),
     ("1'234.50", "1234.50"), ("1.234.567", "1234567.00"), ("125.5", "125.50")],
)  # fmt: skip
def test_amounts_as_spreadsheets_of_any_country_write_them(text, amount):
    """A decimal comma is a decimal comma: 12,50 was read as 1250 (100 times the money)."""
    assert ok({"ltv": text}).ltv == Decimal(amount)


@pytest.mark.parametrize("text", ["1,2,3", "1.234", "12.3,4.5", "-5", "abc"])
def test_amounts_that_cannot_be_read_for_sure_are_row_errors(text):
    (error,) = bad({"ltv": text})
    assert error.field == "ltv"


def test_tags_and_sources_written_as_json_arrays_keep_their_separators():
    """An export writes them so when one holds a separator ("red;blue" is one tag)."""
    p = ok({"tags": '["red;blue", "a|b", "c,d"]',
            "sources": '[{"source": "shopify", "external_id": "123|456"}]'})  # fmt: skip
    assert p.data.tags == ["red;blue", "a|b", "c,d"]
    assert p.sources == [("shopify", "123|456")]
    assert ok({"tags": "[x]"}).data.tags == ["[x]"]  # not JSON: a tag as written
    assert ok({"tags": "a|b"}).data.tags == ["a", "b"]
    assert ok({"tags": '["a", "b"]'}, Options(tag_delimiter=",")).data.tags == ['["a"', '"b"]']
