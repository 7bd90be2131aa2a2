"""Governance meetings of Table 2.1: TGB, TGT and KPO leads' meetings, with their records.

A ``MeetingSeries`` is one standing meeting (the partnership's TGB, one TGT per trust, the KPO
leads' quarterly meeting); its membership is dated, so who belonged on any past date is known.
Each ``Meeting`` has an ordered agenda, attendance against the membership, decisions and actions.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from vmi_programme.audit import AuditTrail
from vmi_programme.models.organisations import Organisation, Person
from vmi_programme.scope import Scope


def _scope(organisation_id: int | None, series_id: int | None = None):
    """A trust's meetings belong to the trust; a partnership series is read by its members."""
    if organisation_id is None and series_id is not None:
        return Scope(None, members_of_series=series_id)
    return Scope(organisation_id)


class MeetingKind(models.TextChoices):
    TGB = "tgb", "Transformation Guiding Board (TGB)"
    TGT = "tgt", "Transformation Guidance Team (TGT)"
    KPO_LEADS = "kpo_leads", "KPO leads' meeting"


PARTNERSHIP_KINDS = (MeetingKind.TGB, MeetingKind.KPO_LEADS)


class MeetingSeries(models.Model):
    """A standing meeting. TGB and KPO-leads series are partnership-level (no organisation)."""

    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_series",
        help_text="The trust whose TGT this is; empty for partnership-level meetings.",
    )
    name = models.CharField(max_length=200, unique=True)
    frequency = models.CharField(max_length=40, default="monthly")
    usual_duration_minutes = models.PositiveIntegerField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_meetingseries"  # kept when the model moved from the core
        ordering = ["kind", "organisation__short_name"]
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_series_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind=MeetingKind.TGT) & Q(organisation__isnull=False))
                | (~Q(kind=MeetingKind.TGT) & Q(organisation__isnull=True)),
                name="meeting_series_tgt_has_trust_others_partnership",
            ),
            models.UniqueConstraint(
                fields=["kind", "organisation"], name="one_meeting_series_per_kind_and_trust"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(organisation__isnull=True),
                name="one_partnership_meeting_series_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def access_scope(self):
        return _scope(self.organisation_id, self.pk)

    @property
    def is_partnership_level(self) -> bool:
        return self.organisation_id is None

    def clean(self) -> None:
        if self.kind == MeetingKind.TGT and not self.organisation_id:
            raise ValidationError({"organisation": "A TGT belongs to one trust: choose it."})
        if self.kind in PARTNERSHIP_KINDS and self.organisation_id:
            raise ValidationError(
                {"organisation": "TGB and KPO leads' meetings are partnership-level: leave empty."}
            )

    def members_on(self, date: dt.date):
        """The memberships in force on ``date``."""
        return self.memberships.active_on(date)


class MembershipQuerySet(models.QuerySet):
    def active_on(self, date: dt.date):
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date), started_on__lte=date)


class Membership(models.Model):
    """A person's membership of a meeting series from one date to another (or still)."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        max_length=100, blank=True, help_text="e.g. Chair, CEO, regulator representative, sensei"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_membership"  # kept when the model moved from the core
        ordering = ["series", "started_on", "person__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="membership_dates_ordered",
            )
        ]
        indexes = [models.Index(fields=["series", "started_on", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.person.full_name} in {self.series.name}"

    def access_scope(self):
        return _scope(self.series.organisation_id)

    def is_active_on(self, date: dt.date) -> bool:
        return self.started_on <= date and (self.ended_on is None or self.ended_on >= date)

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A membership cannot end before it starts."})
        if not (self.series_id and self.person_id and self.started_on):
            return
        overlapping = Membership.objects.filter(series_id=self.series_id, person_id=self.person_id)
        overlapping = overlapping.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=self.started_on)
        ).exclude(pk=self.pk)
        if self.ended_on:
            overlapping = overlapping.filter(started_on__lte=self.ended_on)
        if overlapping.exists():
            raise ValidationError(
                {"started_on": "This person is already a member of this meeting on these dates."}
            )


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """One sitting of a meeting series.

    Create meetings through ``governance.services.meetings.create_meeting`` so the
    ``meeting_created`` signal fires (the compact adds its locked final agenda item there).
    """

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_meeting"  # kept when the model moved from the core
        ordering = ["-date", "series"]
        get_latest_by = "date"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="meeting_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.UniqueConstraint(fields=["series", "date"], name="one_meeting_per_series_day"),
        ]
        indexes = [models.Index(fields=["series", "date"])]

    def __str__(self) -> str:
        return f"{self.series.name}, {self.date:%-d %b %Y}"

    def access_scope(self):
        return _scope(self.series.organisation_id, self.series_id)

    @property
    def kind(self) -> str:
        return self.series.kind

    @property
    def is_tgt(self) -> bool:
        return self.series.kind == MeetingKind.TGT

    @property
    def organisation_id(self) -> int | None:
        return self.series.organisation_id

    @property
    def duration_minutes(self) -> int | None:
        if not (self.start_time and self.end_time):
            return None
        start = dt.datetime.combine(self.date, self.start_time)
        return int((dt.datetime.combine(self.date, self.end_time) - start).total_seconds() // 60)

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "The meeting must end after it starts."})
        if (
            self.series_id
            and self.date
            and Meeting.objects.filter(series_id=self.series_id, date=self.date)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"date": "This meeting series already meets on that date."})


class AgendaItem(models.Model):
    """An ordered item on a meeting's agenda, with a presenter and links to what it is about.

    ``is_locked`` items cannot be removed or moved; other apps use them for items the
    programme requires (the compact's "Reflections on the compact" closing every TGB).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    presenter = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    is_locked = models.BooleanField(
        default=False, help_text="A required item: it cannot be removed from the agenda."
    )

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_agendaitem"  # kept when the model moved from the core
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="unique_agenda_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def access_scope(self):
        return self.meeting.access_scope()

    def delete(self, *args, **kwargs):
        if self.is_locked:
            raise ValidationError("This agenda item is required and cannot be removed.")
        return super().delete(*args, **kwargs)


