"""Makes one synthetic person, or a near-duplicate of one, from the prepared tables.

Hot path: the draws of a record come from a few ``getrandbits`` calls, each split into several
choices with divmod (a ``random()`` call per choice costs about twice as much).
"""

from __future__ import annotations

from datetime import UTC, datetime
from random import Random
from typing import Any
from zlib import crc32

from rolodex.demo import vocab
from rolodex.demo.record import SynthRecord, fold, strip_accents
from rolodex.demo.tables import ZERO, CountryTable, Group, Kind, Place, tables

_SPAN = 3 * 365 * 86400  # created_at spreads over the last three years
_BITMAP_BITS = 25  # 4 MiB: false positives stay rare up to tens of millions of records
_BITMAP_PRIME = 33_554_393  # largest prime below 2**25: spreads structured keys evenly
_GB_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
_CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
_NL_LETTERS = "ABCDEFGHJKLMNPRTVWXZ"
_APT = "ABCDEF"
_MONTH_CAMPAIGN = (
    "", "winter-sale", "valentines", "spring", "spring", "spring", "summer", "summer",
    "summer", "back-to-school", "autumn", "black-friday", "holiday",
)  # fmt: skip
_COLONIAS = vocab.words(
    "Centro Del_Valle Roma_Norte Condesa Polanco Juárez Narvarte Americana Providencia Obispado"
)
_P10 = tuple(10**i for i in range(20))
_from_ts = datetime.fromtimestamp
_N_INTERESTS = len(vocab.INTERESTS)

Name = tuple[str, str]  # display, folded
Company = tuple[str, str, int]  # name, email domain, domain id
# What a duplicate needs of its original beyond the record itself.
Ctx = tuple[CountryTable, Kind | None, str | None, int, int, Company | None]


