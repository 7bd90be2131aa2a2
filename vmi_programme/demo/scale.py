"""A national-scale partnership for benchmarks: N generated trusts with every app's raw records.

``manage.py generate_scale --trusts N --seed S`` builds it (deterministic for a seed). Shapes
follow the demo's generators, per trust: a dozen value streams, ~490 RPIWs of 1–8 measures
with a baseline and the 30/60/90(/120)-day follow-ups that are due, L4L and ALT cohorts with
enrolments and module assessments, two network survey waves with invitations, responses and
nominations, monthly impact series, ~80 users with roles and ~320 staff without an account.

Rows are written in bulk with explicit primary keys: PostgreSQL ``COPY`` (a national build is
millions of rows), ``bulk_create`` elsewhere (the tests' SQLite). Neither sends signals, so no
per-row audit history is recorded, which is what a generated data set wants. The apps' parts
live in their demo packages (``<app>/demo/scale.py``, a ``generate(ctx)`` each), run in the
order of ``APP_SCALES``; this module is the core's part and the shared writer.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from ..constants import PROGRAMME_START
from ..models import (
    Job,
    Organisation,
    OrganisationKind,
    Partnership,
    Person,
    ProfessionalGroup,
    Role,
    RoleAssignment,
)

# Order matters: later apps build on earlier ones' rows (networks on training's surveys).
APP_SCALES = ["rpiw.demo.scale", "training.demo.scale", "networks.demo.scale", "impact.demo.scale"]

# Generated data is dated against a fixed day, so a seed gives the same rows whatever the date.
AS_AT = dt.date(2025, 12, 31)
USERS_PER_TRUST = 80  # with accounts (CEO, KPO lead and facilitators, analyst, staff)
STAFF_PER_TRUST = 320  # without accounts: participants, team members, network alters
REGIONS = ["London", "South East", "South West", "Midlands", "East of England", "North West",
           "North East and Yorkshire"]  # fmt: skip
FIRST_NAMES = ["Alex", "Sam", "Jo", "Priya", "Tom", "Aisha", "Chris", "Dana", "Femi", "Grace",
               "Hannah", "Imran", "Jamie", "Kate", "Leon", "Maya", "Noor", "Owen", "Ruth", "Zoe"]  # fmt: skip
LAST_NAMES = ["Smith", "Jones", "Taylor", "Brown", "Khan", "Patel", "Wilson", "Evans", "Okafor",
              "Nair", "Walker", "Hughes", "Green", "Ahmed", "Clarke", "Lewis", "Wood", "Hall"]  # fmt: skip


class TableWriter:
    """Writes rows of one model with explicit primary keys, filling the fields left out.

    ``columns`` are attribute names (``value_stream_id``); a concrete field not named gets its
    default (``auto_now`` fields: now; nullable: NULL; otherwise ``""``), computed once.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        self.columns = ["id", *columns]
        now = timezone.now()
        self.filled: dict[str, Any] = {}
        for f in model._meta.concrete_fields:
            if f.attname in self.columns:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.filled[f.attname] = now
            elif f.has_default():
                self.filled[f.attname] = f.get_default()
            elif f.null:
                self.filled[f.attname] = None
            else:
                self.filled[f.attname] = ""
        self._next = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1

    def ids(self, n: int) -> range:
        """Reserve ``n`` primary keys."""
        start, self._next = self._next, self._next + n
        return range(start, start + n)

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        """Write rows (``(id, *columns)`` tuples); returns how many."""
        rows = list(rows)
        if not rows:
            return 0
        names = [*self.columns, *self.filled]
        extra = tuple(self.filled.values())
        if connection.vendor == "postgresql":
            by_attname = {f.attname: f for f in self.model._meta.concrete_fields}
            cols = ", ".join(connection.ops.quote_name(str(by_attname[n].column)) for n in names)
            table = connection.ops.quote_name(self.model._meta.db_table)
            json_at = [
                i for i, n in enumerate(names) if isinstance(by_attname[n], models.JSONField)
            ]
            sql = f"COPY {table} ({cols}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    full = (*row, *extra)
                    if json_at:
                        full = _with_json(full, json_at)
                    copy.write_row(full)
        else:
            self.model._default_manager.bulk_create(
                (self.model(**dict(zip(names, (*row, *extra), strict=True))) for row in rows),
                batch_size=2000,
            )
        return len(rows)


def _with_json(row: tuple, positions: list[int]) -> tuple:
    from psycopg.types.json import Jsonb

    out = list(row)
    for i in positions:
        out[i] = None if out[i] is None else Jsonb(out[i])
    return tuple(out)


@dataclass
class ScaleTrust:
    organisation: Organisation
    staff: list[int]  # person ids of everyone in the trust (with and without accounts)
    facilitators: list[int]  # person ids of its KPO facilitators


@dataclass
class ScaleContext:
    rng: random.Random
    trusts: list[ScaleTrust]
    regulator: Organisation
    partnership: Partnership
    writers: dict[type, TableWriter] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    log: Callable[[str], None] = print

    def writer(self, model: type[models.Model], columns: Sequence[str]) -> TableWriter:
        """One writer per model (it hands out primary keys); its columns are fixed at first use."""
        if model not in self.writers:
            self.writers[model] = TableWriter(model, columns)
        return self.writers[model]

    def write(self, model: type[models.Model], columns: Sequence[str], rows) -> None:
        n = self.writer(model, columns).write(rows)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + n


def generate(trusts: int, seed: int, password: str, log: Callable[[str], None] = print) -> dict:
    """Build the partnership; returns the number of rows written per model."""
    rng = random.Random(seed)
    ctx = _core(trusts, rng, password, log)
    for name in APP_SCALES:
        log(f"Generating {name} ...")
        importlib.import_module(name).generate(ctx)
    _jobs(ctx)
    _reset_sequences()
    return ctx.counts


