"""The compact (report Section 3): versioned reciprocal promises, reflections on them at the TGB,
and breaches called out, discussed and repaired or renegotiated."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from governance.models import Meeting, MeetingSeries
from vmi_programme.audit import AuditTrail
from vmi_programme.models import Organisation, Partnership, Person


def _partnership_scope():
    from vmi_programme.scope import Scope

    return Scope.partnership()


class PartyType(models.TextChoices):
    REGULATOR = "regulator", "Regulator responsibilities"
    HOSPITAL = "hospital", "Hospital responsibilities"


class Heading(models.TextChoices):
    ENVIRONMENT = "environment", "Creating the right environment"
    EXCELLENCE = "excellence", "Fostering excellence"
    LISTENING = "listening", "Listening, communicating and influencing"
    LEADERSHIP = "leadership", "Leadership"


HEADING_ORDER = {value: index for index, value in enumerate(Heading.values)}


class Compact(models.Model):
    """A partnership's written, reciprocal promise document, activated at its TGB."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.PROTECT, related_name="compact"
    )
    board = models.OneToOneField(
        MeetingSeries,
        on_delete=models.PROTECT,
        related_name="compact",
        help_text="The TGB whose meetings close with reflections on this compact.",
    )
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    history = AuditTrail()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("compact:detail", args=[self.pk])

    def access_scope(self):
        return _partnership_scope()

    def clean(self) -> None:
        if self.board_id and (self.board.kind != "tgb" or self.board.organisation_id):
            raise ValidationError({"board": "A compact is activated at a TGB: choose the TGB."})


class CompactVersionQuerySet(models.QuerySet):
    def in_force_on(self, date: dt.date):
        """The versions in force on ``date``, latest first (the first is the one in force)."""
        return self.filter(effective_from__lte=date).order_by("-effective_from", "-number")


