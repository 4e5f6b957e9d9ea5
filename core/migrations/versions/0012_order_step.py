"""The order step (seed 002): the customer's acceptance of the general conditions on each
order (their version and when) and who placed it; the durations a plan is sold for; the
frequency of a service's automatic renewal.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms_version', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('terms_accepted_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('placed_by', sa.String(length=64), nullable=True))
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('durations', sa.JSON(), nullable=True))
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal_months', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('renewal_months')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('durations')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for column in ('placed_by', 'terms_accepted_at', 'terms_version'):
            batch_op.drop_column(column)
