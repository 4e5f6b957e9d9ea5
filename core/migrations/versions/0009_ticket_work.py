"""Working tickets: why a ticket closed, the customer's rating, the state its forum topic's
name shows, and the outbox of ticket notices (closed, with the rating buttons).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_reason', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('rating', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rating_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('topic_state', sa.String(length=16), nullable=True))
    op.create_table(
        'ticket_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('dedup_key', sa.String(length=96), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dedup_key'),
    )
    op.create_index('ix_ticket_notices_ticket_id', 'ticket_notices', ['ticket_id'])
    op.create_index('ix_ticket_notices_unsent', 'ticket_notices', ['sent_at'])


def downgrade() -> None:
    op.drop_index('ix_ticket_notices_unsent', table_name='ticket_notices')
    op.drop_index('ix_ticket_notices_ticket_id', table_name='ticket_notices')
    op.drop_table('ticket_notices')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        for column in ('topic_state', 'rated_at', 'rating_comment', 'rating', 'closed_reason'):
            batch_op.drop_column(column)
