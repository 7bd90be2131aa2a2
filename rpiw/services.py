"""Writes for value streams, metrics and their change requests, RPIWs, measures and reminders.

Every function validates with ``full_clean`` and runs in one transaction, so views, the API,
imports, the demo seed and tasks share one set of rules and nothing partial is ever written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from governance.models import Meeting, MeetingKind, StrategicObjective
from governance.selectors.meetings import latest_held
from vmi_programme import audit
from vmi_programme.access import Action, can
from vmi_programme.models import Organisation, Person
from vmi_programme.writes import model_update, save_validated

from .models import (
    ACTIVE_STATUSES,
    DEFAULT_PLANNING,
    ENDED_WITHOUT_WORKSHOP,
    MAX_MEASURES_PER_RPIW,
    VERSIONED_FIELDS,
    ChangeStatus,
    FollowUpReminder,
    Measure,
    Measurement,
    MetricChangeRequest,
    MetricValue,
    MetricVersion,
    Notification,
    PlanningTask,
    Rpiw,
    RpiwStatus,
    RpiwStatusChange,
    TeamMember,
    TeamRole,
    ValueStream,
    ValueStreamMetric,
)

# A follow-up stops being reminded about this many days after it fell due: it stays on the
# workspace as overdue, but nobody gets a daily message about a 2019 RPIW forever.
REMINDER_WINDOW_DAYS = 28


# --- Value streams --------------------------------------------------------------------------


def _check_objectives(organisation_id: int, objectives: Iterable[StrategicObjective]) -> list:
    objectives = list(objectives)
    if any(o.organisation_id != organisation_id for o in objectives):
        raise ValidationError({"objectives": "Choose objectives of this value stream's trust."})
    return objectives


# What the value-stream form and API edit; the owning organisation is set once, at creation.
VALUE_STREAM_EDITABLE = (
    "name",
    "scope",
    "scope_start",
    "scope_end",
    "patient_group",
    "executive_sponsor",
    "lead",
    "facilitator",
    "started_on",
    "status",
    "selection",
    "selection_rationale",
)


@transaction.atomic
def save_value_stream(
    value_stream: ValueStream | None = None,
    *,
    organisation: Organisation | None = None,
    objectives: Iterable[StrategicObjective] | None = None,
    **fields: Any,
) -> ValueStream:
    """Create (no ``value_stream``, owned by ``organisation``) or update a value stream and its
    aligned objectives (replaced when given).

    ``fields`` may hold only ``VALUE_STREAM_EDITABLE`` (anything else raises ``TypeError``); an
    existing value stream keeps its organisation.
    """
    value_stream = value_stream or ValueStream(organisation=organisation)
    model_update(instance=value_stream, fields=VALUE_STREAM_EDITABLE, data=fields)
    if objectives is not None:
        value_stream.objectives.set(_check_objectives(value_stream.organisation_id, objectives))
    return value_stream


# --- Metrics and their change requests ------------------------------------------------------


def _snapshot(metric: ValueStreamMetric, effective_from: dt.date, change_request=None):
    return MetricVersion.objects.create(
        metric=metric,
        number=metric.version,
        effective_from=effective_from,
        change_request=change_request,
        **{name: getattr(metric, name) for name in VERSIONED_FIELDS},
    )


@transaction.atomic
def add_metric(
    value_stream: ValueStream, *, effective_from: dt.date | None = None, **fields: Any
) -> ValueStreamMetric:
    """A new metric and its first version."""
    metric = save_validated(ValueStreamMetric(value_stream=value_stream, version=1, **fields))
    _snapshot(metric, effective_from or timezone.localdate())
    return metric


# What is not versioned; the versioned fields change only through an approved change request.
METRIC_DETAILS_EDITABLE = ("category", "baseline", "data_source", "frequency")


@transaction.atomic
def update_metric_details(metric: ValueStreamMetric, **fields: Any) -> ValueStreamMetric:
    """Change what is not versioned: ``fields`` may hold only ``METRIC_DETAILS_EDITABLE``.

    A versioned field (name, definition, unit, direction, target) is refused with a
    ``ValidationError`` saying it needs a change request; any other field raises ``TypeError``.
    """
    versioned = set(fields) & set(VERSIONED_FIELDS)
    if versioned:
        raise ValidationError(
            dict.fromkeys(versioned, "Changing this needs a change request approved at the TGT.")
        )
    return model_update(instance=metric, fields=METRIC_DETAILS_EDITABLE, data=fields)[0]


@transaction.atomic
def record_metric_value(
    metric: ValueStreamMetric,
    period_end: dt.date,
    value: Decimal,
    note: str = "",
    *,
    replace: bool = False,
) -> MetricValue:
    """Record a metric's value for the month ending ``period_end``.

    A month that already has a value keeps it unless ``replace`` says to change it: a second
    entry for the same month is refused with the value already there, never silently written
    over it (issue 17).
    """
    existing = MetricValue.objects.filter(metric=metric, period_end=period_end).first()
    if existing is not None and not replace:
        raise ValidationError(
            {
                "period_end": (
                    f"{period_end:%-d %B %Y} already has a value, {existing.value.normalize():f}"
                    f"{' ' + metric.unit if metric.unit else ''}. To change it, tick "
                    "'Replace the value already recorded' and record it again."
                )
            }
        )
    point = existing or MetricValue(metric=metric, period_end=period_end)
    point.value, point.note = value, note
    return save_validated(point)


@transaction.atomic
def propose_metric_change(
    metric: ValueStreamMetric,
    *,
    proposed_by: Person,
    rationale: str,
    proposed_on: dt.date | None = None,
    **new: Any,
) -> MetricChangeRequest:
    """Propose new values for some of name/definition/unit/direction/target (``new_<field>``)."""
    unknown = set(new) - {f"new_{name}" for name in VERSIONED_FIELDS}
    if unknown:
        raise ValueError(f"Unknown fields {sorted(unknown)}")
    if proposed_by.organisation_id != metric.value_stream.organisation_id:
        raise ValidationError({"proposed_by": "The proposer must work at this trust."})
    request = MetricChangeRequest(
        metric=metric,
        proposed_by=proposed_by,
        proposed_on=proposed_on or timezone.localdate(),
        rationale=(rationale or "").strip(),
        **{k: ("" if v is None and k != "new_target" else v) for k, v in new.items()},
    )
    return save_validated(request)


def tgt_meetings(organisation_id: int):
    """The trust's TGT meetings, newest first (where metric changes are decided)."""
    return Meeting.objects.filter(
        series__kind=MeetingKind.TGT, series__organisation_id=organisation_id
    ).select_related("series")


