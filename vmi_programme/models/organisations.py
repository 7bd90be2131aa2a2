"""Organisations, the partnership they form, people and the roles people hold."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from ..audit import AuditTrail
from ..scope import Scope


class OrganisationKind(models.TextChoices):
    PARTNER_TRUST = "partner_trust", "Partner trust"
    PEER_TRUST = "peer_trust", "Peer trust"
    REGULATOR = "regulator", "Regulator"
    CI_PARTNER = "ci_partner", "CI partner"


class Organisation(models.Model):
    """An NHS trust, the regulator or the CI partner. Everything else belongs to one."""

    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20, unique=True, help_text="e.g. SASH")
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z0-9]{3,5}$", "An ODS code is 3–5 capital letters/digits.")
        ],
    )
    headcount = models.PositiveIntegerField(null=True, blank=True)
    region = models.CharField(max_length=100, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["short_name"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_trust(self) -> bool:
        return self.kind in (OrganisationKind.PARTNER_TRUST, OrganisationKind.PEER_TRUST)


def partner_trusts() -> models.QuerySet[Organisation]:
    """Every partner trust, in the order the summary's per-trust tables list them (by short
    name: Tables 5.1–5.4, 7.1 and the sustainment table)."""
    return Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST).order_by("short_name")


class Partnership(models.Model):
    """A partnership of trusts with a regulator and a CI partner, governed by one TGB."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, unique=True)
    started_on = models.DateField(help_text="The programme's point of intervention.")
    members = models.ManyToManyField(Organisation, related_name="partnerships")

    history = AuditTrail()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name

    def partner_trusts(self):
        return self.members.filter(kind=OrganisationKind.PARTNER_TRUST)


class ProfessionalGroup(models.TextChoices):
    MEDICAL = "medical", "Medical"
    NURSING = "nursing", "Nursing and midwifery"
    AHP = "ahp", "Allied health professional"
    SCIENTIFIC = "scientific", "Scientific and technical"
    MANAGERIAL = "managerial", "Managerial"
    ADMIN_CLERICAL = "admin_clerical", "Administrative and clerical"
    OTHER = "other", "Other"


class Person(models.Model):
    """Somebody in an organisation; may or may not have a user account."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    professional_group = models.CharField(
        max_length=20, choices=ProfessionalGroup.choices, default=ProfessionalGroup.OTHER
    )
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    # A leaver's records stay, under their name, until erased (docs/PRIVACY.md).
    left_on = models.DateField(null=True, blank=True, help_text="When they left the trust.")
    # Set when their personal data was erased (vmi_programme/privacy.py): the row stays, named
    # ERASED_NAME, so the records and tables that count them are unchanged.
    erased_at = models.DateTimeField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["organisation", "full_name"]),
            # The people list and the API's people (by name, a page at a time) across the
            # partnership: without it every person is sorted for each page (149 ms at 80,000).
            models.Index(fields=["full_name", "id"], name="person_name_id"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organisation.short_name})"


class Role(models.TextChoices):
    KPO_FACILITATOR = "kpo_facilitator", "KPO facilitator"
    KPO_LEAD = "kpo_lead", "KPO lead"
    EXECUTIVE = "executive", "Executive (CEO / TGT member)"
    REGULATOR = "regulator", "Regulator"
    TGB_MEMBER = "tgb_member", "TGB member"
    ANALYST = "analyst", "Analyst"
    TRUST_ADMIN = "trust_admin", "Trust administrator"
    ADMINISTRATOR = "administrator", "Administrator"


class RoleAssignment(models.Model):
    """A role a person holds in their own organisation (a person may hold several)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)

    history = AuditTrail()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="unique_role_per_person"),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="role_assignment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name}: {self.get_role_display()}"

    def access_scope(self) -> Scope:
        # A role sits with its holder's organisation (where the audit trail files its changes).
        return Scope(self.person.organisation_id)
