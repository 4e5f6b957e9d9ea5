"""Flows as objects: the registry the engine dispatches through, and the one command parser."""

from __future__ import annotations

import ast
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.app import Sportello
from handlers.engine import Engine, Turn, menu_rows
from handlers.flow import DuplicateName, Flow, Registry
from handlers.flows import ALL
from handlers.router import INTENTS, Routed
from handlers.ui import Incoming, typed
from tests.chat_helpers import Chat

ROOT = Path(__file__).resolve().parent.parent


# --- the registry ---------------------------------------------------------------------


async def _noop(turn: Turn, *args: Any) -> None:
    return None


def test_registry_refuses_duplicates() -> None:
    one, two = Flow("uno"), Flow("due")
    one.action("x.go")(_noop)
    two.action("x.go", entry=True)(_noop)
    with pytest.raises(DuplicateName, match=r"x\.go"):
        Registry([one, two])
    with pytest.raises(DuplicateName, match="flow name 'uno'"):
        Registry([one, Flow("uno")])
    with pytest.raises(DuplicateName, match=r"x\.go"):
        one.action("x.go")(_noop)  # twice in the same flow: refused at once
    for kind, name in (("text_step", "x.step"), ("command", "prova"), ("intent", "help")):
        first, second = Flow(f"a-{kind}"), Flow(f"b-{kind}")
        getattr(first, kind)(name)(_noop)
        getattr(second, kind)(name)(_noop)
        with pytest.raises(DuplicateName, match=re.escape(name)):
            Registry([first, second])
    commands = Flow("maiuscole")
    commands.command("Prova")(_noop)
    with pytest.raises(DuplicateName):
        commands.command("prova")(_noop)  # commands are matched in lower case


def test_a_flow_clashing_with_the_built_in_ones_is_refused_by_the_engine(
        app: Sportello) -> None:
    clash = Flow("clash")
    clash.action("menu.show")(_noop)
    with pytest.raises(DuplicateName, match=r"menu\.show"):
        Engine(app, flows=(*ALL, clash))
    assert Engine(app).registry.flows == ALL


def test_registry_merges_every_table() -> None:
    registry = Registry(ALL)
    assert {"menu.show", "products.list", "pay.go", "orders.card"} <= set(registry.actions)
    assert {"menu.show", "products.list", "orders.pay"} <= registry.entry_actions
    assert "pay.go" not in registry.entry_actions
    assert registry.card_steps == {"pay.card", "orders.card"}
    assert registry.verbatim_steps == {"pay.card", "orders.card", "support.describe",
                                       "support.message", "ticket_rating.comment",
                                       "ticket_rating.reopen"}
    assert {"cancel.reason", "cancel.reason_text", "cancel.name"} <= set(registry.text_steps)
    assert set(registry.commands) == {"start", "menu", "aiuto", "help", "annulla", "scollega",
                                      "ticket"}
    assert registry.entry_actions <= set(registry.actions)
    assert registry.verbatim_steps <= set(registry.text_steps)


def _named_actions() -> tuple[set[str], list[str]]:
    """Every action name passed to `turn.btn` in the code, and the calls whose name is not
    a literal (each must be accounted for by the test)."""
    names: set[str] = set()
    dynamic: list[str] = []
    for path in [*(ROOT / "handlers").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "btn"):
                name = node.args[1] if len(node.args) > 1 else None
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    names.add(name.value)
                else:
                    dynamic.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return names, dynamic


def test_every_button_action_named_in_the_code_is_registered() -> None:
    registry = Registry(ALL)
    names, dynamic = _named_actions()
    assert len(names) > 30
    assert dynamic == [f"handlers/engine.py:{_menu_rows_line()}"]  # the main menu, below

    class Recorder:
        def btn(self, label: str, name: str, **params: Any) -> str:
            names.add(name)
            return name

    menu_rows(Recorder())  # type: ignore[arg-type]
    assert "support.menu" in names
    assert sorted(names - set(registry.actions)) == []


def _menu_rows_line() -> int:
    tree = ast.parse((ROOT / "handlers" / "engine.py").read_text("utf-8"))
    found = next(n for n in tree.body
                 if isinstance(n, ast.FunctionDef) and n.name == "menu_rows")
    return next(n.lineno for n in ast.walk(found) if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute) and n.func.attr == "btn")


