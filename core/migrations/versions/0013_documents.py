"""Documents an Italian provider issues: the customer's fiscal address and SdI recipient
(codice destinatario or PEC), the choice to receive reminder emails; on each fattura and
nota di credito its SdI progressive and the frozen content its XML and PDF are drawn from.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 11:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('postcode', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('city', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('province', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=False,
                                      server_default='IT'))
        batch_op.add_column(sa.Column('sdi_code', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('pec', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('reminder_emails', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sdi_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('document', sa.JSON(), nullable=True))
        batch_op.create_unique_constraint('uq_invoice_sdi_seq', ['sdi_seq'])


def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint('uq_invoice_sdi_seq', type_='unique')
        batch_op.drop_column('document')
        batch_op.drop_column('sdi_seq')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        for column in ('reminder_emails', 'pec', 'sdi_code', 'country', 'province', 'city',
                       'postcode', 'street'):
            batch_op.drop_column(column)
