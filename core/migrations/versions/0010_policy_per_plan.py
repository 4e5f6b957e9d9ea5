"""The pricing policy of a plan, or of a whole category: the installation's setting becomes
only the default (a provider may sell dedicated servers under one policy and hostings under
another).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 08:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy', sa.String(length=24), nullable=True))
    op.create_table(
        'category_policies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('policy', sa.String(length=24), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('category'),
    )


def downgrade() -> None:
    op.drop_table('category_policies')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('policy')
