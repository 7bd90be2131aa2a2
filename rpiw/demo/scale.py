"""National-scale RPIW records: value streams, RPIWs, team members, measures and measurements.

Per trust 8–16 value streams and ~490 RPIWs from 2015 to a year after ``AS_AT``; each RPIW has
1–8 measures (mostly 6–8, as the national return showed), a baseline once the workshop has
started and the 30/60/90(/120)-day follow-ups that had fallen due, a few missed. Called by
``vmi_programme.demo.scale.generate``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rpiw.models import (
    FOLLOW_UP_DAYS,
    OPTIONAL_FOLLOW_UP_DAY,
    Measure,
    MeasureKind,
    Measurement,
    Rpiw,
    RpiwStatus,
    Selection,
    TeamMember,
    TeamRole,
    TimeUnit,
    ValueStream,
    ValueStreamStatus,
)
from vmi_programme.demo.scale import AS_AT, ScaleContext

RPIWS_PER_TRUST = 488
FIRST_WORKSHOP = dt.date(2015, 1, 5)
LAST_WORKSHOP = AS_AT + dt.timedelta(days=365)
STREAMS = ["Emergency care", "Elective orthopaedics", "Cardiology", "Outpatients", "Theatres",
           "Discharge", "Maternity", "Frailty", "Stroke", "Pharmacy", "Radiology", "Pathology",
           "Sepsis", "Cancer pathway", "Paediatrics", "Critical care"]  # fmt: skip
# (kind, weight); measure counts 1–8 weighted towards full sets.
KINDS = [(MeasureKind.LEAD_TIME, 4), (MeasureKind.DEFECTS, 3), (MeasureKind.DEFECT_RATIO, 2),
         (MeasureKind.EHS, 1), (MeasureKind.OTHER, 1)]  # fmt: skip
MEASURE_COUNT_WEIGHTS = [1, 1, 2, 3, 5, 8, 12, 20]
TEAM = [TeamRole.SPONSOR, TeamRole.TEAM_LEAD, TeamRole.FRONT_LINE, TeamRole.FRONT_LINE,
        TeamRole.FRONT_LINE, TeamRole.PATIENT_REP]  # fmt: skip


def generate(ctx: ScaleContext) -> None:
    rng = ctx.rng
    span = (LAST_WORKSHOP - FIRST_WORKSHOP).days
    kinds, kind_weights = zip(*KINDS, strict=True)
    streams = ctx.writer(
        ValueStream,
        [
            "organisation_id",
            "name",
            "started_on",
            "status",
            "selection",
            "lead_id",
            "facilitator_id",
        ],  # fmt: skip
    )
    rpiws = ctx.writer(
        Rpiw, ["value_stream_id", "reference", "title", "facilitator_id", "workshop_start",
               "workshop_end", "follow_up_120", "status", "status_reason", "problem_statement"],
    )  # fmt: skip
    team = ctx.writer(TeamMember, ["rpiw_id", "role", "name", "person_id"])
    measures = ctx.writer(Measure, ["rpiw_id", "order", "kind", "name", "unit", "direction"])
    points = ctx.writer(
        Measurement, ["measure_id", "point", "value", "defects", "output", "measured_on"]
    )
    for trust in ctx.trusts:
        org = trust.organisation
        names = rng.sample(STREAMS, rng.randint(8, 16))
        stream_ids = list(streams.ids(len(names)))
        ctx.write(
            ValueStream,
            streams.columns[1:],
            [
                (sid, org.pk, name, FIRST_WORKSHOP - dt.timedelta(days=rng.randrange(60, 200)),
                 ValueStreamStatus.ACTIVE, rng.choice(Selection.values), rng.choice(trust.staff),
                 rng.choice(trust.facilitators))
                for sid, name in zip(stream_ids, names, strict=True)
            ],
        )  # fmt: skip
        rpiw_rows: list[tuple] = []
        team_rows: list[tuple] = []
        measure_rows: list[tuple] = []
        point_rows: list[tuple] = []
        n = RPIWS_PER_TRUST + rng.randint(-20, 20)
        starts = sorted(FIRST_WORKSHOP + dt.timedelta(days=rng.randrange(span)) for _ in range(n))
        for number, (rid, start) in enumerate(zip(rpiws.ids(n), starts, strict=True), start=1):
            start -= dt.timedelta(days=start.weekday())  # workshops start on a Monday
            end = start + dt.timedelta(days=4)
            with_120 = rng.random() < 0.2
            status, reason = _status(rng, start, end, with_120)
            rpiw_rows.append(
                (rid, rng.choice(stream_ids), f"{org.short_name}-RPIW-{number:04d}",
                 f"{rng.choice(STREAMS)} flow {number}", rng.choice(trust.facilitators), start,
                 end, with_120, status, reason, "Patients wait too long between steps.")
            )  # fmt: skip
            members = rng.sample(trust.staff, len(TEAM))
            team_rows.extend(
                (tid, rid, role, f"Member {pid}", pid)
                for tid, pid, role in zip(team.ids(len(TEAM)), members, TEAM, strict=True)
            )
            count = rng.choices(range(1, 9), MEASURE_COUNT_WEIGHTS)[0]
            ended = status not in (RpiwStatus.PLANNED, RpiwStatus.PREPARING) and not reason
            for order, mid in enumerate(measures.ids(count), start=1):
                kind = rng.choices(kinds, kind_weights)[0]
                unit = rng.choice(TimeUnit.values) if kind == MeasureKind.LEAD_TIME else ""
                if kind == MeasureKind.DEFECT_RATIO:
                    unit = "defects per output"
                measure_rows.append((mid, rid, order, kind, f"Measure {order}", unit, "lower"))
                if ended:
                    point_rows.extend(_measurements(rng, points, mid, kind, end, with_120))
        ctx.write(Rpiw, rpiws.columns[1:], rpiw_rows)
        ctx.write(TeamMember, team.columns[1:], team_rows)
        ctx.write(Measure, measures.columns[1:], measure_rows)
        ctx.write(Measurement, points.columns[1:], point_rows)


def _status(rng, start: dt.date, end: dt.date, with_120: bool) -> tuple[str, str]:
    if start > AS_AT + dt.timedelta(days=56):
        return RpiwStatus.PLANNED, ""
    if start > AS_AT:
        return RpiwStatus.PREPARING, ""
    if rng.random() < 0.03:
        return rng.choice([RpiwStatus.CANCELLED, RpiwStatus.STOOD_DOWN]), "Winter pressures."
    last = OPTIONAL_FOLLOW_UP_DAY if with_120 else FOLLOW_UP_DAYS[-1]
    if end > AS_AT:
        return RpiwStatus.WORKSHOP, ""
    if end + dt.timedelta(days=last) > AS_AT:
        return RpiwStatus.FOLLOW_UP, ""
    return RpiwStatus.CLOSED, ""


def _measurements(rng, writer, measure_id: int, kind: str, end: dt.date, with_120: bool):
    """Baseline, then each due follow-up (5% missed). Seven measures in ten go on improving
    towards their 90-day value (sustained); two keep 30–75% of their 30-day improvement by day
    90 (partly sustained) and one keeps at most 15% (lost), as the report's sustainment
    checkpoints found some gains fading."""
    days = [0, *FOLLOW_UP_DAYS, *([OPTIONAL_FOLLOW_UP_DAY] if with_120 else [])]
    days = [
        d for d in days if d == 0 or (end + dt.timedelta(days=d) <= AS_AT and rng.random() > 0.05)
    ]
    baseline = rng.uniform(20, 400)
    gain = rng.uniform(0.2, 0.7)
    output = rng.randint(50, 500)
    fate = rng.random()
    keep = 1.0 if fate < 0.7 else rng.uniform(0.3, 0.75) if fate < 0.9 else rng.uniform(0, 0.15)
    rows: list[tuple] = []
    for point, pid in zip(days, writer.ids(len(days)), strict=True):
        if keep == 1.0 or point <= 30:
            factor = 1 - gain * min(point, 90) / 90
        else:  # the 30-day improvement fades to ``keep`` of itself by day 90
            fading = 1 - (1 - keep) * min(point - 30, 60) / 60
            factor = 1 - gain * 30 / 90 * fading
        measured = end + dt.timedelta(days=point) if point else end - dt.timedelta(days=7)
        if kind == MeasureKind.DEFECT_RATIO:
            defects = round(output * 0.3 * factor)
            rows.append((pid, measure_id, point, None, defects, output, measured))
        else:
            value = Decimal(f"{baseline * factor:.2f}")
            rows.append((pid, measure_id, point, value, None, None, measured))
    return rows
