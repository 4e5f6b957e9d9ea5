"""The documents issued (fatture, note di credito) as their frozen content says (with the
customer's fiscal data completed from the record if it was frozen without it)."""

from __future__ import annotations

from datetime import date

from core import documents
from core.app.base import AppBase
from core.context import Ctx
from core.documents import Document


class Documents(AppBase):
    async def document(self, number: str, customer_id: int | None = None) -> Document | None:
        """`2026/000001` or `NC 2026/000001`; with `customer_id`, only if it is theirs."""
        async def work(ctx: Ctx) -> Document | None:
            invoice = await documents.by_number(ctx, number, customer_id)
            return await documents.load(ctx, invoice) if invoice is not None else None
        return await self._read(work)

    async def documents_between(self, start: date, end: date) -> list[Document]:
        """Every document issued from `start` to `end`, both included, in SdI order."""
        async def work(ctx: Ctx) -> list[Document]:
            return await documents.load_all(ctx, await documents.issued_between(ctx, start, end))
        return await self._read(work)
