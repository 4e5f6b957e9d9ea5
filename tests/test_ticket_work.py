"""Working tickets (issue 12): saved replies, idle tickets closed and reopened, the rating
after a close, the topic's name, `sportello tickets stats`. The desk runs on the in-memory
room of test_desk.py; the Telegram group end to end is at the bottom (both runtimes)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.app import Sportello
from core.clock import ROME
from core.context import Actor
from core.models import Ticket, TicketNotice
from handlers.desk import Desk, StaffMessage, Undelivered
from handlers.desk_tickets import saved_replies
from handlers.ui import Reply
from tests.chat_helpers import Chat
from tests.cli_run import sportello
from tests.fake_telegram import FakeTelegram
from tests.test_desk import MemoryRoom, StepClock
from tests.test_telegram_e2e import MARIO, STAFF, STRANGER, SUPPORT, linked, running

START = datetime(2026, 11, 21, 10, 0, tzinfo=ROME)


@dataclass
class Chats:
    """The customers' chats, keeping the replies (their buttons) to press them."""

    replies: list[tuple[str, Reply]] = field(default_factory=list)
    down: bool = False

    def reaches(self, chat: str) -> bool:
        return chat.startswith("test:")

    async def deliver(self, chat: str, replies: list[Reply], strict: bool = False) -> bool:
        if self.down and strict:
            raise Undelivered("down")
        self.replies += [(chat, reply) for reply in replies]
        return True

    async def copy(self, chat: str, attachment: object) -> bool:
        return True

    def texts(self) -> list[str]:
        return [reply.text for _, reply in self.replies]


async def _setup(demo: Sportello, topics: bool = False
                 ) -> tuple[Chat, int, Desk, MemoryRoom, Chats, StepClock]:
    clock = StepClock(START)
    demo.clock = clock
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await chat.say("voglio parlare con un operatore")
    await chat.press("Sì, apri la richiesta")
    ticket_id = (await demo.list_tickets(open_only=True))[0].id
    room, chats = MemoryRoom(topics=topics), Chats()
    desk = Desk(demo, chat.engine, room, chats)
    await desk.relay_pending()
    return chat, ticket_id, desk, room, chats, clock


async def _staff_reply(desk: Desk, room: MemoryRoom, text: str, update: str) -> None:
    card = room.sent[0][0]
    await desk.on_message(StaffMessage(7, "anna", text, 3000 + len(room.sent),
                                       reply_to=card, update_id=update))


async def _notices(demo: Sportello) -> int:
    async with demo.sessions() as session:
        return int((await session.execute(select(func.count(TicketNotice.id)))).scalar_one())


# --- idle tickets -----------------------------------------------------------------------

async def test_a_ticket_support_answered_closes_after_the_idle_days_and_reopens_by_answer(
        demo: Sportello) -> None:
    chat, ticket_id, desk, room, chats, clock = await _setup(demo)
    await _staff_reply(desk, room, "Ha provato a svuotare la cache?", "s1")
    clock.at += timedelta(days=6, hours=23)
    await desk.send_notices()
    assert (await demo.get_ticket(ticket_id)).status == "aperto"  # not yet
    clock.at += timedelta(hours=2)
    await desk.send_notices()
    assert (await demo.get_ticket(ticket_id)).status == "chiuso"
    told = [r for _, r in chats.replies if "non abbiamo ricevuto risposta" in r.text]
    assert len(told) == 1 and f"n. {ticket_id}" in told[0].text
    assert [b.label for b in told[0].flat_buttons][:5] == [f"{n} ★" for n in range(1, 6)]
    await desk.send_notices()  # a later round: nothing twice
    assert len([t for t in chats.texts() if "non abbiamo ricevuto" in t]) == 1
    # The customer answers: the ticket opens again and support reads the answer.
    chat.replies = [told[0]]
    await chat.press("Rispondi e riapri")
    assert "riaprirò il ticket" in chat.text
    await chat.say("No, il sito è ancora lento")
    assert f"Ticket n. {ticket_id} riaperto" in chat.text
    view = await demo.get_ticket(ticket_id)
    assert view.status == "aperto" and view.messages[-1].text == "No, il sito è ancora lento"
    await desk.relay_pending()
    assert "No, il sito è ancora lento" in room.sent[-1][1]


