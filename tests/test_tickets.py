"""Tickets: open, converse, take, close; customers see and touch only their own."""

from __future__ import annotations

from datetime import date

import pytest

from core.app import Sportello
from core.context import Actor
from core.errors import NotAllowed, NotFound, TicketClosed
from tests.helpers import customer_id, seed, svc


async def test_ticket_lifecycle(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    mario = await customer_id(app, "C001")
    ticket = await app.open_ticket(
        mario, "pagamento", "Il pagamento con carta non va a buon fine",
        service_id=ids["mariorossi.it"],
        context={"flow": "renew", "step": "payment", "conversation": ["Rinnova ora"]},
        key="upd-1")
    assert (ticket.status, ticket.category, ticket.service_id) == (
        "aperto", "pagamento", ids["mariorossi.it"])
    assert ticket.context["flow"] == "renew"
    assert [m.text for m in ticket.messages] == ["Il pagamento con carta non va a buon fine"]
    same = await app.open_ticket(mario, "pagamento", "Il pagamento...", key="upd-1")
    assert same.id == ticket.id  # the repeated update opened nothing new
    taken = await app.assign_ticket(ticket.id, "anna")
    assert (taken.status, taken.assigned_to) == ("in_carico", "anna")
    await app.add_ticket_message(ticket.id, "Può riprovare ora?", Actor.support("anna"))
    after = await app.add_ticket_message(ticket.id, "Fatto, grazie", Actor.customer(mario))
    assert [(m.author_kind, m.text) for m in after.messages][1:] == [
        ("support", "Può riprovare ora?"), ("customer", "Fatto, grazie")]
    closed = await app.close_ticket(ticket.id, "anna", reason="risolto")
    assert closed.status == "chiuso"
    with pytest.raises(TicketClosed):
        await app.add_ticket_message(ticket.id, "ancora io", Actor.customer(mario))
    with pytest.raises(TicketClosed):
        await app.assign_ticket(ticket.id, "bruno")
    assert [t.id for t in await app.list_tickets(mario)] == [ticket.id]
    assert await app.list_tickets(open_only=True) == []


async def test_customers_cannot_touch_other_customers_tickets(app: Sportello) -> None:
    ids = await seed(app, [svc("giulia.it", "DOM", date(2026, 12, 11), customer="C002")])
    mario, giulia = await customer_id(app, "C001"), await customer_id(app, "C002")
    ticket = await app.open_ticket(giulia, "altro", "Domanda")
    with pytest.raises(NotFound):
        await app.get_ticket(ticket.id, mario)
    with pytest.raises(NotFound):
        await app.add_ticket_message(ticket.id, "intruso", Actor.customer(mario))
    with pytest.raises(NotFound):
        await app.open_ticket(mario, "altro", "su un servizio non mio",
                              service_id=ids["giulia.it"])
    assert await app.list_tickets(mario) == []
    assert len((await app.get_ticket(ticket.id)).messages) == 1


async def test_empty_and_huge_messages(app: Sportello) -> None:
    await seed(app, [])
    mario = await customer_id(app, "C001")
    ticket = await app.open_ticket(mario, "altro", "🙂" * 10)
    with pytest.raises(NotAllowed):
        await app.add_ticket_message(ticket.id, "   ", Actor.customer(mario))
    huge = await app.add_ticket_message(ticket.id, "a" * 10_000, Actor.customer(mario))
    assert len(huge.messages[-1].text) == 4000


async def test_nul_characters_are_dropped_not_fatal(app: Sportello) -> None:
    await seed(app, [])
    mario = await customer_id(app, "C001")
    ticket = await app.open_ticket(mario, "altro", "prima\x00dopo")
    assert ticket.messages[0].text == "primadopo" and ticket.subject == "primadopo"
