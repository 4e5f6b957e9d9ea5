"""The support desk with no transport: staff input in, what it sends out through its ports.

The Telegram group itself is tested end to end in test_telegram_e2e.py; here the desk's
rules are pinned down on a room and chats kept in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.app import Sportello
from core.clock import ROME, FixedClock
from core.context import Actor
from handlers.desk import Desk, Refused, StaffMessage, Undelivered
from handlers.engine import Engine
from handlers.ui import Button, Reply
from tests.chat_helpers import Chat
from tests.helpers import ACCEPTED


@dataclass
class MemoryRoom:
    key: str = "-100"
    topics: bool = False
    members: dict[int, str] = field(default_factory=lambda: {7: "member"})
    sent: list[tuple[int, str, list[list[Button]] | None, int | None, int | None]] = field(
        default_factory=list)
    edits: list[tuple[int, str]] = field(default_factory=list)
    status_asked: int = 0
    down: bool = False
    next_id: int = 1000
    topic_names: dict[int, str] = field(default_factory=dict)

    async def send(self, text: str, buttons: list[list[Button]] | None = None,
                   thread: int | None = None, reply_to: int | None = None) -> int:
        if self.down:
            raise Undelivered("down")
        self.next_id += 1
        self.sent.append((self.next_id, text, buttons, thread, reply_to))
        return self.next_id

    async def edit(self, message_id: int, text: str,
                   buttons: list[list[Button]] | None) -> None:
        self.edits.append((message_id, text))

    async def create_topic(self, name: str) -> int:
        self.next_id += 1
        self.topic_names[self.next_id] = name
        return self.next_id

    async def rename_topic(self, thread: int, name: str) -> None:
        if self.down:
            raise Undelivered("down")
        self.topic_names[thread] = name

    async def has_topics(self) -> bool:
        return self.topics

    async def member_status(self, user_id: int) -> str:
        self.status_asked += 1
        if user_id not in self.members:
            raise Refused("user not found")
        return self.members[user_id]


@dataclass
class MemoryChats:
    delivered: list[tuple[str, str]] = field(default_factory=list)
    down: bool = False

    def reaches(self, chat: str) -> bool:
        return chat.startswith("test:")

    async def deliver(self, chat: str, replies: list[Reply], strict: bool = False) -> bool:
        if self.down and strict:
            raise Undelivered("down")
        self.delivered += [(chat, reply.text) for reply in replies]
        return True


class StepClock(FixedClock):
    """A day whose time moves only when the test says so."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start.date())
        self.at = start

    def now(self) -> datetime:
        return self.at


async def _ticket(demo: Sportello) -> tuple[Chat, int]:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await chat.say("voglio parlare con un operatore")
    await chat.press("Sì, apri la richiesta")
    ticket = (await demo.list_tickets(open_only=True))[0]
    return chat, ticket.id


async def test_a_customer_ticket_becomes_one_card_and_staff_replies_reach_the_customer(
        demo: Sportello) -> None:
    chat, ticket_id = await _ticket(demo)
    room, chats = MemoryRoom(), MemoryChats()
    desk = Desk(demo, chat.engine, room, chats)
    await desk.relay_pending()
    await desk.relay_pending()  # nothing twice
    assert len(room.sent) == 1
    card_id, card, buttons, _, _ = room.sent[0]
    assert card.startswith(f"Ticket n. {ticket_id}") and "Mario Rossi (C001)" in card
    assert buttons and [b.payload for b in buttons[0]] == [f"take:{ticket_id}",
                                                          f"close:{ticket_id}"]
    # A staff member answers the card: the customer reads it in the chat.
    await desk.on_message(StaffMessage(7, "anna", "La chiamo alle 15", 2001, reply_to=card_id,
                                       update_id="u1"))
    assert any("La chiamo alle 15" in text for chat_key, text in chats.delivered
               if chat_key == chat.chat_id)
    # The same update again changes nothing.
    before = list(chats.delivered)
    await desk.on_message(StaffMessage(7, "anna", "La chiamo alle 15", 2001, reply_to=card_id,
                                       update_id="u1"))
    assert chats.delivered == before
    messages = (await demo.get_ticket(ticket_id)).messages
    assert [m.text for m in messages].count("La chiamo alle 15") == 1


async def test_only_members_act_and_membership_is_asked_again_after_five_minutes(
        demo: Sportello) -> None:
    chat, ticket_id = await _ticket(demo)
    clock = StepClock(datetime(2026, 11, 21, 10, 0, tzinfo=ROME))
    demo.clock = clock
    room = MemoryRoom()
    desk = Desk(demo, chat.engine, room, MemoryChats())
    refused = await desk.on_press(99, "mallory", f"close:{ticket_id}", None, "u2")
    assert refused.alert and "Solo i membri" in (refused.text or "")
    assert (await demo.get_ticket(ticket_id)).status != "chiuso"
    taken = await desk.on_press(7, "anna", f"take:{ticket_id}", None, "u3")
    assert taken.text == "Preso in carico da anna." and not taken.alert
    asked = room.status_asked
    clock.at += timedelta(minutes=4)
    await desk.on_press(7, "anna", f"take:{ticket_id}", None, "u4")
    assert room.status_asked == asked  # still trusted
    room.members[7] = "left"
    clock.at += timedelta(minutes=2)
    gone = await desk.on_press(7, "anna", f"close:{ticket_id}", None, "u5")
    assert gone.alert and room.status_asked == asked + 1
    assert (await demo.get_ticket(ticket_id)).status != "chiuso"


