"""A document's PDF copy reaches the customer by sendDocument, in both runtimes (real
python-telegram-bot and aiogram stacks against tests/fake_telegram.py), and a 5xx or a
429 on sendDocument is retried like any other send."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.runner import BotRunner
from core.app import Sportello
from core.payments import SUCCESS_TEST_CARD
from tests.fake_telegram import FakeTelegram, Sent
from tests.helpers import ACCEPTED
from tests.pdf_text import check_structure, text
from tests.test_telegram_e2e import MARIO, linked, running


@pytest.fixture(params=["ptb", "aiogram"])
async def telegram(request: pytest.FixtureRequest, sessions, database_url, clock
                   ) -> AsyncIterator[tuple[FakeTelegram, Sportello, BotRunner]]:
    async with running(request.param, sessions, database_url, clock) as bot:
        yield bot


async def paid_fattura(app: Sportello) -> None:
    """Mario renews mariorossi.it by card outside the chat: fattura 2026/000001."""
    customer = await app.customer_by_code("C001")
    domain = next(s for s in await app.list_services(customer.id)
                  if s.name == "mariorossi.it")
    quote = await app.quote_renewal(customer.id, [domain.id])
    await app.checkout(customer.id, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)


async def orders_screen(fake: FakeTelegram) -> Sent:
    fake.user_message(MARIO, "/menu")
    menu = await fake.wait_for(MARIO.id, "Cosa vuoi fare?", after=len(fake.to(MARIO.id)))
    fake.press(MARIO, menu, "Ordini e fatture")
    return await fake.wait_for(MARIO.id, "Fatture e note di credito")


def assert_the_fattura(document: Sent) -> None:
    assert document.document is not None
    name, data = document.document
    assert name == "Fattura_2026-000001.pdf"
    assert check_structure(data) == 1
    said = text(data)
    assert "Fattura n. 2026/000001 del 21 novembre 2026" in said and "€ 12,08" in said
    assert document.text.startswith("Fattura n. 2026/000001 del 21 novembre 2026: copia")


async def test_scarica_pdf_sends_the_document(telegram: Any) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    await paid_fattura(app)
    orders = await orders_screen(fake)
    edits = orders.edits
    fake.press(MARIO, orders, "Scarica PDF 2026/000001")
    await fake.until(lambda: len(fake.documents(MARIO.id)) == 1)
    [document] = fake.documents(MARIO.id)
    assert_the_fattura(document)
    # The orders screen stays as it was: the file comes as a message of its own.
    assert orders.edits == edits and "Fatture e note di credito" in orders.text


@pytest.mark.parametrize("fault", ["5xx", "429"])
async def test_send_document_is_retried(telegram: Any, fault: str) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    await paid_fattura(app)
    orders = await orders_screen(fake)
    if fault == "5xx":
        fake.fail("sendDocument", 502)
    else:
        fake.failures.append(("sendDocument", 429, {
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1}}))
    fake.press(MARIO, orders, "Scarica PDF 2026/000001")
    await fake.until(lambda: len(fake.documents(MARIO.id)) == 1)
    attempts = [c for c in fake.calls if c[0] == "sendDocument"]
    assert len(attempts) == 2  # the refused one, then the one that went through
    assert_the_fattura(fake.documents(MARIO.id)[0])
