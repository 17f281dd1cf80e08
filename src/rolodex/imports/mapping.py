"""Which column of a file fills which customer field, pure.

A header is compared in a normal form (lowercase letters and digits only: "E-mail", "e_mail"
and "EMAIL" are all ``email``) against each field's names; explicit overrides win over
guesses; ``attr.<name>`` (or ``attributes.<name>``) columns are custom attributes;
``address2_city`` style columns fill the second address. Columns an export writes but an
import cannot set (ltv-derived counts, timestamps kept by the system) are ignored. An
export's ``id`` is the customer's own (``rows``: a Rolodex id finds that customer, or makes
a new one under it) and its ``phone_e164`` the phone as stored (read in no region).

A field takes one column. When several columns guess the same field the best guess wins (an
exact name beats a prefixed one such as "Default Address Phone"), then the leftmost; the
others are left unmapped and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolodex.errors import InvalidInput
from rolodex.search import text as search_text

# field → kind; kinds tell rows.py how to read a cell.
FIELDS: dict[str, str] = {
    "email": "text",
    "phone": "text",
    "first_name": "text",
    "last_name": "text",
    "full_name": "text",
    "company": "text",
    "lifecycle_stage": "enum",
    "status": "enum",
    "customer_type": "enum",
    "notes": "longtext",
    "internal_notes": "longtext",
    "acquisition_source": "text",
    "utm_source": "text",
    "utm_medium": "text",
    "utm_campaign": "text",
    "utm_term": "text",
    "utm_content": "text",
    "email_consent": "bool",
    "email_consent_at": "datetime",
    "email_consent_source": "text",
    "sms_consent": "bool",
    "sms_consent_at": "datetime",
    "sms_consent_source": "text",
    "last_active_at": "datetime",
    "created_at": "datetime",
    "ltv": "money",
    "tags": "tags",
    "attributes": "attributes",
    "addresses": "addresses",
    "sources": "sources",
    "external_id": "text",
    "id": "id",
    "phone_e164": "e164",
}
ADDRESS_PARTS = (
    "type",
    "is_default",
    "line1",
    "line2",
    "city",
    "region",
    "postcode",
    "country",
    "lat",
    "lng",
    "timezone",
)
MAX_ADDRESSES = 50
IGNORE = "ignore"
# Written by exports, kept by the system: recognized, never imported.
READ_ONLY = frozenset(
    {
        "emailnormalized",
        "updatedat",
        "deletedat",
        "ordercount",
        "firstorderat",
        "lastorderat",
        "totalorders",
        "orderscount",
    }
)
MULTI = frozenset({"tags"})  # fields that take several columns (joined)

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "mail", "primaryemail", "customeremail", "emails"),
    "phone": (
        "phone",
        "phonenumber",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "cell",
        "cellphone",
        "telephone",
        "tel",
        "phone1",
        "primaryphone",
    ),
    "first_name": ("firstname", "first", "givenname", "fname", "forename"),
    "last_name": ("lastname", "last", "surname", "familyname", "lname"),
    "full_name": ("fullname", "name", "customername", "contactname", "displayname"),
    "company": ("company", "companyname", "organization", "organisation", "org", "business"),
    "lifecycle_stage": ("lifecyclestage", "stage", "lifecycle"),
    "status": ("status", "customerstatus"),
    "customer_type": ("customertype", "type", "accounttype"),
    "notes": ("notes", "note", "comments", "comment"),
    "internal_notes": ("internalnotes", "internalnote", "staffnotes", "privatenotes"),
    "acquisition_source": ("acquisitionsource", "leadsource", "referralsource"),
    "utm_source": ("utmsource",),
    "utm_medium": ("utmmedium",),
    "utm_campaign": ("utmcampaign", "campaign"),
    "utm_term": ("utmterm",),
    "utm_content": ("utmcontent",),
    "email_consent": (
        "emailconsent",
        "acceptsemailmarketing",
        "acceptsmarketing",
        "emailoptin",
        "emailsubscribed",
        "subscribed",
        "consentemail",
    ),
    "email_consent_at": ("emailconsentat", "consentemailat"),
    "email_consent_source": ("emailconsentsource", "consentemailsource"),
    "sms_consent": ("smsconsent", "acceptssmsmarketing", "smsoptin", "smssubscribed", "consentsms"),
    "sms_consent_at": ("smsconsentat", "consentsmsat"),
    "sms_consent_source": ("smsconsentsource", "consentsmssource"),
    "last_active_at": ("lastactiveat", "lastactive", "lastseen", "lastactivity"),
    "created_at": ("createdat", "created", "datecreated", "signupdate", "customersince"),
    "ltv": ("ltv", "lifetimevalue", "totalspent", "clv", "customerlifetimevalue"),
    "tags": ("tags", "tag", "labels", "groups"),
    "attributes": ("attributes", "customattributes"),
    "addresses": ("addresses",),
    "sources": ("sources",),
    "external_id": (
        "externalid",
        "externalkey",
        "customerid",
        "recordid",
        "contactid",
        "sourceid",
    ),
    "address1_line1": ("address", "address1", "addressline1", "street", "streetaddress", "line1"),
    "address1_line2": ("address2", "addressline2", "line2", "apartment", "suite", "apt"),
    "address1_city": ("city", "town", "locality"),
    "address1_region": (
        "region",
        "state",
        "province",
        "provincecode",
        "county",
        "stateregion",
        "stateprovince",
    ),
    "address1_postcode": ("postcode", "zip", "zipcode", "postalcode", "postal", "zippostalcode"),
    "address1_country": ("country", "countrycode"),
    "address1_timezone": ("timezone", "tz"),
    "address1_lat": ("lat", "latitude"),
    "address1_lng": ("lng", "lon", "long", "longitude"),
    "address1_type": ("addresstype",),
}
# Headers in other languages a small business's other tools write (German, French, Spanish,
# Italian, Dutch, Portuguese), in normal form (accents folded). Words that mean something
# else in English, or two things in one language (Spanish "estado"), are left out.
_OTHER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "email": ("emailadresse", "courriel", "adressemail", "adresseemail", "correo",
              "correoelectronico", "postaelettronica", "emailadres"),
    "phone": ("telefon", "telefonnummer", "handy", "mobil", "mobiltelefon", "numerodetelephone",
              "portable", "telefono", "celular", "movil", "cellulare", "telefoon",
              "telefoonnummer", "mobiel", "telemovel"),
    "first_name": ("vorname", "prenom", "nombre", "nome", "voornaam", "primeironome"),
    "last_name": ("nachname", "familienname", "nom", "nomdefamille", "apellido", "apellidos",
                  "cognome", "achternaam", "sobrenome", "ultimonome"),
    "company": ("firma", "unternehmen", "societe", "entreprise", "empresa", "azienda",
                "bedrijf"),
    "notes": ("notiz", "notizen", "bemerkung", "bemerkungen", "anmerkung", "remarque",
              "remarques", "nota", "notas", "opmerking", "opmerkingen"),
    "tags": ("schlagworte", "schlagwoerter", "etiketten", "etiquettes", "etiquetas",
             "etichette"),
    "external_id": ("kundennummer", "kundenid", "numeroclient", "idclient", "numerocliente",
                    "klantnummer"),
    "created_at": ("erstelltam", "angelegtam", "datedecreation"),
    "address1_line1": ("strasse", "strasseundhausnummer", "anschrift", "adresse", "rue",
                       "direccion", "calle", "indirizzo", "straat", "adres", "endereco", "rua"),
    "address1_city": ("stadt", "ort", "wohnort", "ville", "ciudad", "localidad", "citta",
                      "comune", "plaats", "woonplaats", "cidade"),
    "address1_region": ("bundesland", "kanton", "departement", "provincia", "regione",
                        "provincie"),
    "address1_postcode": ("plz", "postleitzahl", "codepostal", "cp", "codigopostal", "cap",
                          "postcodenummer", "cep"),
    "address1_country": ("land", "pays", "pais", "paese", "nazione"),
}  # fmt: skip
_PREFIXES = (
    "defaultaddress",
    "billingaddress",
    "shippingaddress",
    "customer",
    "contact",
    "primary",
)
_EXACT: dict[str, str] = {}
for _field, _names in _SYNONYMS.items():
    for _name in _names:
        _EXACT.setdefault(_name, _field)
for _field in FIELDS:
    _EXACT.setdefault(re.sub(r"[^a-z0-9]", "", _field), _field)
for _field, _names in _OTHER_LANGUAGES.items():
    for _name in _names:
        _EXACT.setdefault(_name, _field)
# JSON documents (our own export) nest consent and UTM: consent.email → email_consent, ...
_EXACT.update(
    {
        "consentemail": "email_consent",
        "consentemailat": "email_consent_at",
        "consentemailsource": "email_consent_source",
        "consentsms": "sms_consent",
        "consentsmsat": "sms_consent_at",
        "consentsmssource": "sms_consent_source",
    }
)

# Birth dates are custom attributes, under a name matching reads as one
# (identity.normalize.DOB_ATTRIBUTES): the file's own word where it is one of them.
_BIRTH_DATES = {
    "dateofbirth": "date_of_birth", "dob": "dob", "birthdate": "birthdate",
    "birthday": "birthday", "geburtsdatum": "date_of_birth", "geburtstag": "birthday",
    "datedenaissance": "date_of_birth", "fechadenacimiento": "date_of_birth",
    "datadinascita": "date_of_birth", "geboortedatum": "date_of_birth",
    "datadenascimento": "date_of_birth",
}  # fmt: skip
for _name, _attribute in _BIRTH_DATES.items():
    _EXACT.setdefault(_name, "attr." + _attribute)

_ADDRESS = re.compile(r"address[ _.-]?(\d{1,2})[ _.-]?(" + "|".join(ADDRESS_PARTS) + r")", re.I)
_ATTR = re.compile(r"(?:attr|attribute|attributes)\.(.+)", re.I | re.S)
_NON_ALNUM = re.compile(r"[^a-z0-9]")


def normal(header: str) -> str:
    """The comparable form of a header: lowercase ASCII letters and digits, accents folded
    as search folds them ("Straße" → ``strasse``, "Téléphone" → ``telephone``)."""
    return _NON_ALNUM.sub("", search_text.normalize(header.strip()).lower())


def is_field(name: str) -> bool:
    """A target a column may be mapped to."""
    if "\x00" in name:
        return False
    if name in FIELDS or name == IGNORE:
        return True
    if name.startswith("attr."):
        return 1 <= len(name) - 5 <= 64
    m = re.fullmatch(r"address(\d{1,2})_(\w+)", name)
    return bool(m and 1 <= int(m.group(1)) <= MAX_ADDRESSES and m.group(2) in ADDRESS_PARTS)


def field_kind(name: str) -> str:
    if name.startswith("attr."):
        return "attr"
    if name.startswith("address") and name != "addresses":
        return "address"
    return FIELDS.get(name, IGNORE)


def guess(header: str) -> tuple[str | None, int]:
    """(field, confidence) for one header; confidence 2 exact, 1 prefixed, 0 none."""
    if "\x00" in header:
        return None, 0  # no field or attribute name holds a NUL (PostgreSQL cannot store it)
    text = header.strip()
    m = _ATTR.fullmatch(header.lstrip())
    if m and m.group(1).strip():  # the name as written: " tier " is not "tier"
        return "attr." + m.group(1)[:64], 2
    m = _ADDRESS.fullmatch(text.replace(" ", "_"))
    if m and 1 <= int(m.group(1)) <= MAX_ADDRESSES:
        return f"address{int(m.group(1))}_{m.group(2).lower()}", 2
    key = normal(text)
    if not key:
        return None, 0
    if key in READ_ONLY:
        return IGNORE, 2
    if key in _EXACT:
        return _EXACT[key], 2
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in _EXACT:
            return _EXACT[key[len(prefix) :]], 1
    return None, 0


def unique_headers(headers: list[str]) -> list[str]:
    """Headers made unique: a repeated name gets " (2)", " (3)"...; a blank one "column N"."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(headers, start=1):
        name = raw.strip() or f"column {i}"
        base, n = name, 1
        while name.lower() in seen:
            n += 1
            name = f"{base} ({n})"
        seen.add(name.lower())
        out.append(name)
    return out


