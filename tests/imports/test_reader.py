"""Reading records in constant memory, pure: JSON arrays in any pieces, NDJSON, CSV rows of
the wrong width, and records too long to keep."""

from __future__ import annotations

import json

import pytest

from rolodex.imports.detect import FileProblem, detect
from rolodex.imports.reader import MAX_RECORD_CHARS, Reader


def records(data: bytes, piece: int = 5, **kw):
    found = detect(data[: 256 * 1024], total_size=len(data), **kw)
    reader = Reader([data[i : i + piece] for i in range(0, len(data), piece)], found)
    if found.format == "csv":
        reader.header()
    return list(reader)


@pytest.mark.parametrize("piece", [1, 3, 64, 10_000])
def test_a_json_array_is_split_into_its_objects_whatever_the_pieces(piece):
    docs = [
        {
            "email": f"a{i}@x.com",
            "notes": 'quote " brace } bracket ] comma , \\',
            "n": [1, {"d": 2}],
        }
        for i in range(30)
    ]
    data = json.dumps(docs, indent=2).encode()
    found = records(data, piece)
    assert [r.cells["email"] for r in found] == [d["email"] for d in docs]  # type: ignore[index]
    assert found[0].cells["notes"] == docs[0]["notes"]  # type: ignore[index]
    assert found[1].line > found[0].line


def test_json_wrapper_objects_and_lone_objects():
    wrapped = b'{"items": [{"email": "a@x.com"}, {"email": "b@x.com"}], "next_cursor": null}'
    assert [r.cells for r in records(wrapped)] == [{"email": "a@x.com"}, {"email": "b@x.com"}]
    lone = b'{\n  "email": "a@x.com",\n  "consent": {"email": true}\n}'
    assert [r.cells for r in records(lone, format="json")] == [
        {"email": "a@x.com", "consent.email": True}
    ]


@pytest.mark.parametrize("piece", [5, 65536])
def test_an_api_page_holds_its_records_after_its_page_figures(piece):
    """Stripe's list ({"object": "list", "data": [...]}), HubSpot's search ({"total": 2,
    "results": [...]}), Django REST's pages ({"count": 2, "next": ..., "results": [...]}) and
    the others below were read as one record holding nothing to map, and the file was
    refused."""
    people = [{"email": "a@x.com"}, {"email": "b@x.com"}]
    pages = [
        {"object": "list", "data": people, "has_more": False, "url": "/v1/customers"},
        {"total": 2, "results": people, "paging": {"next": {"after": "2"}}},
        {"count": 2, "next": 'https://x.example/?q="a", [b]', "previous": None, "results": people},
        {"totalSize": 2, "done": True, "records": people, "nextRecordsUrl": None},  # Salesforce
        {"type": "list", "data": people, "total_count": 2},  # Intercom
        {"users": people, "next_page": None, "count": 2},  # Zendesk
        {"success": True, "data": people, "additional_data": {}},  # Pipedrive
        {"total_subscribers": 2, "page": 1, "total_pages": 1, "subscribers": people},  # Kit
        {"totalPeople": 2, "connections": people, "nextPageToken": "x"},  # Google People
    ]
    for page in pages:
        data = json.dumps(page, indent=2).encode()
        assert [r.cells for r in records(data, piece)] == people, page


def test_a_record_holding_a_list_of_items_is_one_record():
    """Only page figures may come before the list of records: a customer whose record holds
    its items (or contacts) after its own fields is one record."""
    lone = {"email": "a@x.com", "items": [{"sku": "A1"}], "status": "vip"}
    (found,) = records(json.dumps(lone).encode(), format="json")
    assert found.cells == {"email": "a@x.com", "items": [{"sku": "A1"}], "status": "vip"}
    listed = {"status": "vip", "data": [{"email": "a@x.com"}]}
    assert len(records(json.dumps(listed).encode(), format="json")) == 1