def earliest_decision(request: MetricChangeRequest) -> dt.date | None:
    """The first day a change can be decided: not before the version it replaces took effect,
    since the new version takes effect on the day it is decided and must follow that one."""
    current = MetricVersion.objects.filter(metric_id=request.metric_id).order_by("-number").first()
    return current.effective_from if current else None


def decision_meetings(request: MetricChangeRequest, *, today: dt.date | None = None):
    """The TGT meetings a change may be recorded as decided at: the trust's latest few that have
    taken place since the current version took effect (not ~140 back to 2015, nor future ones)."""
    return latest_held(
        tgt_meetings(request.metric.value_stream.organisation_id),
        since=earliest_decision(request),
        today=today,
    )


@transaction.atomic
def decide_metric_change(
    request: MetricChangeRequest,
    *,
    user: Any,
    approve: bool,
    meeting: Meeting,
    note: str = "",
    decided_on: dt.date | None = None,
) -> MetricChangeRequest:
    """Approve (apply, as a new version) or reject a proposed change at one of the trust's TGTs.

    Only an executive of the trust (``Action.APPROVE``) may decide.
    """
    request = MetricChangeRequest.objects.select_for_update().get(pk=request.pk)
    metric = ValueStreamMetric.objects.select_for_update().get(pk=request.metric_id)
    organisation_id = metric.value_stream.organisation_id
    if not can(user, Action.APPROVE, metric):
        raise PermissionDenied("Only an executive of this trust may decide metric changes.")
    if request.status != ChangeStatus.PROPOSED:
        raise ValidationError(f"This change request is already {request.get_status_display()}.")
    if meeting is None or not (
        meeting.series.kind == MeetingKind.TGT and meeting.series.organisation_id == organisation_id
    ):
        raise ValidationError({"meeting": "Choose a TGT meeting of this trust."})
    earliest, decided = earliest_decision(request), decided_on or meeting.date
    if earliest is not None and decided < earliest:
        raise ValidationError(
            {
                "meeting": f"Choose a TGT meeting on or after {earliest:%-d %B %Y}, when the "
                "metric's current version took effect: the new version must follow it."
            }
        )
    if decided > timezone.localdate():
        raise ValidationError({"meeting": "Choose a TGT meeting that has taken place."})
    decider = Person.objects.filter(user_id=user.pk).first()
    if decider is None:
        raise ValidationError("Your account has no staff record to record the decision against.")
    request.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
    request.meeting = meeting
    request.decided_by = decider
    request.decided_on = decided_on or meeting.date
    request.decision_note = note
    save_validated(request)
    if approve:
        changes = {name: proposed for name, _current, proposed in request.changes_against(metric)}
        model_update(
            instance=metric,
            fields=(*VERSIONED_FIELDS, "version"),
            data={**changes, "version": metric.version + 1},
        )
        _snapshot(metric, request.decided_on, change_request=request)
    return request


