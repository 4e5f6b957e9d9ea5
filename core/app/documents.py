"""The documents issued (fatture, note di credito) as their frozen content says (with the
customer's fiscal data completed from the record if it was frozen without it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from core import documents
from core.app.base import AppBase
from core.context import SYSTEM, Ctx
from core.documents import Document
from core.models import Invoice


class Documents(AppBase):
    async def document(self, number: str, customer_id: int | None = None) -> Document | None:
        """`2026/000001` or `NC 2026/000001`; with `customer_id`, only if it is theirs."""
        async def work(ctx: Ctx) -> list[Invoice]:
            invoice = await documents.by_number(ctx, number, customer_id)
            return [invoice] if invoice is not None else []
        found = await self._settled(work)
        return found[0] if found else None

    async def documents_between(self, start: date, end: date) -> list[Document]:
        """Every document issued from `start` to `end`, both included, in SdI order."""
        async def work(ctx: Ctx) -> list[Invoice]:
            return await documents.issued_between(ctx, start, end)
        return await self._settled(work)

    async def _settled(self, find: Callable[[Ctx], Awaitable[list[Invoice]]]
                       ) -> list[Document]:
        """The documents `find` names, read; one frozen without the customer's fiscal data
        that the customer record now completes is settled first (`documents.settle`)."""
        async def read(ctx: Ctx) -> tuple[list[Document], bool]:
            invoices = await find(ctx)
            loaded = await documents.load_all(ctx, invoices)
            return loaded, bool(documents.unsettled(invoices, loaded))
        loaded, to_settle = await self._read(read)
        if not to_settle:
            return loaded
        async with self._ctx(SYSTEM) as ctx:
            invoices = await find(ctx)
            await documents.settle(ctx, invoices)
            return await documents.load_all(ctx, invoices)
