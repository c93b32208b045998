"""The portal's tables, declared on ``pucha.db.Base`` beside the registry's.

Created only by the Alembic revision ``0002_portal`` (never create_all), so
SQLite and PostgreSQL get the same schema.  Importing this package declares
them all; ``pucha/migrations/env.py`` does so for autogenerate.
"""
from portal.models.accounts import Account, AuditEntry, LoginFailure, Unit, UNIT_KINDS, ORG_KINDS
from portal.models.registration import (ClosureCheck, MailboxReport, Registration, ReviewStep,
                                        SiteOwner)

__all__ = ["Account", "AuditEntry", "ClosureCheck", "LoginFailure", "MailboxReport", "ORG_KINDS",
           "Registration", "ReviewStep", "SiteOwner", "UNIT_KINDS", "Unit"]
