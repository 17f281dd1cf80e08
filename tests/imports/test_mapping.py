"""Header → field mapping, pure and property-tested: guesses, overrides, duplicates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolodex.errors import InvalidInput
from rolodex.imports import mapping
from rolodex.imports.mapping import FIELDS, IGNORE, resolve


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Phone Number", "phone"),
        ("Mobile", "phone"),
        ("First", "first_name"),
        ("First Name", "first_name"),
        ("Given name", "first_name"),
        ("Last", "last_name"),
        ("Surname", "last_name"),
        ("Name", "full_name"),
        ("Zip", "address1_postcode"),
        ("ZIP code", "address1_postcode"),
        ("Postal Code", "address1_postcode"),
        ("Street Address", "address1_line1"),
        ("State/Province", "address1_region"),
        ("State", "address1_region"),
        ("Country Code", "address1_country"),
        ("Default Address City", "address1_city"),
        ("address2_city", "address2_city"),
        ("Address 2 Line1", "address2_line1"),
        ("Tags", "tags"),
        ("Lifecycle Stage", "lifecycle_stage"),
        ("Customer ID", "external_id"),
        ("record_id", "external_id"),
        ("Accepts Email Marketing", "email_consent"),
        ("attr.loyalty_tier", "attr.loyalty_tier"),
        ("attributes.Shoe Size", "attr.Shoe Size"),
        ("id", "id"),
        ("phone_e164", "phone_e164"),
        ("email_normalized", IGNORE),
        ("order_count", "order_count"),
        ("Total Orders", "order_count"),
        ("Favourite colour", None),
        # other languages, accents folded
        ("Vorname", "first_name"),
        ("Nachname", "last_name"),
        ("E-Mail-Adresse", "email"),
        ("Telefonnummer", "phone"),
        ("Straße", "address1_line1"),
        ("PLZ", "address1_postcode"),
        ("Ort", "address1_city"),
        ("Kundennummer", "external_id"),
        ("Prénom", "first_name"),
        ("Nom", "last_name"),
        ("Téléphone", "phone"),
        ("Code postal", "address1_postcode"),
        ("Correo electrónico", "email"),
        ("Apellidos", "last_name"),
        ("Código Postal", "address1_postcode"),
        ("Cognome", "last_name"),
        ("Woonplaats", "address1_city"),
        ("Estado", None),  # Spanish: state, or status
    ],
)
def test_sensible_guesses(header, field):
    assert mapping.guess(header)[0] == field


@pytest.mark.parametrize(
    ("header", "attribute"),
    [("Birthday", "birthday"), ("Date of Birth", "date_of_birth"), ("DOB", "dob"),
     ("Birth date", "birthdate"), ("Geburtsdatum", "date_of_birth"),
     ("Date de naissance", "date_of_birth"), ("Customer DOB", "dob")],
)  # fmt: skip
def test_a_birth_date_column_is_an_attribute_matching_reads(header, attribute):
    from rolodex.identity.normalize import DOB_ATTRIBUTES, dob_from_attributes

    field = mapping.guess(header)[0]
    assert field == f"attr.{attribute}"
    assert attribute in DOB_ATTRIBUTES
    assert dob_from_attributes({attribute: "1980-02-03"}) == "1980-02-03"


def test_a_name_column_beside_a_given_name_is_the_surname():
    german = resolve(["Vorname", "Name", "E-Mail"])
    assert german.fields == ["first_name", "last_name", "email"]
    assert resolve(["Name", "Email"]).fields == ["full_name", "email"]  # a whole name
    both = resolve(["Vorname", "Nachname", "Name"])
    assert both.fields == ["first_name", "last_name", "full_name"]
    chosen = resolve(["Vorname", "Name"], {"Name": "full_name"})
    assert chosen.fields == ["first_name", "full_name"]  # an explicit mapping stands


def test_every_field_name_maps_to_itself():
    names = list(FIELDS) + [f"address3_{p}" for p in mapping.ADDRESS_PARTS]
    found = resolve(names)
    assert found.fields == names


def test_overrides_win_and_can_ignore_or_make_attributes():
    found = resolve(
        ["E-mail", "Notes", "Tier", "Phone"],
        {"notes": "ignore", "Tier": "attr.tier", "Phone": "attr.phone_raw"},
    )
    assert found.fields == ["email", IGNORE, "attr.tier", "attr.phone_raw"]
    assert found.how == ["auto", "ignored", "explicit", "explicit"]


@pytest.mark.parametrize(
    ("header", "attribute"),
    [
        ("Favourite Colour", "attr.favourite_colour"),
        ("Straße Nr.", "attr.strasse_nr"),
        ("★", "attr.★"),
        ("attr.Loyalty Tier", "attr.Loyalty Tier"),
        ("  ", None),
    ],
)
def test_the_attribute_a_column_may_be_kept_as_is_a_field_resolve_takes(header, attribute):
    assert mapping.attribute_name(header) == attribute
    if attribute:
        assert resolve([header], {header: attribute}).fields == [attribute]


def test_a_field_guessed_twice_goes_to_the_best_guess_then_the_leftmost():
    found = resolve(["Default Address Phone", "Email", "Phone", "E-mail"])
    # a second phone column is the phone of rows without one (Shopify's address phone)
    assert found.fields == ["other_phone", "email", "phone", None]
    assert found.how == ["auto", "auto", "auto", "duplicate"]
    assert len(found.warnings) == 2


def test_duplicate_header_names_become_distinct_columns():
    found = resolve(["Email", "email", "", "Email"])
    assert found.columns == ["Email", "email (2)", "column 3", "Email (3)"]
    assert found.fields[0] == "email"
    assert found.fields[1] is None


def test_bad_overrides_are_a_422_naming_them():
    with pytest.raises(InvalidInput) as err:
        resolve(["Email", "Name"], {"Mail": "email", "Name": "shoe_size", "Email": "phone"})
    fields = {d["field"] for d in err.value.details}
    assert fields == {"mapping.Mail", "mapping.Name"}
    with pytest.raises(InvalidInput):
        resolve(["A", "B"], {"A": "email", "B": "email"})


def test_parse_overrides():
    assert mapping.parse_overrides(["E-mail=email", "a=b=attr.x"]) == {
        "E-mail": "email",
        "a=b": "attr.x",
    }
    with pytest.raises(InvalidInput):
        mapping.parse_overrides(["no equals sign"])
    with pytest.raises(InvalidInput, match=r"column 'E' is mapped twice \(email, phone\)"):
        mapping.parse_overrides(["E=email", "E=phone"])
    assert mapping.parse_overrides(["E=email", " E = Email "]) == {"E": "Email"}  # alike


def test_two_overrides_naming_one_column_are_a_422_unless_they_agree():
    with pytest.raises(InvalidInput) as err:
        resolve(["Email", "Tier"], {"Tier": "attr.tier", "tier": "attr.level"})
    assert [d["field"] for d in err.value.details] == ["mapping.tier"]
    found = resolve(["Email", "Tier"], {"Tier": "attr.tier", " TIER ": "attr.tier"})
    assert found.fields == ["email", "attr.tier"]


# -- properties ---------------------------------------------------------------------------

SYNONYMS = ["E-mail", "Phone Number", "First", "Last", "Zip", "Company", "Tags", "City", "Notes"]
headers = st.lists(
    st.one_of(st.sampled_from(SYNONYMS + list(FIELDS)), st.text(max_size=20)), max_size=25
)


def _variant(draw_text: str, style: int) -> str:
    if style == 0:
        return draw_text.upper()
    if style == 1:
        return f"  {draw_text.lower()}  "
    if style == 2:
        return draw_text.replace(" ", "_")
    return draw_text.replace(" ", "-").title()


@given(st.sampled_from(SYNONYMS), st.integers(0, 3))
def test_case_spacing_and_punctuation_do_not_change_a_guess(header, style):
    assert mapping.guess(_variant(header, style))[0] == mapping.guess(header)[0]


@given(headers)
def test_resolution_is_deterministic_and_a_field_takes_one_column(names):
    first, second = resolve(names), resolve(list(names))
    assert first.fields == second.fields
    taken = [f for f in first.fields if f and f != IGNORE and f not in mapping.MULTI]
    assert len(taken) == len(set(taken))
    assert all(f is None or mapping.is_field(f) for f in first.fields)


@given(headers, st.data())
def test_explicit_overrides_are_always_honoured(names, data):
    if not names:
        return
    columns = mapping.unique_headers(names)
    index = data.draw(st.integers(0, len(columns) - 1))
    target = data.draw(st.sampled_from(["email", "attr.custom", IGNORE, "address2_city"]))
    found = resolve(names, {columns[index]: target})
    assert found.fields[index] == target
