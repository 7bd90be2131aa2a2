"""Tables of the CI infrastructure: governance meetings, daily work, priorities, trust context.

The tables kept their ``vmi_programme_*`` names when the models moved out of the core
(``governance`` migration 0001 moves them in Django's state only; no data moves).
"""

from .context import CeoTenure, CqcRating, CqcRatingValue, CulturalWork, SpecialMeasuresPeriod
from .daily_work import (
    BoardMeasure,
    BoardValue,
    Direction,
    Huddle,
    ProductionBoard,
    StandardWorkDocument,
    StandardWorkVersion,
    Team,
    TeamKind,
)
from .meetings import (
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
from .priorities import NationalPriority, StrategicObjective

__all__ = [
    "PARTNERSHIP_KINDS",
    "ActionStatus",
    "AgendaItem",
    "AgendaItemLink",
    "Attendance",
    "AttendanceStatus",
    "BoardMeasure",
    "BoardValue",
    "CeoTenure",
    "CqcRating",
    "CqcRatingValue",
    "CulturalWork",
    "Decision",
    "Direction",
    "Huddle",
    "Meeting",
    "MeetingAction",
    "MeetingKind",
    "MeetingSeries",
    "MeetingStatus",
    "Membership",
    "NationalPriority",
    "ProductionBoard",
    "SpecialMeasuresPeriod",
    "StandardWorkDocument",
    "StandardWorkVersion",
    "StrategicObjective",
    "Team",
    "TeamKind",
]
