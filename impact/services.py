"""Writes of the impact app: measures, monthly values, characteristics, peer groups, ITS runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vmi_programme import audit, deletes, jobs
from vmi_programme.access import Action, can
from vmi_programme.models import Job, JobStatus, Organisation, OrganisationKind
from vmi_programme.writes import model_update, save_validated

from .analysis.peers import nearest_peers
from .models import (
    ChartBaseline,
    Computation,
    Direction,
    LimitChange,
    Measure,
    OrganisationCharacteristic,
    PeerGroup,
    PeerGroupMember,
    PeerMethod,
    SeriesValue,
    series_scope,
)

ITS_KIND = "impact.its"
DEFAULT_INTERVENTION = "2015-07"
PEER_GROUP_SIZE = 10

#: The measures the app knows from the start; an analyst may add others.
STANDARD_MEASURES: dict[str, dict[str, Any]] = {
    "fft_ae_recommend": {
        "name": "A&E Friends and Family Test: % recommend",
        "unit": "%",
        "direction": Direction.HIGHER,
        "valid_from": dt.date(2013, 4, 1),
        "valid_to": dt.date(2020, 3, 1),
        "source": "NHS England, Friends and Family Test monthly A&E data",
        "notes": "Extremely likely + likely over all responses (including don't know). "
        "The question changed in April 2020: the later '% positive' is a separate measure.",
    },
    "fft_ae_positive": {
        "name": "A&E Friends and Family Test: % positive",
        "unit": "%",
        "direction": Direction.HIGHER,
        "valid_from": dt.date(2020, 4, 1),
        "source": "NHS England, Friends and Family Test monthly A&E data",
        "notes": "'Overall, how was your experience of our service?' very good + good. "
        "Not comparable with the 2013–2020 '% recommend'.",
    },
    "staff_turnover": {
        "name": "Staff turnover",
        "unit": "%",
        "direction": Direction.LOWER,
        "computation": Computation.RATIO,
        "scale": 100.0,
        "numerator_label": "leavers",
        "denominator_label": "mean headcount (start and end of month)",
        "source": "NHS Digital, HCHS monthly workforce statistics (leaver rates)",
        "notes": "Leavers in the month / mean of the headcounts at its start and end.",
    },
    "ae_4h_type1": {
        "name": "A&E 4-hour performance (type 1)",
        "unit": "%",
        "direction": Direction.HIGHER,
        "computation": Computation.RATIO,
        "scale": 100.0,
        "numerator_label": "type 1 attendances seen within 4 hours",
        "denominator_label": "type 1 attendances",
        "source": "NHS England, A&E attendances and emergency admissions",
        "notes": "1 − breaches / attendances, type 1 (major) departments only.",
    },
    "ae_attendances_type1": {
        "name": "A&E attendances (type 1)",
        "unit": "attendances",
        "direction": Direction.NEITHER,
        "source": "NHS England, A&E attendances and emergency admissions",
    },
}


def ensure_standard_measures() -> dict[str, Measure]:
    """Create the standard measures that do not exist yet; returns every standard measure."""
    existing = {m.code: m for m in Measure.objects.filter(code__in=STANDARD_MEASURES)}
    for code, fields in STANDARD_MEASURES.items():
        if code not in existing:
            measure = Measure(code=code, **fields)
            measure.full_clean()
            measure.save()
            existing[code] = measure
    return existing


def first_of_month(value: dt.date | str | pd.Period) -> dt.date:
    """The first day of the month a date, "YYYY-MM" or period falls in."""
    if isinstance(value, str):
        value = pd.Period(value, freq="M").to_timestamp().date()
    elif isinstance(value, pd.Period):
        value = value.to_timestamp().date()
    return value.replace(day=1)


@dataclass(frozen=True)
class MonthValue:
    """One month of a measure for one organisation, before it is stored."""

    organisation: Organisation
    period: dt.date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None


def can_change_series(user: Any, organisation: Organisation) -> bool:
    """A trust changes its own series; peer trusts' series are partnership-level data."""
    return can(user, Action.CHANGE, series_scope(organisation))


