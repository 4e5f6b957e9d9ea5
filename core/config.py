"""Configuration from environment variables (prefix `SPORTELLO_`) or a `.env` file.

Nothing is required for the terminal demo: the database defaults to a SQLite file in the
user's data directory.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

POLICIES = ("mensilita-residue", "pro-rata-giorni", "mesi-arrotondati", "mese-intero")


def default_database_url() -> str:
    folder = Path(user_data_dir("sportello", appauthor=False))
    return f"sqlite+aiosqlite:///{folder / 'sportello.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SPORTELLO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default_factory=default_database_url)
    policy: str = "mensilita-residue"
    vat_rate: Decimal = Decimal("0.22")
    tacit_renewal: bool = False
    reminder_days: tuple[int, ...] = (30, 7, 1)
    recovery_days: int = 10
    tacit_payment_days: int = 10
    # Where customers pay by bank transfer, postal slip or PayPal (shown in instructions).
    iban: str = "IT60X0542811101000000123456"
    bank_holder: str = "Sportello Hosting S.r.l."
    postal_account: str = "000012345678"
    paypal_address: str = "pagamenti@sportello.example"
    bot_token: SecretStr | None = None

    @field_validator("policy")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        if value not in POLICIES:
            raise ValueError(f"unknown policy {value!r}; choose one of {', '.join(POLICIES)}")
        return value

    @field_validator("reminder_days")
    @classmethod
    def _descending(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted({int(v) for v in value if int(v) > 0}, reverse=True))
