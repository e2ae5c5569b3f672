"""One typed Settings object, validated at start and passed in; never read from globals."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path(".dataward")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DATAWARD_", env_file=None, extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    home: Path = Field(
        default=DEFAULT_HOME,
        description="Folder for the embedded database, keys and generated files.",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default a SQLite file in `home`."
    )
    master_key: SecretStr | None = Field(
        default=None, description="Base64 of 32 random bytes; wraps every person's data key."
    )
    master_key_file: Path | None = None
    signing_key_file: Path | None = Field(
        default=None, description="Ed25519 key that signs audit checkpoints."
    )
    secret_key: SecretStr = SecretStr("dev-only-secret-change-me")
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "privacy@localhost"
    checkpoint_every: int = Field(default=1000, ge=1)
    job_poll_seconds: float = Field(
        default=2.0,
        gt=0,
        description="Seconds between idle job runners' looks at the queue (a new job wakes them).",
    )
    policy: Path | None = Field(
        default=None, description="The policy the daily retention sweep applies (DATAWARD_POLICY)."
    )
    systems_env_file: Path | None = Field(
        default=None,
        description="KEY=VALUE file of the systems' connection variables, read by serve/worker.",
    )

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key.get_secret_value().startswith(
            "dev-only"
        ):
            raise ValueError(
                "DATAWARD_SECRET_KEY must be set in production (any long random string)"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'dataward.db').resolve()}"

    @property
    def resolved_master_key_file(self) -> Path:
        return self.master_key_file or self.home / "master.key"

    @property
    def resolved_signing_key_file(self) -> Path:
        return self.signing_key_file or self.home / "signing.key"


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]  # pydantic-settings accepts **kwargs