def test_intent_table_covers_every_intent_of_the_phrase_book() -> None:
    raw = yaml.safe_load(files("locales").joinpath("it/intents.yaml").read_text("utf-8"))
    registry = Registry(ALL)
    assert set(raw["intents"]) <= set(registry.intents)  # greeting too, routed to the menu
    assert set(registry.intents) <= set(INTENTS)  # no flow answers an intent never routed


# --- a custom flow, dispatched by the engine --------------------------------------------

tiny = Flow("prova")


@tiny.command("prova")
async def _ask(turn: Turn) -> None:
    turn.goto("prova", "nome")
    turn.say("Come ti chiami?", turn.btn("Salta", "prova.salta"))


@tiny.action("prova.salta")
async def _skip(turn: Turn, params: dict[str, Any]) -> None:
    turn.leave()
    turn.say(f"Saltato ({params['perche']})" if params else "Saltato")


@tiny.text_step("prova.nome")
async def _name(turn: Turn, text: str) -> None:
    turn.leave()
    turn.say(f"Piacere, {text}!", turn.btn("Ancora", "prova.salta", perche="ancora"))


@tiny.intent("greeting")
async def _greeting(turn: Turn, routed: Routed, text: str) -> None:
    turn.say(f"Saluti dal flusso di prova ({routed.intent})")


async def _chat(app: Sportello, engine: Engine, chat_id: str) -> Chat:
    customer = await app.customer_by_code("C001")
    await engine.link(chat_id, customer.id)
    return Chat(engine, chat_id)


async def test_a_custom_flow_passed_to_the_engine_is_dispatched(demo: Sportello) -> None:
    chat = await _chat(demo, Engine(demo, flows=(tiny,)), "test:tiny")
    assert await chat.command("prova") == "Come ti chiami?"
    assert await chat.press("Salta") == "Saltato"
    await chat.command("prova")
    assert await chat.say("Anna") == "Piacere, Anna!"
    assert await chat.press("Ancora") == "Saltato (ancora)"
    assert await chat.say("ciao") == "Saluti dal flusso di prova (greeting)"
    history = await chat.engine.history(chat.chat_id)
    assert [h["t"] for h in history][:4] == ["/prova", "Come ti chiami?", "[Salta]", "Saltato"]


async def test_a_custom_flow_runs_beside_the_built_in_ones(demo: Sportello) -> None:
    chat = await _chat(demo, Engine(demo, flows=(*ALL, _without_greeting())),
                       "test:beside")
    assert (await chat.command("start")).startswith("Ciao Mario!")
    assert await chat.command("prova") == "Come ti chiami?"
    assert await chat.say("Anna") == "Piacere, Anna!"
    assert (await chat.press("Ancora")) == "Saltato (ancora)"
    assert "mariorossi.it" in await chat.say("i miei prodotti")


def _without_greeting() -> Flow:
    """`tiny` without its intent, which the built-in flows already answer."""
    flow = Flow("prova")
    flow.command("prova")(_ask)
    flow.action("prova.salta")(_skip)
    flow.text_step("prova.nome")(_name)
    return flow


async def test_the_default_engine_answers_free_text_through_the_table(
        demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    assert "Cosa vuoi fare?" in await chat.say("buongiorno")  # greeting: the menu
    assert "mariorossi.it" in await chat.say("vorrei rinnovare mariorossi.it")


# --- the one command parser -------------------------------------------------------------


def test_typed_commands_and_text() -> None:
    assert typed("c", "/start") == Incoming("c", command="start")
    assert typed("c", "/menu@SportelloBot x", user_id="7", update_id="tg:1") == Incoming(
        "c", user_id="7", command="menu", argument="x", update_id="tg:1")
    assert typed("c", "/MENU@SportelloBot  due parole ") == Incoming(
        "c", command="menu", argument="due parole")
    assert typed("c", "/") == Incoming("c", text="/")
    assert typed("c", "ciao", user_id="7") == Incoming("c", user_id="7", text="ciao")
    assert typed("c", "") == Incoming("c", text="")