async def test_forged_buttons_and_unknown_tickets_get_an_answer_and_change_nothing(
        demo: Sportello) -> None:
    chat, ticket_id = await _ticket(demo)
    desk = Desk(demo, chat.engine, MemoryRoom(), MemoryChats())
    for data in ("", "take:", "take:abc", "drop:1", "close:-1"):
        answer = await desk.on_press(7, "anna", data, None, f"f{data}")
        assert answer.alert, data
    unknown = await desk.on_press(7, "anna", "close:999", None, "f999")
    assert unknown.alert and "Non trovo il ticket" in (unknown.text or "")
    assert (await demo.get_ticket(ticket_id)).status == "aperto"


async def test_closing_edits_the_card_and_tells_the_customer(demo: Sportello) -> None:
    chat, ticket_id = await _ticket(demo)
    room, chats = MemoryRoom(), MemoryChats()
    desk = Desk(demo, chat.engine, room, chats)
    await desk.relay_pending()
    card_id = room.sent[0][0]
    answer = await desk.on_press(7, "anna", f"close:{ticket_id}", card_id, "u6")
    assert answer.text == "Chiuso da anna."
    assert room.edits and room.edits[-1][0] == card_id
    assert room.edits[-1][1].endswith("Chiuso da anna.") and "Stato: Chiuso" in room.edits[-1][1]
    assert any(f"n. {ticket_id}" in text and "chiuso" in text.lower()
               for _, text in chats.delivered)


async def test_a_room_with_topics_gets_one_topic_per_ticket(demo: Sportello) -> None:
    chat, ticket_id = await _ticket(demo)
    room = MemoryRoom(topics=True)
    desk = Desk(demo, chat.engine, room, MemoryChats())
    await desk.relay_pending()
    thread = await demo.ticket_thread(ticket_id)
    assert thread is not None and room.sent[0][3] == thread
    # The customer writes again on the ticket: into the same topic, not a new card.
    customer = (await demo.customer_by_code("C001")).id
    await demo.add_ticket_message(ticket_id, "aggiungo una cosa", Actor.customer(customer))
    await desk.relay_pending()
    assert len(room.sent) == 2 and room.sent[1][3] == thread
    assert "aggiungo una cosa" in room.sent[1][1]
    # A staff member writing in the topic (no reply) reaches the ticket.
    assert await demo.ticket_for_relay(room.key, None, thread) == ticket_id


async def test_an_outage_keeps_the_outbox_for_the_next_round(demo: Sportello) -> None:
    chat, _ = await _ticket(demo)
    room = MemoryRoom(down=True)
    desk = Desk(demo, chat.engine, room, MemoryChats())
    await desk.relay_pending()
    assert room.sent == [] and await demo.unrelayed_messages()
    room.down = False
    await desk.relay_pending()
    assert len(room.sent) == 1 and await demo.unrelayed_messages() == []


async def test_chats_another_door_reaches_are_left_to_it(demo: Sportello) -> None:
    customer = (await demo.customer_by_code("C001")).id
    engine = Engine(demo)
    await engine.link("other:5", customer)
    chat, ticket_id = await _ticket(demo)
    chats = MemoryChats()
    desk = Desk(demo, chat.engine, MemoryRoom(), chats)
    await desk.relay_pending()
    await desk.on_message(StaffMessage(7, "anna", "risposta", 3001,
                                       reply_to=(await demo.first_relay(ticket_id, "-100")),
                                       update_id="u7"))
    assert {key for key, _ in chats.delivered} == {chat.chat_id}
    assert sorted(await demo.chats_of(customer)) == sorted([chat.chat_id, "other:5"])


async def test_precheck_is_core_s_rule(demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id, "tg:42")
    cid = (await demo.customer_by_code("C001")).id
    services = await demo.list_services(cid)
    quote = await demo.quote_renewal(cid, [services[0].id])
    order = await demo.place_order(cid, quote.id, "carta", key="p1", terms=ACCEPTED)
    cents = int(order.total * 100)
    assert await demo.precheck("tg:42", order.id, "EUR", cents) is None
    assert await demo.precheck("tg:42", order.id, "EUR", cents + 1) == "mismatch"
    assert await demo.precheck("tg:42", order.id, "USD", cents) == "mismatch"
    assert await demo.precheck("tg:43", order.id, "EUR", cents) == "mismatch"  # not linked
    assert await demo.precheck("tg:42", None, "EUR", cents) == "mismatch"
    assert chat.chat_id == "tg:42"
