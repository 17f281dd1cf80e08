"""A boolean option of POST /v1/imports sent empty is a 422 naming it: FastAPI took an empty
form field for one not sent, so ``dry_run=`` ran a real import."""

from __future__ import annotations

import inspect
import typing

import pytest

from rolodex.imports import endpoints
from tests.imports.helpers import csv_text, customers, upload

FILE = csv_text([["email"], ["ada@example.com"]])


@pytest.mark.parametrize("name", ["dry_run", "overwrite"])
@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_boolean_option_is_a_422_naming_it_and_imports_nothing(tenant, name, value):
    response = upload(tenant, FILE, **{name: value})
    assert response.status_code == 422, response.text
    body = response.json()
    assert f"{name}: give true or false" in str(body), body
    assert tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"] == []
    assert customers(tenant) == []


def test_an_empty_value_beside_a_true_one_is_a_422_too(tenant):
    response = tenant.client.post(
        "/v1/imports",
        files=[("file", ("c.csv", FILE.encode(), "text/csv")), ("dry_run", (None, "true")),
               ("dry_run", (None, ""))],
        headers=tenant.headers(),
    )  # fmt: skip
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    ("value", "dry"),
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("On", True),
     ("false", False), ("0", False), ("no", False), ("off", False), ("False", False)],
)  # fmt: skip
def test_the_usual_spellings_are_taken(tenant, value, dry):
    response = upload(tenant, FILE, dry_run=value)
    assert response.status_code == 202, response.text
    assert response.json()["dry_run"] is dry


@pytest.mark.parametrize("value", ["banana", " true"])
def test_other_words_stay_a_422(tenant, value):
    assert upload(tenant, FILE, dry_run=value).status_code == 422


@pytest.mark.parametrize("endpoint", [endpoints.create_import, endpoints.preview_import])
def test_every_boolean_form_option_is_checked(endpoint):
    hints = typing.get_type_hints(endpoint, include_extras=True)
    booleans = {
        name
        for name in inspect.signature(endpoint).parameters
        if typing.get_args(hints[name])[:1] == (bool,)
    }
    assert booleans <= endpoints.BOOLEAN_FIELDS
    assert endpoint is endpoints.preview_import or booleans == {"dry_run", "overwrite"}
