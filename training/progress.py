"""Deriving a participant's status in a programme on any date from enrolments and assessments.

Plain data in, plain answers out (no queries here): ``selectors.programme_records`` loads the
rows, these classes say what they mean on a given date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

COMPLETED, IN_PROGRESS, ENROLLED, WITHDRAWN = "completed", "in_progress", "enrolled", "withdrawn"


@dataclass(frozen=True)
class EnrolmentSpan:
    enrolment_id: int
    cohort_id: int
    enrolled_on: dt.date
    cohort_starts_on: dt.date
    withdrawn_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.enrolled_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


@dataclass
class ProgrammeRecord:
    """One person in one programme, across all their cohorts (progress follows rotation)."""

    person_id: int
    organisation_id: int
    programme_id: int
    spans: list[EnrolmentSpan] = field(default_factory=list)
    completed_on: dt.date | None = None  # the day the last module was first passed

    def status_on(self, day: dt.date) -> str | None:
        """completed, in_progress, enrolled (cohort not started), withdrawn, or None (not yet)."""
        if self.completed_on is not None and self.completed_on <= day:
            return COMPLETED
        active = [s for s in self.spans if s.active_on(day)]
        if any(s.cohort_starts_on <= day for s in active):
            return IN_PROGRESS
        if active:
            return ENROLLED
        if any(s.enrolled_on <= day for s in self.spans):
            return WITHDRAWN
        return None

    def enrolment_status_on(self, span: EnrolmentSpan, day: dt.date) -> str | None:
        """The status of one of this person's enrolments."""
        if span.enrolled_on > day:
            return None
        completed = self.completed_on is not None and self.completed_on <= day
        if completed and (span.withdrawn_on is None or self.completed_on <= span.withdrawn_on):
            return COMPLETED
        if span.withdrawn_on is not None and span.withdrawn_on <= day:
            return WITHDRAWN
        return IN_PROGRESS if span.cohort_starts_on <= day else ENROLLED


def completion_date(first_passes: dict[int, dt.date], module_ids: set[int]) -> dt.date | None:
    """The day every module had been passed, or None while any module has no pass."""
    if not module_ids or not module_ids <= first_passes.keys():
        return None
    return max(first_passes[m] for m in module_ids)
