"""Settings come from JANGTER_* variables and are checked at start, one clear message per bad value."""

import pytest

from jangter.config import Environment, Settings, SettingsError, load_settings


def test_every_bad_value_is_named_with_what_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JANGTER_DATABASE_URL", "mysql://nope")
    monkeypatch.setenv("JANGTER_PORT", "99999")
    monkeypatch.setenv("JANGTER_BASE_URL", "ftp://x")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    message = str(refused.value)
    assert "JANGTER_DATABASE_URL: must start with sqlite:/// or postgresql+psycopg:// (got 'mysql://nope')" in message
    assert "JANGTER_PORT" in message and "99999" in message
    assert "JANGTER_BASE_URL: must start with http:// or https://" in message


def test_production_needs_a_real_secret_and_no_demo_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JANGTER_ENV", "production")
    monkeypatch.setenv("JANGTER_SECRET_KEY", "short-secret")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert "JANGTER_SECRET_KEY must be set to at least 32 characters" in str(refused.value)
    assert "short-secret" not in str(refused.value)
    monkeypatch.setenv("JANGTER_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("JANGTER_DEMO_CLOCK", "1")
    with pytest.raises(SettingsError, match="DEMO_CLOCK cannot be on in production"):
        load_settings()


def test_development_defaults_work_out_of_the_box(tmp_path: object) -> None:
    settings = Settings(secret_key="x" * 40)
    assert settings.env is Environment.DEVELOPMENT
    assert settings.database_url.startswith("sqlite:///")
    assert not settings.secure_cookies
    assert Settings(secret_key="x" * 40, base_url="https://jangter.example/").secure_cookies
