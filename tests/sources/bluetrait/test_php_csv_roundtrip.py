"""Property: what PHP's fputcsv writes, the reader reads back as PHP's fgetcsv would."""

from __future__ import annotations

import io
import re

from hypothesis import given
from hypothesis import strategies as st

from bt2twenty.sources.bluetrait import csvformat
from bt2twenty.sources.bluetrait.csvformat import PhpCsvReader

NEEDS_ENCLOSURE = set(',"\\\n\r\t ')


def php_fputcsv(fields: list[str]) -> str:
    """Write one record byte for byte as PHP's fputcsv does with its default arguments."""
    written = []
    for field in fields:
        if not NEEDS_ENCLOSURE.intersection(field):
            written.append(field)
            continue
        out = ['"']
        escaped = False
        for character in field:
            if character == "\\":
                escaped = True
            elif not escaped and character == '"':
                out.append('"')
            else:
                escaped = False
            out.append(character)
        out.append('"')
        written.append("".join(out))
    return ",".join(written) + "\n"


def survives_php_round_trip(field: str) -> bool:
    """Return False where fgetcsv itself misreads fputcsv's output.

    fputcsv leaves a quote undoubled after any backslash, but fgetcsv pairs backslashes. So
    fgetcsv misreads a quote after an even run of backslashes. It also misreads the closing
    quote after an odd run of backslashes at the end of the value.
    """
    for run in re.finditer(r'(\\+)"', field):
        if len(run.group(1)) % 2 == 0:
            return False
    trailing = re.search(r"(\\+)$", field)
    return not (trailing and len(trailing.group(1)) % 2 == 1)


def _read(text: str) -> list[list[str]]:
    stream = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8", newline="")
    return [record.fields for record in PhpCsvReader(stream)]


field_text = st.text(alphabet='ab ,"\\\n\r\té', max_size=12)


@given(st.lists(field_text.filter(survives_php_round_trip), min_size=2, max_size=5))
def test_fputcsv_output_reads_back(fields: list[str]) -> None:
    assert _read(php_fputcsv(fields)) == [fields]


@given(
    st.lists(
        st.lists(field_text.filter(survives_php_round_trip), min_size=2, max_size=4),
        min_size=1,
        max_size=4,
    )
)
def test_records_keep_their_boundaries(records: list[list[str]]) -> None:
    text = "".join(php_fputcsv(fields) for fields in records)
    assert _read(text) == records


def test_misread_case_matches_php() -> None:
    # fputcsv(['a\\"b']) writes "a\\"b"; PHP's fgetcsv returns 'a\\b"' for it.
    value = 'a\\\\"b'
    assert not survives_php_round_trip(value)
    assert _read(php_fputcsv([value, "x"])) == [['a\\\\b"', "x"]]


@given(
    st.lists(
        st.lists(field_text.filter(survives_php_round_trip), min_size=2, max_size=4),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=1, max_value=9),
)
def test_chunk_boundaries_change_nothing(records: list[list[str]], chunk: int) -> None:
    text = "".join(php_fputcsv(fields) for fields in records)
    original = csvformat.READ_CHUNK_CHARS
    csvformat.READ_CHUNK_CHARS = chunk
    try:
        assert _read(text) == records
    finally:
        csvformat.READ_CHUNK_CHARS = original
