"""One typed Settings object, validated at start and passed in; never read from globals."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from dataward.core.errors import ConfigurationError

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
    signing_public_keys_file: Path | None = Field(
        default=None, description="Pinned public keys trusted to verify audit checkpoints."
    )
    audit_witness_file: Path | None = Field(
        default=None, description="Append-only copy of every audit checkpoint."
    )
    audit_witness_url: str | None = Field(
        default=None, description="Also POST every audit checkpoint (JSON) to this URL."
    )
    audit_witness_email: str | None = Field(
        default=None, description="Also email every audit checkpoint here (the DPO), via SMTP."
    )
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "privacy@localhost"
    # Verification codes for phone numbers: an email-to-SMS gateway's domain, or an HTTP one.
    sms_email_domain: str | None = Field(
        default=None, description="Email-to-SMS gateway: codes go to <number>@<this domain>."
    )
    sms_http_url: str | None = Field(
        default=None, description="HTTP SMS gateway: codes are POSTed here as JSON."
    )
    sms_http_token: SecretStr | None = Field(
        default=None, description="Bearer token for DATAWARD_SMS_HTTP_URL."
    )
    checkpoint_every: int = Field(default=1000, ge=1)
    job_poll_seconds: float = Field(
        default=2.0,
        gt=0,
        description="Seconds between idle job runners' looks at the queue (a new job wakes them).",
    )
    policy: Path | None = Field(
        default=None,
        description="The policy that serve (web pages, API) and the daily sweep apply.",
    )
    systems_env_file: Path | None = Field(
        default=None,
        description="KEY=VALUE file of the systems' connection variables, read by serve/worker.",
    )

    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs console sessions, CSRF tokens and links; at least 32 characters.",
    )
    secret_key_file: Path | None = Field(
        default=None, description="A file holding DATAWARD_SECRET_KEY (default <home>/secret.key)."
    )
    trust_proxy: bool = Field(
        default=False,
        description="Behind a TLS proxy: believe its X-Forwarded-Proto (HSTS, Secure cookies).",
    )

    docs: bool = Field(
        default=False,
        description="Serve the API's interactive docs (Swagger UI, from the package) at /docs.",
    )
    health_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that lets /health show the version, database and revision.",
    )

    @field_validator("database_url")
    @classmethod
    def _readable_database_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            make_url(value).get_dialect()
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            raise ValueError(
                "must be a database URL such as postgresql+psycopg://user@host/dataward "
                "or sqlite:///path/to/dataward.db"
            ) from exc
        return value

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

    @property
    def resolved_signing_public_keys_file(self) -> Path:
        return self.signing_public_keys_file or self.home / "signing.pub"

    @property
    def resolved_secret_key_file(self) -> Path:
        return self.secret_key_file or self.home / "secret.key"

    @property
    def resolved_audit_witness_file(self) -> Path:
        return self.audit_witness_file or self.home / "audit-witness.jsonl"


_EXPECTED = {
    "int_parsing": "a whole number",
    "float_parsing": "a number",
    "bool_parsing": "true or false",
    "literal_error": "one of",
    "greater_than_equal": "at least",
    "less_than_equal": "at most",
    "path_type": "a path",
}


def load_settings(**overrides: object) -> Settings:
    """Settings from DATAWARD_* variables; a bad one is a ConfigurationError naming it."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic-settings takes **kwargs
    except ValidationError as exc:
        raise configuration_error(exc) from exc


def configuration_error(exc: ValidationError) -> ConfigurationError:
    """One plain sentence per bad variable, instead of pydantic's report."""
    sentences = []
    for error in exc.errors():
        name = "DATAWARD_" + "_".join(str(p) for p in error["loc"][:1]).upper()
        got = error.get("input")
        secret = any(word in name for word in ("URL", "KEY", "PASSWORD", "TOKEN"))
        shown = (
            f" (got {str(got)[:60]!r})" if isinstance(got, str | int | float) and not secret else ""
        )
        kind = error["type"]
        ctx = error.get("ctx") or {}
        if kind == "value_error":
            expected = str(ctx.get("error", error["msg"]))
            sentences.append(f"{name} {expected}{shown}")
            continue
        expected = _EXPECTED.get(kind, error["msg"].lower())
        if kind == "literal_error":
            expected = f"one of {ctx.get('expected', '')}"
        elif kind in ("greater_than_equal", "less_than_equal"):
            expected = f"{expected} {ctx.get('ge', ctx.get('le'))}"
        sentences.append(f"{name} must be {expected}{shown}")
    return ConfigurationError("; ".join(sentences) or "the DATAWARD_* settings are not valid")
