"""portal outbox: the mail a decision owes, written in the decision's transaction

Revision ID: 0007_outbox
Revises: 0006_results
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0007_outbox'
down_revision: Union[str, Sequence[str], None] = '0006_results'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """portal_outbox (portal/models/outbox.py), sent by portal.outbox."""
    op.create_table(
        'portal_outbox',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('subject', sa.String(500), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('state', sa.String(10), nullable=False, index=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('registration_id', sa.Integer(),
                  sa.ForeignKey('portal_registration.id', ondelete='SET NULL'), nullable=True, index=True),
        sa.Column('site_id', sa.Integer(), sa.ForeignKey('site.id', ondelete='SET NULL'), nullable=True, index=True),
        sa.Column('unit_id', sa.Integer(), sa.ForeignKey('portal_unit.id'), nullable=True, index=True),
    )


def downgrade() -> None:
    op.drop_table('portal_outbox')
