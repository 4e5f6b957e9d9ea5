"""Pacing and retries of outbound Telegram traffic, and redaction of secrets in logs."""

from __future__ import annotations

import logging

import pytest

from bot.logs import Context, Redact
from bot.tg_io import Blocked, RetryAfter, Temporary
from bot.tg_sender import GiveUp, Pacer, Sender
from tests.helpers import FakeTime


async def test_private_chat_is_not_paced_one_by_one() -> None:
    # It used to be 3 at once, then one a second: a customer tapping waited a second per
    # screen. Telegram's limits are 30 a second overall and 20 a minute per group.
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    for _ in range(6):
        await pacer.wait(42)
    assert time.now == 1000.0 and time.slept == []


async def test_group_holds_twenty_a_minute() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    for _ in range(23):
        await pacer.wait(-100)
    assert time.now - 1000.0 == pytest.approx(60.0)  # burst of 3, then one every 3 s


async def test_overall_thirty_a_second_across_chats() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    for chat in range(90):
        await pacer.wait(chat + 1)
    assert time.now - 1000.0 == pytest.approx(2.0)  # 30 at once, then 30/s


async def test_retry_after_is_honoured_and_then_sent() -> None:
    time = FakeTime()
    calls = []

    async def request() -> str:
        calls.append(time.now)
        if len(calls) == 1:
            raise RetryAfter(7)
        return "ok"

    sender = Sender(Pacer(time.clock, time.sleep), time.sleep)
    assert await sender.call(1, request) == "ok"
    assert 7 in time.slept and calls[1] - calls[0] >= 7


async def test_temporary_errors_back_off_then_give_up() -> None:
    time = FakeTime()

    async def request() -> None:
        raise Temporary("502 Bad Gateway")

    sender = Sender(Pacer(time.clock, time.sleep), time.sleep)
    with pytest.raises(GiveUp):
        await sender.call(1, request)
    assert [s for s in time.slept if s >= 1] == [1.0, 2.0, 4.0, 8.0, 16.0]


async def test_blocked_is_not_retried() -> None:
    time = FakeTime()
    calls = []

    async def request() -> None:
        calls.append(1)
        raise Blocked("Forbidden: bot was blocked by the user")

    with pytest.raises(Blocked):
        await Sender(Pacer(time.clock, time.sleep), time.sleep).call(1, request)
    assert len(calls) == 1


def test_secrets_are_redacted_from_log_records() -> None:
    token = "123456789:AAH-sportello-test-token-000000000000"
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1,
                               "HTTP Request: POST %s", (f"http://x/bot{token}/getMe",), None)
    assert Redact([token]).filter(record)
    assert token not in record.getMessage() and "/bot***/getMe" in record.getMessage()


def test_card_numbers_are_masked_in_log_records() -> None:
    """Also with no secret configured, in the arguments, the traceback and the context."""
    try:
        raise ValueError("update text: 5555-5555-5555-4444")
    except ValueError:
        import sys

        failure = sys.exc_info()
    record = logging.LogRecord("telegram.ext", logging.ERROR, __file__, 1, "update %s failed",
                               ("carta 5555 5555 5555 4444",), failure)
    record.outcome = "5555555555554444"
    assert Redact([]).filter(record)
    line = Context("%(message)s").format(record)
    assert "5555" not in line.replace("•••• •••• •••• 4444", "")
    assert "update carta •••• •••• •••• 4444 failed" in line
    assert "update text: •••• •••• •••• 4444" in line and "outcome=•••• •••• •••• 4444" in line
