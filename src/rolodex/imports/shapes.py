"""Records of other tools' APIs (Google People, Salesforce, Intercom, Klaviyo, Mailchimp,
Kit, Shopify's GraphQL, Brevo, MailerLite, Constant Contact, HubSpot's v1), saved as JSON and
imported, in the shape the import reads: each function returns a record of its tool in the
keys the mapping knows, and any other record as it is; ``own_shape`` applies them all
(``reader`` flattens the result)."""

from __future__ import annotations

from typing import Any

from rolodex.imports import mapping
from rolodex.ingest import klaviyo
from rolodex.ingest.records import when


def own_shape(doc: dict[str, Any]) -> dict[str, Any]:
    """A record of another tool's API in the shape the import reads (each returns any other
    record as it is)."""
    for shape in _SHAPES:
        doc = shape(doc)
    return doc


def _first(values: Any, key: str = "value") -> Any:
    """``key`` of the primary item of a Google list of objects, else of the first."""
    items = [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []
    primary = next((v for v in items if (v.get("metadata") or {}).get("primary")), None)
    chosen = primary or (items[0] if items else None)
    return chosen.get(key) if chosen is not None else None


# Google's names for an address's parts
_GOOGLE_ADDRESS = {"streetAddress": "line1", "extendedAddress": "line2", "city": "city",
                   "region": "region", "postalCode": "postcode"}  # fmt: skip


def google_person(doc: dict[str, Any]) -> dict[str, Any]:
    """A contact as Google's People API writes it (``{"resourceName": "people/c1", "names":
    [...], "emailAddresses": [...], ...}``): its id, given and family name, emails and phones
    (the first is the field's, the others kept as other_email, other_phone), addresses,
    company and notes, and what ``_google_more`` reads. Any other record is returned as it
    is."""
    name = doc.get("resourceName")
    if not isinstance(name, str) or not name.startswith("people/"):
        return doc
    out: dict[str, Any] = {"id": name}
    for key, target in (("givenName", "first_name"), ("familyName", "last_name")):
        if value := _first(doc.get("names"), key):
            out[target] = value
    for key, target in (("emailAddresses", "emails"), ("phoneNumbers", "phones")):
        listed = [v for v in doc.get(key) or [] if isinstance(v, dict) and v.get("value")]
        if listed:
            out[target] = listed
    addresses = []
    for item in doc.get("addresses") or []:
        if not isinstance(item, dict):
            continue
        address = {part: item[k] for k, part in _GOOGLE_ADDRESS.items() if item.get(k)}
        if item.get("countryCode") or item.get("country"):
            address["country"] = item.get("countryCode") or item.get("country")
        if address:
            addresses.append(address)
    if addresses:
        out["addresses"] = addresses
    for key, target, part in (("organizations", "company", "name"),
                              ("biographies", "notes", "value")):  # fmt: skip
        if value := _first(doc.get(key), part):
            out[target] = value
    _google_more(doc, out)
    return out


# what else a person holds, each a key the mapping reads as the custom attribute of its name
_GOOGLE_MORE = (("names", "middleName", "middle_name"), ("names", "honorificPrefix", "name_prefix"),
                ("names", "honorificSuffix", "name_suffix"), ("nicknames", "value", "nickname"),
                ("organizations", "title", "job_title"),
                ("organizations", "department", "department"), ("urls", "value", "website"),
                ("genders", "value", "gender"))  # fmt: skip
# its lists of labelled values: (list, the value's key, the attribute's name without a label)
_GOOGLE_LABELLED = (("events", "date", "date"), ("relations", "person", "related_name"),
                    ("userDefined", "value", "custom_field"))  # fmt: skip


def _google_more(doc: dict[str, Any], out: dict[str, Any]) -> None:
    """A person's middle name, prefix, suffix, nickname, job title, department, website,
    gender and birthday, and its events (Anniversary), relations (Spouse) and custom fields
    (userDefined: Loyalty Tier) as custom attributes named by their labels, as a Google
    Contacts CSV's are read (they were dropped)."""
    for key, part, target in _GOOGLE_MORE:
        if (value := _first(doc.get(key), part)) and isinstance(value, str):
            out[target] = value
    birthday = _first(doc.get("birthdays"), "date")
    if (when := _google_date(birthday) or _first(doc.get("birthdays"), "text")) is not None:
        out["birthday"] = when
    for key, part, default in _GOOGLE_LABELLED:
        for item in doc.get(key) or []:
            if not isinstance(item, dict):
                continue
            value = _google_date(item.get(part)) if key == "events" else item.get(part)
            if value in (None, ""):
                continue
            label = item.get("key") or item.get("formattedType") or item.get("type") or default
            mapping.add_labelled(out, str(label), default, value)


def _google_date(date: Any) -> str | None:
    """A date of Google's ({"year": 2010, "month": 6, "day": 1}) as YYYY-MM-DD, or --MM-DD
    without its year; None for anything else."""
    if not isinstance(date, dict):
        return None
    year, month, day = (date.get(k) for k in ("year", "month", "day"))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (month, day)):
        return None
    if isinstance(year, int) and not isinstance(year, bool) and year > 0:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"--{month:02d}-{day:02d}"


