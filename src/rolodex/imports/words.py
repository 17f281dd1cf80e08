"""Other tools' words for a customer's stage, status, type and marketing consent → Rolodex's
values, pure.

Words are compared in the header's normal form (``mapping.normal``: "Marketing Qualified
Lead", "marketingqualifiedlead" and "MARKETING_QUALIFIED_LEAD" are one word). Rolodex's own
values always read as themselves. A column mapped to ``status`` or ``customer_type`` often
holds another field's words in other tools' files (a "Status" of Lead / Customer in a
hand-made sheet, a Mailchimp "Status" of subscribed / unsubscribed, a Salesforce account
"Type" of Prospect / Customer - Direct): those set the field they mean (the lifecycle stage,
email consent), unless the record gives that field in a column of its own.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rolodex.imports import mapping
from rolodex.models.customers import STAGES, STATUSES, TYPES

# Words that give no value ("Other" is HubSpot's stage for contacts outside its funnel): the
# cell counts as empty, so nothing is set or changed, rather than a guess or a failed row.
NO_VALUE = frozenset({"other", "unknown", "none", "na", "null", "nil"})

# Rolodex's funnel: prospect (known, not qualified) → lead_qualified (qualified interest) →
# customer (bought) → churned (no longer buys); lead_exhausted: a lead that will not buy.
STAGE_WORDS: dict[str, str] = {
    **{mapping.normal(s): s for s in STAGES},
    # HubSpot lifecycle stages, labels and internal values: subscriber → lead → MQL → SQL →
    # opportunity → customer → evangelist
    "subscriber": "prospect",
    "lead": "prospect",
    "marketingqualifiedlead": "lead_qualified",
    "mql": "lead_qualified",
    "salesqualifiedlead": "lead_qualified",
    "sql": "lead_qualified",
    "opportunity": "lead_qualified",
    "evangelist": "customer",
    # HubSpot lead statuses (a lead worked by sales)
    "new": "prospect",
    "open": "prospect",
    "inprogress": "prospect",
    "attemptedtocontact": "prospect",
    "connected": "prospect",
    "badtiming": "prospect",
    "opendeal": "lead_qualified",
    "unqualified": "lead_exhausted",
    # Salesforce lead statuses (the default picklist) and account types
    "opennotcontacted": "prospect",
    "workingcontacted": "prospect",
    "closedconverted": "lead_qualified",  # converted to a contact with an opportunity
    "closednotconverted": "lead_exhausted",
    "customerdirect": "customer",
    "customerchannel": "customer",
    # Pipedrive / Zoho / hand-made sheets
    "contacted": "prospect",
    "working": "prospect",
    "nurturing": "prospect",
    "coldlead": "prospect",
    "qualified": "lead_qualified",
    "qualifiedlead": "lead_qualified",
    "hotlead": "lead_qualified",
    "warmlead": "lead_qualified",
    "disqualified": "lead_exhausted",
    "notqualified": "lead_exhausted",
    "lost": "lead_exhausted",
    "closedlost": "lead_exhausted",
    "deadlead": "lead_exhausted",
    "won": "customer",
    "closedwon": "customer",
    "client": "customer",
    "activecustomer": "customer",
    "payingcustomer": "customer",
    "formercustomer": "churned",
    "pastcustomer": "churned",
    "excustomer": "churned",
    "formerclient": "churned",
    "exclient": "churned",
    "lapsed": "churned",
    "lapsedcustomer": "churned",
}
STATUS_WORDS: dict[str, str] = {
    **{s: s for s in STATUSES},
    # Shopify's customer account states: enabled, disabled, invited, declined
    "enabled": "active",
    "disabled": "inactive",
    "invited": "pending",
    "declined": "inactive",
    "unconfirmed": "pending",
    "archived": "inactive",
    "dormant": "inactive",
    "suspended": "blocked",
    "banned": "blocked",
    "blacklisted": "blocked",
    "blocklisted": "blocked",
}
TYPE_WORDS: dict[str, str] = {
    **{t: t for t in TYPES},
    "reseller": "wholesale",
    "wholesaler": "wholesale",
    "distributor": "wholesale",
    "dealer": "wholesale",
    "trade": "wholesale",
    "b2b": "wholesale",
    "channelpartnerreseller": "wholesale",  # a Salesforce account type
    "affiliatepartner": "affiliate",
    "referralpartner": "affiliate",
    "member": "registered",
    "registereduser": "registered",
    "accountholder": "registered",
    "guestcheckout": "guest",
    "visitor": "guest",
}
# Email subscription states (Mailchimp, Klaviyo, Shopify, ConvertKit): consent or none.
SUBSCRIPTION_WORDS: dict[str, bool] = {
    "subscribed": True,
    "optedin": True,
    "unsubscribed": False,
    "neversubscribed": False,
    "notsubscribed": False,
    "nonsubscribed": False,
    "spamreported": False,
    "cleaned": False,  # Mailchimp: the address bounces; it gets no marketing
    "bounced": False,
    "complained": False,
    "transactional": False,  # Mailchimp: receipts only, no marketing
    "optedout": False,
    "invalid": False,  # Shopify: the address cannot receive email
    "noconsent": False,  # Pipedrive's marketing status
    # Campaign Monitor's subscriber states: Active (subscribed), Unconfirmed, Deleted
    "active": True,
    "unconfirmed": False,
    "deleted": False,
}
# Consent and yes/no cells: the subscription states and the usual spreadsheet words.
TRUE = frozenset(
    {"true", "t", "yes", "y", "1", "on", "optin", "x", "granted", "consented", "ja", "oui", "si"}
) | {w for w, v in SUBSCRIPTION_WORDS.items() if v}
FALSE = frozenset({"false", "f", "no", "n", "0", "off", "optout", "pending", "redacted",
                   "revoked", "withdrawn", "denied", "suppressed", "nein", "non",
                   "archived"}) | {  # Pipedrive's marketing status: no marketing
    w for w, v in SUBSCRIPTION_WORDS.items() if not v
}  # fmt: skip

_OWN = {"lifecycle_stage": STAGE_WORDS, "status": STATUS_WORDS, "customer_type": TYPE_WORDS}
# Another field's words a column mapped to this field may hold (see the module docstring).
_ALSO = {
    "status": (("lifecycle_stage", STAGE_WORDS), ("email_consent", SUBSCRIPTION_WORDS)),
    "customer_type": (("lifecycle_stage", STAGE_WORDS),),
}
_EXAMPLES = {
    "lifecycle_stage": "; other tools' stages such as Lead, MQL, Opportunity or Open - Not "
    "Contacted are read too",
    "status": "; a lifecycle stage (Lead, Customer) or an email subscription state "
    "(subscribed, unsubscribed) sets that instead",
    "customer_type": "; a lifecycle stage (Prospect, Customer - Direct) sets that instead",
}
_VALUES = {"lifecycle_stage": STAGES, "status": STATUSES, "customer_type": TYPES}


LONGEST = 64  # characters: longer text is no word of these tables (and is not cached)


# A name's prefix, as a bare Title column holds it (Outlook's): each word of it one of these
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "master", "dr", "doctor", "prof", "professor", "sir",
    "dame", "lord", "lady", "rev", "reverend", "fr", "father", "hon", "capt", "col", "gen",
    "herr", "frau", "m", "mme", "mlle", "sr", "sra", "srta", "don", "dona", "dott", "ing",
})  # fmt: skip


def honorific(value: Any) -> bool:
    """Is ``value`` a name's prefix (Mr., Dr., Prof. Dr., Mme), not a job title?"""
    if not isinstance(value, str) or len(value) > LONGEST:
        return False
    found = [mapping.normal(w) for w in value.replace(".", " ").split()]
    return bool(found) and all(w in HONORIFICS for w in found)