async def test_two_workers_closing_idle_tickets_at_once_tell_the_customer_once(
        demo: Sportello) -> None:
    _, ticket_id, desk, room, _, clock = await _setup(demo)
    await _staff_reply(desk, room, "Fatto", "s4")
    clock.at += timedelta(days=8)
    other = Sportello(demo.sessions, demo.settings, clock)  # a second process
    closed = await asyncio.gather(demo.close_idle_tickets(), other.close_idle_tickets())
    assert sorted(closed) == [[], [ticket_id]]
    assert await _notices(demo) == 1


async def test_a_ticket_waiting_for_support_never_closes_for_idleness(
        demo: Sportello) -> None:
    _, ticket_id, desk, room, _, clock = await _setup(demo)
    await _staff_reply(desk, room, "Verifico", "s2")
    customer = (await demo.customer_by_code("C001")).id
    await demo.add_ticket_message(ticket_id, "Grazie, attendo", Actor.customer(customer))
    clock.at += timedelta(days=30)
    assert await demo.close_idle_tickets() == []
    assert (await demo.get_ticket(ticket_id)).status == "aperto"


async def test_the_idle_days_are_a_setting(demo: Sportello) -> None:
    _, ticket_id, desk, room, _, clock = await _setup(demo)
    demo.settings = demo.settings.model_copy(update={"ticket_idle_days": 2})
    await _staff_reply(desk, room, "Fatto", "s3")
    clock.at += timedelta(days=2, minutes=1)
    assert await demo.close_idle_tickets() == [ticket_id]
    assert await demo.close_idle_tickets() == []  # again: nothing


async def test_a_ticket_closed_by_staff_does_not_reopen(demo: Sportello) -> None:
    chat, ticket_id, desk, room, chats, _ = await _setup(demo)
    await desk.on_press(7, "anna", f"close:{ticket_id}", room.sent[0][0], "c1")
    chat.replies = [r for _, r in chats.replies]
    assert "Rispondi e riapri" not in chat.labels
    customer = (await demo.customer_by_code("C001")).id
    with pytest.raises(Exception, match="not_reopenable"):
        await demo.reopen_ticket(ticket_id, customer, "riapro")


# --- closing: the notice and the rating -------------------------------------------------

async def test_a_closed_ticket_is_rated_with_one_tap_and_an_optional_comment(
        demo: Sportello) -> None:
    chat, ticket_id, desk, room, chats, _ = await _setup(demo)
    card = room.sent[0][0]
    await desk.on_press(7, "anna", f"close:{ticket_id}", card, "c2")
    await desk.on_press(7, "anna", f"close:{ticket_id}", card, "c3")  # a double tap
    closed = [r for _, r in chats.replies if "è stato chiuso" in r.text]
    assert len(closed) == 1 and await _notices(demo) == 1
    chat.replies = closed
    await chat.press("4 ★")
    assert "4 su 5" in chat.text
    await chat.say("Veloci e gentili")
    assert "Grazie" in chat.text
    async with demo.sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        assert (ticket.rating, ticket.rating_comment) == (4, "Veloci e gentili")
    chat.replies = closed  # a second tap on another star replaces the rating
    await chat.press("5 ★")
    await chat.press("Nessun commento")
    async with demo.sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.rating == 5


async def test_a_crash_between_the_close_and_the_notice_loses_nothing(
        demo: Sportello) -> None:
    chat, ticket_id, desk, room, chats, _ = await _setup(demo)
    chats.down = True  # Telegram is down when the staff member closes
    answer = await desk.on_press(7, "anna", f"close:{ticket_id}", room.sent[0][0], "c4")
    assert answer.text == "Chiuso da anna."
    assert not [t for t in chats.texts() if "è stato chiuso" in t]
    # The process dies here; another desk (after a restart) finds the notice and sends it.
    after = Chats()
    later = Desk(demo, chat.engine, MemoryRoom(), after)
    await later.send_notices()
    assert len([t for t in after.texts() if f"Il ticket n. {ticket_id} è stato chiuso" in t]) == 1
    await later.send_notices()
    assert len([t for t in after.texts() if "è stato chiuso" in t]) == 1


