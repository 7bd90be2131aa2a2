"""The programme's core tables: organisations, people and roles, recorded jobs, import batches."""

from .imports import ImportBatch, ImportStatus
from .jobs import Job, JobStatus
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
    "JobStatus",
    "Organisation",
    "OrganisationKind",
    "Partnership",
    "Person",
    "ProfessionalGroup",
    "Role",
    "RoleAssignment",
]
