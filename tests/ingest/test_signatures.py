"""Signature checks, pure: Shopify and Klaviyo schemes, rotation, staleness."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rolodex.ingest.signatures import (
    klaviyo_signature,
    parse_timestamp,
    shopify_signature,
    verify_klaviyo,
    verify_shopify,
)
from tests.ingest.payloads import body_of, klaviyo_headers, shopify_customer, shopify_headers

SECRET = "s3cret-s3cret-s3cret"
NOW = datetime(2025, 3, 2, 10, 0, tzinfo=UTC)


def test_shopify_signature_is_what_shopify_sends():
    body = body_of(shopify_customer())
    header = shopify_headers("customers/create", body, secret=SECRET)["X-Shopify-Hmac-Sha256"]
    assert shopify_signature(SECRET, body) == header
    assert verify_shopify(body, header, [SECRET]).ok


def test_shopify_rejects_missing_malformed_and_wrong():
    body = b'{"id": 1}'
    assert verify_shopify(body, None, [SECRET]).reason == "missing"
    assert verify_shopify(body, "   ", [SECRET]).reason == "missing"
    assert verify_shopify(body, "not base64!!", [SECRET]).reason == "malformed"
    assert verify_shopify(body, "x" * 10_000, [SECRET]).reason == "malformed"
    assert verify_shopify(
        body, shopify_signature("other-secret-xxxxxx", body), [SECRET]
    ).reason == ("mismatch")
    assert verify_shopify(body + b" ", shopify_signature(SECRET, body), [SECRET]).reason == (
        "mismatch"
    )
    assert not verify_shopify(body, shopify_signature(SECRET, body), []).ok


def test_shopify_names_the_secret_that_matched():
    body = b"{}"
    old, new = "old-secret-old-secret", "new-secret-new-secret"
    assert verify_shopify(body, shopify_signature(old, body), [new, old]).secret_index == 1
    assert verify_shopify(body, shopify_signature(new, body), [new, old]).secret_index == 0


def test_klaviyo_signature_is_body_then_timestamp_hex():
    body = b'{"data": []}'
    ts = str(int(NOW.timestamp()))
    header = klaviyo_headers(body, secret=SECRET, timestamp=ts)["Klaviyo-Signature"]
    assert klaviyo_signature(SECRET, body, ts) == header
    verdict = verify_klaviyo(body, header, ts, [SECRET], now=NOW, tolerance_seconds=300)
    assert verdict.ok
    assert verdict.secret_index == 0


def test_klaviyo_rejects_tampered_timestamp_stale_and_missing():
    body = b'{"data": []}'
    ts = str(int(NOW.timestamp()))
    sig = klaviyo_signature(SECRET, body, ts)

    def check(s, t, now=NOW):
        return verify_klaviyo(body, s, t, [SECRET], now=now, tolerance_seconds=300).reason

    assert check(sig, str(int(NOW.timestamp()) + 1)) == "mismatch"
    assert check(sig, ts, NOW + timedelta(minutes=6)) == "stale"
    assert check(sig, ts, NOW - timedelta(minutes=6)) == "stale"  # from the future
    assert check(None, ts) == "missing"
    assert check(sig, None) == "missing"
    assert check("zz" * 32, ts) == "malformed"
    assert check(sig, "yesterday") == "malformed"


def test_timestamps_in_seconds_milliseconds_or_iso():
    assert parse_timestamp("1740909600") == datetime(2025, 3, 2, 10, 0, tzinfo=UTC)
    assert parse_timestamp("1740909600000") == datetime(2025, 3, 2, 10, 0, tzinfo=UTC)
    assert parse_timestamp("2025-03-02T10:00:00Z") == datetime(2025, 3, 2, 10, 0, tzinfo=UTC)
    for bad in ("", "nan", "inf", "-5", "1e400", "x" * 100, None):
        assert parse_timestamp(bad) is None


@given(body=st.binary(max_size=2000), secret=st.text(min_size=16, max_size=64), flip=st.integers())
def test_any_change_to_the_body_breaks_the_shopify_signature(body, secret, flip):
    header = shopify_signature(secret, body)
    assert verify_shopify(body, header, [secret]).ok
    if body:
        i = flip % len(body)
        changed = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1 :]
        assert not verify_shopify(changed, header, [secret]).ok
    raw = base64.b64decode(header)
    assert not verify_shopify(body, base64.b64encode(raw[:-1]).decode(), [secret]).ok


@given(header=st.text(max_size=200), ts=st.text(max_size=40), body=st.binary(max_size=200))
def test_garbage_headers_never_verify_and_never_raise(header, ts, body):
    assert not verify_shopify(body, header, [SECRET]).ok
    assert not verify_klaviyo(body, header, ts, [SECRET], now=NOW, tolerance_seconds=300).ok
