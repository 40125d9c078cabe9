"""Settings resolve flags over environment over project file, and keep secrets off disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from bt2twenty.errors import SettingsError
from bt2twenty.settings import Settings, load_settings


def test_flag_wins_over_environment_and_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    (tmp_path / "bt2twenty.toml").write_text("concurrency = 2\nbatch_size = 20\n")
    monkeypatch.setenv("BT2TWENTY_CONCURRENCY", "3")
    settings = load_settings(tmp_path, concurrency=5)
    assert settings.concurrency == 5
    assert settings.batch_size == 20


def test_environment_wins_over_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "bt2twenty.toml").write_text('twenty_url = "http://file.example"\n')
    monkeypatch.setenv("TWENTY_API_URL", "http://env.example")
    assert load_settings(tmp_path).twenty_url == "http://env.example"


def test_file_used_when_nothing_else(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TWENTY_API_URL", raising=False)
    monkeypatch.delenv("BT2TWENTY_TWENTY_URL", raising=False)
    (tmp_path / "bt2twenty.toml").write_text('twenty_url = "http://file.example"\n')
    assert load_settings(tmp_path).twenty_url == "http://file.example"


def test_missing_twenty_key_lists_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("TWENTY_API_KEY", raising=False)
    settings = load_settings(tmp_path, twenty_url="http://127.0.0.1:1")
    with pytest.raises(SettingsError) as raised:
        settings.require_twenty()
    assert "TWENTY_API_KEY" in str(raised.value)
    assert "twenty_url" not in raised.value.message


def test_secret_never_in_settings_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("TWENTY_API_KEY", "env-secret-abcdef")
    monkeypatch.setenv("BT2TWENTY_MAX_ATTEMPTS", "0")
    with pytest.raises(SettingsError) as raised:
        load_settings(tmp_path)
    assert "max_attempts" in str(raised.value)
    assert "env-secret-abcdef" not in str(raised.value)


def test_misspelt_file_key_suggested(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "bt2twenty.toml").write_text("rate_limit_per_minut = 600\n")
    with pytest.raises(SettingsError) as raised:
        load_settings(tmp_path)
    assert "unknown setting 'rate_limit_per_minut'" in str(raised.value)
    assert "did you mean 'rate_limit_per_minute'" in str(raised.value)


def test_wrong_type_shows_value(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "bt2twenty.toml").write_text('concurrency = "fast"\n')
    with pytest.raises(SettingsError) as raised:
        load_settings(tmp_path)
    assert "(got 'fast')" in str(raised.value)


def test_misspelt_environment_warned(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("BT2TWENTY_RATE_LIMIT_PER_MINUT", "600")
    caplog.set_level("WARNING", logger="bt2twenty")
    load_settings(tmp_path)
    assert "BT2TWENTY_RATE_LIMIT_PER_MINUT" in caplog.text
    assert "rate_limit_per_minute" in caplog.text


@pytest.mark.parametrize(
    ("url", "message"),
    [("127.0.0.1:3000", "no http:// or https://"), ("http://crm.example.com/rest/", "API path")],
)
def test_twenty_url_shape_checked(url: str, message: str) -> None:
    settings = Settings(twenty_url=url, twenty_api_key="key")

    with pytest.raises(SettingsError, match=message):
        settings.require_twenty()


def test_twenty_url_trailing_slash_dropped() -> None:
    settings = Settings(twenty_url="https://crm.example.com/", twenty_api_key="key")

    assert settings.require_twenty()[0] == "https://crm.example.com"