def no_value(text: str) -> bool:
    """A placeholder where a sheet has no email or phone ("N/A", "none", "-", "—", "?"): a
    word of NO_VALUE, or no letter or digit at all. Never a valid email or phone."""
    return not any(ch.isalnum() for ch in text) or mapping.normal(text) in NO_VALUE


def enum(name: str, raw: str) -> tuple[str, str | bool] | None | str:
    """(field, value) that ``raw`` in a column of field ``name`` sets; None for no value; a
    reason (str) when it is no word of the field."""
    return _enum(name, raw if len(raw) <= LONGEST else "(too long)")  # no word, not empty


@lru_cache(maxsize=4096)
def _enum(name: str, raw: str) -> tuple[str, str | bool] | None | str:
    word = mapping.normal(raw)
    if not word or word in NO_VALUE:
        return None
    own = _OWN[name].get(word)
    if own is not None:
        return name, own
    for other, table in _ALSO.get(name, ()):
        value = table.get(word)
        if value is not None:
            return other, value
    return f"must be one of {', '.join(_VALUES[name])}{_EXAMPLES[name]}"


def yes_no(raw: str) -> bool | None:
    """True or False for a consent or yes/no word, None for anything else."""
    return _yes_no(raw) if len(raw) <= LONGEST else None


# A sheet's check marks: ticked or crossed (a bare "x" is a tick: TRUE has it).
_MARKS = {"✓": True, "✔": True, "☑": True, "✅": True, "✗": False, "✘": False, "☐": False,
          "❌": False}  # fmt: skip


@lru_cache(maxsize=1024)
def _yes_no(raw: str) -> bool | None:
    mark = _MARKS.get(raw.strip())
    if mark is not None:
        return mark
    word = mapping.normal(raw)
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    return None