@dataclass
class Mapping:
    """The resolved mapping: for each column, its field (or None when unmapped)."""

    columns: list[str]
    fields: list[str | None]
    how: list[str]  # explicit | auto | ignored | duplicate | unknown
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        return {c: f for c, f in zip(self.columns, self.fields, strict=True) if f and f != IGNORE}

    def used(self) -> list[tuple[int, str, str]]:
        """(column index, column name, field) of the mapped columns."""
        return [
            (i, c, f)
            for i, (c, f) in enumerate(zip(self.columns, self.fields, strict=True))
            if f and f != IGNORE
        ]


def parse_overrides(items: list[str] | dict[str, str] | None) -> dict[str, str]:
    """``["col=field", ...]`` or ``{"col": "field"}`` → a dict; 422 on a bad item."""
    if not items:
        return {}
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    out: dict[str, str] = {}
    for item in items:
        col, sep, target = item.rpartition("=")
        if not sep or not col.strip():
            raise InvalidInput(
                f"mapping: write column=field, not {item!r}",
                details=[{"field": "mapping", "message": "write column=field", "value": item}],
            )
        out[col.strip()] = target.strip()
    return out


def target_of(raw: str) -> str:
    """An override's field name as stored (ignore words and attr. spellings folded)."""
    name = raw.strip()
    if name.lower() in ("", "-", IGNORE, "skip", "none"):
        return IGNORE
    m = _ATTR.fullmatch(name)
    if m:
        return "attr." + m.group(1).strip()
    return name.lower()


