"""A consent an import changes says where the change came from: the record's consent source,
else the import's source. It was stored null, the old choice's source ("web form") lost."""

from __future__ import annotations

import pytest

from tests.imports.helpers import csv_text, imported, rows
from tests.imports.test_existing_customers import current, made


@pytest.mark.parametrize(
    ("fields", "said"), [({}, "import"), ({"source": "newsletter"}, "newsletter")]
)
def test_a_consent_changed_by_an_import_comes_from_the_import(tenant, fields, said):
    ann = made(tenant, email="ann@example.com", consent={"email": True, "source": "web form"})
    bob = made(tenant, email="bob@example.com", consent={"sms": False, "source": "kiosk"})
    file = csv_text([["email", "email_consent", "sms_consent"],
                     ["ann@example.com", "no", ""],
                     ["bob@example.com", "", "yes"]])  # fmt: skip
    run = imported(tenant, file, **fields)
    assert [r["action"] for r in rows(tenant, run["id"])] == ["update", "update"]
    ann_consent = current(tenant, ann["id"])["consent"]
    assert (ann_consent["email"], ann_consent["email_source"]) == (False, said)
    bob_consent = current(tenant, bob["id"])["consent"]
    assert (bob_consent["sms"], bob_consent["sms_source"]) == (True, said)


def test_the_rows_consent_source_wins_and_an_unchanged_consent_keeps_its_source(tenant):
    ann = made(tenant, email="ann@example.com", consent={"email": True, "source": "web form"})
    bob = made(tenant, email="bob@example.com", consent={"email": True, "source": "web form"})
    file = csv_text([["email", "email_consent", "email_consent_source"],
                     ["ann@example.com", "no", "unsubscribe link"],
                     ["bob@example.com", "yes", ""]])  # fmt: skip
    run = imported(tenant, file, source="newsletter")
    assert [r["action"] for r in rows(tenant, run["id"])] == ["update", "unchanged"]
    assert current(tenant, ann["id"])["consent"]["email_source"] == "unsubscribe link"
    assert current(tenant, bob["id"])["consent"]["email_source"] == "web form"
