"""Service pickers («Quale servizio…?»): a service's name typed instead of a button press
picks it, so the flow goes on; a clear request for something else (another flow) is
handled as free text; anything else keeps the picker on screen with a hint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from core.views import ServiceView
from handlers.engine import Turn
from handlers.flows.common import free_text, service_refs
from handlers.i18n import t
from handlers.router import pick_service, route

# Readings that are not a request for another flow: a service named alone reads as
# "products" (open its card), which at a picker means "that one", never "leave".
_STAY = {"unknown", "products"}


async def typed_choice(turn: Turn, text: str,
                       options: Sequence[ServiceView]) -> ServiceView | None:
    """The one option the text names (by name, a distinctive part of it, its category when
    only one option has it, or a plan name), or None."""
    if not options:
        return None
    plan_names = await turn.app.plan_names(turn.customer_id)
    found, _ = pick_service(text, service_refs(list(options), plan_names))
    return next((s for s in options if found is not None and s.id == found.id), None)


async def elsewhere(turn: Turn, text: str, own_intent: str) -> bool:
    """Whether the text clearly asks for another flow («non voglio rinnovare la pec» at
    the recovery picker): if so it is handled as free text typed outside any step."""
    if route(text).intent in _STAY | {own_intent}:
        return False
    await free_text(turn, text)
    return True


def unknown_hint(options: Sequence[ServiceView]) -> str:
    """What to do when the text names none of the options (shown above the same buttons)."""
    return t("pick-typed-unknown", service=options[0].name if options else "")


async def typed_step(turn: Turn, text: str, options: Sequence[ServiceView], own_intent: str,
                     chosen: Callable[[ServiceView], Awaitable[None]],
                     restart: Callable[[], Awaitable[None]],
                     redraw: Callable[[str], None]) -> None:
    """Text typed at a picker: the service it names goes on as its button would
    (`chosen`); a clear request for another flow leaves; with no options left the flow
    starts again (`restart`); anything else redraws the picker under a hint."""
    service = await typed_choice(turn, text, options)
    if service is not None:
        await chosen(service)
    elif await elsewhere(turn, text, own_intent):
        return
    elif not options:
        await restart()
    else:
        redraw(unknown_hint(options))
