"""The support group's outbox: the daily digest (claimed once per day across workers) and
each cancellation announced with its reason (issue 12, «Seeing the day»).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'room_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('dedup_key', sa.String(length=96), nullable=False),
        sa.Column('ref_date', sa.Date(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dedup_key'),
    )
    with op.batch_alter_table('room_posts', schema=None) as batch_op:
        batch_op.create_index('ix_room_posts_unsent', ['sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('room_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_room_posts_unsent')
    op.drop_table('room_posts')
