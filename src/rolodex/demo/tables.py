"""Draw tables built once from vocab and places, shaped for O(1) weighted draws.

A weighted choice is a "pool": a list where each item is repeated in proportion to its
weight, indexed with a random integer. Composite values that are cheap to share (tag sets,
LTV amounts) are pre-drawn with a fixed internal seed, so they never depend on the stream's.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from operator import itemgetter
from random import Random
from typing import Any

from rolodex.demo import vocab
from rolodex.demo.places import COUNTRIES, City, Country, PhoneKind
from rolodex.demo.record import DUP_KINDS, fold
from rolodex.models.customers import STAGES, STATUSES, TYPES

_DUP_WEIGHTS = (16, 20, 14, 14, 10, 14, 12)
_STAGE_WEIGHTS = (55, 15, 20, 6, 4)
_STATUS_WEIGHTS = {  # per stage, in STATUSES order: active, inactive, vip, blocked, pending
    "prospect": (70, 9, 0, 1, 20),
    "lead_qualified": (80, 8, 0, 1, 11),
    "customer": (72, 12, 14, 2, 0),
    "churned": (12, 82, 0, 6, 0),
    "lead_exhausted": (8, 88, 0, 4, 0),
}
_TYPE_WEIGHTS = (52, 38, 6, 4)
_TAG_COUNTS = (0, 0, 1, 1, 1, 2, 2, 2, 3, 4)
ZERO = Decimal("0.00")


def pool(items: list[Any], weights: Sequence[float]) -> list[Any]:
    """Each item repeated in proportion to its (integer) weight."""
    return [item for item, w in zip(items, weights, strict=True) for _ in range(int(w))]


def _zipf(n: int) -> list[int]:
    """Indices 0..n-1 weighted by popularity rank (earlier names are more common)."""
    return pool(list(range(n)), [max(1, round(3 * (n + 15) / (i + 15))) for i in range(n)])


class Kind:
    """A PhoneKind ready to draw: integer heads and compiled templates."""

    def __init__(self, spec: PhoneKind) -> None:
        widths = {len(h) for h in spec.heads}
        assert len(widths) == 1, "heads of one kind share a width"
        rest = spec.length - widths.pop()
        self.heads = [int(h) * 10**rest for h in spec.heads]
        self.leads = [int(d) * 10 ** (rest - 1) for d in spec.lead]
        self.tail = 10 ** (rest - 1)
        self.length = spec.length
        self.templates = [
            (fmt.format, itemgetter(*(slice(a, b) for a, b in bounds)))
            for fmt, bounds in spec.templates
        ]
        self.single = [len(b) == 1 for _, b in spec.templates]
        self.n_heads, self.n_leads = len(self.heads), len(self.leads)
        self.n_templates = len(self.templates)

    def write(self, nsn: str, template: int) -> str:
        fmt, parts = self.templates[template]
        if self.single[template]:
            return fmt(parts(nsn))
        return fmt(*parts(nsn))


class Group:
    """One origin's names as (display, folded), with rank-weighted pools."""

    def __init__(self, firsts: tuple[str, ...], lasts: tuple[str, ...]) -> None:
        self.firsts = self._entries(firsts)
        self.lasts = self._entries(lasts)
        self.first_pool = _zipf(len(self.firsts))
        self.last_pool = _zipf(len(self.lasts))
        self.n_first, self.n_last = len(self.first_pool), len(self.last_pool)

    @staticmethod
    def _entries(names: tuple[str, ...]) -> list[tuple[str, str]]:
        """Names whose folded forms differ (so "Martín" and "Martin" are not both kept)."""
        out, seen = [], set()
        for name in names:
            f = fold(name)
            if f and f not in seen:
                seen.add(f)
                out.append((name, f))
        return out


class Place:
    """A city with its postcode range (or outward codes) and landline numbering."""

    def __init__(self, c: City) -> None:
        self.name, self.region, self.tz = c.name, c.region, c.tz
        lo, _, hi = c.postcodes.partition("-")
        self.codes = tuple(c.postcodes.split()) if not hi else ()
        self.n_codes = len(self.codes)
        self.lo, self.span, self.width = 0, 0, 0
        if hi:
            self.lo, self.span, self.width = int(lo), int(hi) - int(lo) + 1, len(lo)
        self.landline = Kind(c.landline)


