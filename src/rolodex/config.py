"""Settings from the environment (prefix ROLODEX_); every field has a documented default."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "dev-insecure-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROLODEX_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./rolodex.db"
    # Role the application assumes on PostgreSQL when it connects as an owner/superuser,
    # so that row-level security applies to it (owners and superusers bypass RLS).
    db_app_role: str = "rolodex_app"
    secret_key: str = DEFAULT_SECRET
    redis_url: str | None = None
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=512 * 1024 * 1024, ge=1024)
    default_region: str = "US"
    log_level: str = "INFO"
    rate_limit_api: str = "600/minute"
    rate_limit_hooks: str = "6000/minute"
    # Jobs (rolodex.jobs): `rolodex serve` runs an embedded worker unless --no-worker.
    embedded_worker: bool = False
    job_max_attempts: int = Field(default=8, ge=1, le=100)
    job_lease_seconds: int = Field(default=60, ge=1)
    job_backoff_base_seconds: float = Field(default=2.0, gt=0)
    job_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    # Webhooks (rolodex.ingest): Klaviyo-Timestamp tolerance; grace of a rotated secret.
    webhook_timestamp_tolerance_seconds: int = Field(default=300, ge=1)
    webhook_secret_grace_hours: float = Field(default=24.0, ge=0)

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.env == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "ROLODEX_SECRET_KEY still has its development default; "
                "set a long random value before running in production"
            )
        return self

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


@lru_cache
def get_settings() -> Settings:
    return Settings()
