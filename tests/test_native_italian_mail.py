"""A reminder email says the days left on the day it is queued, and a reminder no longer
true (renewed, or its day gone) is never emailed (issue 15: «scade tra -1 giorni»)."""

from __future__ import annotations

from datetime import date

from bot.mailer import Mailer
from core.app import Sportello
from tests.helpers import seed, svc
from tests.test_mail import Inbox, pay_renewal, settings, shop, smtp  # noqa: F401 (fixtures)


async def subjects(app: Sportello, inbox: Inbox) -> list[str]:
    await Mailer(app).round()
    return [str(m["Subject"]) for m in inbox.messages]


async def test_a_late_reminder_email_counts_from_today(
        app: Sportello, shop: dict[str, int], smtp: Inbox, clock) -> None:  # noqa: F811
    await app.run_lifecycle()  # 21 November: mariorossi.it expires on 11 December
    clock.day = date(2026, 11, 25)
    assert "mariorossi.it scade tra 16 giorni" in await subjects(app, smtp)


async def test_a_reminder_for_a_renewed_service_is_not_emailed(
        app: Sportello, shop: dict[str, int], smtp: Inbox, clock) -> None:  # noqa: F811
    await app.run_lifecycle()
    clock.day = date(2026, 11, 23)
    await pay_renewal(app, "C001", shop["mariorossi.it"])
    sent = await subjects(app, smtp)
    assert sent and not any(s.startswith("mariorossi.it scade") for s in sent)


async def test_a_reminder_past_its_day_is_not_emailed(
        app: Sportello, shop: dict[str, int], smtp: Inbox, clock) -> None:  # noqa: F811
    await seed(app, [svc("breve.it", "DOM", date(2026, 11, 24))])
    await app.run_lifecycle()  # 21 November: breve.it's 7-day reminder
    clock.day = date(2026, 11, 25)  # delivered the day after its expiry: dropped
    sent = await subjects(app, smtp)
    assert "mariorossi.it scade tra 16 giorni" in sent
    assert not any(s.startswith("breve.it") for s in sent)
