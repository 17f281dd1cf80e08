"""The names other tools write in a file's header row for each customer field, in normal form
(``mapping.normal``: lowercase ASCII letters and digits, accents folded); data for
``mapping.guess``."""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "emailaddress",
        "mail",
        "primaryemail",
        "customeremail",
        "emails",
        "emailaddresses",  # Google People API: a list of {"value": ...}
        "inviteeemail",  # Calendly
        "emailid",  # Zoho Books: "EmailID", the address (as "email ID" is said in India)
        "useremail",  # WordPress's users (user_email; "user" is no prefix: a login's)
    ),
    "phone": (
        "phone",
        "phonenumber",
        "phonenum",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "cell",
        "cellphone",
        "telephone",
        "tel",
        "phone1",
        "primaryphone",
        "landlinenumber",  # Brevo
        "landline",
        "phones",  # JSON: a list of numbers, or of {"number": ..., "type": ...}
        "phonenumbers",
        "textremindernumber",  # Calendly
        "mainphone",
        "mainphones",  # Jobber: "Main Phone #s", "Mobile Phone #s"
        "mobilephones",
        "cellphones",
    ),
    # a JSON name object's keys come flattened: "name": {"first": ...} is name.first
    "first_name": (
        "firstname",
        "first",
        "givenname",
        "fname",
        "forename",
        "namefirst",
        "namegiven",
        "namegivenname",
        "namefirstname",
        "inviteefirstname",  # Calendly
    ),
    "last_name": (
        "lastname",
        "last",
        "surname",
        "familyname",
        "lname",
        "namelast",
        "namefamily",
        "namefamilyname",
        "namelastname",
        "namesurname",
        "inviteelastname",  # Calendly
    ),
    "full_name": (
        "fullname",
        "name",
        "customername",
        "contactname",
        "displayname",
        "namefull",
        "namefullname",
        "namedisplayname",
        "nameformatted",
        "inviteename",  # Calendly
    ),
    "company": (
        "company",
        "companyname",
        "organization",
        "organisation",
        "org",
        "business",
        "businessname",
        "organizationname",  # Google Contacts
        "organization1name",  # Google Contacts, older files
        "accountname",  # Salesforce, Zoho: a contact's account is their company
        "orgname",  # Pipedrive's and ActiveCampaign's APIs
        "companyaccount",  # Salesforce's leads report: "Company / Account"
    ),
    "lifecycle_stage": ("lifecyclestage", "stage", "lifecycle", "leadstage", "customerstage"),
    "status": ("status", "customerstatus", "accountstatus", "accountstate", "customerstate"),
    "customer_type": ("customertype", "accounttype", "contacttype"),
    "notes": (
        "notes",
        "note",
        "comments",
        "comment",
        "memo",
        "description",  # Square; Zoho
        "backgroundinformation",  # Freshdesk
        "background",  # Highrise
    ),
    "internal_notes": (
        "internalnotes",
        "internalnote",
        "staffnotes",
        "privatenotes",
        "blockreason",
    ),  # Fresha: why the client is blocked  # fmt: skip
    "blocked": ("blocked", "isblocked", "blockedclient", "blacklisted", "banned"),
    "acquisition_source": (
        "acquisitionsource",
        "leadsource",
        "referralsource",
        "originalsource",
        "source",
        "referredby",  # Mindbody, salons: who or what sent the client
        # a sign-up form's question (Google Forms, Typeform)
        "howdidyouhearaboutus",
        "howdidyoufindus",
        "howdidyouhearofus",
        "howdidyoufindoutaboutus",
        "wheredidyouhearaboutus",
    ),
    "utm_source": ("utmsource",),
    "utm_medium": ("utmmedium",),
    "utm_campaign": ("utmcampaign", "campaign"),
    "utm_term": ("utmterm",),
    "utm_content": ("utmcontent",),
    "email_consent": (
        "emailconsent",
        "acceptsemailmarketing",
        "emailmarketingconsentstate",  # Shopify's JSON: email_marketing_consent.state
        "emailpermissionstatus",  # Constant Contact
        "emailsubscriberstatus",  # Wix
        "subscriberstatus",  # a mailing list's: subscribed, unsubscribed (not a "Status")
        "emailpermission",
        "emailoptin",
        "marketingemailsoptin",  # Mindbody
        "marketingallowed",  # Clover
        "subscribedtomarketing",  # Squarespace
        "emailpromotions",  # Vagaro
        "agreedtomarketing",  # Booksy
        "optinformarketingemails",  # Zenoti
        "marketingemailoptin",
        "emailmarketingoptin",  # Toast
        "marketingemail",  # salon software's "Marketing Email" beside "Marketing SMS"
        "marketingemails",
        "emailsubscribed",
        "subscribed",
        "consentemail",
        "emailmarketingconsent",
        "emailmarketing",
        "marketingoptin",
        "marketingconsent",
        "optin",
        "optedin",
        "emailstatus",
        "subscriptionstatus",
        "emailsubscriptionstatus",
        "marketingstatus",  # Pipedrive: Subscribed, Unsubscribed, No consent, Archived
        "newsletter",
    ),
    "email_consent_at": (
        "emailconsentat",
        "consentemailat",
        "emailmarketingconsenttimestamp",
        "emailconsenttimestamp",
        "optintime",
        "optindate",
        "subscribedat",
        "subscribedate",
        "subscriptiondate",
        "datesubscribed",  # Campaign Monitor
        "acceptsmarketingupdatedat",  # Shopify
        "emailmarketingconsentconsentupdatedat",
    ),
    "email_consent_source": (
        "emailconsentsource",
        "consentemailsource",
        "emailmarketingconsentconsentcollectedfrom",
    ),
    "sms_consent": (
        "smsconsent",
        "acceptssmsmarketing",
        "smsoptin",
        "textoptin",
        "textmessageoptin",  # Mindbody, salon and studio software
        "textmessagesoptin",
        "textpromotions",  # Vagaro
        "optinforsms",  # Zenoti
        "smspromotions",
        "smssubscribed",
        "consentsms",
        "smsmarketingconsent",
        "smsmarketing",
        "smsmarketingconsentstate",
        "smsstatus",  # Omnisend: subscribed, unsubscribed, nonSubscribed
        "smssubscriberstatus",  # Wix, beside its Email subscriber status
        "smsmarketingoptin",  # Toast
        "marketingsms",
        "marketingtext",
        "smssubscriptionstatus",
    ),
    "sms_consent_at": (
        "smsconsentat",
        "consentsmsat",
        "smsmarketingconsenttimestamp",
        "smsconsenttimestamp",
        "smsmarketingconsentconsentupdatedat",
    ),
    # consent inverted: yes revokes it, no says nothing (an opt-out never grants consent)
    "email_opt_out": (
        "emailoptout",  # Zoho, Salesforce
        "hasoptedoutofemail",  # Salesforce's field name
        "donotemail",
        "unsubscribed",
        "emailunsubscribed",
        "unsubscribedfromallemail",  # HubSpot
        "unsubscribedfromemails",  # Intercom
        "optedoutofemail",
        "emailoptedout",
        "optout",
        "optedout",
        "emailblacklisted",  # Brevo
        "emailblocklisted",
        "emaildisabled",  # Substack: the subscriber turned its emails off
        "unsubscribefrommarketingemails",  # Teachable
    ),
    # an opt-out of every channel: revokes email and SMS consent alike
    "contact_opt_out": (
        "donotcontact",  # Gumroad: "Do not contact?"; Salesforce's and others' Do Not Contact
        "donotsolicit",
        "donotmarket",
        "marketingoptout",
        "optedoutofmarketing",
    ),
    "sms_opt_out": (
        "smsoptout",
        "textoptout",
        "donottext",
        "donotcall",  # Salesforce's DoNotCall: a text message is a call to the US's TCPA
        "donotsms",
        "smsunsubscribed",
        "smsblacklisted",  # Brevo
        "smsblocklisted",
    ),
    "sms_consent_source": (
        "smsconsentsource",
        "consentsmssource",
        "smsmarketingconsentconsentcollectedfrom",
    ),
    "last_active_at": (
        "lastactiveat",
        "lastactive",
        "lastseen",
        "lastseenat",  # Intercom
        "lastactivity",
        "lastactivitydate",
        "lastactivitytime",  # Zoho
        "lastvisit",  # Square
        "lastvisitdate",
        "lastorderdate",  # Squarespace (Rolodex's own last_order_at is counted from orders)
        "lastappointment",  # booking software (Acuity, Vagaro)
        "lastappointmentdate",
        "lastsaledate",  # point of sale
        "lastpurchasedate",
    ),
    "created_at": (
        "createdat",
        "created",
        "datecreated",
        "signupdate",
        "customersince",
        "signup",
        "signedup",  # Intercom's CSV export ("Signed up")
        "dateofsignup",
        "joined",
        "joindate",
        "joinedat",  # Circle
        "firstseen",  # Intercom's CSV export
        "addedon",
        "connectedon",  # LinkedIn's connections: when they became one
        "clientsince",
        "membersince",
        "patronagesincedate",  # Patreon
        "patronsince",
        "createdate",  # HubSpot
        "createddate",  # Salesforce
        "createdon",
        "creationdate",
        "profilecreatedon",  # Klaviyo
        "dateadded",
        "datejoined",
        "createdutc",  # Stripe: "Created (UTC)"
        "createdtime",  # Zoho
        "dateregistered",  # WooCommerce
        "registrationdate",
        "addedtime",  # Brevo
        "addtime",  # Pipedrive's API
        "userregistered",  # WordPress's users
        "cdate",  # ActiveCampaign's API
    ),
    "ltv": (
        "ltv",
        "lifetimevalue",
        "totalspent",
        "totalspend",  # Square, Stripe, WooCommerce
        "clv",
        "customerlifetimevalue",
        "totalrevenue",  # HubSpot's contacts: the revenue of their closed-won deals
        "lifetimerevenue",
        "lifetimespend",
        "lifetimespent",
        "totalamountspent",
        "totalpaid",  # booking software (Acuity)
        "totalsales",  # point of sale: a customer's sales
        # Klaviyo: what the profile's placed orders came to (its "Total" adds the predicted)
        "historiccustomerlifetimevalue",
        "historicclv",
    ),
    "order_count": (
        "ordercount",
        "totalorders",
        "orderscount",
        "numberoforders",  # Shopify
        "historicnumberoforders",  # Klaviyo
        "totalordercount",  # Squarespace
        "transactioncount",  # Square
    ),
    "tags": (
        "tags",
        "tag",
        "labels",
        "label",
        "groups",
        "groupmembership",
        "categories",
        # a shop's or a point of sale's group of the customer (Wholesale, VIP: BigCommerce,
        # Lightspeed), a tag as Google's groups are
        "customergroup",
        "customergroups",
        "clientgroup",
        "contactgroup",
    ),
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
        "squarecustomerid",
        "uniqueexternalid",  # Freshdesk
        "customercode",  # Lightspeed (Vend)
        "buyeruserid",  # Etsy's orders: the buyer's Etsy account
        "userid",  # Patreon, an app's users: the person's id in the tool
        # a spreadsheet's own numbering of the people it lists, under the word it has for them
        *(
            f"{who}{n}"
            for who in (
                "customer",
                "client",
                "member",
                "lead",
                "subscriber",
                "patient",
                "guest",
                "buyer",
            )
            for n in ("id", "number", "no", "nr", "code")
            if f"{who}{n}" not in ("customerid", "customercode")
        ),
    ),
    "address1_line1": (
        "address",
        "address1",
        "addressline1",
        "street",
        "streetaddress",
        "streetaddress1",  # Square
        "streetaddressline1",  # Constant Contact
        "line1",
        "street1",  # Etsy: "Street 1" beside "Street 2"
        "streetline1",
        "addr1line1",  # MYOB: "Addr 1 - Line 1"
        "addressone",  # MemberPress
    ),
    "address1_line2": (
        "address2",
        "addressline2",
        "line2",
        "apartment",
        "suite",
        "apt",
        "streetaddress2",  # Square
        "streetaddressline2",  # Constant Contact
        "street2",  # Outlook: "Home Street 2"
        "streetline2",  # Housecall Pro
        "addresstwo",  # MemberPress
        "extendedaddress",  # Google Contacts
    ),
    "address1_line3": (
        "addressline3",
        "line3",
        "street3",  # Outlook: "Home Street 3"
        "streetaddress3",
        "streetaddressline3",
        "streetline3",
    ),
    "address1_po_box": (
        "pobox",  # Google Contacts: "Address 1 - PO Box"
        "addresspobox",  # Outlook: "Home Address PO Box"
        "postofficebox",
        "postbox",
        "postfach",
        "boitepostale",
        "apartadopostal",
        "casellapostale",
    ),
    "address1_city": ("city", "town", "locality"),
    "address1_region": (
        "region",
        "state",
        "province",
        "provincecode",
        "county",
        "stateregion",
        "stateprovince",
        "administrativedistrictlevel1",  # Square's API
    ),
    "address1_postcode": ("postcode", "zip", "zipcode", "postalcode", "postal", "zippostalcode"),
    "address1_country": (
        "country",
        "countrycode",
        "countryregion",
        "countryname",
        "countryid",  # Vend
    ),
    "address1_timezone": ("timezone", "tz"),
    "address1_lat": ("lat", "latitude"),
    "address1_lng": ("lng", "lon", "long", "longitude"),
    "address1_type": ("addresstype",),
}
# Headers in other languages a small business's other tools write (German, French, Spanish,
# Italian, Dutch, Portuguese), in normal form (accents folded). Words that mean something
# else in English, or two things in one language (Spanish "estado"), are left out.
OTHER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "email": ("emailadresse", "courriel", "adressemail", "adresseemail", "correo",
              "correoelectronico", "postaelettronica", "emailadres",
              "adresemail", "emailovaadresa"),  # Polish, Czech
    "phone": ("telefon", "telefonnummer", "handy", "mobil", "mobiltelefon", "numerodetelephone",
              "portable", "telefono", "celular", "movil", "cellulare", "telefoon",
              "telefoonnummer", "mobiel", "telemovel", "numertelefonu", "telefonkomorkowy",
              "komorka", "telefonnicislo"),
    "first_name": ("vorname", "prenom", "nombre", "nome", "voornaam", "primeironome", "imie",
                   "jmeno"),
    "last_name": ("nachname", "familienname", "nom", "nomdefamille", "apellido", "apellidos",
                  "cognome", "achternaam", "sobrenome", "ultimonome", "nazwisko", "prijmeni"),
    "company": ("firma", "unternehmen", "societe", "entreprise", "empresa", "azienda",
                "bedrijf", "nazwafirmy", "spolecnost"),
    "notes": ("notiz", "notizen", "bemerkung", "bemerkungen", "anmerkung", "remarque",
              "remarques", "nota", "notas", "opmerking", "opmerkingen", "uwagi", "notatki",
              "notatka", "poznamka", "poznamky"),
    "tags": ("schlagworte", "schlagwoerter", "etiketten", "etiquettes", "etiquetas",
             "etichette"),
    "external_id": ("kundennummer", "kundenid", "numeroclient", "idclient", "numerocliente",
                    "klantnummer"),
    "created_at": ("erstelltam", "angelegtam", "datedecreation", "kundeseit", "clientdepuis"),
    "ltv": ("umsatz", "gesamtumsatz", "chiffredaffaires", "totalgastado"),
    "address1_line1": ("strasse", "strasseundhausnummer", "anschrift", "adresse", "rue",
                       "direccion", "calle", "indirizzo", "straat", "adres", "endereco", "rua",
                       "ulica", "ulice", "adresa"),
    "address1_city": ("stadt", "ort", "wohnort", "ville", "ciudad", "localidad", "citta",
                      "comune", "plaats", "woonplaats", "cidade", "miasto", "miejscowosc",
                      "mesto", "obec"),
    "address1_region": ("bundesland", "kanton", "departement", "provincia", "regione",
                        "provincie", "wojewodztwo"),
    "address1_postcode": ("plz", "postleitzahl", "codepostal", "cp", "codigopostal", "cap",
                          "postcodenummer", "cep", "kodpocztowy", "psc"),
    # not Kraj: Polish for country, Czech for region
    "address1_country": ("land", "pays", "pais", "paese", "nazione", "panstwo", "zeme"),
}  # fmt: skip
# Names a column has only when no better one is in the file: HubSpot writes "Phone Number"
# and "Mobile Phone Number", "Lifecycle Stage" and "Lead Status"; Klaviyo "External ID" (the
# id in the shop's own system, when one was given) and "Klaviyo ID".
WEAK: dict[str, str] = {
    "mobilephonenumber": "phone",
    "leadstatus": "lifecycle_stage",
    "klaviyoid": "external_id",
    "hubspotid": "external_id",
    "salesforceid": "external_id",
    "shopifyid": "external_id",
    "referenceid": "external_id",  # Square: the shop's own reference, beside Square's id
    "secondaryemail": "email",  # Zoho
    "firstvisit": "created_at",  # Square
    "confirmtime": "email_consent_at",  # Mailchimp: double opt-in, beside OPTIN_TIME
    # a bare Title: Salesforce's job title, Outlook's Mr. or Dr. (rows: an honorific is the
    # name_prefix attribute), beside a Job Title column none
    "title": "attr.job_title",
    "occupation": "attr.job_title", "profession": "attr.job_title",  # beside a Job Title none
    # Outlook's company switchboard and car phone: a B2B contact's only number, often
    "companymainphone": "phone", "carphone": "phone",
    # a WhatsApp number: the phone, or another beside it (a bare "WhatsApp" may be yes or no)
    "whatsappnumber": "phone", "whatsappphone": "phone", "whatsappphonenumber": "phone",
    # QuickBooks' customers: a bare Customer is the display name (``rows``: but a company's
    # or an id), second to a name column
    "customer": "full_name",
    # a contact's other numbers and emails (Housecall Pro, Vagaro), second to a mobile number
    "homenumber": "phone", "worknumber": "phone", "dayphone": "phone", "nightphone": "phone",
    "eveningphone": "phone", "additionalphone": "phone", "additionalphones": "phone",
    "additionalemail": "email", "additionalemails": "email",
    "alternateemail": "email", "alternateemail1": "email", "alternateemail2": "email",  # Yahoo
    # Zoho Books: an address's postal code is its "Code"
    "billingcode": "address1_postcode", "shippingcode": "address1_postcode",
    # Shopify's older flag, beside email_marketing_consent.state (what its webhook reads first)
    "acceptsmarketing": "email_consent",
    # Xero: its postal address (PO...) and its street address (SA...), the second address
    **{f"po{xero}": f"address1_{part}" for xero, part in (
        ("addressline1", "line1"), ("addressline2", "line2"), ("city", "city"),
        ("region", "region"), ("postalcode", "postcode"), ("country", "country"))},
    **{f"sa{xero}": f"address2_{part}" for xero, part in (
        ("addressline1", "line1"), ("addressline2", "line2"), ("city", "city"),
        ("region", "region"), ("postalcode", "postcode"), ("country", "country"))},
}  # fmt: skip
PREFIXES = (
    "defaultaddress",
    "billingaddress",
    "shippingaddress",
    "billing",
    "shipping",
    "ship",  # Etsy: "Ship City", "Ship Zipcode" (address parts only)
    "mailing",
    "customer",
    "contact",
    # the word a spreadsheet has for the people it lists ("Client Email", "Lead Phone",
    # "Member Name"); not "user": "Username" is a login, not a name
    "client",
    "lead",
    "member",
    "subscriber",
    "buyer",
    "guest",
    "patient",
    "personal",  # "Personal Email", "Personal Phone"
    "supporter",  # Buy Me a Coffee: "Supporter Name", "Supporter Email"
    "primary",
    "person",  # Pipedrive: "Person - Email - Work"
    "address",  # Stripe: "Address City"
    "home",  # Outlook: "Home Street", "Business Phone", "Other City"
    "business",
    "work",
    "other",
    "physical",  # Lightspeed (Vend): physical_address1, postal_city
    "postal",
    "properties",  # HubSpot's API: a contact's fields under properties (properties.email)
    "fields",  # Airtable's API: a record's cells under fields (fields.Email)
    "mergefields",  # Mailchimp's API: a member's under merge_fields (merge_fields.FNAME)
    "location",  # Intercom's API: a contact's city, region and country (address parts only)
    "service",  # Jobber: "Service Street 1", where the work is done (address parts only)
    "preferences",  # Square's API: preferences.email_unsubscribed
)
# Prefixes of address parts only: a point of sale's "Location Name", "Location ID" or
# "Location Email" is the store's, not the customer's.
ADDRESS_ONLY_PREFIXES = ("location", "ship", "service")
# Prefixes of a second address: its columns take address2 when address1 is taken.
ADDRESS_PREFIXES = ("billingaddress", "shippingaddress", "billing", "shipping", "ship", "mailing",
                    "home", "business", "work", "other", "physical", "postal",
                    "service")  # fmt: skip
