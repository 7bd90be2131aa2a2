"""Reads of the impact app: series as tables, characteristics, peer groups, stored ITS runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum

from vmi_programme.access import Action, can_view_partnership, restrict
from vmi_programme.models import (
    Job,
    JobStatus,
    Organisation,
    OrganisationKind,
)

from .models import (
    ChartBaseline,
    Computation,
    Measure,
    OrganisationCharacteristic,
    PeerGroup,
    PeerGroupMember,
    SeriesValue,
)
from .services import ITS_KIND


def visible_series_organisations(user: Any) -> QuerySet:
    """Organisations whose series the user may read: their own (or all, for the regulator) plus
    peer trusts, whose series are public statistics held for the partnership."""
    own = restrict(Organisation.objects.all(), user, Action.VIEW, via="")
    if can_view_partnership(user):
        return Organisation.objects.filter(
            Q(pk__in=own.values("pk")) | Q(kind=OrganisationKind.PEER_TRUST)
        )
    return own


def measures_with_counts() -> QuerySet:
    return Measure.objects.annotate(
        n_values=Count("values"),
        n_organisations=Count("values__organisation", distinct=True),
        first_period=Min("values__period"),
        last_period=Max("values__period"),
    ).order_by("name")


def series_values(measure: Measure, organisation: Organisation) -> QuerySet:
    return SeriesValue.objects.filter(measure=measure, organisation=organisation).order_by("period")


def series_table(
    measure: Measure | str,
    codes: list[str],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Monthly values as a table: PeriodIndex over every month in range, one column per ODS code
    (NaN where a month is missing or suppressed). Columns of codes without data are absent."""
    rows = SeriesValue.objects.filter(organisation__ods_code__in=codes)
    rows = (
        rows.filter(measure__code=measure)
        if isinstance(measure, str)
        else rows.filter(measure=measure)
    )
    if start:
        rows = rows.filter(period__gte=start)
    if end:
        rows = rows.filter(period__lte=end)
    frame = pd.DataFrame(
        list(rows.values_list("organisation__ods_code", "period", "value")),
        columns=["org_code", "period", "value"],
    )
    if frame.empty:
        return pd.DataFrame(index=pd.PeriodIndex([], freq="M"))
    frame["period"] = pd.PeriodIndex(pd.to_datetime(frame["period"]), freq="M")
    frame["value"] = frame["value"].astype(float)
    table = frame.pivot(index="period", columns="org_code", values="value")
    months = pd.period_range(table.index.min(), table.index.max(), freq="M")
    return table.reindex(months)


def series_extent(measure: Measure, code: str) -> tuple[dt.date | None, dt.date | None, int]:
    """First and last month with a value, and how many months have one."""
    agg = SeriesValue.objects.filter(
        measure=measure, organisation__ods_code=code, value__isnull=False
    ).aggregate(first=Min("period"), last=Max("period"), n=Count("pk"))
    return agg["first"], agg["last"], agg["n"]


def characteristics_table(codes: list[str] | None = None) -> tuple[pd.DataFrame, dt.date | None]:
    """The latest value of each characteristic per organisation (rows = ODS codes) and the
    newest as-of date among them."""
    rows = OrganisationCharacteristic.objects.filter(organisation__ods_code__isnull=False)
    if codes is not None:
        rows = rows.filter(organisation__ods_code__in=codes)
    frame = pd.DataFrame(
        list(rows.values_list("organisation__ods_code", "name", "value", "as_of")),
        columns=["org_code", "name", "value", "as_of"],
    )
    if frame.empty:
        return pd.DataFrame(), None
    latest = frame.sort_values("as_of").groupby(["org_code", "name"]).tail(1)
    table = latest.pivot(index="org_code", columns="name", values="value").astype(float)
    return table, max(latest["as_of"])