@transaction.atomic
def withdraw_metric_change(request: MetricChangeRequest) -> MetricChangeRequest:
    if request.status != ChangeStatus.PROPOSED:
        raise ValidationError("Only a proposed change can be withdrawn.")
    request.status = ChangeStatus.WITHDRAWN
    return save_validated(request)


# --- RPIWs ----------------------------------------------------------------------------------


def next_reference(organisation: Organisation) -> str:
    prefix = f"{organisation.short_name}-RPIW-"
    taken = Rpiw.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(r[len(prefix) :]) for r in taken if r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def default_planning(rpiw: Rpiw, *, done: bool = False) -> list[PlanningTask]:
    """The eight-week planning checklist, due back from the workshop start (unsaved rows);
    ``done`` marks each step done the day after it fell due (for records of past RPIWs)."""
    return [
        PlanningTask(
            rpiw=rpiw,
            step=step,
            title=step.label,
            due_on=rpiw.workshop_start - dt.timedelta(weeks=weeks),
            done_on=rpiw.workshop_start - dt.timedelta(weeks=weeks, days=-1) if done else None,
            order=order,
        )
        for order, (step, weeks) in enumerate(DEFAULT_PLANNING, start=1)
    ]


@transaction.atomic
def create_rpiw(
    value_stream: ValueStream,
    *,
    title: str,
    workshop_start: dt.date,
    workshop_end: dt.date | None = None,
    user: Any = None,
    team: Iterable[dict] = (),
    planning: bool = True,
    status: str = RpiwStatus.PLANNED,
    **fields: Any,
) -> Rpiw:
    """A new RPIW: reference, default workshop end (start + 4 days), planning checklist, team."""
    rpiw = Rpiw(
        value_stream=value_stream,
        title=title,
        workshop_start=workshop_start,
        workshop_end=workshop_end or workshop_start + dt.timedelta(days=4),
        status=status,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        reference=fields.pop("reference", None) or next_reference(value_stream.organisation),
        **fields,
    )
    save_validated(rpiw)
    RpiwStatusChange.objects.create(rpiw=rpiw, to_status=rpiw.status, changed_by=rpiw.created_by)
    if planning:
        audit.bulk_create(PlanningTask, default_planning(rpiw))
    for member in team:
        add_team_member(rpiw, **member)
    return rpiw