class AgendaItemLink(models.Model):
    """A link from an agenda item to any object: a value stream, an RPIW, a reflection…"""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_agendaitemlink"  # kept when the model moved from the core
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "content_type", "object_id"], name="unique_agenda_link"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.agenda_item} → {self.content_type.model} #{self.object_id}"

    def access_scope(self):
        return self.agenda_item.meeting.access_scope()


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """Whether a member attended a meeting; a member who could not may send a deputy."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    deputy = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputised_attendances",
    )

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_attendance"  # kept when the model moved from the core
        ordering = ["meeting", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_attendance_per_member"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(deputy__isnull=True) | ~Q(status=AttendanceStatus.PRESENT),
                name="attendance_deputy_only_when_member_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name}: {self.get_status_display()}"

    def access_scope(self):
        return self.meeting.access_scope()

    def clean(self) -> None:
        if self.deputy_id and self.status == AttendanceStatus.PRESENT:
            raise ValidationError({"deputy": "A member who was present needs no deputy."})
        if self.deputy_id and self.deputy_id == self.person_id:
            raise ValidationError({"deputy": "A member cannot deputise for themselves."})
        if self.meeting_id and self.person_id:
            meeting = self.meeting
            if not Membership.objects.filter(
                series_id=meeting.series_id, person_id=self.person_id
            ).active_on(meeting.date):
                raise ValidationError(
                    {"person": f"This person was not a member of this meeting on {meeting.date}."}
                )


class Decision(models.Model):
    """A decision a meeting took."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField()

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_decision"  # kept when the model moved from the core
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def access_scope(self):
        return self.meeting.access_scope()

    def clean(self) -> None:
        if self.agenda_item_id and self.agenda_item.meeting_id != self.meeting_id:
            raise ValidationError({"agenda_item": "Choose an item on this meeting's agenda."})


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class MeetingActionQuerySet(models.QuerySet):
    def overdue(self, today: dt.date | None = None):
        today = today or dt.date.today()
        return self.filter(status=ActionStatus.OPEN, due_on__lt=today)


class MeetingAction(models.Model):
    """An action a meeting gave someone: owner, due date, status."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="meeting_actions",
        error_messages={
            "null": "Every action needs an owner.",
            "blank": "Every action needs an owner.",
        },
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default="open")
    completed_on = models.DateField(null=True, blank=True)

    objects = MeetingActionQuerySet.as_manager()

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_meetingaction"  # kept when the model moved from the core
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="meeting_action_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(status=ActionStatus.DONE),
                name="meeting_action_completed_only_when_done",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]

    def __str__(self) -> str:
        return self.description[:60]

    def access_scope(self):
        return self.meeting.access_scope()

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < (today or dt.date.today())

    def clean(self) -> None:
        if self.completed_on and self.status != ActionStatus.DONE:
            raise ValidationError({"completed_on": "Only a done action has a completion date."})
        if self.agenda_item_id and self.agenda_item.meeting_id != self.meeting_id:
            raise ValidationError({"agenda_item": "Choose an item on this meeting's agenda."})