def resolve(
    headers: list[str], overrides: dict[str, str] | None = None, *, open_columns: bool = False
) -> Mapping:
    """Map ``headers`` (as in the file) with ``overrides`` (column → field) applied first.

    An override naming a column the file does not have (unless ``open_columns``: JSON keys
    beyond the sample, added as columns), or a field that does not exist, is a 422 naming it;
    two overrides for one field too."""
    extra: list[str] = []
    if open_columns:
        known = {h.strip().lower() for h in headers} | {normal(h) for h in headers}
        for col in overrides or {}:
            if col.strip().lower() not in known and normal(col) not in known:
                extra.append(col.strip())
        headers = [*headers, *extra]
    columns = unique_headers(headers)
    by_name = {c.lower(): i for i, c in enumerate(columns)}
    for i, c in enumerate(columns):
        if normal(c):
            by_name.setdefault(normal(c), i)
    fields: list[str | None] = [None] * len(columns)
    how = ["unknown"] * len(columns)
    errors: list[dict[str, str]] = []
    taken: dict[str, int] = {}
    for col, raw_target in (overrides or {}).items():
        index = by_name.get(col.strip().lower(), by_name.get(normal(col)))
        if index is None:
            errors.append({"field": f"mapping.{col}", "message": "the file has no such column"})
            continue
        target = target_of(raw_target)
        if not is_field(target):
            errors.append({"field": f"mapping.{col}", "message": f"unknown field {raw_target!r}"})
            continue
        if target != IGNORE and target not in MULTI and target in taken:
            errors.append({"field": f"mapping.{col}", "message": f"{target} is already mapped"})
            continue
        fields[index], how[index] = target, "explicit" if target != IGNORE else "ignored"
        if target != IGNORE:
            taken[target] = index
    if errors:
        names = ", ".join(e["field"] for e in errors)
        raise InvalidInput(f"invalid mapping: {names}", details=errors)
    # Guess from the header as written: a repeated "Email" guesses email like the first one.
    guesses = [(i, *guess(headers[i])) for i in range(len(columns)) if how[i] == "unknown"]
    warnings = [
        f"{col!r} is in none of the first records; later records that have it fill it"
        for col in extra
    ]
    # Best confidence first, then leftmost: who gets a field several columns guess.
    for i, guessed, _confidence in sorted(guesses, key=lambda g: (-g[2], g[0])):
        if guessed is None:
            continue
        target = guessed
        if target == IGNORE:
            fields[i], how[i] = IGNORE, "ignored"
        elif target in taken and target not in MULTI:
            how[i] = "duplicate"
            warnings.append(
                f"column {columns[i]!r} also looks like {target}, which column "
                f"{columns[taken[target]]!r} fills; it is not imported"
            )
        else:
            fields[i], how[i] = target, "auto"
            taken[target] = i
    _name_beside_given_name(headers, fields, how, taken)
    return Mapping(columns, fields, how, warnings)


def _name_beside_given_name(
    headers: list[str], fields: list[str | None], how: list[str], taken: dict[str, int]
) -> None:
    """A column headed just "Name" beside a guessed given-name column and no surname column
    is the surname (German forms: "Vorname", "Name"), not a whole name."""
    i = taken.get("full_name")
    if (
        i is not None
        and how[i] == "auto"
        and normal(headers[i]) == "name"
        and "first_name" in taken
        and "last_name" not in taken
    ):
        fields[i] = "last_name"
        del taken["full_name"]
        taken["last_name"] = i


def field_names() -> list[str]:
    """Every target, for documentation and error messages."""
    parts = [f"address1_{p}" for p in ADDRESS_PARTS]
    return [*FIELDS, *parts, "attr.<name>", IGNORE]
