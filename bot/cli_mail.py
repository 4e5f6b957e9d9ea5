"""`sportello mail send`: one round of the email outbox from the command line (what the
bot's mail loop does every few seconds): queue what is owed, send what is due.

Exit codes: 0 every due email sent (or none due), 1 some to retry or undeliverable,
2 email off (no `SPORTELLO_SMTP_HOST`)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bot.cli_args import t

if TYPE_CHECKING:
    from core.app import Sportello


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    mail = sub.add_parser("mail", parents=[common], help="cli-help-mail")
    mail_sub = mail.add_subparsers(dest="action", required=True)
    mail_sub.add_parser("send", parents=[common],
                        help="cli-help-mail-send")


async def run(app: Sportello, args: argparse.Namespace) -> int:
    from bot.mailer import Mailer

    mailer = Mailer(app)
    if not mailer.enabled:
        print(t("cli-mail-off"), file=sys.stderr)
        return 2
    done = await mailer.round()
    print(" ".join(t(key, count=count) for key, count in (
        ("cli-mail-queued", done.queued), ("cli-mail-sent", done.sent),
        ("cli-mail-retry", done.retry), ("cli-mail-failed", done.failed))))
    return 1 if done.retry or done.failed else 0
