"""The numbers the settings control reach every sentence that states them: with a 30-day
recovery window, 20 days to pay an on-sight fattura and reminders at 45, 15 and 3 days, the
customer reads those numbers, never the defaults (10 days; 30, 7 and 1)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.app import Sportello
from core.clock import FixedClock
from core.pricing import FREE_UPGRADE_DAYS
from handlers.flows import notices
from handlers.i18n import days_list, t
from tests.chat_helpers import Chat
from tests.conftest import make_settings
from tests.helpers import customer_id, seed, svc

LOCALES = Path(__file__).parent.parent / "locales" / "it"
DEFAULTS = ("10 giorni", "7 giorni", "1 giorno", "30, 7", "7 e 1", "entro 10", "sospeso per 10")


@pytest.fixture
def configured(sessions: async_sessionmaker[AsyncSession], database_url: str,
               clock: FixedClock) -> Sportello:
    settings = make_settings(database_url, recovery_days=30, tacit_payment_days=20,
                             reminder_days=(45, 15, 3), policy="mesi-arrotondati")
    return Sportello(sessions, settings, clock)


async def test_every_screen_states_the_configured_numbers(configured: Sportello) -> None:
    """Today is 21 November 2026."""
    app = configured
    await seed(app, [
        svc("presto.it", "DOM", date(2026, 12, 31)),  # 40 days left: within 45
        svc("sito.it", "H60", date(2027, 6, 1)),
        svc("corto.it", "H60", date(2026, 11, 30)),  # 9 days: free upgrade, renewal now
        svc("recente.it", "DOM", date(2026, 11, 1), status="scaduto"),  # 20 days ago
        svc("vecchio.it", "DOM", date(2026, 10, 17), status="scaduto"),  # 35 days ago
        svc("auto.it", "DOM", date(2026, 11, 21), renewal="automatico"),  # expires today
    ])
    chat = await Chat.open(app, await customer_id(app, "C001"))
    seen: list[str] = []

    # I miei prodotti: «In scadenza» and «Scade tra» follow the reminder window.
    listing = await chat.press("I miei prodotti")
    seen.append(listing)
    assert "Scadenza 31 dicembre 2026 · Rinnovo su richiesta · In scadenza" in listing
    seen.append(detail := await chat.press("presto.it"))
    assert "Scade tra 40 giorni." in detail

    # Renewal mode: 20 days to pay; reminders 45, 15 and 3 days before.
    seen.append(asked := await chat.press("Passa al rinnovo automatico"))
    assert "da pagare a vista entro 20 giorni." in asked
    seen.append(automatic := await chat.press("Attiva il rinnovo automatico"))
    assert "riceverai la fattura da saldare entro 20 giorni." in automatic
    await chat.press("I miei prodotti")
    await chat.press("presto.it")
    seen.append(manual := await chat.press("Passa al rinnovo su richiesta"))
    assert ("ti ricorderemo la scadenza 45, 15 e 3 giorni prima.") in manual

    # Non rinnovare: suspended for 30 days, recoverable until expiry + 30.
    await chat.command("menu")
    await chat.press("Non rinnovare")
    seen.append(cancel := await chat.press("sito.it"))
    assert ("• per 30 giorni dopo la scadenza, fino al 1° luglio 2027, puoi ancora "
            "recuperarlo") in cancel
    await chat.command("annulla")

    # Recovery: free within 30 days (a default window would have closed 11 November).
    await chat.press("I miei prodotti")
    seen.append(lapsed := await chat.press("recente.it"))
    assert ("Scaduto da 20 giorni: recuperabile senza costi aggiuntivi fino al 1° dicembre "
            "2026.") in lapsed
    seen.append(recovery := await chat.press("Recupera prodotto"))
    assert "pagando il rinnovo (dal 1° novembre 2026 al 1° novembre 2027) entro il 1° dicembre" \
        in recovery
    await chat.command("annulla")

    # Beyond the window: renewing is refused, recovering opens a ticket.
    seen.append(refused := await chat.say("vorrei rinnovare vecchio.it"))
    assert refused.startswith("Sono passati più di 30 giorni dalla scadenza")
    await chat.command("menu")
    await chat.press("I miei prodotti")
    seen.append(late := await chat.press("vecchio.it"))
    assert "Scaduto da 35 giorni: il recupero richiede l'intervento del supporto." in late
    seen.append(ticket := await chat.press("Recupera prodotto"))
    assert "vecchio.it è scaduto da 35 giorni: oltre i 30 giorni il recupero" in ticket

    # Upgrade near expiry: the threshold is pricing's constant, stated from it.
    await chat.command("menu")
    await chat.press("Upgrade / cambio piano")
    await chat.press("corto.it")
    seen.append(quote := await chat.press("Hosting Pro"))
    assert f"a meno di {FREE_UPGRADE_DAYS} giorni dalla scadenza l'upgrade è gratuito" in quote

    # The sweep (last: it deletes what is past the window) issues an on-sight fattura due
    # in 20 days and a reminder 45 days ahead.
    swept = await app.run_lifecycle()
    assert {n.kind for n in swept.notices} >= {"tacit_invoice", "reminder_45"}
    for item in swept.notices:
        replies = await chat.engine.push(
            chat.chat_id, lambda turn, item=item: notices.notice(turn, item))
        seen += [r.text for r in replies]
    assert any("auto.it" in s and "va saldata entro l'11 dicembre 2026" in s for s in seen)
    assert "presto.it scade tra 40 giorni, il 31 dicembre 2026." in "\n".join(seen)

    text = "\n".join(seen)
    assert [d for d in DEFAULTS if d in text] == []


def test_reminder_days_read_as_an_italian_list() -> None:
    assert days_list((30, 7, 1)) == "30, 7 e 1 giorni"
    assert days_list((45, 3)) == "45 e 3 giorni"
    assert days_list((1,)) == "1 giorno"
    assert t("mode-explain-su_richiesta", count=0, reminders=days_list(())) == (
        "Lo rinnoverai tu, con «Rinnova ora».")


# Sentences stating a number a setting (or pricing's constant) controls, and the variable
# that carries it: rendered with two values, each must show its own.
STATED = {"err-recovery-over": "days", "mode-explain-automatico": "days",
          "cancel-warning": "days", "mode-auto-ask": "days", "recover-ticket": "window",
          "quote-renewal-required": "days", "notice-reminder": "days"}


@pytest.mark.parametrize("key", sorted(STATED))
def test_the_number_comes_from_the_variable(key: str) -> None:
    base = {"name": "x", "expiry": date(2026, 12, 1), "until": date(2026, 12, 31),
            "days": 40, "window": 40, "ticket": "1", "category": "dominio",
            "price": "€ 9,90/anno"}
    for value, shown in ((23, "23 giorni"), (1, "giorno")):
        text = t(key, **{**base, STATED[key]: value})
        assert shown in text, text


# Numbers no setting controls: a command's fixed default, stated in its own help text.
FIXED_IN_CODE = {"cli-help-cancellations-from"}


def test_no_message_states_a_bare_number_of_days_or_hours() -> None:
    """Days and hours always come from a variable (`{ $days } giorni`), never a literal."""
    bare = re.compile(r"\b\d+\s*(giorn[oi]|or[ae])\b|\b\d+\s*,\s*\d+\s+e\s+\d+\b|"
                      r"\b(due|tre|cinque|sette|dieci|quindici|trenta)\s+(giorn|or)",
                      re.IGNORECASE)
    offenders = [f"{path.name}:{number}: {line.strip()}"
                 for path in sorted(LOCALES.glob("*.ftl"))
                 for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                 if not line.lstrip().startswith("#") and bare.search(line)
                 and line.split(" =", 1)[0] not in FIXED_IN_CODE]
    assert offenders == []