async def test_the_close_from_the_command_line_tells_the_customer_too(demo: Sportello) -> None:
    _, ticket_id, desk, _, chats, _ = await _setup(demo)
    await demo.close_ticket(ticket_id, "anna")  # what `sportello tickets close` does
    await desk.send_notices()
    assert any(f"Il ticket n. {ticket_id} è stato chiuso" in t for t in chats.texts())


# --- saved replies ----------------------------------------------------------------------

def test_the_saved_replies_are_read_from_the_locales() -> None:
    replies = saved_replies()
    assert len(replies) >= 3 and all(r.title and r.text for r in replies)
    assert all(len(r.title) <= 40 for r in replies)


async def test_saved_replies_are_listed_previewed_and_sent_once(demo: Sportello) -> None:
    _, ticket_id, desk, room, chats, _ = await _setup(demo, topics=True)
    thread = await demo.ticket_thread(ticket_id)
    # Someone not in the group gets nothing.
    await desk.on_message(StaffMessage(99, "mallory", "/risposte", 4000, thread=thread,
                                       update_id="r0"))
    assert len(room.sent) == 1
    await desk.on_message(StaffMessage(7, "anna", "/risposte", 4001, thread=thread,
                                       update_id="r1"))
    await desk.on_message(StaffMessage(7, "anna", "/risposte", 4001, thread=thread,
                                       update_id="r1"))  # delivered again: once
    assert len(room.sent) == 2
    listing, buttons = room.sent[1][1], room.sent[1][2]
    assert f"ticket n. {ticket_id}" in listing and room.sent[1][3] == thread
    assert buttons is not None
    first = saved_replies()[0]
    assert buttons[0][0].label == first.title
    assert not [m for m in (await demo.get_ticket(ticket_id)).messages if m.text == "/risposte"]
    refused = await desk.on_press(99, "mallory", buttons[0][0].payload, room.sent[1][0], "p0")
    assert refused.alert and len(room.sent) == 2
    await desk.on_press(7, "anna", buttons[0][0].payload, room.sent[1][0], "p1")
    preview_id, preview, send_buttons, where, _ = room.sent[2]
    assert first.text in preview and where == thread and send_buttons is not None
    send = send_buttons[0][0]
    assert send.label == "Invia così"
    await desk.on_press(7, "anna", send.payload, preview_id, "p2")
    await desk.on_press(7, "anna", send.payload, preview_id, "p3")  # a double tap
    staff = [m for m in (await demo.get_ticket(ticket_id)).messages
             if m.author_kind == "support"]
    assert [m.text for m in staff] == [first.text]
    assert len([t for t in chats.texts() if first.text in t]) == 1
    assert room.edits[-1][0] == preview_id and "inviata al cliente da anna" in room.edits[-1][1]


async def test_a_saved_reply_edited_before_it_goes(demo: Sportello) -> None:
    _, ticket_id, desk, room, chats, _ = await _setup(demo)
    card = room.sent[0][0]
    await desk.on_message(StaffMessage(7, "anna", "/risposte", 4100, reply_to=card,
                                       update_id="e1"))
    pick = room.sent[-1][2]
    assert pick is not None
    await desk.on_press(7, "anna", pick[0][1].payload if len(pick[0]) > 1
                        else pick[1][0].payload, room.sent[-1][0], "e2")
    preview_id = room.sent[-1][0]
    edited = "Il bonifico non risulta ancora: arriva di solito entro domani."
    await desk.on_message(StaffMessage(7, "anna", edited, 4101, reply_to=preview_id,
                                       update_id="e3"))
    assert [m.text for m in (await demo.get_ticket(ticket_id)).messages
            if m.author_kind == "support"] == [edited]
    assert any(edited in t for t in chats.texts())


