"""The programme's core tables: organisations, people and roles, recorded jobs, import batches."""

from .imports import ImportBatch, ImportStatus
from .jobs import Job, JobQueue, JobStatus
from .organisations import (
    Organisation,
    OrganisationKind,
    Partnership,
    Person,
    ProfessionalGroup,
    Role,
    RoleAssignment,
)

__all__ = [
    "ImportBatch",
    "ImportStatus",
    "Job",
    "JobQueue",
    "JobStatus",
    "Organisation",
    "OrganisationKind",
    "Partnership",
    "Person",
    "ProfessionalGroup",
    "Role",
    "RoleAssignment",
]
