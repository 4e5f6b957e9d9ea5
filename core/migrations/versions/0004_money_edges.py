"""Money at the edges: void orders, orders bound to their services' state, unapplied payments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 05:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('void_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('voided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('voided_by', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_orders_status', ['status'], unique=False)

    # The state of the service when the order was made: the order applies only to it.
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bound_plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bound_period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('bound_expires_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('bound_status', sa.String(length=16), nullable=True))

    op.create_table('unapplied_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('bank_ref', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('registered_by', sa.String(length=64), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('applied_order_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.ForeignKeyConstraint(['applied_order_id'], ['orders.id'], ),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bank_ref', name='uq_unapplied_bank_ref')
    )
    with op.batch_alter_table('unapplied_payments', schema=None) as batch_op:
        batch_op.create_index('ix_unapplied_payments_status', ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('unapplied_payments')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        for column in ('bound_status', 'bound_expires_on', 'bound_period_start',
                       'bound_plan_id'):
            batch_op.drop_column(column)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_status')
        for column in ('voided_by', 'voided_on', 'void_reason'):
            batch_op.drop_column(column)