def salesforce_record(doc: dict[str, Any]) -> dict[str, Any]:
    """A record of Salesforce's API starts with its own ``attributes`` ({"type": "Contact",
    "url": ...}), which are not the customer's custom attributes: they are dropped; so are
    those of a record nested in it (``"Account": {"attributes": {...}, "Name": ...}``)."""

    def bare(value: Any) -> Any:
        if isinstance(value, dict) and _salesforce_meta(value.get("attributes")):
            return {k: bare(v) for k, v in value.items() if k != "attributes"}
        return value

    return bare(doc) if _salesforce_meta(doc.get("attributes")) else doc


def _salesforce_meta(value: Any) -> bool:
    """Salesforce's record metadata: its type and its REST address, nothing else (a
    customer's own custom attributes named type and url are not this)."""
    return (
        isinstance(value, dict)
        and set(value) == {"type", "url"}
        and str(value["url"]).startswith("/services/data/")
    )


# Klaviyo's names for a profile's address parts, under its location
_LOCATION = {"address1": "line1", "address2": "line2", "zip": "postcode", "latitude": "lat",
             "longitude": "lng"}  # fmt: skip


def intercom_contact(doc: dict[str, Any]) -> dict[str, Any]:
    """A contact as Intercom's API writes it (``{"type": "contact", "id": ...,
    "workspace_id": ..., "external_id": ...}``): its ``id`` is Intercom's (the external id),
    its ``external_id`` the contact's id in the workspace's own system, kept as the custom
    attribute external_id as a Klaviyo profile's is (beside Intercom's id it failed every row
    holding both, as two external ids); its ``type`` names the object, not the customer's
    type. Any other record is returned as it is."""
    if doc.get("type") != "contact" or "workspace_id" not in doc or "id" not in doc:
        return doc
    out = {k: v for k, v in doc.items() if k not in ("type", "external_id")}
    if doc.get("external_id") not in (None, ""):
        custom = doc.get("custom_attributes")
        custom = dict(custom) if isinstance(custom, dict) else {}
        custom.setdefault("external_id", doc["external_id"])
        out["custom_attributes"] = custom
    return out


