"""What support's actions tell the customer: a notice may carry details (the plan a staff
member proposes, the ticket it came from), read by the chat that shows it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 18:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('detail')