def record_values(
    measure: Measure, values: Sequence[MonthValue], *, user: Any = None, rerun: bool = True
) -> dict[str, int]:
    """Store months of a measure (insert or replace) in one transaction, then re-run affected ITS.

    Ratio measures compute their value from numerator and denominator. Nothing is written if
    any month is invalid.
    """
    now = timezone.now()
    rows = []
    for item in values:
        numerator, denominator = _plain_float(item.numerator), _plain_float(item.denominator)
        value = _plain_float(item.value)
        if measure.computation == Computation.RATIO and value is None:
            value = measure.value_from(numerator, denominator)
        row = SeriesValue(
            organisation=item.organisation,
            measure=measure,
            period=first_of_month(item.period),
            value=value,
            numerator=numerator,
            denominator=denominator,
            updated_at=now,
        )
        # Field checks only: the constraints (unique month, first of month, positive
        # denominator) hold by construction here and are enforced by the database; checking
        # them row by row would cost queries per row.
        row.clean_fields(exclude=["organisation", "measure"])
        if denominator is not None and denominator <= 0:
            raise ValidationError(f"{item.organisation}: the denominator must be more than 0.")
        rows.append(row)
    with transaction.atomic():
        existing = set(
            SeriesValue.objects.filter(
                measure=measure,
                organisation__in={row.organisation_id for row in rows},
                period__in={row.period for row in rows},
            ).values_list("organisation_id", "period")
        )
        SeriesValue.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["organisation", "measure", "period"],
            update_fields=["value", "numerator", "denominator", "updated_at"],
        )
        audit.record_upsert(
            SeriesValue, rows, existing, lambda row: (row.organisation_id, row.period)
        )
        codes = {row.organisation.ods_code for row in rows}
        rerun_count = rerun_affected_runs(measure.code, codes, user=user) if rerun else 0
    return {"months": len(rows), "organisations": len(codes), "runs re-queued": rerun_count}


def _plain_float(value: Any) -> float | None:
    """A Python float (numpy scalars confuse model validation), or None for missing/NaN."""
    if value is None:
        return None
    number = float(value)
    if number != number:
        return None
    if number in (float("inf"), float("-inf")):
        raise ValidationError(f"{value!r} is not a finite number.")
    return number


def set_characteristics(
    rows: Iterable[tuple[Organisation, str, float]], as_of: dt.date, source: str = ""
) -> int:
    """Store characteristics (organisation, name, value) as of a date, replacing earlier values."""
    objects = []
    for organisation, name, value in rows:
        item = OrganisationCharacteristic(
            organisation=organisation, name=name, value=float(value), as_of=as_of, source=source
        )
        item.clean_fields(exclude=["organisation"])  # the unique constraint is the database's
        objects.append(item)
    with transaction.atomic():
        existing = set(
            OrganisationCharacteristic.objects.filter(
                as_of=as_of,
                organisation__in={item.organisation_id for item in objects},
                name__in={item.name for item in objects},
            ).values_list("organisation_id", "name")
        )
        OrganisationCharacteristic.objects.bulk_create(
            objects,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["organisation", "name", "as_of"],
            update_fields=["value", "source"],
        )
        audit.record_upsert(
            OrganisationCharacteristic, objects, existing, lambda i: (i.organisation_id, i.name)
        )
    return len(objects)


# --------------------------------------------------------------------------- pages' writes

MEASURE_EDITABLE = (
    "code",
    "name",
    "unit",
    "direction",
    "computation",
    "scale",
    "numerator_label",
    "denominator_label",
    "valid_from",
    "valid_to",
    "source",
    "notes",
)
# A measure's code names it in URLs, imports and stored ITS runs: it is set once.
MEASURE_CHANGEABLE = tuple(name for name in MEASURE_EDITABLE if name != "code")
CHARACTERISTIC_EDITABLE = ("name", "value", "as_of", "source")


@transaction.atomic
def create_measure(*, data: dict[str, Any]) -> Measure:
    """A new measure (partnership-level; the page checks who may add one)."""
    return save_validated(Measure(**{k: data[k] for k in MEASURE_EDITABLE if k in data}))


@transaction.atomic
def update_measure(*, measure: Measure, data: dict[str, Any]) -> Measure:
    """Change a measure's definition; its code never changes. A ratio measure's stored values
    are not recomputed here: its import recomputes them from their parts."""
    return model_update(instance=measure, fields=MEASURE_CHANGEABLE, data=data)[0]


@transaction.atomic
def create_characteristic(
    *, organisation: Organisation, data: dict[str, Any]
) -> OrganisationCharacteristic:
    """One characteristic of one organisation as of a date (the page checks the organisation
    against the access policy, ``can_change_series``)."""
    fields = {k: data[k] for k in CHARACTERISTIC_EDITABLE if k in data}
    return save_validated(OrganisationCharacteristic(organisation=organisation, **fields))


@transaction.atomic
def update_characteristic(
    *, characteristic: OrganisationCharacteristic, data: dict[str, Any]
) -> OrganisationCharacteristic:
    """Change a characteristic's name, value, date or source; its organisation never changes."""
    return model_update(instance=characteristic, fields=CHARACTERISTIC_EDITABLE, data=data)[0]


# --------------------------------------------------------------------------- peer groups