class CountryTable:
    """A places.Country with its pools prepared."""

    def __init__(self, index: int, spec: Country, groups: dict[str, Group], dids: dict[str, int]):
        self.index, self.spec, self.code = index, spec, spec.code
        self.cities = pool([Place(c) for c in spec.cities], [c.weight for c in spec.cities])
        members: list[Group] = []
        weights: list[int] = []
        for name, w in spec.groups:
            subgroups = vocab.MULTI if name == "multi" else (name,)
            for sub in subgroups:
                members.append(groups[sub])
                weights.append(w * len(vocab.MULTI) // len(subgroups))
        self.groups = pool(members, weights)
        self.domains = pool(
            [(d, dids.setdefault(d, len(dids))) for d, _ in spec.domains],
            [w for _, w in spec.domains],
        )
        self.companies: list[tuple[str, str, int]] = []
        forms = spec.legal_forms
        for i, word in enumerate(vocab.COMPANY_WORDS):
            for j, kind in enumerate(vocab.COMPANY_KINDS):
                name = f"{word} {kind} {forms[(i * 7 + j) % len(forms)]}".strip()
                domain = f"{fold(word)}{'-' if (i + j) % 3 == 0 else ''}{fold(kind)}{spec.tld}"
                self.companies.append((name, domain, dids.setdefault(domain, len(dids))))
        self.mobile = Kind(spec.mobile)
        self.mobile_share = int(spec.mobile_share * 100)
        european = spec.street_style in ("de", "fr", "es") or spec.code == "GB"
        self.max_number = 180 if european else 9999
        self.street_names, self.street_kinds = spec.street_names, spec.street_kinds
        self.n_street_names, self.n_street_kinds = len(spec.street_names), len(spec.street_kinds)
        self.n_cities, self.n_groups = len(self.cities), len(self.groups)
        self.n_domains, self.n_companies = len(self.domains), len(self.companies)


class Tables:
    """Everything drawn from; built once per process (tens of milliseconds)."""

    def __init__(self) -> None:
        self.groups = {g: Group(f, la) for g, (f, la) in vocab.NAMES.items()}
        dids: dict[str, int] = {}
        self.countries = [CountryTable(i, c, self.groups, dids) for i, c in enumerate(COUNTRIES)]
        self.by_code = {c.code: c for c in self.countries}
        gmail = ("gmail.com", "googlemail.com")
        self.dotless = frozenset(i for d, i in dids.items() if d in gmail)
        self.country_pool = pool(self.countries, [c.spec.weight for c in self.countries])
        self.segments = [  # (stage, status, type) drawn together
            (stage, status, ctype)
            for stage, sw in zip(STAGES, _STAGE_WEIGHTS, strict=True)
            for status, tw in zip(STATUSES, _STATUS_WEIGHTS[stage], strict=True)
            for ctype, yw in zip(TYPES, _TYPE_WEIGHTS, strict=True)
            for _ in range(sw * tw * yw // 100)
        ]
        self.statuses = {s: pool(list(STATUSES), w) for s, w in _STATUS_WEIGHTS.items()}
        self.acquisition = pool(list(vocab.ACQUISITION), [a[1] for a in vocab.ACQUISITION])
        self.dup_kinds = pool(list(DUP_KINDS), _DUP_WEIGHTS)
        self.tiers = pool(list(vocab.LOYALTY_TIERS), (8, 5, 2, 1))
        self.n_countries, self.n_segments = len(self.country_pool), len(self.segments)
        self.n_tiers, self.n_acquisition = len(self.tiers), len(self.acquisition)
        rng = Random(20250101)
        self.tag_sets = [self._tags(rng) for _ in range(4096)]
        self.ltv = {
            "customer": [self._money(rng.lognormvariate(4.7, 0.9)) for _ in range(2048)],
            "vip": [self._money(4 * rng.lognormvariate(4.9, 0.9)) for _ in range(2048)],
            "churned": [self._money(rng.lognormvariate(4.0, 0.8)) for _ in range(2048)],
            "lead_qualified": [
                self._money(10 + rng.random() * 140) if rng.random() < 0.3 else ZERO
                for _ in range(2048)
            ],
        }

    @staticmethod
    def _tags(rng: Random) -> tuple[str, ...]:
        tags: list[str] = []
        for _ in range(_TAG_COUNTS[rng.randrange(len(_TAG_COUNTS))]):
            tag = rng.choice(vocab.TAGS)
            if tag not in tags:
                tags.append(tag)
        return tuple(tags)

    @staticmethod
    def _money(amount: float) -> Decimal:
        return Decimal(min(int(amount * 100), 2_500_000)).scaleb(-2)


_TABLES: list[Tables] = []


def tables() -> Tables:
    if not _TABLES:
        _TABLES.append(Tables())
    return _TABLES[0]
