"""The CSV parser reads bytes exactly as PHP's fgetcsv reads what fputcsv wrote."""

from __future__ import annotations

import io

import pytest

from bt2twenty.sources.bluetrait.csvformat import (
    PhpCsvReader,
    UnterminatedField,
    detect_delimiter,
)


def _records(data: bytes, delimiter: str = ",") -> list[list[str]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    return [record.fields for record in PhpCsvReader(text, delimiter)]


def test_backslash_quote_inside_enclosure() -> None:
    # fputcsv(['C:\Users\Public\" fails']) writes the backslash-quote pair undoubled.
    data = b'id,description\n1,"Saving to ""C:\\Users\\Public\\" fails"\n'
    assert _records(data)[1] == ["1", 'Saving to "C:\\Users\\Public\\" fails']


def test_escaped_quotes_round_trip() -> None:
    # fputcsv(['say \"hi\"']) writes "say \"hi\"" and fgetcsv keeps the backslashes.
    data = b'"say \\"hi\\""\n'
    assert _records(data) == [['say \\"hi\\"']]


def test_doubled_quotes_without_backslash() -> None:
    data = b'"He said ""yes""",2\n'
    assert _records(data) == [['He said "yes"', "2"]]


def test_double_backslash_before_quote_ends_enclosure() -> None:
    # fputcsv(['a\\"b']) writes "a\\"b"; fgetcsv reads the quote as closing, then appends b".
    data = b'"a\\\\"b"\n'
    assert _records(data) == [['a\\\\b"']]


def test_trailing_backslash_swallows_next_line() -> None:
    # fputcsv(['C:\temp\', 'done']) writes "C:\temp\",done and fgetcsv reads on past the line.
    data = b'path,note\n"C:\\temp\\",done\nplain,"last"\n'
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    records = list(PhpCsvReader(text))
    assert records[1].fields == ['C:\\temp\\",done\nplain,last"']
    assert records[1].first_line == 2
    assert records[1].last_line == 3


def test_unclosed_enclosure_raises_with_line() -> None:
    data = b'a,b\n1,2\n"C:\\Users\\Public\\",next\nx,y\n'
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    reader = iter(PhpCsvReader(text))
    assert next(reader).fields == ["a", "b"]
    assert next(reader).fields == ["1", "2"]
    with pytest.raises(UnterminatedField) as failure:
        next(reader)
    assert failure.value.first_line == 3


def test_text_after_closing_quote_is_appended() -> None:
    assert _records(b'"ab"cd,e\n') == [["abcd", "e"]]


def test_space_before_opening_quote_is_skipped() -> None:
    assert _records(b'  "a,b",c d\n') == [["a,b", "c d"]]


def test_quote_inside_bare_field_is_literal() -> None:
    assert _records(b'ab"c,d\n') == [['ab"c', "d"]]


def test_embedded_newlines_and_crlf() -> None:
    data = b'id,body\r\n1,"line one\r\nline two"\r\n2,plain\r\n'
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    records = list(PhpCsvReader(text))
    assert [record.fields for record in records] == [
        ["id", "body"],
        ["1", "line one\r\nline two"],
        ["2", "plain"],
    ]
    assert [record.first_line for record in records] == [1, 2, 4]


def test_empty_fields_and_no_final_newline() -> None:
    assert _records(b'"",x,\n1,2,3') == [["", "x", ""], ["1", "2", "3"]]


def test_semicolon_and_tab_delimiters() -> None:
    assert _records(b'a;"b;c"\n', ";") == [["a", "b;c"]]
    assert _records(b'a\t"b\tc"\n', "\t") == [["a", "b\tc"]]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [("id,name\n1,a\n", ","), ("id;name\n1;a\n", ";"), ("id\tname\n1\ta\n", "\t")],
)
def test_detect_delimiter(sample: str, expected: str) -> None:
    assert detect_delimiter(sample) == expected


def test_field_larger_than_read_chunk() -> None:
    big = ("x" * 1000 + ',"\n') * 5000
    escaped = big.replace('"', '""')
    data = f'id,body\n1,"{escaped}"\n2,small\n'.encode()
    records = _records(data)
    assert records[1] == ["1", big]
    assert records[2] == ["2", "small"]


def test_quoted_field_between_bare_fields() -> None:
    assert _records(b'x, "a,b" ,y\n') == [["x", "a,b ", "y"]]
    assert _records(b'1,ab"c,"d",e\n') == [["1", 'ab"c', "d", "e"]]


def test_carriage_returns_in_bare_fields() -> None:
    # fgetcsv drops one trailing "\r" from every unquoted field, and keeps it after a quote.
    assert _records(b"a\r,b\n") == [["a", "b"]]
    assert _records(b"a,b\r\r\n") == [["a", "b"]]
    assert _records(b'1,"x"y\r,z\n') == [["1", "xy\r", "z"]]
    assert _records(b'1,ab"c\r\r\n') == [["1", 'ab"c']]
