"""Flows as objects: each flow module builds a `Flow`, the engine merges them in a `Registry`.

A flow declares, by decorators, its button actions, its text steps (typed answers), its
commands and the router intents it answers. Nothing is registered on import: the engine is
given the flows (`Engine(app, flows=...)`, by default `handlers.flows.ALL`) and dispatches
through the registry they make, so a test or another bot can run a different set.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from handlers.engine import Turn
    from handlers.router import Routed

Action = Callable[["Turn", dict[str, Any]], Awaitable[None]]
TextStep = Callable[["Turn", str], Awaitable[None]]
Command = Callable[["Turn"], Awaitable[None]]
# What free text routed to an intent does: the reading (intent, service named) and the text.
IntentHandler = Callable[["Turn", "Routed", str], Awaitable[None]]

F = TypeVar("F", bound=Callable[..., Awaitable[None]])


class DuplicateName(ValueError):
    """Two flows (or one flow twice) register the same name."""


class Flow:
    """One conversation flow's handlers, registered by name (see the module docstring)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.actions: dict[str, Action] = {}
        self.entry_actions: set[str] = set()
        self.text_steps: dict[str, TextStep] = {}
        self.verbatim_steps: set[str] = set()
        self.card_steps: set[str] = set()
        self.commands: dict[str, Command] = {}
        self.intents: dict[str, IntentHandler] = {}

    def __repr__(self) -> str:
        return f"Flow({self.name!r})"

    def action(self, name: str, entry: bool = False) -> Callable[[F], F]:
        """A button action. `entry` actions start a flow and stay valid on older screens;
        the others are valid only on the screen that showed them."""
        def register(func: F) -> F:
            _add(self.actions, name, func, f"action {name!r} in {self}")
            if entry:
                self.entry_actions.add(name)
            return func
        return register

    def text_step(self, name: str, verbatim: bool = False,
                  card: bool = False) -> Callable[[F], F]:
        """A typed answer at step `name` ("flow.step"). `verbatim`: the text is content (a
        ticket description), not a request to route, so "operatore" there is just text.
        `card`: the step takes a card number, so it gets the text as typed (every other
        handler gets it with card numbers masked)."""
        def register(func: F) -> F:
            _add(self.text_steps, name, func, f"text step {name!r} in {self}")
            if verbatim or card:
                self.verbatim_steps.add(name)
            if card:
                self.card_steps.add(name)
            return func
        return register

    def command(self, name: str) -> Callable[[F], F]:
        """A command ("/name"), matched in lower case."""
        def register(func: F) -> F:
            _add(self.commands, name.lower(), func, f"command {name!r} in {self}")
            return func
        return register

    def intent(self, name: str) -> Callable[[F], F]:
        """What free text routed to intent `name` (`handlers.router.INTENTS`) does."""
        def register(func: F) -> F:
            _add(self.intents, name, func, f"intent {name!r} in {self}")
            return func
        return register


class Registry:
    """The flows an engine runs, merged; any name registered twice is refused."""

    def __init__(self, flows: Iterable[Flow]) -> None:
        self.flows: tuple[Flow, ...] = tuple(flows)
        actions: dict[str, Action] = {}
        text_steps: dict[str, TextStep] = {}
        commands: dict[str, Command] = {}
        intents: dict[str, IntentHandler] = {}
        names: dict[str, Flow] = {}
        for flow in self.flows:
            _add(names, flow.name, flow, f"flow name {flow.name!r}")
            for table, own, kind in ((actions, flow.actions, "action"),
                                     (text_steps, flow.text_steps, "text step"),
                                     (commands, flow.commands, "command"),
                                     (intents, flow.intents, "intent")):
                for name, handler in own.items():
                    _add(table, name, handler, f"{kind} {name!r} (in {flow} and another flow)")
        self.actions: Mapping[str, Action] = MappingProxyType(actions)
        self.text_steps: Mapping[str, TextStep] = MappingProxyType(text_steps)
        self.commands: Mapping[str, Command] = MappingProxyType(commands)
        self.intents: Mapping[str, IntentHandler] = MappingProxyType(intents)
        self.entry_actions = frozenset(n for f in self.flows for n in f.entry_actions)
        self.verbatim_steps = frozenset(n for f in self.flows for n in f.verbatim_steps)
        self.card_steps = frozenset(n for f in self.flows for n in f.card_steps)


def _add(table: dict[str, Any], name: str, value: Any, what: str) -> None:
    if name in table:
        raise DuplicateName(f"{what} registered twice")
    table[name] = value
