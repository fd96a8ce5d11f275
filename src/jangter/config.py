"""Settings from ``JANGTER_*`` environment variables, checked at start with one clear message per bad value."""

from __future__ import annotations

import re
import secrets
from enum import StrEnum
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jangter.kernel.context import DEFAULT_OCID_PREFIX, StepUpPolicy

DEFAULT_VAR = Path("var")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JANGTER_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    database_url: str = Field(default=f"sqlite:///{DEFAULT_VAR / 'jangter.db'}")
    secret_key: str = Field(default="", repr=False)
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "info"
    db_pool_size: int = Field(default=10, ge=1, le=200)
    #: Threads per web process for request handlers (database calls are blocking).
    threads: int = Field(default=8, ge=1, le=200)
    #: Python's GIL switch interval for the web processes, in milliseconds (Python's default is 5).
    gil_switch_interval_ms: float = Field(default=0.5, gt=0, le=100)
    session_idle_minutes: int = Field(default=60, ge=5, le=24 * 60)
    session_absolute_hours: int = Field(default=12, ge=1, le=24 * 7)
    api_token_hours: int = Field(default=12, ge=1, le=24 * 90)
    #: Lets the demo move the platform clock (development only; refused in production).
    demo_clock: bool = False
    #: Run the due-event worker (closing notices at their deadline) inside ``jangter serve``.
    embedded_worker: bool = True
    worker_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    #: Where the embedded deployment keeps its files (SQLite database by default, demo clock, dev secret).
    var_dir: Path = DEFAULT_VAR
    #: The platform's Ed25519 signing key (PEM); default ``<var_dir>/platform-signing-key.pem``, made if missing.
    signing_key_file: Path | None = None
    #: Extra rule-set files (TOML) loaded next to the built-in ones, separated by ``:``.
    rule_files: str = ""
    #: SMTP server for the outbox (e-mail to firms and people); empty: messages wait in the outbox.
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    mail_from: str = "Jangter 장터 <no-reply@jangter.local>"
    #: The search engine's time limit; slower answers come from the plain fallback query (issue #7).
    search_timeout_ms: int = Field(default=250, ge=10, le=10_000)
    #: When a browser bid needs a fresh passkey verification: required | registered | off (production: required).
    step_up: StepUpPolicy = StepUpPolicy.REGISTERED
    #: The OCDS prefix the OCDS helpdesk registered for this installation (``ocds-`` and 6 letters or digits).
    ocid_prefix: str = DEFAULT_OCID_PREFIX

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not (value.startswith("sqlite:///") or value.startswith("postgresql+psycopg://")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not (value.startswith("http://") or value.startswith("https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("ocid_prefix")
    @classmethod
    def _ocid_prefix(cls, value: str) -> str:
        if not re.fullmatch(r"ocds-[a-z0-9]{6}", value):
            raise ValueError("must be an OCDS prefix: ocds- and 6 lower-case letters or digits (e.g. ocds-a1b2c3)")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.lower() not in {"debug", "info", "warning", "error"}:
            raise ValueError("must be one of debug, info, warning, error")
        return value.lower()

    @model_validator(mode="after")
    def _production_rules(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            if len(self.secret_key) < 32:
                raise ValueError("JANGTER_SECRET_KEY must be set to at least 32 characters in production")
            if self.demo_clock:
                raise ValueError("JANGTER_DEMO_CLOCK cannot be on in production")
            if "step_up" not in self.model_fields_set:
                self.step_up = StepUpPolicy.REQUIRED
        elif not self.secret_key:
            self.secret_key = _development_secret()
        return self

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def signing_key_path(self) -> Path:
        return self.signing_key_file or self.var_dir / "platform-signing-key.pem"

    @property
    def extra_rule_files(self) -> list[Path]:
        return [Path(p) for p in self.rule_files.split(":") if p]


def _development_secret() -> str:
    """A per-checkout secret kept in ``var/`` so sessions survive a restart of ``make run``."""
    path = DEFAULT_VAR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DEFAULT_VAR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


class SettingsError(SystemExit):
    pass


def load_settings(**overrides: object) -> Settings:
    """Read and check the settings; on error, exit with one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = ["Jangter cannot start: bad settings"]
        for error in exc.errors():
            name = "JANGTER_" + "_".join(str(part).upper() for part in error["loc"]) if error["loc"] else ""
            message = str(error["msg"]).removeprefix("Value error, ")
            got = error.get("input")
            secret = "SECRET" in name
            shown = "" if secret or isinstance(got, dict) or got is None else f" (got {got!r})"
            lines.append(f"  {name or 'settings'}: {message}{shown}")
        raise SettingsError("\n".join(lines)) from None
