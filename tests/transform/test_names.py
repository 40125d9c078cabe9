"""Table tests for the FULL_NAME converter."""

from __future__ import annotations

import pytest

from bt2twenty.transform.names import convert_full_name
from bt2twenty.transform.parameters import ConversionParameters, SingleNamePolicy
from bt2twenty.transform.result import Severity

PARAMETERS = ConversionParameters(field_name="name")


@pytest.mark.parametrize(
    ("source", "first", "last"),
    [
        pytest.param("Mei Singh", "Mei", "Singh", id="first-last"),
        pytest.param("Martin, Ava", "Ava", "Martin", id="last-comma-first"),
        pytest.param("  Zoe   Lee  ", "Zoe", "Lee", id="extra-spaces"),
        pytest.param("LIAM MCDONALD", "Liam", "McDonald", id="all-caps-mc"),
        pytest.param("lucas o'brien", "Lucas", "O'Brien", id="all-lower-apostrophe"),
        pytest.param("Priya Van der Berg", "Priya", "Van der Berg", id="mixed-case-kept"),
        pytest.param("JANE VAN DER BERG", "Jane", "van der Berg", id="all-caps-particle"),
        pytest.param("Björn Singh", "Björn", "Singh", id="non-ascii"),
        pytest.param("Dr Jane Smith Jr", "Dr Jane", "Smith Jr", id="title-and-suffix"),
        pytest.param("Mary Jane Smith", "Mary Jane", "Smith", id="middle-name"),
        pytest.param("van der Berg, Jane", "Jane", "van der Berg", id="particle-comma-first"),
        pytest.param("O'BRIEN, LUCAS", "Lucas", "O'Brien", id="all-caps-comma"),
        pytest.param("Williams,  Jack ", "Jack", "Williams", id="comma-extra-spaces"),
    ],
)
def test_full_name_split(source: str, first: str, last: str) -> None:
    converted = convert_full_name(source, PARAMETERS)

    assert converted.value == {"firstName": first, "lastName": last}
    assert converted.problems == ()


@pytest.mark.parametrize("source", ["Reception", "Accounts", "Jane"])
def test_single_name_first_policy(source: str) -> None:
    converted = convert_full_name(source, PARAMETERS)

    assert converted.value == {"firstName": source, "lastName": ""}
    assert [problem.code for problem in converted.problems] == ["NAME_WITHOUT_LAST_NAME"]
    assert converted.problems[0].severity is Severity.FLAG
    assert source in converted.problems[0].message


def test_single_name_last_policy() -> None:
    parameters = ConversionParameters(single_name=SingleNamePolicy.LAST_NAME)

    converted = convert_full_name("Reception", parameters)

    assert converted.value == {"firstName": "", "lastName": "Reception"}
    assert converted.is_flagged


def test_single_name_reject_policy() -> None:
    parameters = ConversionParameters(field_name="name", single_name=SingleNamePolicy.REJECT)

    converted = convert_full_name("Xavier", parameters)

    assert converted.value is None
    assert converted.is_rejected
    assert "'Xavier'" in converted.problems[0].message


@pytest.mark.parametrize("source", ["", "   ", None, ","])
def test_empty_name(source: str | None) -> None:
    converted = convert_full_name(source, PARAMETERS)

    assert converted.value is None
    assert converted.problems == ()


def test_mojibake_name_flagged() -> None:
    converted = convert_full_name("JosÃ© Kelly", PARAMETERS)

    assert converted.value == {"firstName": "JosÃ©", "lastName": "Kelly"}
    assert [problem.code for problem in converted.problems] == ["MOJIBAKE_DETECTED"]


def test_mojibake_name_repaired() -> None:
    parameters = ConversionParameters(repair_text=True)

    converted = convert_full_name("JosÃ© Kelly", parameters)

    assert converted.value == {"firstName": "José", "lastName": "Kelly"}
    assert [problem.code for problem in converted.problems] == ["MOJIBAKE_REPAIRED"]


@pytest.mark.parametrize("source", ["Front Desk", "Accounts Payable", "IT Support"])
def test_role_name_kept_whole(source: str) -> None:
    converted = convert_full_name(source, PARAMETERS)

    assert converted.value == {"firstName": source, "lastName": ""}
    assert [problem.code for problem in converted.problems] == ["NAME_WITHOUT_LAST_NAME"]


@pytest.mark.parametrize(
    "source", ["Acme Pty Ltd", "Gippsland Pharmacy & Co", "Redgum Legal Group"]
)
def test_company_name_flagged(source: str) -> None:
    converted = convert_full_name(source, PARAMETERS)

    assert "NAME_LOOKS_LIKE_COMPANY" in [problem.code for problem in converted.problems]
    assert repr(source) in converted.problems[0].message