def test_json_elements_that_are_not_objects_are_row_problems():
    found = records(b'[{"email": "a@x.com"}, 5, "x", [1], {"email": "b@x.com"}]')
    assert [r.problem for r in found] == [
        None,
        "not a JSON object",
        "not a JSON object",
        "not a JSON object",
        None,
    ]
    assert [r.row_no for r in found] == [1, 2, 3, 4, 5]


def test_a_broken_json_array_is_a_file_problem():
    with pytest.raises(FileProblem, match="comma"):
        records(b'[{"a": 1} {"b": 2}]')
    with pytest.raises(FileProblem, match="not closed|ends"):
        records(b'[{"a": 1}, {"b": ')


def test_ndjson_lines_and_bad_lines():
    data = b'{"email": "a@x.com"}\n\n{"email": \n{"email": "c@x.com"}\n'
    found = records(data)
    assert [(r.line, r.problem is None) for r in found] == [(1, True), (3, False), (4, True)]


def test_csv_rows_of_the_wrong_width():
    data = b"email,first_name\na@x.com\nb@x.com,B,,,\nc@x.com,C,extra\n"
    found = records(data)
    assert found[0].cells == ["a@x.com", ""]
    assert found[1].cells == ["b@x.com", "B"]
    assert found[2].cells is None
    assert "3 values" in (found[2].problem or "")


def test_a_record_too_long_to_keep_is_one_failed_row_and_reading_goes_on():
    huge = b"x" * (MAX_RECORD_CHARS + 10)
    csv_data = b"email,notes\na@x.com,ok\nb@x.com," + huge + b"\nc@x.com,fine\n"
    found = records(csv_data, piece=65536)
    assert [r.cells[0] if r.cells else None for r in found] == ["a@x.com", None, "c@x.com"]
    assert "longer than 1 MiB" in (found[1].problem or "")
    ndjson = b'{"email": "a@x.com"}\n{"notes": "' + huge + b'"}\n{"email": "c@x.com"}\n'
    assert [r.problem is None for r in records(ndjson, piece=65536)] == [True, False, True]
    array = b'[{"email": "a@x.com"}, {"notes": "' + huge + b'"}, {"email": "c@x.com"}]'
    assert [r.problem is None for r in records(array, piece=65536)] == [True, False, True]


def test_a_line_break_in_an_unquoted_value_is_a_row_problem_in_words():
    found = records(b"email,first_name\na@x.com,A\rb@x.com,B\nc@x.com,C\n")
    assert [r.cells for r in found] == [None, ["c@x.com", "C"]]
    assert "line break" in (found[0].problem or "")
    assert "universal-newline" not in (found[0].problem or "")


@pytest.mark.parametrize(
    ("tail", "line"), [('\n[{"email": "late@x.com"}]', 2), (', {"email": "late@x.com"}', 1)]
)
def test_content_after_a_json_array_that_ends_past_the_sample_stops_the_reading(tail, line):
    pad = "n" * 1000
    docs = [{"email": f"a{i}@x.com", "notes": pad} for i in range(300)]
    data = (json.dumps(docs) + tail).encode()
    found = detect(data[: 256 * 1024], total_size=len(data))
    reader = iter(Reader([data[i : i + 4096] for i in range(0, len(data), 4096)], found))
    assert len([next(reader) for _ in docs]) == 300  # every record before it is read
    with pytest.raises(FileProblem, match=f"goes on after its JSON value ends: on line {line}"):
        next(reader)


def test_the_rest_of_a_wrapper_object_is_read_past_its_items():
    data = b'{"items": [{"email": "a@x.com"}], "next_cursor": "]}", "more": {"x": [1]}}\n'
    assert [r.cells for r in records(data)] == [{"email": "a@x.com"}]
    broken = data.rstrip() + b' {"email": "b@x.com"}'
    reader = Reader([broken], detect(data, total_size=len(broken)))  # sniffed before it
    with pytest.raises(FileProblem, match=r"on line 1, '\{\"email"):
        list(reader)


