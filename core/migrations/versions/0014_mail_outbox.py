"""Email to customers through an outbox: one row per event (its unique key), the message as
composed when queued, the fattura whose PDF goes with it, and the sending state: attempts,
the next attempt, a worker's lease on the row, the last error.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=96), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key', name='uq_mail_outbox_key'),
    )
    op.create_index('ix_mail_outbox_customer_id', 'mail_outbox', ['customer_id'])
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['status', 'next_attempt_at'])
    # The mailer looks for recent events not yet queued: by day and by time.
    op.create_index('ix_notices_created_on', 'notices', ['created_on'])
    op.create_index('ix_ticket_messages_created_at', 'ticket_messages', ['created_at'])
    op.create_index('ix_room_posts_created_at', 'room_posts', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_room_posts_created_at', table_name='room_posts')
    op.drop_index('ix_ticket_messages_created_at', table_name='ticket_messages')
    op.drop_index('ix_notices_created_on', table_name='notices')
    op.drop_index('ix_mail_outbox_due', table_name='mail_outbox')
    op.drop_index('ix_mail_outbox_customer_id', table_name='mail_outbox')
    op.drop_table('mail_outbox')