def klaviyo_profile(doc: dict[str, Any]) -> dict[str, Any]:
    """A profile as Klaviyo's API writes it (a JSON:API resource: ``{"type": "profile", "id":
    ..., "attributes": {...}}``) as the record of its fields: its id (Klaviyo's, the external
    id), its attributes, its ``location`` as an address, its custom ``properties`` as custom
    attributes (and its ``external_id``, the profile's id in another system, among them), its
    marketing consent, and of its ``predictive_analytics`` (when asked for) what its orders
    came to and their number (the lifetime value; a profile with orders is a customer). Read
    as it was, its email and name were custom attributes of a customer holding nothing else.
    Any other record is returned as it is."""
    attrs = doc.get("attributes")
    if doc.get("type") != "profile" or "id" not in doc or not isinstance(attrs, dict):
        return doc
    own = ("location", "properties", "subscriptions", "external_id", "predictive_analytics")
    out: dict[str, Any] = {"id": doc["id"], **{k: v for k, v in attrs.items() if k not in own}}
    predicted = attrs.get("predictive_analytics")
    if isinstance(predicted, dict):  # what its orders came to and their number (the rest is
        # Klaviyo's guesses, which the import does not store)
        for key in ("historic_clv", "historic_number_of_orders"):
            if predicted.get(key) is not None:
                out[key] = predicted[key]
    location = attrs.get("location")
    if isinstance(location, dict):
        out["address"] = {_LOCATION.get(k, k): v for k, v in location.items()}
    custom = dict(attrs["properties"]) if isinstance(attrs.get("properties"), dict) else {}
    if attrs.get("external_id") not in (None, ""):
        custom.setdefault("external_id", attrs["external_id"])
    if custom:
        out["attributes"] = custom
    subscriptions = attrs.get("subscriptions")
    updated = when(attrs.get("updated"))
    for channel in ("email", "sms"):
        given = subscriptions.get(channel) if isinstance(subscriptions, dict) else None
        consent = klaviyo.marketing_consent(given, updated) if isinstance(given, dict) else None
        if consent is not None:  # read as Klaviyo's webhooks read it
            out[f"{channel}_consent"] = consent.subscribed
            if consent.at is not None:
                out[f"{channel}_consent_at"] = consent.at.isoformat()
    return out


# Mailchimp's names for the parts of a member's ADDRESS merge field
_MAILCHIMP_ADDRESS = {"addr1": "line1", "addr2": "line2", "state": "region", "zip": "postcode"}


def mailchimp_member(doc: dict[str, Any]) -> dict[str, Any]:
    """A member as Mailchimp's API writes it keeps its address under ``merge_fields.ADDRESS``
    as an object (addr1, addr2, city, state, zip, country): it is the record's address (its
    other merge fields, FNAME, LNAME, PHONE, are columns ``merge_fields.*``). An ADDRESS that
    is text stays a column; its ``location`` is dropped. Any other record is returned as it
    is."""
    merged = doc.get("merge_fields")
    if "email_address" not in doc or not isinstance(merged, dict):
        return doc
    # its location is Mailchimp's guess from the member's IP address, not where they live
    # (its CSV's LATITUDE, LONGITUDE, CC are not imported either)
    doc = {k: v for k, v in doc.items() if k != "location"}
    key = next((k for k in merged if k.upper() == "ADDRESS"), None)
    if key is None or not isinstance(merged[key], dict) or "address" in doc:
        return doc
    rest = {k: v for k, v in merged.items() if k != key}
    address = {_MAILCHIMP_ADDRESS.get(k, k): v for k, v in merged[key].items()}
    return {**doc, "merge_fields": rest, "address": address}


# Kit's (ConvertKit's) subscriber states and the email consent each is
_KIT_STATES = {"active": True, "inactive": None, "cancelled": False, "bounced": False,
               "complained": False}  # fmt: skip


def kit_subscriber(doc: dict[str, Any]) -> dict[str, Any]:
    """A subscriber as Kit's API writes it (``{"id": ..., "first_name": ..., "email_address":
    ..., "state": "active", "fields": {...}}``): its state is its email consent (active: yes;
    cancelled, bounced, complained: no; inactive, never confirmed: unknown), and is kept as
    the attribute account_state (``rows``); it was the region of an address. Any other record
    is returned as it is."""
    state = doc.get("state")
    if "email_address" not in doc or "merge_fields" in doc or state not in _KIT_STATES:
        return doc
    consent = _KIT_STATES[state]
    return doc if consent is None else {**doc, "email_consent": consent}