class CompactVersion(models.Model):
    """One negotiated text of the compact. Renegotiation adds a version; none is ever edited."""

    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    shared_vision = models.TextField()
    effective_from = models.DateField()
    change_note = models.TextField(blank=True, help_text="What was renegotiated, and why.")
    agreed_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compact_versions_agreed",
        help_text="The TGB meeting that agreed this version, if recorded.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CompactVersionQuerySet.as_manager()

    history = AuditTrail()

    class Meta:
        ordering = ["compact", "number"]
        constraints = [
            models.UniqueConstraint(fields=["compact", "number"], name="unique_compact_version"),
            models.UniqueConstraint(
                fields=["compact", "effective_from"], name="one_compact_version_per_day"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="compact_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.compact.title}, version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("compact:version", args=[self.compact_id, self.number])

    def access_scope(self):
        return _partnership_scope()


class Promise(models.Model):
    """One promise of one version, owned by a party and grouped under a heading.

    ``key`` names the promise across versions: the same key in a later version is the same
    promise (possibly reworded), so its fulfilment history carries on.
    """

    version = models.ForeignKey(CompactVersion, on_delete=models.PROTECT, related_name="promises")
    key = models.SlugField(max_length=60)
    party = models.CharField(max_length=20, choices=PartyType.choices)
    heading = models.CharField(max_length=20, choices=Heading.choices)
    order = models.PositiveIntegerField(default=1)
    text = models.TextField()

    history = AuditTrail()

    class Meta:
        ordering = ["version", "party", "heading", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_promise_key"),
            models.CheckConstraint(
                condition=Q(party__in=PartyType.values), name="promise_party_valid"
            ),
            models.CheckConstraint(
                condition=Q(heading__in=Heading.values), name="promise_heading_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def access_scope(self):
        return _partnership_scope()


class Fulfilment(models.TextChoices):
    FULFILLED = "fulfilled", "Fulfilled"
    PARTLY = "partly", "Partly fulfilled"
    NOT_FULFILLED = "not_fulfilled", "Not fulfilled"


class Reflection(models.Model):
    """A TGB member's reflection at the close of a meeting: how promises were kept, what they learned."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reflections")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reflections")
    version = models.ForeignKey(
        CompactVersion, on_delete=models.PROTECT, related_name="reflections"
    )
    learned = models.TextField(blank=True, help_text="What you learned through this meeting.")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = AuditTrail()

    class Meta:
        ordering = ["-meeting__date", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="one_reflection_per_member_and_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} at {self.meeting}"

    def access_scope(self):
        return _partnership_scope()


class PromiseRating(models.Model):
    """How one reflecting member judged one promise: fulfilled, partly, or not."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="ratings")
    promise = models.ForeignKey(Promise, on_delete=models.PROTECT, related_name="ratings")
    fulfilment = models.CharField(max_length=20, choices=Fulfilment.choices)

    history = AuditTrail()

    class Meta:
        ordering = ["reflection", "promise"]
        constraints = [
            models.UniqueConstraint(
                fields=["reflection", "promise"], name="one_rating_per_promise_and_reflection"
            ),
            models.CheckConstraint(
                condition=Q(fulfilment__in=Fulfilment.values), name="promise_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promise}: {self.get_fulfilment_display()}"

    def access_scope(self):
        return _partnership_scope()


class BreachState(models.TextChoices):
    CALLED_OUT = "called_out", "Called out"
    DISCUSSED = "discussed", "Discussed"
    REPAIRED = "repaired", "Repaired"
    RENEGOTIATED = "renegotiated", "Renegotiated"


# The only moves a breach can make; anything else (e.g. repaired without discussion) is refused.
BREACH_TRANSITIONS: dict[str, tuple[str, ...]] = {
    BreachState.CALLED_OUT: (BreachState.DISCUSSED,),
    BreachState.DISCUSSED: (BreachState.REPAIRED, BreachState.RENEGOTIATED),
    BreachState.REPAIRED: (),
    BreachState.RENEGOTIATED: (),
}
CLOSED_STATES = (BreachState.REPAIRED, BreachState.RENEGOTIATED)


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError("Breaches and their history are never deleted.")


class Breach(models.Model):
    """Behaviour inconsistent with a promise, called out at a TGB and worked through there."""

    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="breaches")
    version = models.ForeignKey(CompactVersion, on_delete=models.PROTECT, related_name="breaches")
    promises = models.ManyToManyField(Promise, related_name="breaches")
    party = models.CharField(max_length=20, choices=PartyType.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compact_breaches",
        help_text="The partner whose behaviour it was, if one (e.g. a trust).",
    )
    what_happened = models.TextField()
    occurred_on = models.DateField(help_text="When it happened.")
    raised_at = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="breaches_raised")
    called_out_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=20, choices=BreachState.choices, default=BreachState.CALLED_OUT
    )
    discussed_at = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="breaches_discussed"
    )
    discussion_what = models.TextField("What happened (collective reflection)", blank=True)
    discussion_why = models.TextField("Why it happened", blank=True)
    discussion_better = models.TextField("What could be done better", blank=True)
    closed_on = models.DateField(
        null=True, blank=True, help_text="When it was repaired or the promise renegotiated."
    )
    resolution = models.TextField(blank=True)
    renegotiated_version = models.ForeignKey(
        CompactVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breaches_renegotiated",
    )

    objects = UndeletableQuerySet.as_manager()

    history = AuditTrail()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name_plural = "breaches"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=BreachState.values), name="breach_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(party__in=PartyType.values), name="breach_party_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=BreachState.CALLED_OUT) | Q(discussed_at__isnull=False),
                name="breach_discussed_at_a_meeting",
            ),
            models.CheckConstraint(
                condition=Q(state__in=CLOSED_STATES, closed_on__isnull=False)
                | (~Q(state__in=CLOSED_STATES) & Q(closed_on__isnull=True)),
                name="breach_closed_on_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(state=BreachState.RENEGOTIATED, renegotiated_version__isnull=False)
                | (~Q(state=BreachState.RENEGOTIATED) & Q(renegotiated_version__isnull=True)),
                name="breach_renegotiated_links_a_version",
            ),
        ]
        indexes = [models.Index(fields=["compact", "state"])]

    def __str__(self) -> str:
        return f"Breach of {self.occurred_on:%b %Y}: {self.what_happened[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("compact:breach", args=[self.pk])

    def access_scope(self):
        return _partnership_scope()

    def delete(self, *args, **kwargs):
        raise ValidationError("Breaches and their history are never deleted.")

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    @property
    def called_out_on(self) -> dt.date:
        return self.raised_at.date

    @property
    def days_to_repair(self) -> int | None:
        """Days from being called out at the TGB to repair or renegotiation (None while open)."""
        return (self.closed_on - self.raised_at.date).days if self.closed_on else None

    def next_states(self) -> tuple[str, ...]:
        return BREACH_TRANSITIONS[self.state]


class BreachEvent(models.Model):
    """One state change of a breach: who moved it, when, where, and why. Never deleted."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, choices=BreachState.choices)
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    objects = UndeletableQuerySet.as_manager()

    history = AuditTrail()

    class Meta:
        ordering = ["breach", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_state__in=BreachState.values), name="breach_event_state_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.breach_id}: {self.from_state or 'new'} → {self.to_state}"

    def access_scope(self):
        return _partnership_scope()

    def delete(self, *args, **kwargs):
        raise ValidationError("Breaches and their history are never deleted.")
