"""Logging for the running bot: one line per event with its context, secrets redacted.

HTTP client libraries log request URLs, and Telegram URLs contain the bot token: every
record passes through `Redact`, which replaces any configured secret with `***`.
"""

from __future__ import annotations

import logging
import sys

from core.config import Settings

CONTEXT_FIELDS = ("chat", "update", "ticket", "order", "framework", "mode", "seconds",
                  "attempt", "counts", "outcome", "user", "peer", "callback")


class Redact(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, "***")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "***")
        record.msg, record.args = message, ()
        return True


class Context(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(f"{k}={getattr(record, k)}" for k in CONTEXT_FIELDS
                         if hasattr(record, k))
        return f"{line} {extra}" if extra else line


def secrets_of(settings: Settings) -> list[str]:
    values = [settings.bot_token, settings.payment_provider_token, settings.webhook_secret]
    found = [v.get_secret_value() for v in values if v is not None]
    if settings.bot_token is not None:
        found.append(settings.bot_token.get_secret_value().partition(":")[2])
    return found


def configure(settings: Settings, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(Context("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(Redact(secrets_of(settings)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "aiogram.event", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
