"""Demo partnership: the five NHS-VMI partner trusts, peers, regulator, CI partner and users.

Every app's demo package (``<app>/demo/``, exposing ``seed(ctx)``) builds on what this package
creates; ``manage.py seed_demo`` runs them in order. Figures the report publishes are not stored
here: apps compute them from the raw records their own demo packages generate. ``data/`` holds
the register of acute trusts the organisations come from.
"""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from ..constants import PROGRAMME_START
from ..models import (
    Organisation,
    OrganisationKind,
    Partnership,
    Person,
    ProfessionalGroup,
    Role,
    RoleAssignment,
)

DATA_DIR = Path(__file__).parent / "data"

# Table 5.1 headcounts (the consistent ones; Table 5.2 swaps SASH and SATH).
PARTNER_TRUSTS = {
    "RTP": ("SASH", 5500),
    "RR8": ("LTHT", 17500),
    "RKB": ("UHCW", 8600),
    "RXW": ("SATH", 4200),
    "RF4": ("BHRUT", 6500),
}
CURRENT_CEOS = {
    "SASH": "Michael Wilson",
    "LTHT": "Julian Hartley",
    "UHCW": "Andy Hardy",
    "SATH": "Louise Barnett",
    "BHRUT": "Tony Chambers",
}


@dataclass
class DemoLogin:
    username: str
    password: str
    roles: str
    organisation: str


@dataclass
class DemoContext:
    """What the core seed made, handed to every app's seed."""

    partnership: Partnership
    trusts: dict[str, Organisation]  # by short name
    regulator: Organisation
    ci_partner: Organisation
    logins: list[DemoLogin] = field(default_factory=list)


def _password() -> str:
    return f"vmi-{secrets.token_urlsafe(9)}"


def create_user(
    ctx: DemoContext | None,
    username: str,
    full_name: str,
    organisation: Organisation,
    roles: list[str],
    *,
    job_title: str = "",
    professional_group: str = ProfessionalGroup.MANAGERIAL,
    staff: bool = False,
) -> Person:
    """A person with a user account and roles; the login is recorded for printing."""
    first, _, last = full_name.partition(" ")
    password = _password()
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        first_name=first,
        last_name=last,
        email=f"{username}@example.nhs.uk",
        is_staff=staff,
        is_superuser=staff and Role.ADMINISTRATOR in roles,
    )
    person = Person.objects.create(
        organisation=organisation,
        full_name=full_name,
        job_title=job_title,
        professional_group=professional_group,
        email=user.email,
        user=user,
    )
    RoleAssignment.objects.bulk_create(RoleAssignment(person=person, role=r) for r in roles)
    if ctx is not None:
        ctx.logins.append(
            DemoLogin(
                username, password, ", ".join(Role(r).label for r in roles), organisation.short_name
            )
        )
    return person


def seed() -> DemoContext:
    """Organisations, the partnership and one user per role (more for the partner trusts)."""
    with open(DATA_DIR / "acute_trusts.csv", encoding="utf-8-sig") as handle:
        acute = list(csv.DictReader(handle))
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.PARTNER_TRUST
            if row["ods_code"] in PARTNER_TRUSTS
            else OrganisationKind.PEER_TRUST,
            name=row["name"],
            short_name=PARTNER_TRUSTS.get(row["ods_code"], (row["short_name"],))[0],
            ods_code=row["ods_code"],
            headcount=PARTNER_TRUSTS.get(row["ods_code"], (None, None))[1],
            region=row["region"],
        )
        for row in acute
    )
    regulator = Organisation.objects.create(
        kind=OrganisationKind.REGULATOR,
        name="NHS England and NHS Improvement",
        short_name="NHSEI",
    )
    ci_partner = Organisation.objects.create(
        kind=OrganisationKind.CI_PARTNER, name="Virginia Mason Institute", short_name="VMI"
    )
    trusts = {o.short_name: o for o in organisations if o.ods_code in PARTNER_TRUSTS}
    partnership = Partnership.objects.create(
        name="NHS-VMI partnership", short_name="NHS-VMI", started_on=PROGRAMME_START
    )
    partnership.members.set([*trusts.values(), regulator, ci_partner])
    ctx = DemoContext(partnership, trusts, regulator, ci_partner)

    for short, trust in sorted(trusts.items()):
        key = short.lower()
        create_user(
            ctx,
            f"ceo.{key}",
            CURRENT_CEOS[short],
            trust,
            [Role.EXECUTIVE, Role.TGB_MEMBER],
            job_title="Chief Executive",
        )
        create_user(
            ctx,
            f"kpo.{key}",
            f"{short} KPO Facilitator",
            trust,
            [Role.KPO_FACILITATOR],
            job_title="Improvement facilitator, Kaizen Promotion Office",
        )
    sash = trusts["SASH"]
    create_user(ctx, "kpolead.sash", "Jo Marsh", sash, [Role.KPO_LEAD], job_title="Head of KPO")
    create_user(ctx, "analyst.sash", "Priya Nair", sash, [Role.ANALYST], job_title="Analyst")
    create_user(
        ctx,
        "regulator",
        "Sam Okafor",
        regulator,
        [Role.REGULATOR],
        job_title="Director of Improvement",
    )
    create_user(
        ctx, "sensei.vmi", "Dana Holt", ci_partner, [Role.TGB_MEMBER], job_title="VMI sensei"
    )
    create_user(
        ctx,
        "admin",
        "Programme Administrator",
        regulator,
        [Role.ADMINISTRATOR],
        job_title="Administrator",
        staff=True,
    )
    return ctx


def write_logins(logins: list[DemoLogin]) -> Path:
    """Keep the generated demo logins in var/ (not committed) so a later run can print them."""
    path = Path(settings.VAR_DIR) / "demo-logins.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{'username':<16} {'password':<20} {'organisation':<8} roles"]
    lines += [f"{x.username:<16} {x.password:<20} {x.organisation:<8} {x.roles}" for x in logins]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path
