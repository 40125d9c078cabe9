"""mapping.yaml: round trips, comments kept on rewrite, malformed files located."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.target import standard_schema
from bt2twenty.mapping.yamlfile import MappingFileError, load_mapping, save_mapping


def test_round_trip_equal(tmp_path: Path, reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    path = tmp_path / "mapping.yaml"
    save_mapping(mapping, path)
    assert load_mapping(path) == mapping


def test_comments_kept_on_rewrite(tmp_path: Path, reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    path = tmp_path / "mapping.yaml"
    save_mapping(mapping, path)
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "  companies:\n", "  companies:  # checked with the customer on Monday\n", 1
    )
    text = text.replace("settings:\n", "# agreed time zone below\nsettings:\n", 1)
    path.write_text(text, encoding="utf-8")

    edited = load_mapping(path)
    edited.settings.default_currency = "NZD"
    save_mapping(edited, path)

    rewritten = path.read_text(encoding="utf-8")
    assert "# checked with the customer on Monday" in rewritten
    assert "# agreed time zone below" in rewritten
    assert load_mapping(path).settings.default_currency == "NZD"


def test_hand_edit_survives_rewrite(tmp_path: Path, reference_profile: dict[str, Any]) -> None:
    path = tmp_path / "mapping.yaml"
    save_mapping(propose_mapping(reference_profile, standard_schema()), path)
    mapping = load_mapping(path)
    mapping.objects["clients"].columns["position"].skip = "not wanted"
    save_mapping(mapping, path)
    assert load_mapping(path).objects["clients"].columns["position"].skip == "not wanted"


def test_unknown_key_located(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "version: 1\nsettings:\n  tenant_time_zone: Australia/Sydney\n  currencyy: AUD\n",
        encoding="utf-8",
    )
    with pytest.raises(MappingFileError) as raised:
        load_mapping(path)
    message = str(raised.value)
    assert "line 4, column 3" in message
    assert "settings.currencyy" in message
    assert "unknown key" in message


def test_wrong_type_located(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "objects:\n  companies:\n    target: company\n    confidence: very\n", encoding="utf-8"
    )
    with pytest.raises(MappingFileError) as raised:
        load_mapping(path)
    assert "line 4, column 5" in str(raised.value)
    assert "objects.companies.confidence" in str(raised.value)


def test_every_problem_listed(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("settings:\n  date_order: YDM\n  repair_mojibake: perhaps\n", encoding="utf-8")
    with pytest.raises(MappingFileError) as raised:
        load_mapping(path)
    assert "2 problems" in str(raised.value)
    assert "line 2" in str(raised.value)
    assert "line 3" in str(raised.value)


def test_yaml_syntax_error_located(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("settings:\n  tenant_time_zone: [unclosed\n", encoding="utf-8")
    with pytest.raises(MappingFileError) as raised:
        load_mapping(path)
    assert "invalid YAML at line" in str(raised.value)


def test_missing_file_says_propose(tmp_path: Path) -> None:
    with pytest.raises(MappingFileError) as raised:
        load_mapping(tmp_path / "mapping.yaml")
    assert "map propose" in str(raised.value)