@pytest.mark.parametrize(
    "cell",
    [
        b"\n".join([b"y" * 1000] * 1100),  # many short lines: the value grows past 1 MiB
        b"y" * (MAX_RECORD_CHARS + 10),  # one line too long alone, holding the closing quote
        b"y" * (MAX_RECORD_CHARS + 10) + b'\nmore, ""quoted"" text\nend',  # then more lines
    ],
)
def test_a_quoted_value_past_1_mib_fails_its_record_and_reading_resumes_after_it(cell):
    data = b'email,first,notes\nbig@x.com,A,"' + cell + b'"\nok@x.com,B,"fine, ""really"""\n'
    for piece in (65536, 1_000_003):
        found = records(data, piece=piece)
        assert [r.cells for r in found] == [None, ["ok@x.com", "B", 'fine, "really"']]
        assert found[0].problem == "the row is longer than 1 MiB; it was skipped"
        assert found[1].line == data.count(b"\n")
    never_closed = records(b'email,notes\nbig@x.com,"' + b"y\n" * MAX_RECORD_CHARS)
    assert [r.problem for r in never_closed] == [
        "the row is longer than 1 MiB: a quote opened on line 2 is never closed, so the rest "
        "of the file was read as part of it"
    ]


def good_rows(first: int, last: int) -> bytes:
    return "".join(f"g{i}@x.com,G,ok\n" for i in range(first, last)).encode()


def cells_and_problems(data: bytes, piece: int = 7) -> list[tuple[int, object]]:
    return [(r.line, r.cells[0] if r.cells else r.problem) for r in records(data, piece)]


@pytest.mark.parametrize("piece", [7, 65536])
def test_an_unclosed_quote_fails_its_row_and_the_lines_after_it_are_read_as_rows(piece):
    never = "a quote opened on line {} is never closed; the lines after it were read as rows"
    data = b'email,first,notes\nmq1@x.com,A,"unclosed\nmq2@x.com,B,ok\n'
    assert cells_and_problems(data, piece) == [
        (2, never.format(2) + " of their own"),
        (3, "mq2@x.com"),
    ]
    # Over lines that each read as a record: the quote is given up before the file's end
    data = b"email,first,notes\n" + good_rows(0, 10) + b'x@x.com,Bad,"oops\n' + good_rows(10, 5010)
    found = cells_and_problems(data, piece)
    assert len(found) == 5011
    assert found[10] == (12, never.format(12) + " of their own")
    assert [cell for _, cell in found[:10] + found[11:]] == [f"g{i}@x.com" for i in range(5010)]
    # Two of them: the second quote is no closing quote (text follows it), it opens a value
    data = b"email,first,notes\n" + b'x@x.com,Bad,"oops\n' + good_rows(0, 2)
    data += b'y@x.com,Bad2,"oops2\n' + good_rows(2, 3)
    assert [cell for _, cell in cells_and_problems(data, piece)] == [
        never.format(2) + " of their own",
        "g0@x.com",
        "g1@x.com",
        never.format(5) + " of their own",
        "g2@x.com",
    ]
    assert cells_and_problems(b'email,first\na@x.com,"oops', piece) == [
        (2, "a quote opened on line 2 is never closed")
    ]


def test_quoted_line_breaks_that_are_closed_stay_in_their_value():
    notes = (
        'Acme, Inc.\n1 Main St, Suite 5\nSpringfield, IL\nUSA, North America\n\nTel: 5, ext 2\n"'
    )
    data = (
        f'email,notes\na@x.com,"{notes.replace(chr(34), chr(34) * 2)}"\nb@x.com,ok\n'
        'c@x.com,"He said ""hi""\non two lines"\n'
    ).encode()
    found = records(data)
    assert [r.cells for r in found] == [
        ["a@x.com", notes],
        ["b@x.com", "ok"],
        ["c@x.com", 'He said "hi"\non two lines'],
    ]
    assert [r.line for r in found] == [2, 9, 10]


def test_a_header_with_an_unclosed_quote_is_a_file_problem():
    with pytest.raises(FileProblem, match="a quote opened in the header row is never closed"):
        records(b'email,"first\n' + good_rows(0, 3))
