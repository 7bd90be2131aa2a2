"""The programme's core tables: organisations, people and roles, recorded jobs, governance
meetings, priorities, daily work and trust context."""

from .governance import (
    PARTNERSHIP_KINDS,
    ActionStatus,
    AgendaItem,
    AgendaItemLink,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MeetingAction,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Membership,
)
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
from .priorities import NationalPriority, StrategicObjective

__all__ = [
    "PARTNERSHIP_KINDS",
    "ActionStatus",
    "AgendaItem",
    "AgendaItemLink",
    "Attendance",
    "AttendanceStatus",
    "Decision",
    "Meeting",
    "MeetingAction",
    "MeetingKind",
    "MeetingSeries",
    "MeetingStatus",
    "Membership",
    "NationalPriority",
    "StrategicObjective",
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
