"""The portal's tables, declared on ``pucha.db.Base`` beside the registry's.

Created only by the Alembic revisions ``0002_portal``,
``0003_portal_inspection`` ... ``0007_outbox`` (never create_all), so
SQLite and PostgreSQL get the same schema.  Importing this package declares
them all; ``pucha/migrations/env.py`` does so for autogenerate.
"""
from portal.models.accounts import Account, AuditEntry, LoginFailure, Unit, UNIT_KINDS, ORG_KINDS
from portal.models.registration import (ClosureCheck, MailboxReport, Registration, ReviewStep,
                                        SiteOwner)
from portal.models.sessions import PortalSession
from portal.models.inspection import Campaign, CampaignFiling, DriftNotice, Recrawl, SelfAssessment
from portal.models.api_token import ApiToken
from portal.models.outbox import OUTBOX_STATES, OutboxMail

__all__ = ["Account", "ApiToken", "AuditEntry", "Campaign", "CampaignFiling", "ClosureCheck", "DriftNotice", "LoginFailure",
           "MailboxReport", "ORG_KINDS", "OUTBOX_STATES", "OutboxMail", "PortalSession",
           "Recrawl", "Registration", "ReviewStep", "SelfAssessment", "SiteOwner", "UNIT_KINDS", "Unit"]