# What the RPIW form and API edit. The value stream it belongs to, its reference and creator
# are set at creation; its status (and reason) move only through change_status.
RPIW_EDITABLE = (
    "title",
    "process_start",
    "process_end",
    "problem_statement",
    "target_statement",
    "facilitator",
    "workshop_start",
    "workshop_end",
    "workshop_length_reason",
    "follow_up_120",
    "patient_rep_exception",
)


@transaction.atomic
def update_rpiw(rpiw: Rpiw, **fields: Any) -> Rpiw:
    """Change an RPIW's details: ``fields`` may hold only ``RPIW_EDITABLE``.

    ``status`` is refused with a ``ValidationError`` pointing to ``change_status``; any other
    field raises ``TypeError``.
    """
    if "status" in fields:
        raise ValidationError({"status": "Use change_status to move an RPIW between stages."})
    return model_update(instance=rpiw, fields=RPIW_EDITABLE, data=fields)[0]


@transaction.atomic
def add_team_member(
    rpiw: Rpiw, *, role: str, name: str = "", person: Person | None = None, note: str = ""
) -> TeamMember:
    if person is not None:
        if person.organisation_id != rpiw.value_stream.organisation_id and role != (
            TeamRole.PATIENT_REP
        ):
            raise ValidationError({"person": "Choose a member of staff of this trust."})
        name = name or person.full_name
    return save_validated(
        TeamMember(rpiw=rpiw, role=role, name=name.strip(), person=person, note=note)
    )


@transaction.atomic
def set_team(rpiw: Rpiw, members: Iterable[dict]) -> list[TeamMember]:
    """Replace the team with ``members`` (the team formset's rows)."""
    rpiw.team.all().delete()
    return [add_team_member(rpiw, **member) for member in members]


@transaction.atomic
def change_status(rpiw: Rpiw, to_status: str, *, user: Any = None, reason: str = "") -> Rpiw:
    """Move an RPIW along planned → preparing → workshop → follow-up → closed.

    Cancelling or standing down needs a reason. Moving to "workshop" needs a patient
    representative in the team, unless an exception with its reason has been recorded
    (``patient_rep_exception`` on the RPIW, or ``reason`` here, which records it).
    """
    rpiw = Rpiw.objects.select_for_update().get(pk=rpiw.pk)
    reason = (reason or "").strip()
    if to_status not in RpiwStatus.values:
        raise ValidationError({"status": f"'{to_status}' is not an RPIW status."})
    if to_status not in rpiw.allowed_transitions():
        raise ValidationError(
            {
                "status": f"An RPIW cannot move from {rpiw.get_status_display()} to "
                f"{RpiwStatus(to_status).label}."
            }
        )
    if to_status in ENDED_WITHOUT_WORKSHOP and not reason:
        raise ValidationError(
            {"status_reason": f"Say why the RPIW is {RpiwStatus(to_status).label.lower()}."}
        )
    if to_status == RpiwStatus.WORKSHOP and not rpiw.has_patient_representative():
        if reason and not rpiw.patient_rep_exception:
            rpiw.patient_rep_exception = reason
        if not rpiw.patient_rep_exception.strip():
            raise ValidationError(
                {
                    "patient_rep_exception": "An RPIW team must include a patient "
                    "representative before the workshop. Add one to the team, or record the "
                    "reason for an exception."
                }
            )
    previous = rpiw.status
    rpiw.status = to_status
    rpiw.status_changed_at = timezone.now()
    if to_status in ENDED_WITHOUT_WORKSHOP:
        rpiw.status_reason = reason
    save_validated(rpiw)
    RpiwStatusChange.objects.create(
        rpiw=rpiw,
        from_status=previous,
        to_status=to_status,
        reason=reason,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
    )
    return rpiw


@transaction.atomic
def complete_planning_task(task: PlanningTask, done_on: dt.date | None) -> PlanningTask:
    task.done_on = done_on
    return save_validated(task)