# Shopify's GraphQL names for an address's parts, as its REST API (and webhooks) name them
_SHOPIFY_GRAPHQL_ADDRESS = {"provinceCode": "province_code", "countryCodeV2": "country_code",
                            "countryCode": "country_code"}  # fmt: skip
# read here; the rest of a GraphQL customer is read by its key, as any record's
_SHOPIFY_GRAPHQL_OWN = ("id", "state", "amountSpent", "numberOfOrders", "emailMarketingConsent",
                        "smsMarketingConsent", "defaultAddress", "addresses")  # fmt: skip


def shopify_graphql_customer(doc: dict[str, Any]) -> dict[str, Any]:
    """A customer as Shopify's GraphQL Admin API writes it (a bulk operation's JSONL, the
    way Shopify says to export many): ``{"id": "gid://shopify/Customer/7001", "firstName":
    ..., "amountSpent": {"amount": ...}, "emailMarketingConsent": {"marketingState":
    "SUBSCRIBED"}, "defaultAddress": {"provinceCode": ...}, "state": "ENABLED"}``. Read as
    it was, its consent, amount spent, province and country were lost (its account state
    took the province's place). Its id is Shopify's number, as its webhooks give it; its
    addresses are read as Shopify's REST addresses. Any other record is returned as it is."""
    gid = doc.get("id")
    if not isinstance(gid, str) or not gid.startswith("gid://shopify/Customer/"):
        return doc
    out = {k: v for k, v in doc.items() if k not in _SHOPIFY_GRAPHQL_OWN}
    out["id"] = gid.rsplit("/", 1)[1]
    if isinstance(doc.get("state"), str):
        out["attr.account_state"] = doc["state"].lower()  # ENABLED: not a region
    spent = doc.get("amountSpent")
    if isinstance(spent, dict) and spent.get("amount") is not None:
        out["total_spent"] = spent["amount"]
    if doc.get("numberOfOrders") is not None:
        out["orders_count"] = doc["numberOfOrders"]
    for channel in ("email", "sms"):
        consent = doc.get(f"{channel}MarketingConsent")
        if isinstance(consent, dict) and isinstance(consent.get("marketingState"), str):
            out[f"{channel}_consent"] = consent["marketingState"].lower()
            if consent.get("consentUpdatedAt"):
                out[f"{channel}_consent_at"] = consent["consentUpdatedAt"]
    listed = doc["addresses"] if isinstance(doc.get("addresses"), list) else []
    default = doc.get("defaultAddress")
    addresses = [a for a in listed if isinstance(a, dict)] or (
        [default] if isinstance(default, dict) else []
    )
    if addresses:
        out["addresses"] = [
            {**{_SHOPIFY_GRAPHQL_ADDRESS.get(k, k): v for k, v in a.items()},
             "default": a == default or a.get("id") == (default or {}).get("id")}
            for a in addresses
        ]  # fmt: skip
    return out


def brevo_contact(doc: dict[str, Any]) -> dict[str, Any]:
    """A contact as Brevo's API writes it: its fields are under ``attributes`` in Brevo's
    names (FIRSTNAME, LASTNAME, SMS: the mobile number; COMPANY), which were kept as custom
    attributes of a customer with no name. Those that name a field are the record's own;
    the others stay custom attributes. Any other record is returned as it is."""
    attrs = doc.get("attributes")
    if not isinstance(attrs, dict) or not {"emailBlacklisted", "smsBlacklisted"} & doc.keys():
        return doc
    out = {k: v for k, v in doc.items() if k != "attributes"}
    kept = {}
    for key, value in attrs.items():
        name = "phone" if str(key).upper() == "SMS" else str(key)
        target = mapping.guess(name)[0]
        if target is None or target == mapping.IGNORE or target.startswith("attr."):
            kept[key] = value
        else:
            out.setdefault(name, value)
    if kept:
        out["attributes"] = kept
    return out


