"""A customer state as its API representation (CustomerOut as JSON), pure: the form the audit
log keeps and exports write, built without loading ORM objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rolodex.imports.state import UTM, State, address_order
from rolodex.models.customers import source_key


def _dt(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def snapshot(state: State) -> dict[str, Any]:
    """``customers.snapshot.snapshot`` of this state (CustomerOut as JSON)."""
    c = state.cols
    addresses = sorted(state.addresses or [], key=address_order)
    sources = sorted(
        state.sources or [], key=lambda s: source_key(s["source"], s["external_id"], s["id"])
    )
    return {
        "id": str(state.id),
        "email": c["email"],
        "email_normalized": c["email_normalized"],
        "phone": c["phone"],
        "phone_e164": c["phone_e164"],
        "first_name": c["first_name"],
        "last_name": c["last_name"],
        "full_name": c["full_name"],
        "company": c["company"],
        "lifecycle_stage": c["lifecycle_stage"],
        "status": c["status"],
        "customer_type": c["customer_type"],
        "tags": sorted(state.tags or []),
        "notes": c["notes"],
        "internal_notes": c["internal_notes"],
        "attributes": c["attributes"] or {},
        "consent": {
            "email": c["email_consent"],
            "email_at": _dt(c["email_consent_at"]),
            "email_source": c["email_consent_source"],
            "sms": c["sms_consent"],
            "sms_at": _dt(c["sms_consent_at"]),
            "sms_source": c["sms_consent_source"],
        },
        "acquisition_source": c["acquisition_source"],
        "utm": {part: c[f"utm_{part}"] for part in UTM},
        "ltv": str(c["ltv"]),
        "addresses": [
            {
                "id": str(a["id"]),
                "type": a["type"],
                "is_default": a["is_default"],
                "line1": a["line1"],
                "line2": a["line2"],
                "city": a["city"],
                "region": a["region"],
                "postcode": a["postcode"],
                "country": a["country"],
                "lat": a["lat"],
                "lng": a["lng"],
                "timezone": a["timezone"],
            }
            for a in addresses
        ],
        "sources": [
            {
                "source": s["source"],
                "external_id": s["external_id"],
                "last_synced_at": _dt(s["last_synced_at"]),
            }
            for s in sources
        ],
        "created_at": _dt(c["created_at"]),
        "updated_at": _dt(c["updated_at"]),
        "last_active_at": _dt(c["last_active_at"]),
        "deleted_at": _dt(c["deleted_at"]),
    }


# Fields of a snapshot made of parts that later edits change one at a time (a custom
# attribute, a tag, one consent, one UTM part, an address, a source): a revert weighs them
# part by part, named "attributes.tier", "tags.vip", "consent.email_at", "utm.campaign",
# "addresses.<id>", "sources.shopify".
PARTED = frozenset({"attributes", "consent", "utm", "tags", "addresses", "sources"})
_ABSENT = object()


def parts(field: str, before: Any, after: Any) -> frozenset[str] | None:
    """The parts of snapshot field ``field`` that differ between two of its values, or None
    when they cannot be told (a value missing or of another shape)."""
    if field in ("attributes", "consent", "utm"):
        if not isinstance(before, dict) or not isinstance(after, dict):
            return None
        names = set(before) | set(after)
        return frozenset(
            f"{field}.{k}" for k in names if before.get(k, _ABSENT) != after.get(k, _ABSENT)
        )
    if not isinstance(before, list) or not isinstance(after, list):
        return None
    try:
        if field == "tags":
            return frozenset(f"tags.{t}" for t in {str(t).lower() for t in before} ^ {
                str(t).lower() for t in after
            })  # fmt: skip
        if field in ("addresses", "sources"):
            key = "id" if field == "addresses" else "source"
            was, now = _grouped(before, key), _grouped(after, key)
            return frozenset(
                f"{field}.{k}" for k in set(was) | set(now) if was.get(k) != now.get(k)
            )
    except (AttributeError, KeyError, TypeError):
        return None
    return None


def _grouped(items: list[Any], key: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        out.setdefault(str(item[key]), []).append(repr(sorted(item.items())))
    return {k: sorted(v) for k, v in out.items()}
