"""Telegram: link codes, guessing counter, blocked chats, the support group relay.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 21:27:17.401607
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('link_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('who', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('link_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_failures_who'), ['who'], unique=False)

    op.create_table('link_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('link_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_codes_customer_id'), ['customer_id'], unique=False)

    op.create_table('ticket_relays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id', 'message_id', name='uq_relay_message')
    )
    with op.batch_alter_table('ticket_relays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_relays_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relayed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_messages_relayed_at'), ['relayed_at'], unique=False)
    # Messages written before the relay existed are not sent again.
    op.execute("UPDATE ticket_messages SET relayed_at = created_at")

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('support_thread_id', sa.BigInteger(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('support_thread_id')

    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_messages_relayed_at'))
        batch_op.drop_column('relayed_at')

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('blocked_at')

    with op.batch_alter_table('ticket_relays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_relays_ticket_id'))

    op.drop_table('ticket_relays')
    with op.batch_alter_table('link_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_codes_customer_id'))

    op.drop_table('link_codes')
    with op.batch_alter_table('link_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_failures_who'))

    op.drop_table('link_failures')
