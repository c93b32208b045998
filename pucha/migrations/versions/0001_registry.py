"""The registry: sites (附件3), their columns (附件4), site history, reviewers' decisions.

Revision ID: 0001_registry
Revises:
Create Date: 2026-11-26

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001_registry"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("home_url", sa.String(length=1000), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("site_type", sa.String(length=20), nullable=False),
        sa.Column("icp", sa.String(length=100), nullable=False),
        sa.Column("homepage", sa.String(length=1000), nullable=False),
        sa.Column("sponsor", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("leader_name", sa.String(length=100), nullable=False),
        sa.Column("leader_title", sa.String(length=100), nullable=False),
        sa.Column("leader_phone", sa.String(length=200), nullable=False),
        sa.Column("leader_mobile", sa.String(length=200), nullable=False),
        sa.Column("leader_email", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("contact_phone", sa.String(length=200), nullable=False),
        sa.Column("contact_mobile", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=300), nullable=False),
        sa.Column("site_code", sa.String(length=20), nullable=True),
        sa.Column("check_code_hash", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('running', 'rectifying', 'closed', 'merged')", name="ck_site_status"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("home_url"),
        sa.UniqueConstraint("site_code"),
    )
    op.create_table(
        "site_column",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "position", name="uq_site_column_position"),
    )
    op.create_index("ix_site_column_site_id", "site_column", ["site_id"])
    op.create_table(
        "site_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_site_history_site_id", "site_history", ["site_id"])
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("home_url", sa.String(length=1000), nullable=False),
        sa.Column("candidate_id", sa.String(length=200), nullable=True),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.CheckConstraint("action IN ('confirm', 'reject', 'deduct')", name="ck_decision_action"),
        sa.CheckConstraint("count IS NULL OR count >= 0", name="ck_decision_count"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decision_home_url", "decision", ["home_url"])


def downgrade() -> None:
    op.drop_index("ix_decision_home_url", table_name="decision")
    op.drop_table("decision")
    op.drop_index("ix_site_history_site_id", table_name="site_history")
    op.drop_table("site_history")
    op.drop_index("ix_site_column_site_id", table_name="site_column")
    op.drop_table("site_column")
    op.drop_table("site")