async def test_saved_reply_buttons_forged_or_on_a_closed_ticket_change_nothing(
        demo: Sportello) -> None:
    _, ticket_id, desk, _, _, _ = await _setup(demo)
    for data in ("tw.pick:", "tw.pick:1", "tw.send:x:0", f"tw.send:{ticket_id}:999"):
        assert (await desk.on_press(7, "anna", data, None, f"x{data}")).alert, data
    await demo.close_ticket(ticket_id, "anna")
    answer = await desk.on_press(7, "anna", f"tw.send:{ticket_id}:0", 1, "x-closed")
    assert answer.alert
    assert not [m for m in (await demo.get_ticket(ticket_id)).messages
                if m.author_kind == "support"]


# --- the topic's name -------------------------------------------------------------------

async def test_the_topic_name_carries_number_customer_and_state(demo: Sportello) -> None:
    _, ticket_id, desk, room, _, _ = await _setup(demo, topics=True)
    thread = await demo.ticket_thread(ticket_id)
    assert thread is not None
    assert room.topic_names[thread] == f"#{ticket_id} Mario Rossi · Aperto"
    await desk.on_press(7, "anna", f"take:{ticket_id}", room.sent[0][0], "t1")
    assert room.topic_names[thread] == f"#{ticket_id} Mario Rossi · In carico"
    room.down = True  # renamed at the next round, not lost
    await desk.on_press(7, "anna", f"close:{ticket_id}", room.sent[0][0], "t2")
    assert room.topic_names[thread].endswith("In carico")
    room.down = False
    await desk.send_notices()
    assert room.topic_names[thread] == f"#{ticket_id} Mario Rossi · Chiuso"


# --- sportello tickets stats ------------------------------------------------------------

async def _week_of_work(demo: Sportello) -> None:
    """Two tickets on 21 November 2026: one answered in 2 h and closed after a day,
    rated 4; one answered in 4 h and left open."""
    clock = StepClock(START)
    demo.clock = clock
    mario = (await demo.customer_by_code("C001")).id
    first = await demo.open_ticket(mario, "tecnico", "Il sito è lento")
    second = await demo.open_ticket(mario, "altro", "Una domanda")
    clock.at += timedelta(hours=2)
    await demo.add_ticket_message(first.id, "Fatto", Actor.support("anna"))
    clock.at += timedelta(hours=2)
    await demo.add_ticket_message(second.id, "Ecco", Actor.support("anna"))
    clock.at = START + timedelta(days=1)
    await demo.close_ticket(first.id, "anna")
    await demo.rate_ticket(first.id, mario, 4)


async def test_stats_per_week(demo: Sportello) -> None:
    await _week_of_work(demo)
    weeks = await demo.ticket_stats(2)
    assert [w.week.isoformat() for w in weeks] == ["2026-11-09", "2026-11-16"]
    this = weeks[-1]
    assert (this.opened, this.closed, this.rating, this.ratings) == (2, 1, 4.0, 1)
    assert this.first_response == 3 * 3600  # median of 2 h and 4 h
    assert this.resolution == 24 * 3600
    assert weeks[0].opened == 0 and weeks[0].first_response is None


async def test_the_stats_command_prints_aligned_italian_columns_and_json(
        demo: Sportello, database_url: str) -> None:
    await _week_of_work(demo)
    env_db = ["--db", database_url, "--today", "2026-11-22"]
    done = sportello(["tickets", "stats", "--weeks", "2", *env_db])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Ticket per settimana (ultime 2):"
    header, rows = lines[1], lines[2:]
    for word in ("Settimana dal", "Aperti", "Chiusi", "Prima risposta", "Risoluzione",
                 "Voto medio"):
        assert word in header
    assert len(rows) == 2 and "16 novembre 2026" in rows[1]
    assert "3 h 0 min" in rows[1] and "1 g 0 h" in rows[1] and "4 (1)" in rows[1]
    assert len({len(line) for line in lines[1:]} | {len(header)}) <= 2  # aligned
    data = json.loads(sportello(["tickets", "stats", "--weeks", "2", "--json",
                                 *env_db]).stdout)
    assert data[1] == {"week": "2026-11-16", "opened": 2, "closed": 1,
                       "median_first_response_s": 10800.0, "median_resolution_s": 86400.0,
                       "average_rating": 4.0, "ratings": 1}


