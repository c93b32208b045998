"""Alembic migrations of pucha's database; see env.py and pucha.db."""
