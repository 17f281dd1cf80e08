"""Hand-written demo customers whose near-duplicates anyone can spot at a glance.

Emails use example.com/.net/.org, which the generator never draws, and phones are in
reserved fictional ranges (555-01xx in North America, Ofcom's drama numbers in the UK).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from rolodex.demo.record import SynthRecord

# (country, national significant number) of every scripted phone: kept off generated persons.
SCRIPTED_NUMBERS = (
    ("US", "2125550142"), ("US", "3125550188"), ("ES", "612345678"), ("GB", "2079460958"),
    ("DE", "3012345678"), ("US", "4155550199"), ("MX", "5512345678"),
)  # fmt: skip

_PLACES = {
    "nyc": ("US", "NY", "New York", "10012", "118 Mercer Street", "America/New_York"),
    "chi": ("US", "IL", "Chicago", "60601", "2200 Lake Shore Drive", "America/Chicago"),
    "mad": ("ES", "Comunidad de Madrid", "Madrid", "28013", "Calle Mayor, 12", "Europe/Madrid"),
    "lon": ("GB", "Greater London", "London", "SW1A 1AA", "12 High Street", "Europe/London"),
    "ber": ("DE", "Berlin", "Berlin", "10115", "Goethestraße 12", "Europe/Berlin"),
    "sfo": ("US", "CA", "San Francisco", "94110", "455 Valencia Street", "America/Los_Angeles"),
    "cdmx": ("MX", "CDMX", "Ciudad de México", "03100",
             "Av. Insurgentes Sur 1234, Col. Del Valle", "America/Mexico_City"),
}  # fmt: skip


def _rec(
    now: datetime, days_ago: int, place: str, first: str, last: str, email: str | None,
    phone: str | None, stage: str = "prospect", status: str = "active", ltv: str = "0.00",
    tags: tuple[str, ...] = (), **extra: Any,
) -> SynthRecord:  # fmt: skip
    country, region, city, postcode, line1, tz = _PLACES[place]
    created = now - timedelta(days=days_ago, hours=3)
    return SynthRecord(
        record_id=0, person_id=0, first_name=first, last_name=last, email=email, phone=phone,
        country=country, region=region, city=city, postcode=postcode, line1=line1, timezone=tz,
        company=extra.get("company"), lifecycle_stage=stage, status=status,
        customer_type=extra.get("customer_type", "registered"), tags=list(tags),
        attributes=extra.get("attributes", {"score": 7}),
        acquisition_source=extra.get("source", "organic_search"), utm_source=None,
        utm_medium=None, utm_campaign=None, email_consent=email is not None,
        sms_consent=False, ltv=Decimal(ltv), created_at=created,
        last_active_at=created + timedelta(days=days_ago // 2),
        dup_kind=extra.get("dup_kind"), shares_email=extra.get("shares_email", False),
    )  # fmt: skip


def demo_script(now: datetime) -> list[tuple[SynthRecord, list[tuple[float, SynthRecord]]]]:
    """Originals with their duplicates, each at a fraction of the stream where it appears."""
    return [
        (
            _rec(
                now,
                400,
                "nyc",
                "John",
                "Smith",
                "john.smith@example.com",
                "(212) 555-0142",
                "customer",
                ltv="420.00",
                tags=("newsletter", "repeat-buyer"),
                attributes={"loyalty_tier": "gold", "score": 8},
            ),
            [
                (
                    0.3,
                    _rec(
                        now,
                        20,
                        "nyc",
                        "Jon",
                        "Smith",
                        None,
                        "+1 212 555 0142",
                        source="chat",
                        dup_kind="nickname",
                    ),
                )
            ],
        ),
        (
            _rec(
                now,
                150,
                "chi",
                "John",
                "Smith",
                "johnsmith@example.org",
                "(312) 555-0188",
                tags=("newsletter",),
            ),
            [],
        ),
        (
            _rec(
                now,
                700,
                "mad",
                "María",
                "García",
                "maria.garcia@example.com",
                "+34 612 345 678",
                "customer",
                "vip",
                "1280.50",
                ("vip", "spring-2025"),
                attributes={"loyalty_tier": "platinum", "score": 10},
            ),
            [
                (
                    0.45,
                    _rec(
                        now,
                        60,
                        "mad",
                        "Maria",
                        "Garcia",
                        " Maria.Garcia@Example.com ",
                        None,
                        source="import",
                        dup_kind="email_case",
                        shares_email=True,
                    ),
                )
            ],
        ),
        (
            _rec(
                now,
                90,
                "lon",
                "Zoë",
                "O'Brien",
                "zoe.obrien@example.com",
                "020 7946 0958",
                "lead_qualified",
                ltv="25.50",
                tags=("referral",),
            ),
            [
                (
                    0.6,
                    _rec(
                        now,
                        10,
                        "lon",
                        "Zoe",
                        "OBrien",
                        "zoe.ob@example.net",
                        "+44 20 7946 0958",
                        source="shopify",
                        dup_kind="new_email",
                    ),
                )
            ],
        ),
        (
            _rec(
                now,
                300,
                "ber",
                "Hans",
                "Müller",
                "hans.mueller@example.com",
                "030 12345678",
                "customer",
                ltv="310.00",
                tags=("wholesale-lead",),
                customer_type="wholesale",
                company="Müller Gartenbau GmbH",
            ),
            [
                (
                    0.75,
                    _rec(
                        now,
                        30,
                        "ber",
                        "Hans",
                        "Mueller",
                        None,
                        "+49 30 12345678",
                        source="chat",
                        dup_kind="no_email",
                    ),
                )
            ],
        ),
        (
            _rec(
                now,
                220,
                "sfo",
                "Katherine",
                "McArthy",
                "kate.mcarthy@example.com",
                "(415) 555-0199",
                "customer",
                ltv="89.99",
                tags=("spring-2025",),
            ),
            [
                (
                    0.85,
                    _rec(
                        now,
                        5,
                        "sfo",
                        "Kate",
                        "McArthy",
                        "kate.mcarthy@example.com",
                        None,
                        source="manual",
                        dup_kind="nickname",
                        shares_email=True,
                    ),
                )
            ],
        ),
        (
            _rec(
                now,
                510,
                "cdmx",
                "José",
                "Hernández",
                "jose.hernandez@example.com",
                "55 1234 5678",
                "churned",
                "inactive",
                "54.00",
                ("instagram",),
            ),
            [
                (
                    0.95,
                    _rec(
                        now,
                        45,
                        "cdmx",
                        "Jose",
                        "Hernandez",
                        None,
                        "+52 55 1234 5678",
                        source="chat",
                        dup_kind="typo",
                    ),
                )
            ],
        ),
    ]
