"""Logging for the running bot: one line per event with its context, secrets redacted.

HTTP client libraries log request URLs, and Telegram URLs contain the bot token: every
record passes through `Redact`, which replaces any configured secret with `***` and masks
card numbers (`core.cards`), in the message, the traceback and the context fields alike
(a framework logging a failed update may print the update, text included).
"""

from __future__ import annotations

import logging
import sys

from core.cards import mask_cards
from core.config import Settings

CONTEXT_FIELDS = ("chat", "update", "ticket", "order", "framework", "mode", "seconds",
                  "attempt", "counts", "outcome", "user", "peer", "callback")


class Redact(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.clean(message), ()
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, self.clean(value))
        return True

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return mask_cards(text)


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
