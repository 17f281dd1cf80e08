"""Text search through GET /v1/customers?q=, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.search.helpers import all_ids, bulk_people, create, ids, listing, person

FIRSTS = ["John", "Jon", "Joan", "Johnny", "Jonathan", "Johan", "Jane", "James", "Jack", "Josh"]
LASTS = ["Smith", "Smyth", "Smit", "Smithers", "Schmidt", "Smitham", "Smiths", "Doe", "Brown"]


@pytest.fixture
def crowd(tenant):
    """Many Johns and many Smiths, and the people the typo queries mean."""
    names = [(f, s) for f in FIRSTS for s in LASTS if (f, s) != ("John", "Smith")]
    bulk_people(tenant, [*names, ("Mary", "McArthur"), ("Tom", "MacArthur"), ("Ann", "Carter")])
    return {
        "john_smith": person(tenant, "John", "Smith"),
        "mccarthy": person(tenant, "Kate", "McCarthy"),
        "obrien": person(tenant, "Zoë", "O'Brien"),
        "jose": person(tenant, "José", "Hernández"),
    }


TYPOS = [
    ("jhon smiht", "john_smith"),
    ("jonh smith", "john_smith"),
    ("john smith", "john_smith"),
    ("smith john", "john_smith"),
    ("JOHN SMITH", "john_smith"),
    ("mcarthy", "mccarthy"),
    ("kate mcarthy", "mccarthy"),
    ("mccarthy", "mccarthy"),
    ("obrien", "obrien"),
    ("zoe o'brien", "obrien"),
    ("jose hernandez", "jose"),
    ("hernandes", "jose"),
]


def test_typo_and_accent_queries_find_the_intended_customer_first(tenant, crowd):
    for query, who in TYPOS:
        found = ids(tenant, q=query)
        assert found, query
        assert found[0] == crowd[who]["id"], query


def test_an_exact_name_beats_its_typo_neighbours(tenant, crowd):
    mc_arthy = person(tenant, "Kate", "McArthy")
    found = ids(tenant, q="mcarthy")
    assert found[:2] == [mc_arthy["id"], crowd["mccarthy"]["id"]]


def test_prefix_search_as_you_type(tenant, crowd):
    names = [c["full_name"] for c in listing(tenant, q="jonat", limit=50)["items"]]
    assert names
    assert all(n.startswith("Jonathan") for n in names)
    names = [c["full_name"] for c in listing(tenant, q="jo smithe", limit=50)["items"]]
    assert set(names) >= {"John Smithers", "Jon Smithers", "Johnny Smithers"}


def test_phone_in_any_format_finds_the_same_customer(tenant):
    target = create(tenant, phone="+1 415 555 0134", first_name="Pat", last_name="Phone")
    create(tenant, phone="+1 415 555 0135", first_name="Near", last_name="Miss")
    create(tenant, phone="+44 20 7946 0958", first_name="Lon", last_name="Don")
    for fmt in [
        "(415) 555-0134",
        "415.555.0134",
        "+1 415 555 0134",
        "4155550134",
        "1-415-555-0134",
    ]:
        assert ids(tenant, q=fmt)[0] == target["id"], fmt
    assert target["id"] in ids(tenant, q="555 0134")  # a fragment of the number


def test_email_prefix_and_fragment(tenant):
    target = create(tenant, email="grace.hopper@navy.example", first_name="Grace", last_name="H")
    create(tenant, email="grace@other.example", first_name="Other", last_name="Grace")
    assert ids(tenant, q="grace.hop")[0] == target["id"]
    assert ids(tenant, q="Grace.Hopper@Navy.example")[0] == target["id"]
    assert target["id"] in ids(tenant, q="navy.example")


def test_company_and_notes_are_searched(tenant):
    a = create(tenant, company="Outdoor Kitchens Ltd", first_name="A", last_name="One")
    b = create(tenant, notes="Asked about a paver patio and retaining walls", first_name="B")
    c = create(tenant, internal_notes="VIP — call before noon", first_name="C")
    assert ids(tenant, q="outdoor kitch") == [a["id"]]
    assert ids(tenant, q="paver patio") == [b["id"]]
    assert ids(tenant, q="noon") == [c["id"]]


def test_soft_deleted_customers_never_appear(tenant):
    gone = create(tenant, email="gone@example.com", phone="+1 415 555 0199",
                  first_name="Zelda", last_name="Gone", tags=["vip"])  # fmt: skip
    keep = create(tenant, first_name="Zelda", last_name="Kept", email=..., phone=...)
    r = tenant.client.delete(f"/v1/customers/{gone['id']}", headers=tenant.headers())
    assert r.status_code == 204, r.text
    for q in ["zelda", "zelda gone", "gone@example.com", "gone@", "415 555 0199", "zelda gnoe"]:
        assert gone["id"] not in ids(tenant, q=q), q
    assert ids(tenant, q="zelda") == [keep["id"]]
    assert gone["id"] not in all_ids(tenant, tag="vip")
    assert gone["id"] not in all_ids(tenant, q="zelda", sort="-created_at")
    r = tenant.client.get("/v1/customers", params={"q": "zelda", "count": "true"},
                          headers=tenant.headers())  # fmt: skip
    assert r.headers["X-Total-Count"] == "1"
    # Admins can ask for them; others cannot.
    assert gone["id"] in ids(tenant, q="zelda", include_deleted="true")
    assert ids(tenant, filter="deleted:only") == [gone["id"]]
    viewer = tenant.key("viewer")
    r = tenant.client.get(
        "/v1/customers", params={"deleted": "only"}, headers=tenant.headers(viewer)
    )
    assert r.status_code == 403
    # Restored, it is found again.
    r = tenant.client.post(f"/v1/customers/{gone['id']}/restore", headers=tenant.headers())
    assert r.status_code == 200, r.text
    assert ids(tenant, q="zelda gone")[0] == gone["id"]


def test_the_index_follows_changes(tenant):
    c = person(tenant, "Ada", "Lovelace")
    assert ids(tenant, q="lovelace") == [c["id"]]
    r = tenant.client.patch(
        f"/v1/customers/{c['id']}",
        json={"last_name": "Byron", "company": "Analytical Engines", "phone": "+1 212 555 0142"},
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    assert ids(tenant, q="lovelace") == []
    assert ids(tenant, q="byron") == [c["id"]]
    assert ids(tenant, q="analytical") == [c["id"]]
    assert ids(tenant, q="(212) 555-0142") == [c["id"]]


def test_relevance_pages_walk_every_match_once(tenant, crowd):
    pages = all_ids(tenant, q="jo", limit=7)
    assert len(pages) == len(set(pages))
    assert len(pages) == len(all_ids(tenant, q="jo", sort="created_at", limit=50))
    with_count = tenant.client.get(
        "/v1/customers", params={"q": "jo", "count": "true"}, headers=tenant.headers()
    )
    assert with_count.headers["X-Total-Count"] == str(len(pages))


def test_text_search_combines_with_filters(tenant):
    a = person(tenant, "Ned", "Stark", lifecycle_stage="customer")
    person(tenant, "Ned", "Stark", lifecycle_stage="prospect")
    assert ids(tenant, q="ned stark", stage="customer") == [a["id"]]
    assert ids(tenant, filter="ned stark stage:customer") == [a["id"]]


def test_relevance_sort_needs_a_query(tenant):
    r = tenant.client.get("/v1/customers", params={"sort": "relevance"}, headers=tenant.headers())
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "sort"


def test_a_popular_email_prefix_lists_addresses_that_start_with_it(tenant):
    """More addresses start with the query than the email candidate cap: the answer is
    still addresses starting with it, and typing on narrows to the one meant."""
    from rolodex.models import Customer
    from rolodex.search import repository as index

    db = tenant.client.app.state.db
    many = index.EMAIL_CAP + 30
    with db.session(tenant.id) as session:
        for n in range(many):
            session.add(
                Customer(
                    tenant_id=tenant.id,
                    first_name="Anna",
                    last_name=f"K{n}",
                    full_name=f"Anna K{n}",
                    email=f"anna.k{n:03d}@example.com",
                    email_normalized=f"anna.k{n:03d}@example.com",
                    attributes={},
                )
            )
    # a substring match (not a prefix) must not push the prefix matches out
    create(tenant, first_name="Bo", last_name="Zed", email="zanna.k@example.com")
    page = listing(tenant, q="anna.k", limit=50)
    emails = [c["email"] for c in page["items"]]
    assert len(emails) == 50
    assert all(e.startswith("anna.k") for e in emails)
    assert page["next_cursor"]
    found = listing(tenant, q="anna.k117")["items"]
    assert found[0]["email"] == "anna.k117@example.com"


@pytest.mark.parametrize(
    ("query", "shaped"),
    [("anna.k", True), ("j_smith", True), ("john@", True), ("francoise.", True),
     ("christophe", False), ("o'brien", False), ("st. john", False), ("J. Smith", False)],
)  # fmt: skip
def test_email_shaped_queries(query, shaped):
    from rolodex.search.text import email_shaped

    assert email_shaped(query) is shaped


def test_a_common_word_ranks_the_newest_exact_matches_first(tenant, monkeypatch):
    """More name matches than the candidate cap: exact words come before prefixes and typos,
    the most recently added of each, without reading every match."""
    from rolodex.search import repository as index

    monkeypatch.setattr(index, "CAP", 3)
    smyths = [person(tenant, f"Old{n}", "Smyth") for n in range(3)]  # typos of "smith"
    smiths = [person(tenant, f"A{n}", "Smith") for n in range(5)]
    newest_smyth = person(tenant, "New", "Smyth")
    found = listing(tenant, q="smith", limit=10)["items"]
    assert [c["id"] for c in found] == [c["id"] for c in reversed(smiths[-3:])]
    assert newest_smyth["id"] not in [c["id"] for c in found]
    assert not {c["id"] for c in smyths} & {c["id"] for c in found}


def test_few_exact_matches_are_topped_up_with_prefixes_then_typos(tenant, monkeypatch):
    from rolodex.search import repository as index

    monkeypatch.setattr(index, "CAP", 3)
    smyths = [person(tenant, f"T{n}", "Smyth") for n in range(4)]
    smithers = person(tenant, "P", "Smithers")
    smith = person(tenant, "E", "Smith")
    found = [c["id"] for c in listing(tenant, q="smith", limit=10)["items"]]
    assert found == [smith["id"], smithers["id"], smyths[-1]["id"]]


def test_deleted_customers_among_the_newest_matches_leave_room_for_live_ones(tenant, monkeypatch):
    from rolodex.search import repository as index

    monkeypatch.setattr(index, "CAP", 3)
    live = [person(tenant, f"L{n}", "Smith") for n in range(4)]
    for n in range(3):
        gone = person(tenant, f"D{n}", "Smith")
        r = tenant.client.delete(f"/v1/customers/{gone['id']}", headers=tenant.headers())
        assert r.status_code in (200, 204), r.text
    found = [c["id"] for c in listing(tenant, q="smith", limit=10)["items"]]
    assert found == [c["id"] for c in reversed(live[-3:])]
