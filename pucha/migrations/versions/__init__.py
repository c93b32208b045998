"""Alembic revisions, one chain: registry first, the portal's after it."""
