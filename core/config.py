"""Configuration from environment variables (prefix `SPORTELLO_`) or a `.env` file.

Nothing is required for the terminal demo: the database defaults to a SQLite file in the
user's data directory.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.policies import POLICIES

TOKEN_SHAPE = re.compile(r"\d{5,12}:[A-Za-z0-9_-]{30,50}")
REMINDER_DAYS_RANGE = (1, 365)  # each reminder, in days before expiry


def default_database_url() -> str:
    """SQLite in the user's data directory, created on first use (the one folder Sportello
    ever creates: a database URL given by the user must point into an existing folder)."""
    folder = Path(user_data_dir("sportello", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{folder / 'sportello.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SPORTELLO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default_factory=default_database_url)
    # Where the terminal chat saves the PDF copies asked for with «Scarica PDF»; by
    # default `documenti` in the user's data directory (next to the default database).
    documents_dir: Path | None = None
    policy: str = "mensilita-residue"
    # IVA: 0 (exempt) to 50%, at most four decimals (the sweep computes it in basis points).
    vat_rate: Decimal = Field(default=Decimal("0.22"), ge=0, le=Decimal("0.5"),
                              decimal_places=4)
    tacit_renewal: bool = False
    # `30,7,1` or the JSON form `[30, 7, 1]`; each from 1 to 365 days before expiry.
    reminder_days: Annotated[tuple[int, ...], NoDecode] = (30, 7, 1)
    recovery_days: int = Field(default=10, ge=0, le=365)
    tacit_payment_days: int = Field(default=10, ge=1, le=365)
    # Where customers pay by bank transfer, postal slip or PayPal (shown in instructions).
    iban: str = "IT60X0542811101000000123456"
    bank_holder: str = "Sportello Hosting S.r.l."
    postal_account: str = "000012345678"
    paypal_address: str = "pagamenti@sportello.example"
    # The general conditions of contract every customer order accepts (seed 002): where the
    # customer reads them, and the version recorded on the order with the time of acceptance.
    terms_url: str = "https://sportello.example/condizioni-generali"
    terms_version: str = Field(default="2026-01", min_length=1, max_length=32)
    # The provider as its fatture name it (FatturaPA CedentePrestatore). The defaults are the
    # demo's invented company: a real installation sets its own before issuing documents.
    provider_name: str = Field(default="Sportello Hosting S.r.l.", min_length=1, max_length=80)
    provider_vat_number: str = Field(default="IT01234567897", pattern=r"^[A-Z]{2}[0-9A-Z]{2,28}$")
    provider_tax_code: str | None = Field(default="01234567897", pattern=r"^[0-9A-Z]{11,16}$")
    provider_tax_regime: str = Field(default="RF01", pattern=r"^RF(0[1-9]|1[0-9])$")
    provider_address: str = Field(default="Via Roma 1", min_length=1, max_length=60)
    provider_postcode: str = Field(default="00100", pattern=r"^[0-9]{5}$")
    provider_city: str = Field(default="Roma", min_length=1, max_length=60)
    provider_province: str | None = Field(default="RM", pattern=r"^[A-Z]{2}$")
    provider_country: str = Field(default="IT", pattern=r"^[A-Z]{2}$")
    provider_email: str | None = "amministrazione@sportello.example"
    # Telegram
    bot_token: SecretStr | None = None
    bot_username: str | None = None  # for the t.me deep link printed by `sportello link`
    api_url: str | None = None  # a self-hosted Bot API server instead of Telegram's
    support_chat_id: int | None = None  # the support group (or forum supergroup)
    payment_provider_token: SecretStr | None = None  # Telegram Payments; else sandbox card
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # Email to customers (bot/mailer.py). No host: no email at all, nothing is queued.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None  # never logged, never in a stored error
    smtp_from: str = "Sportello <noreply@sportello.example>"
    smtp_starttls: bool = True  # upgrade a plain connection (port 587)
    smtp_tls: bool = False  # TLS from the first byte (port 465); then starttls is not used
    smtp_timeout: float = Field(default=30.0, gt=0, le=600)  # each SMTP step, in seconds
    sweep_hour: int = Field(default=8, ge=0, le=23)  # daily lifecycle sweep, Rome time
    poll_timeout: int = Field(default=30, ge=0, le=60)
    link_code_hours: int = Field(default=24, ge=1, le=24 * 14)
    # A renewal or recovery ordered but not yet paid (a transfer on its way) keeps an expired
    # service from deletion this many days past the recovery window.
    pending_grace_days: int = Field(default=15, ge=0, le=365)
    # A ticket whose last message is support's closes after this many days with no answer.
    ticket_idle_days: int = Field(default=7, ge=1, le=365)

    @field_validator("policy")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        if value not in POLICIES:
            raise ValueError(f"unknown policy {value!r}; choose one of {', '.join(POLICIES)}")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("malformed bot token (expected 123456789:ABC..., from BotFather)")
        return value

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _day_list(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                raise ValueError("reminder_days: expected [30, 7, 1] or 30,7,1") from None
        return [part.strip() for part in text.split(",")] if text else []

    @field_validator("reminder_days")
    @classmethod
    def _descending(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        low, high = REMINDER_DAYS_RANGE
        if any(not low <= v <= high for v in value):
            raise ValueError("reminder days must be between 1 and 365")
        return tuple(sorted(set(value), reverse=True))
