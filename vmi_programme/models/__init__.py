"""The programme's core tables: organisations, people and roles, recorded jobs, import batches."""

from .imports import ImportBatch, ImportStatus
from .invitations import AccountInvitation, Pseudonym
from .jobs import Job, JobQueue, JobStatus
from .oidc import OidcIdentity
from .organisations import (
    Organisation,
    OrganisationKind,
    Partnership,
    Person,
    ProfessionalGroup,
    Role,
    RoleAssignment,
    partner_trusts,
)

__all__ = [
    "AccountInvitation",
    "ImportBatch",
    "ImportStatus",
    "Job",
    "JobQueue",
    "JobStatus",
    "OidcIdentity",
    "Organisation",
    "OrganisationKind",
    "Partnership",
    "Person",
    "ProfessionalGroup",
    "Pseudonym",
    "Role",
    "RoleAssignment",
    "partner_trusts",
]
