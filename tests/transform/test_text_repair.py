"""Table tests for encoding-damage detection and repair."""

from __future__ import annotations

import pytest

from bt2twenty.transform.text_repair import clean_text, has_mojibake, repair_mojibake


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        pytest.param("CafÃ©", "Café", id="e-acute"),
        pytest.param("donâ€™t", "don’t", id="right-quote"),
        pytest.param("CafÃ© BrulÃ©e Pty Ltd", "Café Brulée Pty Ltd", id="company"),
        pytest.param("10â€“12 staff", "10–12 staff", id="en-dash"),
    ],
)
def test_mojibake_repaired(damaged: str, repaired: str) -> None:
    assert has_mojibake(damaged)
    assert repair_mojibake(damaged) == repaired


@pytest.mark.parametrize(
    "text", ["Café", "Zoë Brown", "naïve", "Björn", "São Paulo", "plain text", "日本語"]
)
def test_clean_text_not_flagged(text: str) -> None:
    assert not has_mojibake(text)


def test_repair_off_keeps_text() -> None:
    cleaned = clean_text("CafÃ©", field_label="name", repair=False)

    assert cleaned.text == "CafÃ©"
    assert [problem.code for problem in cleaned.problems] == ["MOJIBAKE_DETECTED"]


def test_repair_on_changes_text() -> None:
    cleaned = clean_text("CafÃ©", field_label="name", repair=True)

    assert cleaned.text == "Café"
    assert [problem.code for problem in cleaned.problems] == ["MOJIBAKE_REPAIRED"]
    assert "'Café'" in cleaned.problems[0].message
