"""The Italian conversation flows; importing this package registers their actions."""

from handlers.flows import (  # noqa: F401
    cancel,
    change_plan,
    common,
    notices,
    orders,
    pay,
    products,
    recover,
    renew,
    support,
)