def choose_nearest_peers(
    trust: Organisation,
    features: pd.DataFrame,
    *,
    k: int = PEER_GROUP_SIZE,
    weights: dict[str, float] | None = None,
    as_of: dt.date | None = None,
    user: Any = None,
    notes: str = "",
) -> PeerGroup:
    """Record the k peers nearest ``trust`` on ``features`` (rows = ODS codes), with distances.

    Candidates are the peer trusts in ``features`` (other partner trusts took part in the
    programme, so they cannot be controls). Raises ValueError from the peer selection.
    """
    kinds = dict(
        Organisation.objects.filter(ods_code__in=list(features.index)).values_list(
            "ods_code", "kind"
        )
    )
    keep = [
        code
        for code in features.index
        if code == trust.ods_code or kinds.get(code) == OrganisationKind.PEER_TRUST
    ]
    result = nearest_peers(features.loc[keep], trust.ods_code, k, weights=weights)
    distances = result.peers["distance"].to_dict()
    extra = "; ".join(result.notes)
    return _record_group(
        trust,
        PeerMethod.NEAREST,
        [(code, float(distance)) for code, distance in distances.items()],
        features=list(result.features_used),
        weights=result.weights,
        as_of=as_of,
        user=user,
        notes="\n".join(x for x in (notes, extra) if x),
    )


def set_manual_peers(
    trust: Organisation,
    peer_codes: Sequence[str],
    *,
    distances: dict[str, float] | None = None,
    user: Any = None,
    notes: str = "",
) -> PeerGroup:
    """Record a peer group entered by hand (optionally with known distances)."""
    distances = distances or {}
    return _record_group(
        trust,
        PeerMethod.MANUAL,
        [(code, distances.get(code)) for code in peer_codes],
        user=user,
        notes=notes,
    )


def _record_group(
    trust: Organisation,
    method: str,
    peers: list[tuple[str, float | None]],
    *,
    features: list[str] | None = None,
    weights: dict | None = None,
    as_of: dt.date | None = None,
    user: Any = None,
    notes: str = "",
) -> PeerGroup:
    codes = [code.strip().upper() for code, _ in peers]
    if not codes:
        raise ValidationError("A peer group needs at least one peer.")
    if len(set(codes)) != len(codes):
        raise ValidationError("A peer appears more than once.")
    if trust.ods_code in codes:
        raise ValidationError("A trust cannot be its own peer.")
    found = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(f"Unknown organisation code(s): {', '.join(unknown)}.")
    partners = [c for c in codes if found[c].kind == OrganisationKind.PARTNER_TRUST]
    if partners:
        raise ValidationError(
            f"Partner trusts cannot be peers (they received the programme): {', '.join(partners)}."
        )
    with transaction.atomic():
        group = PeerGroup(
            trust=trust,
            method=method,
            features=features or [],
            weights=weights or {},
            as_of=as_of,
            notes=notes,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        group.full_clean()
        group.save()
        audit.bulk_create(
            PeerGroupMember,
            [
                PeerGroupMember(group=group, peer=found[code], rank=rank, distance=distance)
                for rank, (code, (_, distance)) in enumerate(
                    zip(codes, peers, strict=True), start=1
                )
            ],
        )
    return group


# --------------------------------------------------------------------------- ITS runs


def submit_its_run(parameters: dict[str, Any], *, trust: Organisation, user: Any = None) -> Job:
    """Queue an ITS run (parameters already validated, see ``forms.ItsRunForm``)."""
    return jobs.submit(ITS_KIND, parameters, user=user, organisation=trust)


def rerun_affected_runs(measure_code: str, org_codes: Iterable[str], *, user: Any = None) -> int:
    """Mark stale the current runs of a measure that read any of these organisations, and queue
    a fresh run of each with the same parameters. Old runs are kept for comparison."""
    changed = set(org_codes)
    current = Job.objects.filter(
        kind=ITS_KIND, status=JobStatus.SUCCEEDED, stale=False, parameters__measure=measure_code
    ).select_related("organisation")
    affected = [
        job
        for job in current
        if changed & {job.parameters.get("trust"), *job.parameters.get("peers", [])}
    ]
    if not affected:
        return 0
    Job.objects.filter(pk__in=[job.pk for job in affected]).update(stale=True)
    for job in affected:
        parameters = {**job.parameters, "rerun_of": job.pk}
        jobs.submit(ITS_KIND, parameters, user=user, organisation=job.organisation)
    return len(affected)


# --------------------------------------------------------------------------- SPC baselines


def record_chart_baseline(
    *,
    user: Any,
    organisation: Organisation,
    chart_key: str,
    change: str,
    starts_on: dt.date,
    points: int | None,
    reason: str,
) -> ChartBaseline:
    """Fix a baseline (``change="fix"``, with ``points``) or recalculate the limits
    (``"rebase"``) of one SPC chart from ``starts_on``, recording who and why.

    The caller has checked that ``user`` may change the chart's series. A second change at the
    same point of the same chart is refused (a ValidationError); the audit trail keeps each one.
    """
    baseline = ChartBaseline(
        organisation=organisation,
        chart_key=chart_key,
        change=change,
        starts_on=starts_on,
        points=points if change == LimitChange.FIX else None,
        reason=reason.strip(),
        created_by=user,
    )
    with transaction.atomic():
        return save_validated(baseline)


def remove_chart_baseline(*, user: Any, baseline: ChartBaseline) -> None:
    """Withdraw a baseline change (the audit trail keeps who made and who removed it)."""
    deletes.delete(user, baseline)
