"""The staff-list import: a trust's people from its ESR extract, on the one import pipeline.

One row per member of staff; the e-mail address finds someone already in the app (their job
title, department and staff group are updated) or adds them. All or nothing, like every
import (ADR 6). It needs ``Action.MANAGE_USERS`` on the trust (its trust administrator).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from . import audit
from .access import Action
from .imports import Column, ImportContext, ImportSpec, RowCleaner, RowError, register
from .models import Person, ProfessionalGroup

# ESR's staff groups (and our own names for them) → the professional group the app records.
STAFF_GROUPS: dict[str, str] = {
    **{value: value for value in ProfessionalGroup.values},
    **{label: value for value, label in ProfessionalGroup.choices},
    "Medical and Dental": ProfessionalGroup.MEDICAL,
    "Nursing and Midwifery Registered": ProfessionalGroup.NURSING,
    "Allied Health Professionals": ProfessionalGroup.AHP,
    "Additional Professional Scientific and Technical": ProfessionalGroup.SCIENTIFIC,
    "Healthcare Scientists": ProfessionalGroup.SCIENTIFIC,
    "Administrative and Clerical": ProfessionalGroup.ADMIN_CLERICAL,
    "Additional Clinical Services": ProfessionalGroup.OTHER,
    "Estates and Ancillary": ProfessionalGroup.OTHER,
    "Students": ProfessionalGroup.OTHER,
}
UPDATED_FIELDS = ("full_name", "job_title", "department", "professional_group")


class StaffListImport(ImportSpec):
    name = "programme.people"
    title = "Import people from the staff list"
    help_text = (
        "One row per member of staff, as in an ESR extract. People are matched by e-mail "
        "address: someone already here has their name, job title, department and staff group "
        "updated; anyone else is added. Invite them to an account from their page afterwards."
    )
    success_url_name = "people-list"
    action = Action.MANAGE_USERS
    # Keyed by the headings themselves, so every error names the column as the file does.
    columns = [
        Column("Name", aliases=("full name", "employee name"), help="Full name"),
        Column("Email", aliases=("work email", "email address"), help="Work e-mail"),
        Column(
            "Staff group",
            required=False,
            aliases=("professional group",),
            help="ESR staff group, e.g. Nursing and Midwifery Registered",
        ),
        Column("Job title", required=False, aliases=("job role", "position title")),
        Column("Department", required=False, aliases=("organisation unit",)),
    ]
    example_rows = [
        {
            "Name": "Ann Lee",
            "Email": "ann.lee@example.nhs.uk",
            "Staff group": "Nursing and Midwifery Registered",
            "Job title": "Ward manager",
            "Department": "Surgery",
        }
    ]

    def prepare(self, ctx: ImportContext) -> None:
        people = Person.objects.filter(organisation=ctx.organisation, erased_at__isnull=True)
        ctx.state["people"] = {p.email.lower(): p for p in people.exclude(email="")}

    def clean_row(self, row: dict[str, str], ctx: ImportContext) -> dict:
        c = RowCleaner(row)
        name = c.text("Name", max_length=200)
        email = c.text("Email", max_length=254).lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                c.error("Email", f"'{email}' is not an e-mail address")
        group = c.choice(
            "Staff group", STAFF_GROUPS, required=False, default=ProfessionalGroup.OTHER
        )
        return c.result(
            full_name=name,
            email=email,
            professional_group=group,
            job_title=c.text("Job title", required=False, max_length=200),
            department=c.text("Department", required=False, max_length=200),
        )

    def check_rows(self, rows: list[tuple[int, dict]], ctx: ImportContext) -> list[RowError]:
        first: dict[str, int] = {}
        errors = []
        for number, row in rows:
            if row["email"] in first:
                errors.append(
                    RowError(number, "Email", f"repeats row {first[row['email']]}'s address")
                )
            first.setdefault(row["email"], number)
        return errors

    def write(self, rows: list[dict], ctx: ImportContext) -> dict[str, Any]:
        known: dict[str, Person] = ctx.state["people"]
        new, changed = [], []
        for row in rows:
            person = known.get(row["email"])
            if person is None:
                new.append(Person(organisation=ctx.organisation, **row))
            elif any(getattr(person, f) != row[f] for f in UPDATED_FIELDS):
                for name in UPDATED_FIELDS:
                    setattr(person, name, row[name])
                changed.append(person)
        audit.bulk_create(Person, new)
        if changed:
            audit.bulk_update(Person, changed, list(UPDATED_FIELDS))
        return {"people added": len(new), "people updated": len(changed)}


register(StaffListImport())
