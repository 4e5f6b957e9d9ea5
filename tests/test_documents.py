"""Every document issued is frozen in the transaction that issues it: an SdI progressive
without gaps across fatture and note di credito, and the content its XML and PDF come from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.app import Sportello
from core.documents import file_name, progressive
from core.payments import SUCCESS_TEST_CARD
from tests.helpers import ACCEPTED, customer_id, seed, svc

D = Decimal


def test_the_sdi_progressive_is_five_base36_characters() -> None:
    assert [progressive(n) for n in (1, 9, 10, 35, 36, 36 ** 5 - 1)] == [
        "00001", "00009", "0000A", "0000Z", "00010", "ZZZZZ"]
    assert file_name("IT01234567897", 36) == "IT01234567897_00010.xml"
    for wrong in (0, -1, 36 ** 5):
        with pytest.raises(ValueError):
            progressive(wrong)


async def test_a_paid_order_and_a_credit_note_are_frozen_in_one_series(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    fattura = await app.document("2026/000001", cid)
    assert fattura is not None and fattura.type == "TD01" and fattura.sdi_seq == 1
    assert fattura.file_name == "IT01234567897_00001.xml"
    assert (fattura.subtotal, fattura.vat, fattura.total) == (D("9.90"), D("2.18"), D("12.08"))
    [line] = fattura.lines
    assert (line.kind, line.service, line.plan, line.amount) == (
        "renewal", "mariorossi.it", "Dominio .it", D("9.90"))
    assert (line.period_from, line.period_to) == (date(2026, 12, 11), date(2027, 12, 11))
    assert (fattura.customer.code, fattura.customer.name, fattura.method) == (
        "C001", "Mario Rossi", "carta")
    assert fattura.provider.name == app.settings.provider_name and fattura.paid
    # Another customer never reaches it.
    assert await app.document("2026/000001", await customer_id(app, "C002")) is None
    note = await app.issue_credit_note("2026/000001", D("5.00"), "anna", "rimborso parziale")
    credit = await app.document(note.number)
    assert credit is not None and credit.type == "TD04" and credit.sdi_seq == 2
    assert credit.credits == ("2026/000001", date(2026, 11, 21))
    assert credit.reason == "rimborso parziale" and credit.total == D("6.10")
    listed = await app.documents_between(date(2026, 11, 1), date(2026, 11, 30))
    assert [d.number for d in listed] == ["2026/000001", "NC 2026/000001"]


async def test_the_sweep_freezes_its_on_sight_fatture_with_their_periods(app: Sportello) -> None:
    ids = await seed(app, [svc("vps", "V50", date(2026, 11, 30), renewal="automatico"),
                           svc("vps2", "V70", date(2026, 11, 30), renewal="automatico",
                               customer="C002")])
    await app.run_lifecycle(date(2026, 11, 30))
    found = await app.documents_between(date(2026, 11, 30), date(2026, 11, 30))
    assert sorted(d.sdi_seq for d in found) == [1, 2]
    by_service = {d.lines[0].service: d for d in found}
    vps = by_service["vps"]
    assert (vps.lines[0].period_from, vps.lines[0].period_to) == (
        date(2026, 11, 30), date(2027, 11, 30))
    assert not vps.paid and vps.due_on == date(2026, 12, 10) and vps.total == D("732.00")
    assert ids["vps"] and by_service["vps2"].customer.code == "C002"
