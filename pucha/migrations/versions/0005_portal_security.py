"""portal security: server-side sessions, the mailbox's sender address

Revision ID: 0005_portal_security
Revises: 0004_monitor
Create Date: 2026-12-07

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005_portal_security'
down_revision: Union[str, Sequence[str], None] = '0004_monitor'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """portal_session (portal/models/sessions.py): sessions kept on the server."""
    op.create_table('portal_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_portal_session_account_id'), 'portal_session', ['account_id'], unique=False)
    op.create_index(op.f('ix_portal_session_seen_at'), 'portal_session', ['seen_at'], unique=False)
    with op.batch_alter_table('portal_mailbox') as batch:
        batch.add_column(sa.Column('client', sa.String(length=100), nullable=True))
        batch.create_index(batch.f('ix_portal_mailbox_client'), ['client'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('portal_mailbox') as batch:
        batch.drop_index(batch.f('ix_portal_mailbox_client'))
        batch.drop_column('client')
    op.drop_index(op.f('ix_portal_session_seen_at'), table_name='portal_session')
    op.drop_index(op.f('ix_portal_session_account_id'), table_name='portal_session')
    op.drop_table('portal_session')