def _core(n: int, rng: random.Random, password: str, log) -> ScaleContext:
    log(f"Generating {n} trusts and their people ...")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.PARTNER_TRUST,
            name=f"Scale Trust {i:03d} NHS Foundation Trust",
            short_name=f"T{i:03d}",
            ods_code=f"S{i:04d}",
            headcount=rng.randrange(3000, 18000, 100),
            region=REGIONS[i % len(REGIONS)],
        )
        for i in range(1, n + 1)
    )
    regulator = Organisation.objects.create(
        kind=OrganisationKind.REGULATOR, name="NHS England (scale)", short_name="NHSE-S"
    )
    partnership = Partnership.objects.create(
        name="National scale partnership", short_name="NATIONAL", started_on=PROGRAMME_START
    )
    partnership.members.set([*organisations, regulator])
    ctx = ScaleContext(rng, [], regulator, partnership, log=log)

    # One hash for every generated account: hashing 16,000 passwords would take an hour.
    hashed = make_password(password)
    user_model = get_user_model()
    users = ctx.writer(
        user_model,
        [
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_superuser",
            "is_active",
            "date_joined",
        ],  # fmt: skip
    )
    people = ctx.writer(
        Person,
        [
            "organisation_id",
            "full_name",
            "job_title",
            "professional_group",
            "department",
            "email",
            "user_id",
        ],  # fmt: skip
    )
    roles = ctx.writer(RoleAssignment, ["person_id", "role"])
    joined = timezone.make_aware(dt.datetime.combine(PROGRAMME_START, dt.time(9)))
    groups = ProfessionalGroup.values
    user_rows, person_rows, role_rows = [], [], []

    def account(username, first, last, org_id, title, role_list, *, staff=False):
        (uid,) = users.ids(1)
        (pid,) = people.ids(1)
        email = f"{username}@scale.example.nhs.uk"
        user_rows.append((uid, username, hashed, first, last, email, staff, staff, True, joined))
        person_rows.append(
            (pid, org_id, f"{first} {last}", title, ProfessionalGroup.MANAGERIAL, "", email, uid)
        )
        role_rows.extend(
            (rid, pid, r) for rid, r in zip(roles.ids(len(role_list)), role_list, strict=True)
        )
        return pid

    account("regulator", "Sam", "Okafor", regulator.pk, "Director of Improvement", [Role.REGULATOR])
    account("admin", "Programme", "Administrator", regulator.pk, "Administrator",
            [Role.ADMINISTRATOR], staff=True)  # fmt: skip
    for org in organisations:
        key = org.short_name.lower()
        with_account = [
            account(f"ceo.{key}", "Chief", f"Executive {org.short_name}", org.pk,
                    "Chief Executive", [Role.EXECUTIVE, Role.TGB_MEMBER]),
            account(f"kpolead.{key}", "Head", f"of KPO {org.short_name}", org.pk, "Head of KPO",
                    [Role.KPO_LEAD]),
            account(f"analyst.{key}", "Lead", f"Analyst {org.short_name}", org.pk, "Analyst",
                    [Role.ANALYST]),
        ]  # fmt: skip
        facilitators = [
            account(f"kpo{k}.{key}", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), org.pk,
                    "KPO facilitator", [Role.KPO_FACILITATOR])
            for k in range(1, 5)
        ]  # fmt: skip
        for k in range(1, USERS_PER_TRUST - len(with_account) - len(facilitators) + 1):
            with_account.append(
                account(
                    f"staff{k:02d}.{key}",
                    rng.choice(FIRST_NAMES),
                    rng.choice(LAST_NAMES),
                    org.pk,
                    "Staff",
                    [Role.TGB_MEMBER] if k <= 6 else [],
                )  # fmt: skip
            )
        without = list(people.ids(STAFF_PER_TRUST))
        for pid in without:
            person_rows.append(
                (pid, org.pk, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {pid}",
                 "Clinician", rng.choice(groups), f"Department {pid % 12 + 1}", "", None)
            )  # fmt: skip
        ctx.trusts.append(ScaleTrust(org, [*with_account, *facilitators, *without], facilitators))
    ctx.write(user_model, users.columns[1:], user_rows)
    ctx.write(Person, people.columns[1:], person_rows)
    ctx.write(RoleAssignment, roles.columns[1:], role_rows)
    return ctx


def _jobs(ctx: ScaleContext) -> None:
    """One finished analysis per trust, with a result the size of a real one (~20 kB)."""
    now = timezone.make_aware(dt.datetime.combine(AS_AT, dt.time(6)))
    columns = ["kind", "parameters", "organisation_id", "status", "progress", "result",
               "created_at", "started_at", "finished_at"]  # fmt: skip
    writer = ctx.writer(Job, columns)
    rows = []
    for trust, job_id in zip(ctx.trusts, writer.ids(len(ctx.trusts)), strict=True):
        result = {"nodes": [{"id": i, "degree": ctx.rng.randrange(40)} for i in range(800)]}
        created = now - dt.timedelta(minutes=job_id)
        rows.append(
            (job_id, "networks.summarise", {"wave": 1}, trust.organisation.pk, "succeeded", 100,
             result, created, created, created + dt.timedelta(seconds=20))
        )  # fmt: skip
    ctx.write(Job, columns, rows)


def _reset_sequences() -> None:
    """Point PostgreSQL's id sequences past the explicit ids written."""
    if connection.vendor != "postgresql":
        return
    from django.apps import apps
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from ``start``'s to ``end``'s."""
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out
