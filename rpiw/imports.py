"""Import of RPIW template reports: one row per measure per time point, on the shared pipeline.

A row names the trust, value stream and RPIW (by reference; a new reference creates the RPIW
from the title and workshop dates), the measure (by name; created on first sight with its type
and unit) and one time point (baseline, 30, 60, 90 or 120 days) with its value, or defects and
output for a defect ratio. Rows for an existing measurement correct it. The file is written all
or nothing; an export of the measurements (``rpiw.selectors.measurement_rows``) has these same
columns, so it can be edited and imported again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError

from vmi_programme.imports import Column, ImportSpec, RowCleaner, RowError, register
from vmi_programme.models import Organisation

from . import services
from .models import (
    MAX_MEASURES_PER_RPIW,
    WORKSHOP_DAYS,
    Measure,
    MeasureKind,
    Rpiw,
    TimeUnit,
    ValueStream,
)

POINTS = {"baseline": 0, "0": 0, "30": 30, "60": 60, "90": 90, "120": 120}
POINT_LABELS = {0: "baseline", 30: "30", 60: "60", 90: "90", 120: "120"}
KINDS = {
    **{value: value for value in MeasureKind.values},
    **{label: value for value, label in MeasureKind.choices},
    "lead time": MeasureKind.LEAD_TIME,
    "defects": MeasureKind.DEFECTS,
    "defect ratio": MeasureKind.DEFECT_RATIO,
    "EHS": MeasureKind.EHS,
}

COLUMNS = [
    Column("trust", "Trust", help="Short name or ODS code, e.g. SASH or RTP"),
    Column("value_stream", "Value stream"),
    Column("rpiw", "RPIW reference", aliases=("reference",)),
    Column("title", "RPIW title", required=False),
    Column("workshop_start", "Workshop start", required=False),
    Column("workshop_end", "Workshop end", required=False),
    Column("measure", "Measure"),
    Column("measure_type", "Measure type", required=False, aliases=("type",)),
    Column("unit", "Unit", required=False),
    Column("point", "Time point", help="baseline, 30, 60, 90 or 120"),
    Column("value", "Value", required=False),
    Column("defects", "Defects", required=False),
    Column("output", "Output", required=False),
    Column("measured_on", "Measured on", required=False),
]


#: RPIW dates outside these years are typing slips (a workshop in 9999).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def _decimal(c: RowCleaner, column: str) -> Decimal | None:
    return c.decimal(column, required=False, minimum=Decimal(0))


def _count(c: RowCleaner, column: str) -> int | None:
    value = c.integer(column, required=False)
    if value is not None and value < 0:
        c.error(column, "cannot be negative")
    return value


class RpiwReportImport(ImportSpec):
    name = "rpiw.measures"
    title = "Import RPIW template reports"
    help_text = (
        "One row per measure per time point (baseline, 30, 60, 90, 120 days). New RPIW "
        "references need a title and workshop dates; new measures need a type."
    )
    columns = COLUMNS
    success_url_name = "rpiw:rpiw-list"
    example_rows = [
        {
            "trust": "SASH",
            "value_stream": "Outpatients",
            "rpiw": "SASH-RPIW-101",
            "title": "Clinic letters",
            "workshop_start": "2024-03-04",
            "workshop_end": "2024-03-08",
            "measure": "Lead time: dictation to letter sent",
            "measure_type": "lead_time",
            "unit": "days",
            "point": "baseline",
            "value": "9",
            "measured_on": "2024-02-19",
        },
        {
            "trust": "SASH",
            "value_stream": "Outpatients",
            "rpiw": "SASH-RPIW-101",
            "measure": "Letters with errors",
            "measure_type": "defect_ratio",
            "point": "30",
            "defects": "4",
            "output": "120",
            "measured_on": "2024-04-08",
        },
    ]

    def prepare(self, ctx) -> None:
        trusts = {}
        for o in Organisation.objects.all():
            trusts[o.short_name.lower()] = o
            if o.ods_code:
                trusts[o.ods_code.lower()] = o
        ctx.state["trusts"] = trusts
        org = ctx.organisation
        ctx.state["streams"] = {
            s.name.lower(): s for s in ValueStream.objects.filter(organisation=org)
        }
        rpiws = Rpiw.objects.filter(value_stream__organisation=org).select_related("value_stream")
        ctx.state["rpiws"] = {r.reference.lower(): r for r in rpiws}
        ctx.state["other_rpiws"] = set(
            Rpiw.objects.exclude(value_stream__organisation=org).values_list("reference", flat=True)
        )
        measures: defaultdict[str, dict[str, Measure]] = defaultdict(dict)
        for m in Measure.objects.filter(rpiw__value_stream__organisation=org).select_related(
            "rpiw"
        ):
            measures[m.rpiw.reference.lower()][m.name.lower()] = m
        ctx.state["measures"] = measures

    def clean_row(self, row, ctx) -> dict:
        c = RowCleaner(row)
        state = ctx.state
        trust_raw = c.text("trust")
        trust = state["trusts"].get(trust_raw.lower()) if trust_raw else None
        if trust_raw and trust is None:
            c.error("trust", f"unknown trust '{trust_raw}'")
        elif trust is not None and trust != ctx.organisation:
            c.error(
                "trust",
                f"'{trust_raw}' is not {ctx.organisation.short_name}, the trust you import into",
            )
        stream_raw = c.text("value_stream")
        stream = state["streams"].get(stream_raw.lower()) if stream_raw else None
        if stream_raw and stream is None and trust == ctx.organisation:
            c.error(
                "value_stream",
                f"unknown value stream '{stream_raw}' at {ctx.organisation.short_name}",
            )
        reference = c.text("rpiw", max_length=40)
        existing = state["rpiws"].get(reference.lower()) if reference else None
        if reference and existing is None and reference in state["other_rpiws"]:
            c.error("rpiw", f"{reference} belongs to another trust")
        if existing is not None and stream is not None and existing.value_stream_id != stream.pk:
            c.error("value_stream", f"{reference} is in '{existing.value_stream.name}'")
        title = c.text("title", required=False, max_length=200)
        start = c.date("workshop_start", required=False, earliest=EARLIEST, latest=LATEST)
        end = c.date("workshop_end", required=False, earliest=EARLIEST, latest=LATEST)
        if start and not end:
            end = start + dt.timedelta(days=4)
        if start and end:
            if end < start:
                c.error("workshop_end", "is before the workshop start")
            elif not WORKSHOP_DAYS[0] <= (end - start).days + 1 <= WORKSHOP_DAYS[1]:
                c.error(
                    "workshop_end",
                    f"the workshop runs {(end - start).days + 1} days; an RPIW workshop is "
                    "3–5 days (record the reason on the RPIW page instead)",
                )
        measure_name = c.text("measure", max_length=200)
        measure = (
            state["measures"].get(reference.lower(), {}).get(measure_name.lower())
            if reference and measure_name
            else None
        )
        kind = c.choice("measure_type", KINDS, required=False)
        if measure is not None:
            if kind and kind != measure.kind:
                c.error("measure_type", f"'{measure_name}' is a {measure.get_kind_display()}")
            kind = measure.kind
        unit = c.text("unit", required=False, max_length=60)
        if measure is not None and not unit:
            unit = measure.unit
        point = c.choice("point", POINTS)
        value = _decimal(c, "value")
        defects = _count(c, "defects")
        output = _count(c, "output")
        if output is not None and output < 1:
            c.error("output", "must be at least 1")
        elif defects is not None and output is not None and defects > output:
            c.error("defects", f"{defects} defects is more than the output of {output}")
        measured_on = c.date("measured_on", required=False, earliest=EARLIEST, latest=LATEST)
        if existing is not None:
            title, start, end = existing.title, existing.workshop_start, existing.workshop_end
        return c.result(
            reference=reference,
            stream=stream,
            title=title,
            workshop_start=start,
            workshop_end=end,
            measure=measure_name,
            kind=kind,
            unit=unit,
            point=point,
            value=value,
            defects=defects,
            output=output,
            measured_on=measured_on,
        )

    def check_rows(self, rows, ctx) -> list[RowError]:
        """What needs the whole file: a new RPIW's title and dates and a new measure's type may
        be given on any one of its rows; then the checks that depend on them, duplicates and the
        eight-measure limit."""
        errors = []
        rpiw_facts: dict[str, dict] = defaultdict(dict)
        measure_facts: dict[tuple, dict] = defaultdict(dict)
        for _, row in rows:
            ref, name = row["reference"].lower(), row["measure"].lower()
            for key in ("title", "workshop_start", "workshop_end"):
                if row[key]:
                    rpiw_facts[ref].setdefault(key, row[key])
            for key in ("kind", "unit"):
                if row[key]:
                    measure_facts[ref, name].setdefault(key, row[key])
        seen: dict[tuple, int] = {}
        names: dict[str, set] = defaultdict(set)
        for number, row in rows:
            row["_row"] = number
            ref, name = row["reference"].lower(), row["measure"].lower()
            facts = rpiw_facts[ref]
            for key in ("title", "workshop_start", "workshop_end"):
                row[key] = row[key] or facts.get(key)
            for key in ("kind", "unit"):
                row[key] = row[key] or measure_facts[ref, name].get(
                    key, "" if key == "unit" else None
                )

            def error(column, message, number=number):
                errors.append(RowError(number, column, message))

            if ref not in ctx.state["rpiws"]:
                if not row["title"]:
                    error("title", f"is required for a new RPIW ({row['reference']})")
                if not row["workshop_start"]:
                    error("workshop_start", f"is required for a new RPIW ({row['reference']})")
            kind = row["kind"]
            if kind is None:
                error("measure_type", f"is required for a new measure ('{row['measure']}')")
            elif kind == MeasureKind.DEFECT_RATIO:
                if row["defects"] is None:
                    error("defects", "is required for a defect ratio")
                if row["output"] is None:
                    error("output", "is required for a defect ratio")
            elif row["value"] is None:
                error("value", "is required")
            if kind == MeasureKind.LEAD_TIME and row["unit"] not in TimeUnit.values:
                error("unit", "a lead time is in minutes, hours or days")
            end = row["workshop_end"]
            if row["point"] and row["measured_on"] and end and row["measured_on"] < end:
                error(
                    "measured_on",
                    f"a follow-up cannot be dated before the workshop ended ({end})",
                )
            key = (ref, name, row["point"])
            if key in seen:
                error("point", f"repeats row {seen[key]} (same measure and point)")
            seen.setdefault(key, number)
            existing = set(ctx.state["measures"].get(ref, {}))
            names[ref].add(name)
            if len(existing | names[ref]) > MAX_MEASURES_PER_RPIW:
                error(
                    "measure",
                    f"a ninth measure for {row['reference']}: an RPIW has at most "
                    f"{MAX_MEASURES_PER_RPIW} measures",
                )
                names[ref].discard(name)
        return errors

    def write(self, rows, ctx) -> dict:
        rpiws = dict(ctx.state["rpiws"])
        measures = {ref: dict(ms) for ref, ms in ctx.state["measures"].items()}
        counts = {"RPIWs created": 0, "measures created": 0, "measurements": 0}
        for row in rows:
            try:
                ref = row["reference"].lower()
                rpiw = rpiws.get(ref)
                if rpiw is None:
                    rpiw = services.create_rpiw(
                        row["stream"],
                        reference=row["reference"],
                        title=row["title"],
                        workshop_start=row["workshop_start"],
                        workshop_end=row["workshop_end"],
                        user=ctx.user,
                    )
                    rpiws[ref] = rpiw
                    counts["RPIWs created"] += 1
                measure = measures.setdefault(ref, {}).get(row["measure"].lower())
                if measure is None:
                    measure = services.add_measure(
                        rpiw, kind=row["kind"], name=row["measure"], unit=row["unit"]
                    )
                    measures[ref][row["measure"].lower()] = measure
                    counts["measures created"] += 1
                services.record_measurement(
                    measure,
                    row["point"],
                    value=None if measure.is_ratio else row["value"],
                    defects=row["defects"] if measure.is_ratio else None,
                    output=row["output"] if measure.is_ratio else None,
                    measured_on=row["measured_on"],
                    user=ctx.user,
                )
                counts["measurements"] += 1
            except ValidationError as exc:
                raise ValidationError(
                    [f"Row {row.get('_row', '?')}: {message}" for message in exc.messages]
                ) from exc
        return counts


register(RpiwReportImport())
