"""Countries for synthetic data: cities, postcodes, streets and phone numbering plans.

Phone ranges are chosen so that every generated number is valid for ``phonenumbers``; the
templates are the national and international ways people actually write them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rolodex.demo.vocab import words as _words

Template = tuple[str, tuple[tuple[int, int], ...]]


class PhoneKind(NamedTuple):
    """Numbers ``head + lead digit + random digits``, written with one of ``templates``."""

    heads: tuple[str, ...]
    lead: str
    length: int  # digits of the national significant number
    templates: tuple[Template, ...]  # format and the slices of the number it takes, by weight


class City(NamedTuple):
    name: str
    region: str
    weight: int
    tz: str
    postcodes: str  # "lo-hi" numeric range, or space-separated outward codes (GB, CA)
    landline: PhoneKind


class Country(NamedTuple):
    code: str
    weight: int
    postcode_style: str  # num5, num4, gb, ca, nl
    street_style: str  # us, de, fr, es, mx (see people.PersonMaker.place)
    street_names: tuple[str, ...]
    street_kinds: tuple[str, ...]
    groups: tuple[tuple[str, int], ...]  # name groups of vocab.NAMES and their weights
    domains: tuple[tuple[str, int], ...]
    tld: str
    legal_forms: tuple[str, ...]
    mobile: PhoneKind
    mobile_share: float
    cities: tuple[City, ...]


def _templates(lens_default: tuple[int, ...], *specs: tuple[Any, ...]) -> tuple[Template, ...]:
    """Specs (format, weight[, group lengths]) → templates repeated by weight."""
    out: list[Template] = []
    for spec in specs:
        fmt, weight = spec[0], spec[1]
        lens = spec[2] if len(spec) > 2 else lens_default
        bounds, pos = [], 0
        for n in lens:
            bounds.append((pos, pos + n))
            pos += n
        out.extend([(fmt, tuple(bounds))] * weight)
    return tuple(out)


def _heads(spec: str) -> tuple[str, ...]:
    """'740-749 771' → ('740', .., '749', '771'); ranges keep their width."""
    out: list[str] = []
    for part in spec.split():
        lo, _, hi = part.partition("-")
        out.extend(str(x).zfill(len(lo)) for x in range(int(lo), int(hi or lo) + 1))
    return tuple(out)


def _spaced(n: int, sep: str = " ") -> str:
    return sep.join(f"{{{i}}}" for i in range(n))


def _plan(
    cc: str, trunk: str, lens: tuple[int, ...], extra: tuple[tuple[Any, ...], ...] = ()
) -> tuple[Template, ...]:
    """The usual ways to write a number: national spaced and run together, then +cc forms."""
    n, sp, flat = len(lens), _spaced(len(lens)), _spaced(len(lens), "")
    specs: list[tuple[Any, ...]] = [
        (trunk + sp, 6),
        (trunk + flat, 1),
        (f"+{cc} " + sp, 2),
        (f"+{cc}" + flat, 1),
    ]
    if trunk == "0" and cc != "61":
        specs.append((f"+{cc} (0)" + sp, 1))
    if n == 3 and cc in ("52", "39"):
        specs.append(("{0}-{1}-{2}" if cc == "52" else "{0}/{1}{2}", 2))
    return _templates(lens, *specs, *extra)


NANP = _templates(
    (3, 3, 4),
    ("({0}) {1}-{2}", 6), ("{0}-{1}-{2}", 3), ("{0}.{1}.{2}", 2), ("{0}{1}{2}", 1),
    ("1-{0}-{1}-{2}", 1), ("+1 {0} {1} {2}", 2), ("+1 ({0}) {1}-{2}", 1), ("+1{0}{1}{2}", 1),
)  # fmt: skip
FR_PLAN = _templates(
    (1, 2, 2, 2, 2),
    ("0{0} {1} {2} {3} {4}", 7), ("0{0}.{1}.{2}.{3}.{4}", 2), ("0{0}", 1, (9,)),
    ("+33 {0} {1} {2} {3} {4}", 2), ("+33 (0){0} {1} {2} {3} {4}", 1), ("+33{0}", 1, (9,)),
)  # fmt: skip
GB_MOBILE = _plan("44", "0", (4, 6), (("0{0} {1} {2}", 2, (4, 3, 3)),))
AU_LAND = _plan("61", "0", (1, 4, 4), (("(0{0}) {1} {2}", 5),))
D, N29 = "0123456789", "23456789"


def _kind(heads: str, lead: str, lens: tuple[int, ...], plan: tuple[Template, ...]) -> PhoneKind:
    return PhoneKind(_heads(heads), lead, sum(lens), plan)


def _nanp(heads: str) -> PhoneKind:
    return _kind(heads, N29, (3, 3, 4), NANP)


def _gb(head: str, lead: str, lens: tuple[int, ...]) -> PhoneKind:
    return _kind(head, lead, lens, _plan("44", "0", lens))


def _de(head: str) -> PhoneKind:
    lens = (len(head), 10 - len(head))
    return _kind(head, N29, lens, _plan("49", "0", lens, (("0{0}/{1}", 3),)))


def _es(head: str) -> PhoneKind:
    lens = (2, 3, 2, 2) if len(head) == 2 else (3, 2, 2, 2)
    return _kind(head, N29, lens, _plan("34", "", lens, (("{0} {1} {2}", 3, (3, 3, 3)),)))


def _it(head: str) -> PhoneKind:
    lens = (len(head), 4, 4) if len(head) == 2 else (3, 3, 4)
    return _kind(head, N29, lens, _plan("39", "", lens))


def _nl(head: str) -> PhoneKind:
    return _kind(head, N29, (2, 3, 4), _plan("31", "0", (2, 3, 4), (("0{0}-{1}", 3, (2, 7)),)))


def _mx(head: str) -> PhoneKind:
    lens = (2, 4, 4) if len(head) == 2 else (3, 3, 4)
    return _kind(head, N29, lens, _plan("52", "", lens, (("({0}) {1} {2}", 3),)))


def _au(head: str) -> PhoneKind:
    return _kind(head, D, (1, 4, 4), AU_LAND)


US = Country(
    "US", 35, "num5", "us",
    _words("Main Oak Maple Cedar Elm Pine Washington Lake Hill Park Sunset Lincoln Jefferson "
           "Madison Franklin River Highland Church Spring Walnut Chestnut Willow Jackson Ridge "
           "Meadow Forest Valley Broad Market Union Adams Cherry Center Mill Bay Harbor Prospect "
           "Summit Grove Birch Aspen Hickory Sycamore Magnolia Dogwood Laurel Poplar Cypress "
           "Liberty Heritage Cambridge Greenwood Fairview Lakeview Woodland Riverside"),
    _words("Street St Avenue Ave Road Rd Drive Dr Lane Ln Boulevard Blvd Court Ct Place Way "
           "Terrace Circle Parkway"),
    (("en", 72), ("es", 16), ("multi", 12)),
    (("gmail.com", 45), ("yahoo.com", 12), ("outlook.com", 9), ("hotmail.com", 8),
     ("icloud.com", 9), ("aol.com", 3), ("comcast.net", 2), ("protonmail.com", 1)),
    ".com", ("Inc.", "LLC", "Co.", "Corp.", "", "", ""),
    _nanp("212"), 0.0,
    tuple(City(n, r, w, tz, pc, _nanp(a)) for n, r, w, tz, pc, a in (
        ("New York", "NY", 30, "America/New_York", "10001-10282", "212 646 718 917 347"),
        ("Los Angeles", "CA", 22, "America/Los_Angeles", "90001-90089", "213 310 323 818"),
        ("Chicago", "IL", 15, "America/Chicago", "60601-60661", "312 773 872"),
        ("Houston", "TX", 12, "America/Chicago", "77001-77099", "713 281 832"),
        ("Phoenix", "AZ", 9, "America/Phoenix", "85001-85054", "602 480 623"),
        ("Philadelphia", "PA", 9, "America/New_York", "19102-19154", "215 267"),
        ("San Antonio", "TX", 7, "America/Chicago", "78201-78266", "210"),
        ("San Diego", "CA", 7, "America/Los_Angeles", "92101-92199", "619 858"),
        ("Dallas", "TX", 8, "America/Chicago", "75201-75287", "214 469 972"),
        ("Austin", "TX", 6, "America/Chicago", "78701-78759", "512 737"),
        ("Seattle", "WA", 7, "America/Los_Angeles", "98101-98199", "206 425"),
        ("Denver", "CO", 6, "America/Denver", "80202-80249", "303 720"),
        ("Boston", "MA", 7, "America/New_York", "02108-02137", "617 857"),
        ("Atlanta", "GA", 7, "America/New_York", "30301-30350", "404 678 470"),
        ("Miami", "FL", 7, "America/New_York", "33125-33199", "305 786"),
        ("Minneapolis", "MN", 4, "America/Chicago", "55401-55488", "612"),
        ("Portland", "OR", 4, "America/Los_Angeles", "97201-97239", "503 971"),
        ("Nashville", "TN", 4, "America/Chicago", "37201-37250", "615"),
        ("San Francisco", "CA", 7, "America/Los_Angeles", "94102-94134", "415 628"),
        ("Detroit", "MI", 4, "America/Detroit", "48201-48239", "313"),
        ("Columbus", "OH", 4, "America/New_York", "43201-43240", "614"),
        ("Charlotte", "NC", 4, "America/New_York", "28202-28299", "704 980"),
        ("Las Vegas", "NV", 4, "America/Los_Angeles", "89101-89199", "702 725"),
        ("Salt Lake City", "UT", 3, "America/Denver", "84101-84128", "801 385"),
        ("Raleigh", "NC", 3, "America/New_York", "27601-27617", "919 984"),
        ("Kansas City", "MO", 3, "America/Chicago", "64101-64199", "816"),
        ("Pittsburgh", "PA", 3, "America/New_York", "15201-15244", "412"),
        ("Baltimore", "MD", 3, "America/New_York", "21201-21240", "410 443"),
        ("Tampa", "FL", 3, "America/New_York", "33601-33694", "813"),
        ("New Orleans", "LA", 2, "America/Chicago", "70112-70131", "504"),
        ("Omaha", "NE", 2, "America/Chicago", "68102-68164", "402"),
        ("Albuquerque", "NM", 2, "America/Denver", "87101-87123", "505"),
        ("Madison", "WI", 2, "America/Chicago", "53703-53719", "608"),
        ("Boise", "ID", 1, "America/Boise", "83702-83716", "208"),
        ("Anchorage", "AK", 1, "America/Anchorage", "99501-99524", "907"),
        ("Honolulu", "HI", 1, "Pacific/Honolulu", "96813-96826", "808"),
        ("Burlington", "VT", 1, "America/New_York", "05401-05408", "802"),
    )),
)  # fmt: skip

CA = Country(
    "CA", 7, "ca", "us",
    _words("King Queen Yonge Bloor Dundas College Bay Front Wellington Richmond Adelaide "
           "Sherbrooke Maple Elm Oak Cedar Pine Birch Spruce Victoria Albert Main Park Lakeshore "
           "Portage Granville Robson Jasper Whyte Spring_Garden Water Church Hill River"),
    _words("Street St Avenue Ave Road Rd Drive Crescent Boulevard Way Court Place"),
    (("en", 62), ("fr", 22), ("multi", 16)),
    (("gmail.com", 44), ("hotmail.com", 14), ("outlook.com", 10), ("yahoo.ca", 8),
     ("icloud.com", 8), ("shaw.ca", 4), ("rogers.com", 4), ("videotron.ca", 3)),
    ".ca", ("Inc.", "Ltd.", "Corp.", "", "", ""),
    _nanp("416"), 0.0,
    tuple(City(n, r, w, tz, pc, _nanp(a)) for n, r, w, tz, pc, a in (
        ("Toronto", "ON", 30, "America/Toronto", "M4B M5V M6G M4C M5A M6K M4Y M5R",
         "416 647 437"),
        ("Montréal", "QC", 20, "America/Toronto", "H2X H3B H2J H1A H3H H4A", "514 438"),
        ("Vancouver", "BC", 14, "America/Vancouver", "V6B V5K V6K V6E V5L", "604 778 236"),
        ("Calgary", "AB", 10, "America/Edmonton", "T2P T3A T2E T2R", "403 587"),
        ("Edmonton", "AB", 8, "America/Edmonton", "T5J T6E T5K", "780 587"),
        ("Ottawa", "ON", 8, "America/Toronto", "K1P K2P K1N K1S", "613 343"),
        ("Winnipeg", "MB", 5, "America/Winnipeg", "R3C R2M R3T", "204 431"),
        ("Québec", "QC", 5, "America/Toronto", "G1R G1K G1S", "418 581"),
        ("Halifax", "NS", 3, "America/Halifax", "B3H B3J B3K", "902 782"),
        ("Victoria", "BC", 3, "America/Vancouver", "V8W V9A V8V", "250"),
        ("Hamilton", "ON", 4, "America/Toronto", "L8P L9A L8L", "905 289"),
        ("Saskatoon", "SK", 2, "America/Regina", "S7K S7N", "306 639"),
    )),
)  # fmt: skip

GB = Country(
    "GB", 12, "gb", "us",
    _words("High Station Church Victoria Green Manor Park Queens Kings Grange Mill New Albert "
           "London Windsor York Chester Beech Elm Oak Cedar Springfield Richmond Bridge North "
           "South West Alexandra Stanley George Castle Abbey Meadow Orchard Willow Holly Rectory"),
    _words("Street Road Lane Avenue Close Drive Gardens Crescent Way Grove Terrace Place Mews "
           "Hill Square Road Street"),
    (("en", 84), ("multi", 16)),
    (("gmail.com", 38), ("hotmail.co.uk", 14), ("outlook.com", 10), ("yahoo.co.uk", 9),
     ("icloud.com", 8), ("btinternet.com", 6), ("sky.com", 4), ("live.co.uk", 3)),
    ".co.uk", ("Ltd", "Ltd", "LLP", "plc", "", ""),
    _kind("700-759 771-789 792-799", D, (4, 6), GB_MOBILE), 0.55,
    tuple(City(n, r, w, "Europe/London", pc, _gb(*k)) for n, r, w, pc, k in (
        ("London", "Greater London", 40, "SW1A SW3 SE1 E1 N1 NW3 W1 WC2 EC1 E14 SW11 N16",
         ("20", "378", (2, 4, 4))),
        ("Manchester", "Greater Manchester", 9, "M1 M4 M14 M20", ("161", N29, (3, 3, 4))),
        ("Birmingham", "West Midlands", 9, "B1 B5 B15 B29", ("121", "234567", (3, 3, 4))),
        ("Leeds", "West Yorkshire", 6, "LS1 LS6 LS8", ("113", "2345", (3, 3, 4))),
        ("Glasgow", "Glasgow City", 6, "G1 G3 G12", ("141", N29, (3, 3, 4))),
        ("Edinburgh", "City of Edinburgh", 5, "EH1 EH3 EH10", ("131", "2345678", (3, 3, 4))),
        ("Bristol", "Bristol", 5, "BS1 BS6 BS8", ("117", "234", (3, 3, 4))),
        ("Liverpool", "Merseyside", 5, "L1 L8 L17", ("151", N29, (3, 3, 4))),
        ("Sheffield", "South Yorkshire", 4, "S1 S10 S11", ("114", "2345", (3, 3, 4))),
        ("Newcastle upon Tyne", "Tyne and Wear", 4, "NE1 NE2 NE6", ("191", N29, (3, 3, 4))),
        ("Cardiff", "Cardiff", 4, "CF10 CF11 CF24", ("292", D, (2, 4, 4))),
        ("Belfast", "County Antrim", 3, "BT1 BT7 BT9", ("289", D, (2, 4, 4))),
        ("Nottingham", "Nottinghamshire", 3, "NG1 NG5 NG7", ("115", "2679", (3, 3, 4))),
        ("Leicester", "Leicestershire", 3, "LE1 LE2 LE3", ("116", "234", (3, 3, 4))),
        ("Oxford", "Oxfordshire", 2, "OX1 OX2 OX4", ("1865", N29, (4, 6))),
        ("Cambridge", "Cambridgeshire", 2, "CB1 CB2 CB4", ("1223", N29, (4, 6))),
        ("Brighton", "East Sussex", 2, "BN1 BN2 BN3", ("1273", N29, (4, 6))),
        ("Norwich", "Norfolk", 1, "NR1 NR2 NR3", ("1603", N29, (4, 6))),
        ("York", "North Yorkshire", 1, "YO1 YO10 YO31", ("1904", N29, (4, 6))),
        ("Bath", "Somerset", 1, "BA1 BA2", ("1225", N29, (4, 6))),
        ("Aberdeen", "Aberdeen City", 1, "AB10 AB11 AB24", ("1224", N29, (4, 6))),
    )),
)  # fmt: skip

DE = Country(
    "DE", 10, "num5", "de",
    _words("Haupt Schul Garten Bahnhof Dorf Berg Kirch Linden Birken Wald Goethe Schiller Mozart "
           "Beethoven Friedrich Kant Bismarck Rosen Tannen Eichen Mühlen Feld Wiesen Sonnen Ahorn "
           "Buchen Park Markt Burg Lessing Heine Humboldt Blumen Brunnen Kastanien"),
    _words("straße straße straße str. weg weg allee platz gasse ring"),
    (("de", 84), ("multi", 16)),
    (("gmail.com", 26), ("web.de", 18), ("gmx.de", 18), ("t-online.de", 10), ("outlook.de", 6),
     ("yahoo.de", 5), ("icloud.com", 5), ("posteo.de", 2), ("freenet.de", 3)),
    ".de", ("GmbH", "GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", ""),
    _kind("150-152 155-157 159 160 162 163 170-179", D, (3, 8),
          _plan("49", "0", (3, 8), (("0{0}/{1}", 2), ("0{0}-{1}", 1)))),
    0.45,
    tuple(City(n, r, w, "Europe/Berlin", pc, _de(a)) for n, r, w, pc, a in (
        ("Berlin", "Berlin", 22, "10115-14199", "30"),
        ("Hamburg", "Hamburg", 12, "20095-22769", "40"),
        ("München", "Bayern", 11, "80331-81929", "89"),
        ("Köln", "Nordrhein-Westfalen", 8, "50667-51149", "221"),
        ("Frankfurt am Main", "Hessen", 7, "60306-60599", "69"),
        ("Stuttgart", "Baden-Württemberg", 6, "70173-70629", "711"),
        ("Düsseldorf", "Nordrhein-Westfalen", 6, "40210-40629", "211"),
        ("Leipzig", "Sachsen", 5, "04103-04357", "341"),
        ("Dortmund", "Nordrhein-Westfalen", 5, "44135-44388", "231"),
        ("Essen", "Nordrhein-Westfalen", 4, "45127-45359", "201"),
        ("Bremen", "Bremen", 4, "28195-28779", "421"),
        ("Dresden", "Sachsen", 4, "01067-01328", "351"),
        ("Hannover", "Niedersachsen", 4, "30159-30669", "511"),
        ("Nürnberg", "Bayern", 4, "90402-90491", "911"),
        ("Bonn", "Nordrhein-Westfalen", 2, "53111-53229", "228"),
        ("Münster", "Nordrhein-Westfalen", 2, "48143-48167", "251"),
        ("Freiburg im Breisgau", "Baden-Württemberg", 2, "79098-79117", "761"),
        ("Heidelberg", "Baden-Württemberg", 2, "69115-69126", "6221"),
    )),
)  # fmt: skip

FR = Country(
    "FR", 8, "num5", "fr",
    _words("de_la_Paix Victor_Hugo Jean_Jaurès de_la_République du_Général_de_Gaulle Pasteur "
           "Gambetta de_la_Gare des_Lilas Voltaire Émile_Zola Nationale Saint-Michel du_Moulin "
           "des_Écoles de_Verdun Foch Carnot de_l'Église Jules_Ferry Molière des_Fleurs "
           "du_Château Montmartre de_la_Liberté des_Tilleuls Lafayette"),
    _words("rue rue rue avenue boulevard place impasse allée chemin quai"),
    (("fr", 86), ("multi", 14)),
    (("gmail.com", 34), ("orange.fr", 16), ("hotmail.fr", 12), ("free.fr", 9),
     ("outlook.fr", 7), ("yahoo.fr", 7), ("laposte.net", 6), ("sfr.fr", 5), ("icloud.com", 4)),
    ".fr", ("SARL", "SAS", "SA", "EURL", "", ""),
    _kind("60-62 64-68 73-79", D, (1, 2, 2, 2, 2), FR_PLAN), 0.6,
    tuple(City(n, r, w, "Europe/Paris", pc, _kind(a, "23457", (1, 2, 2, 2, 2), FR_PLAN))
          for n, r, w, pc, a in (
        ("Paris", "Île-de-France", 30, "75001-75020", "1"),
        ("Lyon", "Auvergne-Rhône-Alpes", 9, "69001-69009", "4"),
        ("Marseille", "Provence-Alpes-Côte d'Azur", 9, "13001-13016", "4"),
        ("Toulouse", "Occitanie", 7, "31000-31500", "5"),
        ("Nice", "Provence-Alpes-Côte d'Azur", 5, "06000-06300", "4"),
        ("Nantes", "Pays de la Loire", 5, "44000-44300", "2"),
        ("Strasbourg", "Grand Est", 4, "67000-67200", "3"),
        ("Montpellier", "Occitanie", 4, "34000-34090", "4"),
        ("Bordeaux", "Nouvelle-Aquitaine", 5, "33000-33800", "5"),
        ("Lille", "Hauts-de-France", 5, "59000-59800", "3"),
        ("Rennes", "Bretagne", 4, "35000-35700", "2"),
        ("Grenoble", "Auvergne-Rhône-Alpes", 3, "38000-38100", "4"),
        ("Dijon", "Bourgogne-Franche-Comté", 2, "21000-21000", "3"),
    )),
)  # fmt: skip

ES = Country(
    "ES", 6, "num5", "es",
    _words("Mayor de_Alcalá Gran_Vía de_la_Constitución del_Sol Real Nueva de_Cervantes de_Goya "
           "de_Velázquez San_Juan Santa_María de_la_Paz del_Prado de_Colón de_Andalucía "
           "de_España de_la_Libertad Serrano de_Toledo del_Carmen de_Sagasta"),
    _words("Calle Calle Calle Avenida Paseo Plaza Camino Ronda"),
    (("es", 90), ("multi", 10)),
    (("gmail.com", 44), ("hotmail.com", 18), ("yahoo.es", 9), ("outlook.es", 9),
     ("telefonica.net", 5), ("icloud.com", 4)),
    ".es", ("S.L.", "S.L.", "S.A.", "S.L.U.", "", ""),
    _kind("60-74 78", D, (3, 2, 2, 2), _es("600").templates), 0.6,
    tuple(City(n, r, w, "Europe/Madrid", pc, _es(a)) for n, r, w, pc, a in (
        ("Madrid", "Comunidad de Madrid", 30, "28001-28055", "91"),
        ("Barcelona", "Cataluña", 22, "08001-08042", "93"),
        ("Valencia", "Comunidad Valenciana", 9, "46001-46026", "96"),
        ("Sevilla", "Andalucía", 8, "41001-41020", "954"),
        ("Zaragoza", "Aragón", 5, "50001-50018", "976"),
        ("Málaga", "Andalucía", 6, "29001-29018", "952"),
        ("Bilbao", "País Vasco", 5, "48001-48015", "94"),
        ("Palma", "Illes Balears", 4, "07001-07015", "971"),
        ("Murcia", "Región de Murcia", 4, "30001-30012", "968"),
        ("Valladolid", "Castilla y León", 3, "47001-47016", "983"),
        ("Alicante", "Comunidad Valenciana", 4, "03001-03016", "965"),
        ("Granada", "Andalucía", 3, "18001-18015", "958"),
    )),
)  # fmt: skip

IT = Country(
    "IT", 6, "num5", "es",
    _words("Roma Garibaldi Mazzini Cavour Dante Verdi Marconi Vittorio_Emanuele_II Manzoni "
           "XX_Settembre della_Repubblica Matteotti Gramsci San_Francesco dei_Mille Nazionale "
           "del_Corso Trieste Venezia Milano Leopardi Carducci"),
    _words("Via Via Via Via Viale Piazza Corso Vicolo Largo"),
    (("it", 92), ("multi", 8)),
    (("gmail.com", 40), ("libero.it", 16), ("hotmail.it", 12), ("yahoo.it", 8),
     ("virgilio.it", 7), ("outlook.it", 6), ("tiscali.it", 4), ("alice.it", 4)),
    ".it", ("S.r.l.", "S.r.l.", "S.p.A.", "S.n.c.", "", ""),
    _kind("320 324 327-340 342-351 360 366 368 371 377 380 388 389 391-393", D, (3, 3, 4),
          _it("320").templates),
    0.65,
    tuple(City(n, r, w, "Europe/Rome", pc, _it(a)) for n, r, w, pc, a in (
        ("Roma", "Lazio", 25, "00118-00199", "06"),
        ("Milano", "Lombardia", 20, "20121-20162", "02"),
        ("Napoli", "Campania", 10, "80121-80147", "081"),
        ("Torino", "Piemonte", 9, "10121-10156", "011"),
        ("Palermo", "Sicilia", 6, "90121-90151", "091"),
        ("Genova", "Liguria", 5, "16121-16167", "010"),
        ("Bologna", "Emilia-Romagna", 6, "40121-40141", "051"),
        ("Firenze", "Toscana", 6, "50121-50145", "055"),
        ("Bari", "Puglia", 4, "70121-70132", "080"),
        ("Venezia", "Veneto", 4, "30121-30176", "041"),
        ("Verona", "Veneto", 3, "37121-37142", "045"),
        ("Catania", "Sicilia", 3, "95121-95131", "095"),
    )),
)  # fmt: skip

NL = Country(
    "NL", 5, "nl", "de",
    _words("Kerk Dorps School Molen Heren Keizers Prinsen Stations Nieuwe Oude Linden Beuken "
           "Eiken Wilhelmina Juliana Beatrix Oranje Markt Haven Zee Tulp Rozen Berken"),
    _words("straat straat straat laan laan weg gracht plein kade singel"),
    (("nl", 84), ("multi", 16)),
    (("gmail.com", 40), ("hotmail.com", 16), ("outlook.com", 10), ("ziggo.nl", 9),
     ("kpnmail.nl", 7), ("live.nl", 6), ("icloud.com", 5), ("xs4all.nl", 3)),
    ".nl", ("B.V.", "B.V.", "V.O.F.", "N.V.", "", ""),
    _kind("61-66 68", D, (1, 8), _templates(
        (1, 8), ("0{0} {1}", 4), ("0{0}-{1}", 2), ("0{0} {1} {2} {3} {4}", 2, (1, 2, 2, 2, 2)),
        ("0{0}{1}", 1), ("+31 {0} {1}", 2), ("+31 (0){0} {1}", 1), ("+31{0}{1}", 1))),
    0.6,
    tuple(City(n, r, w, "Europe/Amsterdam", pc, _nl(a)) for n, r, w, pc, a in (
        ("Amsterdam", "Noord-Holland", 25, "1011-1109", "20"),
        ("Rotterdam", "Zuid-Holland", 16, "3011-3089", "10"),
        ("Den Haag", "Zuid-Holland", 12, "2491-2599", "70"),
        ("Utrecht", "Utrecht", 10, "3511-3585", "30"),
        ("Eindhoven", "Noord-Brabant", 7, "5611-5658", "40"),
        ("Groningen", "Groningen", 5, "9711-9747", "50"),
        ("Tilburg", "Noord-Brabant", 5, "5011-5049", "13"),
        ("Almere", "Flevoland", 4, "1311-1363", "36"),
        ("Breda", "Noord-Brabant", 4, "4811-4841", "76"),
        ("Nijmegen", "Gelderland", 4, "6511-6546", "24"),
        ("Haarlem", "Noord-Holland", 4, "2011-2037", "23"),
        ("Arnhem", "Gelderland", 3, "6811-6846", "26"),
        ("Maastricht", "Limburg", 3, "6211-6229", "43"),
        ("Leiden", "Zuid-Holland", 3, "2311-2334", "71"),
    )),
)  # fmt: skip

MX = Country(
    "MX", 5, "num5", "mx",
    _words("Insurgentes_Sur Reforma Juárez Hidalgo Morelos 5_de_Mayo 16_de_Septiembre Revolución "
           "Madero Zaragoza Allende Independencia Benito_Juárez Constitución Emiliano_Zapata "
           "Vicente_Guerrero Río_Nilo Álvaro_Obregón Chapultepec Universidad Patriotismo"),
    _words("Calle Calle Av. Avenida Calzada Privada Boulevard"),
    (("es", 94), ("multi", 6)),
    (("gmail.com", 50), ("hotmail.com", 22), ("outlook.com", 10), ("yahoo.com.mx", 9),
     ("prodigy.net.mx", 4), ("icloud.com", 5)),
    ".com.mx", ("S.A. de C.V.", "S.A. de C.V.", "S. de R.L. de C.V.", "", ""),
    _mx("55"), 0.0,
    tuple(City(n, r, w, tz, pc, _mx(a)) for n, r, w, tz, pc, a in (
        ("Ciudad de México", "CDMX", 35, "America/Mexico_City", "01000-16999", "55"),
        ("Guadalajara", "Jalisco", 14, "America/Mexico_City", "44100-44990", "33"),
        ("Monterrey", "Nuevo León", 12, "America/Monterrey", "64000-64999", "81"),
        ("Puebla", "Puebla", 6, "America/Mexico_City", "72000-72599", "222"),
        ("Tijuana", "Baja California", 6, "America/Tijuana", "22000-22699", "664"),
        ("León", "Guanajuato", 5, "America/Mexico_City", "37000-37699", "477"),
        ("Querétaro", "Querétaro", 5, "America/Mexico_City", "76000-76269", "442"),
        ("Mérida", "Yucatán", 4, "America/Merida", "97000-97399", "999"),
        ("Cancún", "Quintana Roo", 4, "America/Cancun", "77500-77539", "998"),
        ("Toluca", "Estado de México", 4, "America/Mexico_City", "50000-50299", "722"),
        ("San Luis Potosí", "San Luis Potosí", 3, "America/Mexico_City", "78000-78399", "444"),
        ("Aguascalientes", "Aguascalientes", 2, "America/Mexico_City", "20000-20399", "449"),
    )),
)  # fmt: skip

AU = Country(
    "AU", 6, "num4", "us",
    _words("George Pitt Elizabeth Collins Bourke Flinders Swanston Queen King William Victoria "
           "Albert Church High Station Beach Ocean Bay Wattle Banksia Jacaranda Eucalyptus Park "
           "Hill Murray Darling Hunter Macquarie Oxford Crown"),
    _words("Street St Road Rd Avenue Ave Parade Crescent Drive Lane Place Terrace Highway"),
    (("en", 80), ("it", 4), ("multi", 16)),
    (("gmail.com", 42), ("hotmail.com", 14), ("outlook.com", 10), ("bigpond.com", 10),
     ("yahoo.com.au", 8), ("icloud.com", 8), ("optusnet.com.au", 4)),
    ".com.au", ("Pty Ltd", "Pty Ltd", "Pty Ltd", "", ""),
    _kind("40-43 46", D, (3, 3, 3), _plan("61", "0", (3, 3, 3))), 0.6,
    tuple(City(n, r, w, tz, pc, _au(a)) for n, r, w, tz, pc, a in (
        ("Sydney", "NSW", 30, "Australia/Sydney", "2000-2234", "29 28"),
        ("Melbourne", "VIC", 27, "Australia/Melbourne", "3000-3207", "39 38"),
        ("Brisbane", "QLD", 14, "Australia/Brisbane", "4000-4179", "73"),
        ("Perth", "WA", 11, "Australia/Perth", "6000-6199", "89"),
        ("Adelaide", "SA", 8, "Australia/Adelaide", "5000-5199", "88"),
        ("Canberra", "ACT", 4, "Australia/Sydney", "2600-2620", "26"),
        ("Hobart", "TAS", 2, "Australia/Hobart", "7000-7099", "362"),
        ("Gold Coast", "QLD", 4, "Australia/Brisbane", "4207-4230", "755"),
        ("Newcastle", "NSW", 3, "Australia/Sydney", "2280-2310", "249"),
        ("Darwin", "NT", 1, "Australia/Darwin", "0800-0832", "889"),
    )),
)  # fmt: skip

COUNTRIES: tuple[Country, ...] = (US, GB, DE, FR, CA, AU, ES, IT, NL, MX)