class PersonMaker:
    """Draws persons and their near-duplicates from one random stream."""

    def __init__(self, rng: Random, now: datetime) -> None:
        self.t = tables()
        self.rnd = rng.random
        self.bits = rng.getrandbits
        self.now_ts = int(now.timestamp())
        self.taken = bytearray(1 << (_BITMAP_BITS - 3))
        self.recent: list[tuple[Group, int, int]] = []  # recent names, for namesakes
        self.recent_n = 0  # ring position once recent is full

    # -- uniqueness across persons ------------------------------------------------------------
    def claim(self, key: int) -> bool:
        """Mark ``key`` taken; False when it (or a key hashing alike) was already taken."""
        h = key % _BITMAP_PRIME
        byte, bit = h >> 3, 1 << (h & 7)
        if self.taken[byte] & bit:
            return False
        self.taken[byte] |= bit
        return True

    def claim_phone(self, country: str, nsn: str) -> bool:
        return self.claim((int(nsn) * 16 + self.t.by_code[country].index) * 2 + 1)

    # -- pieces -------------------------------------------------------------------------------
    def number(self, kind: Kind, c: CountryTable) -> tuple[str, int]:
        """A national significant number no other person has, and a template to write it."""
        heads, leads, tail = kind.heads, kind.leads, kind.tail
        value = x = 0
        for _ in range(50):
            x = self.bits(64)
            x, h = divmod(x, kind.n_heads)
            x, d = divmod(x, kind.n_leads)
            x, rest = divmod(x, tail)
            value = heads[h] + leads[d] + rest
            if self.claim((value * 16 + c.index) * 2 + 1):
                break
        return str(value).zfill(kind.length), x % kind.n_templates

    def email(
        self, pid: int, variant: int, first: Name, last: Name, c: CountryTable,
        company: Company | None,
    ) -> str:  # fmt: skip
        """Unique across persons, also as a matching key, by construction: plain (no digits)
        and year-suffixed (2 or 4 digits) forms are claimed in the bitmap; the fallback ends
        in 5 or more digits that encode (person, variant)."""
        x = self.bits(64)
        f, lf = first[1], last[1]
        x, work = divmod(x, 10)
        if company is not None and variant == 0 and work < 4:
            domain, did = company[1], company[2]
        else:
            x, i = divmod(x, c.n_domains)
            domain, did = c.domains[i]
        x, r = divmod(x, 100)
        x, s = divmod(x, 100)
        if variant == 0 and r < 80:
            pattern = 0 if r < 65 else 1
            local = f + ("." if pattern == 0 else "_") + lf
            # claimed as matching would see it: Gmail ignores dots (identity.normalize.email_key)
            keyed = local.replace(".", "") if did in self.t.dotless else local
            base = ((crc32(keyed.encode()) << 20) + did) << 8
            if s < 60:
                if self.claim(base * 2):
                    return f"{local}@{domain}"
            elif s < 85:
                yy = (60 + x % 46) % 100
                if self.claim((base + 1 + yy) * 2):
                    return f"{local}{yy:02d}@{domain}"
            else:
                year = 1955 + x % 52
                if self.claim((base + 101 + year - 1950) * 2):
                    return f"{local}{year}@{domain}"
        elif s < 30:
            local = f + lf
        elif s < 50:
            local = f[0] + lf
        elif s < 65:
            local = f"{f}.{lf[0]}"
        elif s < 75:
            local = lf + f[0]
        elif s < 85:
            local = f
        else:
            local = f"{f}.{lf}"
        sep = ("", "", "", ".", "_")[x // 100 % 5]
        return f"{local}{sep}{10000 + pid * 4 + variant}@{domain}"

    def place(self, c: CountryTable) -> tuple[Place, str, str]:
        """A city, a postcode in it and a street address line."""
        x = self.bits(96)
        x, i = divmod(x, c.n_cities)
        city = c.cities[i]
        spec = c.spec
        style = spec.postcode_style
        x, i = divmod(x, 8000)
        if style == "gb":
            code = city.codes[i % city.n_codes]
            postcode = f"{code} {1 + i % 9}{_GB_INWARD[i // 9 % 20]}{_GB_INWARD[i // 180 % 20]}"
        elif style == "ca":
            code = city.codes[i % city.n_codes]
            postcode = f"{code} {i % 10}{_CA_LETTERS[i // 10 % 20]}{i // 200 % 10}"
        else:
            x, n = divmod(x, city.span)
            if style == "nl":
                postcode = f"{city.lo + n} {_NL_LETTERS[i % 20]}{_NL_LETTERS[i // 20 % 20]}"
            else:
                postcode = str(_P10[city.width] + city.lo + n)[1:]
        x, i = divmod(x, c.n_street_names)
        name = c.street_names[i]
        x, i = divmod(x, c.n_street_kinds)
        kind = c.street_kinds[i]
        x, a = divmod(x, c.max_number)
        x, b = divmod(x, c.max_number)
        num = 1 + a * b // c.max_number
        r = x % 1000
        sstyle = spec.street_style
        if sstyle == "us":
            line = f"{num} {name} {kind}"
            if r < 120:
                line += f", Apt {1 + r % 40}{_APT[r % 6]}"
            elif r < 160 and c.code == "GB":
                line = f"Flat {1 + r % 12}, {line}"
        elif sstyle == "de":
            line = f"{name}{kind} {num}{'a' if r < 50 else ''}"
        elif sstyle == "fr":
            line = f"{num}{' bis' if r < 30 else ''} {kind} {name}"
        elif sstyle == "es":
            line = f"{kind} {name}, {num}"
            if r < 300 and c.code == "ES":
                line += f", {1 + r % 9}º {_APT[r % 4]}"
        else:
            line = f"{kind} {name} {num}"
            if r < 400:
                line += f", Col. {_COLONIAS[r % len(_COLONIAS)]}"
        return city, postcode, line

    def dates(self, start: int) -> tuple[datetime, datetime | None]:
        """created_at after ``start`` (recent-heavy), and a last activity after that."""
        x = self.bits(64)
        x, u = divmod(x, 1 << 20)
        span = self.now_ts - start
        created = self.now_ts - (span * u * (u + (x & 0xFFFFF)) >> 41)
        x >>= 20
        active = None
        if x % 100 < 92:
            v = (x >> 7) & 0xFFFFF
            active = _from_ts(self.now_ts - ((self.now_ts - created) * v * v >> 40), UTC)
        return _from_ts(created, UTC), active

    def profile(
        self, created: datetime, c: CountryTable, stage: str, status: str, ctype: str,
        has_email: bool, has_phone: bool,
    ) -> tuple[Any, ...]:  # fmt: skip
        """Tags, attributes, acquisition, consent and LTV, consistent with the stage."""
        t = self.t
        x = self.bits(96)
        x, i = divmod(x, 4096)
        tags = list(t.tag_sets[i])
        x, i = divmod(x, 10)
        attributes: dict[str, Any] = {"score": 1 + i}
        x, i = divmod(x, t.n_tiers)
        if stage == "customer" or stage == "churned":
            attributes["loyalty_tier"] = "platinum" if status == "vip" else t.tiers[i]
        x, r = divmod(x, 20)
        if r < 10:
            attributes["preferred_language"] = vocab.LANGUAGES[c.code]
        x, i = divmod(x, _N_INTERESTS)
        if r < 7 or r > 16:
            attributes["interest"] = vocab.INTERESTS[i]
        if status == "vip" and r < 16 and "vip" not in tags:
            tags.append("vip")
        if ctype == "wholesale" and "wholesale-lead" not in tags:
            tags.append("wholesale-lead")
        x, i = divmod(x, t.n_acquisition)
        source, _, utm_source, utm_medium = t.acquisition[i]
        x, r = divmod(x, 100)
        campaign = None
        if utm_source is not None:
            campaign = f"{_MONTH_CAMPAIGN[created.month]}-{created.year}"
            if r < 30 and campaign not in tags:
                tags.append(campaign)
        x, i = divmod(x, 2048)
        if stage == "prospect" or stage == "lead_exhausted":
            ltv = ZERO
        else:
            ltv = t.ltv["vip" if status == "vip" else stage][i]
        x, r = divmod(x, 100)
        return (
            tags, attributes, source, utm_source, utm_medium, campaign,
            has_email and r < 55, has_phone and x % 100 < 25, ltv,
        )  # fmt: skip

    # -- records ------------------------------------------------------------------------------
    def person(self, pid: int) -> tuple[SynthRecord, Ctx]:
        t = self.t
        x = self.bits(64)
        x, i = divmod(x, t.n_countries)
        c = t.country_pool[i]
        x, i = divmod(x, c.n_groups)
        g = c.groups[i]
        x, fi = divmod(x, g.n_first)
        x, li = divmod(x, g.n_last)
        fi, li = g.first_pool[fi], g.last_pool[li]
        stage, status, ctype = t.segments[x % t.n_segments]
        y = self.bits(64)
        y, r = divmod(y, 100)
        if r == 0 and self.recent:
            # a namesake: the same (common) name as a recent person, everything else afresh
            y, i = divmod(y, len(self.recent))
            g, fi, li = self.recent[i]
        elif len(self.recent) < 64:
            self.recent.append((g, fi, li))
        else:
            self.recent[self.recent_n & 63] = (g, fi, li)
            self.recent_n += 1
        first, last = g.firsts[fi], g.lasts[li]
        city, postcode, line1 = self.place(c)
        y, r = divmod(y, 100)
        company = None
        if ctype == "wholesale" or r < 20:
            y, i = divmod(y, c.n_companies)
            company = c.companies[i]
        y, r = divmod(y, 100)
        email = self.email(pid, 0, first, last, c, company) if r < 95 else None
        if email is not None and r < 3:
            email = email.capitalize()
        y, r = divmod(y, 100)
        kind = nsn = phone = None
        template = 0
        if r < 80:
            kind = c.mobile if y % 100 < c.mobile_share else city.landline
            nsn, template = self.number(kind, c)
            phone = kind.write(nsn, template)
        created, active = self.dates(self.now_ts - _SPAN)
        p = self.profile(created, c, stage, status, ctype, email is not None, phone is not None)
        rec = SynthRecord(
            0, pid, first[0], last[0], email, phone, c.code, city.region, city.name, postcode,
            line1, city.tz, company[0] if company else None, stage, status, ctype, p[0], p[1],
            p[2], p[3], p[4], p[5], p[6], p[7], p[8], created, active,
        )  # fmt: skip
        return rec, (c, kind, nsn, template, int(created.timestamp()), company)

    def duplicate(self, o: SynthRecord, ctx: Ctx, variant: int) -> SynthRecord:
        """Another record of the same person, made the way real duplicates happen."""
        rnd, t = self.rnd, self.t
        c, kind, nsn, template, created_ts, _ = ctx
        dk = t.dup_kinds[int(rnd() * len(t.dup_kinds))]
        has_phone, has_email = kind is not None and nsn is not None, o.email is not None
        if dk in ("phone_format", "no_email", "new_email") and not has_phone:
            dk = "email_case" if has_email else "same_address"
        if dk == "email_case" and not has_email:
            dk = "phone_format" if has_phone else "same_address"
        if dk == "nickname" and o.first_name not in vocab.NICKNAMES and rnd() < 0.5:
            dk = "typo"
        first, last = o.first_name or "", o.last_name or ""
        email = phone = None
        shares = moved = False
        same_phone = has_phone and rnd() < 0.5
        if dk == "email_case":
            email, shares = self.recased(o.email or ""), True
        elif dk == "phone_format":
            phone, same_phone = self.rewritten(kind, nsn, template), False  # type: ignore[arg-type]
            if has_email and rnd() < 0.4:
                email, shares = o.email, True
            moved = rnd() < 0.4
        elif dk == "nickname":
            nicks = vocab.NICKNAMES.get(first)
            first = nicks[int(rnd() * len(nicks))] if nicks else f"{first[0]}."
            r = rnd()
            if r < 0.5:
                email = self.email(o.person_id, variant, _name(first), _name(last), c, None)
            elif r < 0.7 and has_email:
                email, shares = o.email, True
        elif dk == "typo":
            if rnd() < 0.5:
                first = self.typo(first)
            else:
                last = self.typo(last)
            if has_email and rnd() < 0.5:
                email, shares = o.email, True
        elif dk == "no_email":
            same_phone, moved = True, rnd() < 0.3
        elif dk == "new_email":
            email = self.email(o.person_id, variant, _name(first), _name(last), c, None)
            same_phone, moved = True, rnd() < 0.5
        else:  # same_address: same name and address, other or no contact details
            if rnd() < 0.3:
                first, last = strip_accents(first), strip_accents(last)
            if rnd() < 0.6:
                email = self.email(o.person_id, variant, _name(first), _name(last), c, None)
            same_phone = False
            if rnd() < 0.3:
                other = c.mobile if c.mobile_share else self.place(c)[0].landline
                phone = other.write(*self.number(other, c))
        if same_phone:
            phone = kind.write(nsn, int(rnd() * len(kind.templates)))  # type: ignore[union-attr,arg-type]
        if dk in ("phone_format", "no_email", "same_address") and rnd() < 0.2:
            lower = rnd() < 0.75
            first, last = (first.lower(), last.lower()) if lower else (first.upper(), last.upper())
        region, city, postcode, line1, tz = o.region, o.city, o.postcode, o.line1, o.timezone
        if moved:
            place, postcode, line1 = self.place(c)
            region, city, tz = place.region, place.name, place.tz
        stage = "prospect" if rnd() < 0.7 else o.lifecycle_stage
        status = t.statuses[stage][int(rnd() * 100)]
        ctype = "guest" if rnd() < 0.6 else o.customer_type
        created, active = self.dates(created_ts)
        p = self.profile(created, c, stage, status, ctype, email is not None, phone is not None)
        source = vocab.DUP_SOURCES[int(rnd() * len(vocab.DUP_SOURCES))]
        return SynthRecord(
            0, o.person_id, first or None, last or None, email, phone, o.country, region, city,
            postcode, line1, tz, o.company if rnd() < 0.6 else None, stage, status, ctype,
            p[0][:2], p[1], source, None, None, None, p[6], p[7], p[8], created, active,
            o.record_id, dk, shares,
        )  # fmt: skip

    def rewritten(self, kind: Kind, nsn: str, template: int) -> str:
        """The same number written another way."""
        before = kind.write(nsn, template)
        n = len(kind.templates)
        for _ in range(20):
            after = kind.write(nsn, int(self.rnd() * n))
            if after != before:
                return after
        return kind.write(nsn, (template + n // 2) % n)

    def recased(self, email: str) -> str:
        """The same address as people retype it: other case, stray spaces."""
        r = self.rnd()
        if r < 0.35:
            out = email.title()
        elif r < 0.55:
            out = email.upper()
        elif r < 0.8:
            out = f"  {email} "
        else:
            local, _, domain = email.partition("@")
            out = f"{local}@{domain.capitalize()}"
        if out == email:
            out = email.lower() if email.lower() != email else f" {email}"
        return out

    def typo(self, name: str) -> str:
        """A missing accent, or one transposed, dropped or doubled letter."""
        rnd = self.rnd
        plain = strip_accents(name)
        if plain != name and rnd() < 0.7:
            return plain
        n = len(name)
        if n < 4:
            return name + name[-1]
        i = 1 + int(rnd() * (n - 2))
        op = int(rnd() * 3)
        if op == 0 and name[i] != name[i + 1]:
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        if op == 1 and n > 4:
            return name[:i] + name[i + 1 :]
        return name[:i] + name[i] + name[i:]


def _name(name: str) -> Name:
    """A name as the email builder takes it."""
    return (name, fold(name) or "x")