def current_peer_group(trust: Organisation) -> PeerGroup | None:
    """The trust's newest peer group, with its members and their organisations."""
    return (
        PeerGroup.objects.filter(trust=trust)
        .select_related("trust", "created_by")
        .prefetch_related(
            Prefetch("members", queryset=PeerGroupMember.objects.select_related("peer"))
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def peer_groups_for(user: Any) -> list[PeerGroup]:
    """The current peer group of every partner trust the user may view."""
    trusts = restrict(
        Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST), user, via=""
    )
    groups = (
        PeerGroup.objects.filter(trust__in=trusts)
        .select_related("trust", "created_by")
        .prefetch_related(
            Prefetch("members", queryset=PeerGroupMember.objects.select_related("peer"))
        )
        .order_by("trust__short_name", "-created_at", "-pk")
    )
    current: dict[int, PeerGroup] = {}
    for group in groups:
        current.setdefault(group.trust_id, group)
    return list(current.values())


def its_runs(user: Any, *, trust: Organisation | None = None, measure: str | None = None):
    """ITS runs the user may see, newest first (stored results only: no analysis here)."""
    runs = restrict(
        Job.objects.filter(kind=ITS_KIND).select_related("organisation", "requested_by"),
        user,
        Action.VIEW,
    )
    if trust is not None:
        runs = runs.filter(organisation=trust)
    if measure:
        runs = runs.filter(parameters__measure=measure)
    return runs.order_by("-created_at", "-pk")


def comparable_runs(job: Job) -> QuerySet:
    """Earlier and later runs of the same measure and trust (for comparing results over time)."""
    return (
        Job.objects.filter(
            kind=ITS_KIND,
            organisation_id=job.organisation_id,
            parameters__measure=job.parameters.get("measure"),
        )
        .exclude(pk=job.pk)
        .order_by("-created_at", "-pk")
    )


def latest_its_results(user: Any, measure: str) -> list[Job]:
    """The newest successful run per visible partner trust for a measure, by trust name.

    Two queries whatever the number of runs: the newest run's id per trust from the ids alone,
    then those runs with their results (earlier runs' results, kept for comparison, are not read).
    """
    runs = its_runs(user, measure=measure).filter(status=JobStatus.SUCCEEDED)
    newest: dict[int, int] = {}
    for pk, organisation_id in runs.values_list("pk", "organisation_id"):  # newest first
        newest.setdefault(organisation_id, pk)
    return list(
        Job.objects.filter(pk__in=newest.values())
        .select_related("organisation")
        .order_by("organisation__short_name", "pk")
    )


# Read by the dashboards.


def latest_its_runs(measures: list[str], organisation: Organisation | None = None) -> dict:
    """The newest successful ITS run per (measure, trust short name), partnership-wide or for
    one trust: one query. (``impact.selectors.latest_its_results`` is per user and measure.)"""
    from impact.services import ITS_KIND

    runs = Job.objects.filter(
        kind=ITS_KIND, status=JobStatus.SUCCEEDED, parameters__measure__in=measures
    ).select_related("organisation")
    if organisation is not None:
        runs = runs.filter(organisation=organisation)
    latest: dict[tuple[str, str], Job] = {}
    for run in runs.order_by("-finished_at", "-pk"):
        latest.setdefault((run.parameters.get("measure"), run.organisation.short_name), run)
    return latest


# SPC pages: baselines of a chart, and the cross-trust funnel.


def chart_baselines(chart_key: str) -> list[ChartBaseline]:
    """The baseline changes of one chart, oldest point first, with who made them."""
    return list(
        ChartBaseline.objects.filter(chart_key=chart_key)
        .select_related("created_by")
        .order_by("starts_on", "pk")
    )


def is_proportion(measure: Measure) -> bool:
    """A ratio measure in per cent (or a bare fraction) is a proportion; other ratios are rates
    per unit of exposure (e.g. per 1,000 bed days)."""
    return measure.computation == Computation.RATIO and (
        measure.unit.strip() == "%" or measure.scale == 1.0
    )


def funnel_measures() -> QuerySet:
    """Ratio measures that have stored numerators and denominators (a funnel needs both)."""
    return (
        Measure.objects.filter(computation=Computation.RATIO)
        .annotate(
            n_parts=Count("values", filter=Q(values__denominator__isnull=False)),
            last_period=Max("values__period", filter=Q(values__denominator__isnull=False)),
        )
        .filter(n_parts__gt=0)
        .order_by("name")
    )


def funnel_rows(
    measure: Measure, organisations: QuerySet, *, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Per organisation, the numerator and denominator summed over [start, end]: one query.

    Months with either part missing are left out of both sums, so a suppressed month does not
    count as zero events.
    """
    rows = (
        SeriesValue.objects.filter(
            measure=measure,
            organisation__in=organisations,
            period__gte=start,
            period__lte=end,
            numerator__isnull=False,
            denominator__isnull=False,
        )
        .values("organisation__ods_code", "organisation__short_name", "organisation__kind")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"), months=Count("pk"))
        .order_by("organisation__short_name")
    )
    return [dict(row) for row in rows]