# MailerLite's subscriber states and the email consent each is
_MAILERLITE_STATES = {"active": True, "unsubscribed": False, "bounced": False, "junk": False,
                      "unconfirmed": None}  # fmt: skip


def mailerlite_subscriber(doc: dict[str, Any]) -> dict[str, Any]:
    """A subscriber as MailerLite's API writes it (``{"email": ..., "status": "active",
    "fields": {"name": ..., "last_name": ...}, "opens_count": ...}``): its status is its
    email consent (it failed the row as a customer status: junk, unconfirmed) and its
    ``name`` field is the first name beside ``last_name``. Any other record is returned as
    it is."""
    fields, status = doc.get("fields"), doc.get("status")
    if not isinstance(fields, dict) or "opens_count" not in doc or status not in _MAILERLITE_STATES:
        return doc
    out = {k: v for k, v in doc.items() if k not in ("status", "fields")}
    for key, value in fields.items():
        name = "first_name" if key == "name" and "last_name" in fields else key
        out.setdefault(f"fields.{name}", value)
    if _MAILERLITE_STATES[status] is not None:
        out["email_consent"] = _MAILERLITE_STATES[status]
    return out


# Constant Contact's permission to send and the email consent each is
_PERMISSIONS = {"explicit": True, "implicit": True, "unsubscribed": False}


def constant_contact(doc: dict[str, Any]) -> dict[str, Any]:
    """A contact as Constant Contact's API (v3) writes it: its email is an object (address,
    permission_to_send: explicit or implicit, unsubscribed), its phones and street addresses
    lists of objects; each was lost (a contact without its email). Its taggings are tag ids,
    not names: left out. Any other record is returned as it is."""
    email = doc.get("email_address")
    if "contact_id" not in doc or not isinstance(email, dict):
        return doc
    own = ("email_address", "phone_numbers", "street_addresses", "taggings")
    out = {k: v for k, v in doc.items() if k not in own}
    out["email"] = email.get("address")
    consent = _PERMISSIONS.get(str(email.get("permission_to_send")))
    if consent is not None:
        out["email_consent"] = consent
        if consent and email.get("created_at"):
            out["email_consent_at"] = email["created_at"]
    phones = [p for p in doc.get("phone_numbers") or [] if isinstance(p, dict)]
    phones.sort(key=lambda p: p.get("kind") != "mobile")
    if phones:
        out["phones"] = [p.get("phone_number") for p in phones if p.get("phone_number")]
    streets = [a for a in doc.get("street_addresses") or [] if isinstance(a, dict)]
    parts = {"street": "line1", "city": "city", "state": "region", "postal_code": "postcode",
             "country": "country"}  # fmt: skip
    if streets:
        out["addresses"] = [{parts[k]: v for k, v in a.items() if k in parts} for a in streets]
    return out


def hubspot_v1_contact(doc: dict[str, Any]) -> dict[str, Any]:
    """A contact of HubSpot's older API (v1: ``{"vid": 123, "properties": {"email":
    {"value": ...}}}``): each property an object holding its value, which failed every row
    ("must be text"); its vid is HubSpot's id. Any other record is returned as it is."""
    props = doc.get("properties")
    if "vid" not in doc or not isinstance(props, dict):
        return doc
    values = {k: v.get("value") if isinstance(v, dict) else v for k, v in props.items()}
    rest = {k: v for k, v in doc.items() if k not in ("vid", "canonical-vid", "properties")}
    return {"id": doc["vid"], **rest, "properties": values}


# Other tools' API records, each read by its own function, in this order (see own_shape).
_SHAPES = (intercom_contact, salesforce_record, klaviyo_profile, mailchimp_member, google_person,
           kit_subscriber, shopify_graphql_customer, brevo_contact, mailerlite_subscriber,
           constant_contact, hubspot_v1_contact)  # fmt: skip
