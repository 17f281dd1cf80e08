"""The import form's refusals say why, in the dashboard as in the API: which column, and what
is wrong with its field; a list item by its field, not by its index."""

from __future__ import annotations

import re

import pytest

from tests.web.helpers import assert_page, signed_in

CSV = b"email,first_name\na@example.com,Ann\n"


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"map": ["email=nonsense"]}, "Invalid mapping: column “email”: unknown field 'nonsense'"),
        (
            {"map": ["email=email", "first_name=email"]},
            "Invalid mapping: column “first_name”: email is already mapped",
        ),
        (
            {"map": ["email=attr." + "x" * 65]},
            "Invalid mapping: column “email”: a custom attribute is attr.&lt;name&gt;, the name 1 "
            "to 64 characters (got 65)",
        ),
        ({"tags": "t" * 101}, "Tags: String should have at most 100 characters"),
        ({"source": "Hub Spot"}, "Source: letters, digits, '.', '-' and '_' only, e.g. hubspot"),
    ],
)
@pytest.mark.parametrize("path", ["/imports/preview", "/imports"])
def test_a_refused_choice_names_its_column_and_reason(tenant, path, form, said):
    csrf = signed_in(tenant)
    files = {"file": ("people.csv", CSV, "text/csv")}
    fragment = tenant.client.post(
        path, data={"csrf_token": csrf, **form}, files=files, headers={"HX-Request": "true"}
    )
    text = assert_page(fragment).replace("&#39;", "'")
    assert said in text, text
    listed = tenant.client.get("/v1/imports", headers=tenant.headers())
    assert listed.json()["items"] == []  # nothing started


def test_the_api_keeps_its_fields_and_reasons_apart(tenant):
    r = tenant.client.post(
        "/v1/imports",
        files={"file": ("people.csv", CSV, "text/csv")},
        data={"map": "email=attr."},
        headers=tenant.headers(),
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["message"] == "invalid mapping: mapping.email"
    assert error["details"] == [
        {
            "field": "mapping.email",
            "message": "a custom attribute is attr.<name>, the name 1 to 64 characters (got 0)",
        }
    ]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (bytes(range(256)) * 8, "The file is not text: it holds binary data"),
        (
            b"email,name\n" + b"\x00" * 50 + b"a@example.com,Ann\n" * 20,
            "The file is not text: it holds binary data (NUL bytes); if it is UTF-16 text, "
            "choose the encoding utf-16",
        ),
    ],
)
@pytest.mark.parametrize("path", ["/imports/preview", "/imports"])
def test_a_file_that_is_not_text_is_said_once(tenant, path, content, said):
    csrf = signed_in(tenant)
    files = {"file": ("people.csv", content, "text/csv")}
    fragment = tenant.client.post(
        path, data={"csrf_token": csrf}, files=files, headers={"HX-Request": "true"}
    )
    alert = re.search(r'role="alert">(.*?)</p>', assert_page(fragment)).group(1)
    assert alert.removeprefix("The import did not start. ") == said


SPACED = b"Email,First Name,Tier\nada@example.com,Ada,gold\n"
CHOSEN = ["Email=email", "First%20Name=email", "Tier=attr.loyalty"]  # as the browser sends it


def _previewed(tenant, csrf, maps):
    files = {"file": ("people.csv", SPACED, "text/csv")}
    data = {"csrf_token": csrf, "map": maps}
    r = tenant.client.post("/imports/preview", data=data, files=files, headers={"HX-Request": "1"})
    return assert_page(r)


def test_a_refused_column_whose_name_holds_a_space_is_said_with_its_reason(tenant):
    """Headers such as "First Name" said only 'Invalid mapping: mapping.First Name'."""
    text = _previewed(tenant, signed_in(tenant), CHOSEN)
    alert = re.search(r'role="alert">(.*?)</p>', text).group(1)
    assert alert == "Invalid mapping: column “First Name”: email is already mapped"


def test_a_refused_mapping_keeps_the_table_as_chosen_saying_which_column_and_why(tenant):
    """The preview answered the error alone: the table went, with every choice made in it."""
    csrf = signed_in(tenant)
    text = _previewed(tenant, csrf, CHOSEN)
    chosen = re.findall(r'<option value="([^"]*)" selected>', text)
    assert chosen == CHOSEN
    refused = re.search(r"First Name</th>.*?</tr>", text, re.S).group(0)
    assert '<td class="error-text">email is already mapped</td>' in refused
    assert "The first rows show once the mapping is accepted" in text
    fixed = _previewed(tenant, csrf, [*CHOSEN[:1], "First%20Name=first_name"])
    assert "First rows" in fixed
    assert 'role="alert"' not in fixed