# Prefixes whose bare "... Address" is a whole address in one cell beside its parts (Outlook's
# "Home Address" beside "Home Street"): not a first line; beside no "... Street" (Yahoo's and
# Thunderbird's "Home Address" beside "Home City") it is the street (``mapping``).
WHOLE_ADDRESS_PREFIXES = ("home", "business", "work", "other")

# What a contact list says of a person that no customer field holds, kept as the custom
# attribute named here (a bare "Title" is a weak name, WEAK: Outlook's is Mr. or Ms.,
# Salesforce's a job title; "URL" is none).
CONTACT_ATTRIBUTES = {
    "jobtitle": "job_title", "position": "job_title", "jobposition": "job_title",
    "organizationtitle": "job_title", "organization1title": "job_title",  # Google Contacts
    "website": "website", "websiteurl": "website", "webpage": "website",
    "website1value": "website",  # Google Contacts
    "webpage1": "website",  # Thunderbird
    "www": "website",  # MYOB
    "userurl": "website",  # WordPress's users
    "homepage": "website", "webaddress": "website",
    "gender": "gender", "pronouns": "pronouns",
    # a point of sale's and a salon's figures of a customer, which no field holds
    "loyaltypoints": "loyalty_points", "rewardpoints": "loyalty_points",
    "loyaltybalance": "loyalty_points", "storecredit": "store_credit",
    "accountcredit": "store_credit", "creditbalance": "store_credit", "visits": "visits",
    "totalvisits": "visits", "visitcount": "visits", "numberofvisits": "visits",
    # the language to write to a customer in (Wix's Language, HubSpot's Preferred language)
    "language": "language", "preferredlanguage": "language", "languagepreference": "language",
    "linkedin": "linkedin", "linkedinurl": "linkedin", "linkedinprofile": "linkedin",
    "linkedinprofileurl": "linkedin",
    # a shop's customers' social profiles (a vCard's X-SOCIALPROFILE: ``vcard``)
    "instagram": "instagram", "instagramhandle": "instagram", "instagramprofile": "instagram",
    "facebook": "facebook", "facebookprofile": "facebook", "facebookurl": "facebook",
    "twitter": "twitter", "twitterusername": "twitter", "twitterhandle": "twitter",
    "tiktok": "tiktok", "tiktokhandle": "tiktok",
    # messengers (a vCard's IMPP: ``vcard``)
    "skype": "skype", "skypeid": "skype", "skypename": "skype", "telegram": "telegram",
    "telegramusername": "telegram", "wechat": "wechat", "wechatid": "wechat", "lineid": "line",
    # a name's other parts (Outlook's, Google Contacts', a vCard's N), which no field holds
    "middlename": "middle_name", "additionalname": "middle_name",  # Google Contacts' old
    "nameprefix": "name_prefix", "salutation": "salutation",  # Mr. or Dr. (HubSpot, Salesforce)
    "namesuffix": "name_suffix", "suffix": "name_suffix",
    "nickname": "nickname", "department": "department",
    "organizationdepartment": "department", "organization1department": "department",
    # the dates and people Outlook keeps of a contact (a vCard's, Google's: ``vcard``,
    # ``mapping._labelled_values``)
    "anniversary": "anniversary", "spouse": "spouse", "children": "children",
    "assistantsname": "assistant", "managersname": "manager",
}  # fmt: skip

# Birth dates are custom attributes, under a name matching reads as one
# (identity.normalize.DOB_ATTRIBUTES): the file's own word where it is one of them.
BIRTH_DATES = {
    "dateofbirth": "date_of_birth", "dob": "dob", "birthdate": "birthdate",
    "birthday": "birthday", "geburtsdatum": "date_of_birth", "geburtstag": "birthday",
    "datedenaissance": "date_of_birth", "fechadenacimiento": "date_of_birth",
    "datadinascita": "date_of_birth", "geboortedatum": "date_of_birth",
    "datadenascimento": "date_of_birth", "dataurodzenia": "date_of_birth",
    "datumnarozeni": "date_of_birth",
}  # fmt: skip
