"""`Sportello`: the one application service the conversation layer and the CLI call.

Every write runs in one transaction and is idempotent under a caller-supplied key (the
Telegram update or callback id, say): the first call's result is stored with the key and a
repeated call returns it without doing anything again. Inside a unit of work (`unit`, one per
update of a conversation) every call shares one transaction instead. Errors roll everything
back. The service is split by subject, one mixin a module; this class puts them together.
"""

from core.app.chats import Chats
from core.app.documents import Documents
from core.app.mail import Mail
from core.app.orders import Orders, parse_order_ref
from core.app.outbox import Outbox
from core.app.reports import Reports
from core.app.services import DELETED_SHOWN_DAYS, Services
from core.app.staff import StaffActions
from core.app.ticket_work import TicketWork
from core.app.ticketing import Ticketing
from core.app.unapplied import Unapplied

__all__ = ["DELETED_SHOWN_DAYS", "Sportello", "parse_order_ref"]


class Sportello(Services, Orders, Documents, Unapplied, Ticketing, TicketWork, Chats, Outbox,
                StaffActions, Reports, Mail):
    """Customers' services, billing, unapplied money, tickets, linked chats, outboxes."""