@pytest.mark.parametrize("weeks", ["0", "105", "tre", "-1"])
async def test_bad_weeks_is_one_italian_line_and_exit_2(database_url: str,
                                                         weeks: str) -> None:
    done = sportello(["tickets", "stats", "--weeks", weeks, "--db", database_url])
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == "--weeks: serve un numero di settimane da 1 a 104."


async def test_close_idle_from_the_command_line(demo: Sportello, database_url: str) -> None:
    await _week_of_work(demo)  # the second ticket's last word is support's, on 21 November
    early = sportello(["tickets", "close-idle", "--db", database_url, "--today", "2026-11-25"])
    assert early.returncode == 0 and early.stdout.strip() == (
        "Ticket chiusi per mancata risposta: 0.")
    late = sportello(["tickets", "close-idle", "--db", database_url, "--today", "2026-11-30"])
    assert late.stdout.strip() == "Ticket chiusi per mancata risposta: 1."


# --- the support group on Telegram, both runtimes ---------------------------------------

async def test_saved_reply_rating_and_topic_name_through_telegram(
        forum_bot: tuple[FakeTelegram, Sportello, object]) -> None:
    fake, app, _ = forum_bot
    await linked(fake, app)
    fake.user_message(MARIO, "/ticket")
    category = await fake.wait_for(MARIO.id, "Di cosa si tratta?")
    fake.press(MARIO, category, "Problema tecnico")
    await fake.wait_for(MARIO.id, "Descrivi la richiesta")
    fake.user_message(MARIO, "Il sito dà errore 500")
    card = await fake.wait_for(SUPPORT, "Ticket n. 1 · Problema tecnico")
    thread = card.thread_id
    assert thread is not None and fake.topics[thread] == "#1 Mario Rossi · Aperto"
    # Not a group member: no list.
    fake.user_message(STRANGER, "/risposte", chat_id=SUPPORT, thread_id=thread)
    fake.user_message(STAFF, "/risposte", chat_id=SUPPORT, thread_id=thread)
    listing = await fake.wait_for(SUPPORT, "Risposte pronte per il ticket n. 1")
    assert len([s for s in fake.to(SUPPORT) if "Risposte pronte" in s.text]) == 1
    first = saved_replies()[0]
    fake.press(STAFF, listing, first.title)
    preview = await fake.wait_for(SUPPORT, f"Risposta pronta «{first.title}»")
    answered = len(fake.callback_answers)
    fake.press(STAFF, preview, "Invia così")
    fake.press(STAFF, preview, "Invia così")  # a double tap
    await fake.until(lambda: len(fake.callback_answers) >= answered + 2)
    await fake.wait_for(MARIO.id, first.text)
    await fake.idle()
    assert len([s for s in fake.to(MARIO.id) if first.text in s.text]) == 1
    fake.press(STAFF, card, "Prendi in carico")
    await fake.until(lambda: fake.topics[thread].endswith("In carico"))
    fake.press(STAFF, card, "Chiudi")
    closed = await fake.wait_for(MARIO.id, "Il ticket n. 1 è stato chiuso.")
    await fake.until(lambda: fake.topics[thread] == "#1 Mario Rossi · Chiuso")
    fake.press(MARIO, closed, "5 ★")
    await fake.wait_for(MARIO.id, "5 su 5")
    async with app.sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and ticket.rating == 5


@pytest.fixture(params=["ptb", "aiogram"])
async def forum_bot(request: pytest.FixtureRequest, sessions, database_url, clock
                    ) -> AsyncIterator[tuple[FakeTelegram, Sportello, object]]:
    """The bot on each runtime, its support group a forum (one topic per ticket)."""
    async with running(request.param, sessions, database_url, clock) as (fake, app, runner):
        fake.forum_chats.add(SUPPORT)
        yield fake, app, runner
