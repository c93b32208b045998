"""Tokens of /api/v1: each tied to an account, read with that account's scope.

Revision ID: 0006_results
Revises: 0004_monitor
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0006_results'
down_revision: Union[str, Sequence[str], None] = '0005_portal_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'portal_api_token',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('account_id', sa.Integer(), sa.ForeignKey('portal_account.id'), nullable=False, index=True),
        sa.Column('name', sa.String(100), nullable=False),
        sa.Column('token_hash', sa.String(64), nullable=False, unique=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table('portal_api_token')