# --- Measures -------------------------------------------------------------------------------


@transaction.atomic
def add_measure(rpiw: Rpiw, *, kind: str, name: str, unit: str = "", **fields: Any) -> Measure:
    """Add a measure in the next free place (1–8); a ninth is refused."""
    rpiw = Rpiw.objects.select_for_update().get(pk=rpiw.pk)
    used = rpiw.measures.aggregate(n=Max("order"))["n"] or 0
    count = rpiw.measures.count()
    if count >= MAX_MEASURES_PER_RPIW:
        raise ValidationError(
            f"An RPIW has at most {MAX_MEASURES_PER_RPIW} measures; {rpiw.reference} has "
            f"{count} already."
        )
    order = used + 1 if used < MAX_MEASURES_PER_RPIW else _first_free_order(rpiw)
    return save_validated(
        Measure(rpiw=rpiw, kind=kind, name=name.strip(), unit=unit, order=order, **fields)
    )


def _first_free_order(rpiw: Rpiw) -> int:
    taken = set(rpiw.measures.values_list("order", flat=True))
    return next(n for n in range(1, MAX_MEASURES_PER_RPIW + 1) if n not in taken)


@transaction.atomic
def record_measurement(
    measure: Measure,
    point: int,
    *,
    value: Decimal | float | int | None = None,
    defects: int | None = None,
    output: int | None = None,
    measured_on: dt.date | None = None,
    user: Any = None,
    note: str = "",
) -> Measurement:
    """Record (or correct) the baseline (point 0) or a follow-up (30/60/90/120 days)."""
    measurement = Measurement.objects.filter(measure=measure, point=point).first() or Measurement(
        measure=measure, point=point
    )
    measurement.value = None if value is None else Decimal(str(value))
    measurement.defects, measurement.output = defects, output
    measurement.measured_on = measured_on
    measurement.note = note
    measurement.recorded_by = user if getattr(user, "is_authenticated", False) else None
    return save_validated(measurement)


# --- Reminders ------------------------------------------------------------------------------


def _email_of(person: Person) -> str:
    return person.email or (person.user.email if person.user else "")


def send_followup_reminders(today: dt.date | None = None) -> dict:
    """Notify each facilitator of follow-ups due (today or earlier, within the reminder window)
    and not yet recorded: in-app, and by email when they have an address. One reminder per
    RPIW follow-up point per day, however often this runs."""
    from .selectors import followups_due

    today = today or timezone.localdate()
    due = followups_due(
        Rpiw.objects.filter(status__in=ACTIVE_STATUSES, facilitator__user__isnull=False),
        start=today - dt.timedelta(days=REMINDER_WINDOW_DAYS),
        end=today,
    )
    sent = emailed = 0
    for item in due:
        rpiw = item.rpiw
        user = rpiw.facilitator.user
        with transaction.atomic():
            reminder, created = FollowUpReminder.objects.get_or_create(
                rpiw=rpiw, point=item.day, sent_on=today, defaults={"recipient": user}
            )
            if not created:
                continue
            when = "due today" if item.due_on == today else f"overdue since {item.due_on:%-d %b}"
            text = (
                f"{rpiw.reference} {rpiw.title}: the {item.day}-day follow-up is {when} "
                f"({item.missing} measure{'s' if item.missing != 1 else ''} to record)."
            )
            link = reverse("rpiw:rpiw-detail", args=[rpiw.pk])
            reminder.notification = Notification.objects.create(
                recipient=user, text=text, link=link
            )
            address = _email_of(rpiw.facilitator)
            if address:
                send_mail(
                    f"RPIW follow-up {when}: {rpiw.reference}",
                    f"{text}\n\nRecord the measures at {link}",
                    None,
                    [address],
                    fail_silently=True,
                )
                reminder.emailed = True
                emailed += 1
            reminder.save(update_fields=["notification", "emailed"])
            sent += 1
    return {"reminders": sent, "emails": emailed}


def mark_notifications_read(user: Any, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
