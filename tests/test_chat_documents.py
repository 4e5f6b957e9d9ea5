"""Documents through the chat (demo data): the receipt after a card payment, «Ordini e
fatture» with a fattura and its nota di credito, «Scarica PDF» in the terminal, and
buttons that must not send anything."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from bot.terminal import chat as terminal_chat
from core.app import Sportello
from handlers.engine import Engine
from handlers.ui import DocumentRequest, Incoming, Reply
from tests.chat_helpers import Chat
from tests.pdf_text import check_structure, text

D = Decimal


async def mario(app: Sportello, chat_id: str = "test:1") -> Chat:
    return await Chat.open(app, (await app.customer_by_code("C001")).id, chat_id)


async def pay_domain(chat: Chat) -> str:
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    return await chat.say("4242 4242 4242 4242")


async def test_the_receipt_after_a_card_payment_says_what_was_bought(demo: Sportello) -> None:
    chat = await mario(demo)
    receipt = await pay_domain(chat)
    assert receipt.startswith("Pagamento riuscito: € 12,08. Fattura n. 2026/000001.\n"
                              "Hai acquistato:\n"
                              "• Rinnovo Dominio .it – mariorossi.it: € 9,90\n"
                              "  dall'11 dicembre 2026 all'11 dicembre 2027\n"
                              "Imponibile € 9,90 · IVA 22% € 2,18 · Totale pagato € 12,08\n"
                              "• mariorossi.it rinnovato fino all'11 dicembre 2027")
    assert chat.labels[0] == "Scarica PDF 2026/000001"
    await chat.press("Scarica PDF 2026/000001")
    [reply] = chat.replies
    assert reply.document == DocumentRequest("2026/000001", "Fattura_2026-000001.pdf")
    assert reply.text.startswith("Fattura n. 2026/000001 del 21 novembre 2026: copia di "
                                 "cortesia in PDF.")
    # Kept for a replay of the update as a reference, never as bytes.
    assert Reply.from_dict(reply.to_dict()) == reply
    assert reply.to_dict()["document"] == {"number": "2026/000001",
                                           "file_name": "Fattura_2026-000001.pdf"}


async def test_orders_show_a_fattura_and_its_nota_di_credito_signed(demo: Sportello) -> None:
    chat = await mario(demo)
    await pay_domain(chat)
    await demo.issue_credit_note("2026/000001", D("5.00"), "anna", "rimborso parziale")
    await chat.press("Menu principale")
    orders = await chat.press("Ordini e fatture")
    assert ("Fatture e note di credito\n"
            "• Fattura 2026/000001 del 21 novembre 2026\n"
            "  Imponibile € 9,90 · IVA € 2,18 · Totale € 12,08 · Pagata\n"
            "  ↳ Nota di credito NC 2026/000001 del 21 novembre 2026: − € 6,10 "
            "(imponibile − € 5,00, IVA − € 1,10)") in orders
    assert {"Scarica PDF 2026/000001", "Scarica PDF NC 2026/000001"} <= set(chat.labels)
    await chat.press("Scarica PDF NC 2026/000001")
    [reply] = chat.replies
    assert reply.document == DocumentRequest("NC 2026/000001",
                                             "Nota_di_credito_NC_2026-000001.pdf")


async def test_scarica_pdf_in_the_terminal_writes_the_file(demo: Sportello,
                                                          tmp_path: Path) -> None:
    await pay_domain(await mario(demo))
    customer = await demo.customer_by_code("C001")
    out = io.StringIO()
    # Menu: Ordini e fatture is button 6; then its «Scarica PDF 2026/000001».
    source = io.StringIO("6\nScarica PDF 2026/000001\n")
    assert await terminal_chat(Engine(demo), customer.id, "term:pdf", source, out,
                               folder=tmp_path / "documenti") == 0
    path = tmp_path / "documenti" / "Fattura_2026-000001.pdf"
    assert f"File salvato: {path}" in out.getvalue()
    data = path.read_bytes()
    assert check_structure(data) == 1
    said = text(data)
    assert "Fattura n. 2026/000001 del 21 novembre 2026" in said and "€ 12,08" in said


async def test_forged_stale_or_another_customers_document_sends_nothing(
        demo: Sportello) -> None:
    chat = await mario(demo)
    await pay_domain(chat)
    # A payload the bot never made.
    await chat.type("Menu principale")
    forged = await chat.send(Incoming(chat.chat_id, payload="not-a-token",
                                      update_id="forged-1"))
    assert "Questa azione non è più valida" in forged[0].text
    assert all(r.document is None for r in forged)
    # Another customer's fattura behind a button of this chat (as if the document had
    # moved): the flow checks ownership again.
    giulia = await Chat.open(demo, (await demo.customer_by_code("C002")).id, "test:giulia")
    replies = await giulia.engine.push(giulia.chat_id, lambda turn: _offer(turn, "2026/000001"))
    giulia.replies = replies
    answer = await giulia.press("Scarica PDF 2026/000001")
    assert answer.startswith("Non trovo questo documento tra le tue fatture")
    assert all(r.document is None for r in giulia.replies)
    # A button from a screen long gone.
    orders = await chat.press("Ordini e fatture")
    assert "2026/000001" in orders
    old = chat.payload("Scarica PDF 2026/000001")
    for _ in range(6):
        await chat.command("menu")
    stale = await chat.send(Incoming(chat.chat_id, payload=old, update_id="stale-1"))
    assert "Questa azione non è più valida" in stale[0].text
    assert all(r.document is None for r in stale)


async def _offer(turn, number: str) -> None:  # type: ignore[no-untyped-def]
    turn.say("x", turn.btn(f"Scarica PDF {number}", "orders.pdf", n=number))


async def test_a_transfer_registered_later_sends_the_receipt(demo: Sportello) -> None:
    from handlers.flows.notices import notice

    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Bonifico bancario")
    pending = await chat.press("Procedi al pagamento")
    assert "SPT-000001" in pending
    await demo.register_payment("SPT-000001", D("12.08"), "anna", "bonifico", "CRO-1")
    [paid] = [n for n in await demo.unsent_notices() if n.kind == "order_paid"]
    chat.replies = await chat.engine.push(chat.chat_id, lambda turn: notice(turn, paid))
    assert chat.text.startswith(
        "Abbiamo registrato il pagamento dell'ordine SPT-000001 (€ 12,08). Grazie!\n"
        "Hai acquistato:\n• Rinnovo Dominio .it – mariorossi.it: € 9,90")
    await chat.press("Scarica PDF 2026/000001")
    assert chat.replies[0].document == DocumentRequest("2026/000001",
                                                       "Fattura_2026-000001.pdf")
