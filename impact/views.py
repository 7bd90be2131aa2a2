"""Pages of the impact app: organisational series, peer groups, ITS runs, SPC, RPIW impact.

Pages read stored results: an ITS run page shows the run's Job.result and never fits a model.
SPC and the RPIW t-tests are cheap closed-form calculations, computed when the page is drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from governance.selectors import daily_work as daily_work_selectors
from rpiw import selectors as rpiw_selectors
from rpiw.models import ENDED_WITHOUT_WORKSHOP
from vmi_programme.access import Action, can, can_run_analysis, require, restrict
from vmi_programme.exports import export_response, wants_export
from vmi_programme.imports import import_url
from vmi_programme.jobs import JobRefused
from vmi_programme.models import Job, Organisation, OrganisationKind
from vmi_programme.scope import Scope

from . import its_inference, rpiw_impact, selectors, services
from .analysis.funnel import funnel
from .charts import funnel_figure, its_figure, paired_dots, rpiw_bars, small_its_figure
from .forms import (
    ChartBaselineForm,
    FunnelForm,
    ItsRunForm,
    ManualPeersForm,
    NearestPeersForm,
    RpiwImpactFilterForm,
)
from .models import ChartBaseline, Measure, series_scope
from .spc_chart import ChartMark, chart_options, default_chart, spc_chart

MEASURES_PAGE_SIZE = 25


def _partner_trusts(user, action=Action.VIEW):
    return restrict(
        Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST), user, action, via=""
    ).order_by("short_name")


def index(request):
    """The newest stored ITS run per trust and measure: its verdict and a small chart, drawn
    from the stored result (a run stored before the chart's lines were shows the verdict only)."""
    latest = {
        code: selectors.latest_its_results(request.user, code)
        for code in ("fft_ae_recommend", "staff_turnover")
    }
    charts = {
        run.pk: small_its_figure(run.result, trust_name=run.organisation.short_name)
        for runs in latest.values()
        for run in runs
    }
    return render(
        request,
        "impact/index.html",
        {
            "measures": selectors.measures_with_counts(),
            "latest": latest,
            "charts": charts,
            "has_charts": any(charts.values()),
            # "Start one" only for who may start a run (the form is on the runs page).
            "may_run": any(
                can_run_analysis(request.user, t) for t in _partner_trusts(request.user)
            ),
        },
    )


# --------------------------------------------------------------------------- series


@require_safe
def measure_list(request):
    """The measures, by name, a page at a time: the page's measures are counted (values,
    organisations, months) in one query whatever the number of values stored."""
    require(request.user, Action.VIEW, Scope.partnership())  # measures are partnership-level
    page = Paginator(Measure.objects.order_by("name", "pk"), MEASURES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counted = selectors.measures_with_counts().filter(pk__in=[m.pk for m in page.object_list])
    return render(
        request,
        "impact/measure_list.html",
        {
            "page": page,
            "measures": counted.order_by("name", "pk"),
            "imports": [
                (import_url("impact.series"), "Monthly series (organisation code, period, value)"),
                (import_url("impact.ae_attendances"), "NHS England A&E attendances file"),
                (import_url("impact.characteristics"), "Organisation characteristics"),
            ],
        },
    )


def measure_detail(request, code: str):
    measure = get_object_or_404(Measure, code=code)
    organisations = (
        selectors.visible_series_organisations(request.user)
        .filter(series_values__measure=measure)
        .distinct()
        .order_by("kind", "short_name")
    )
    return render(
        request,
        "impact/measure_detail.html",
        {"measure": measure, "organisations": organisations},
    )


def series_detail(request, code: str, ods_code: str):
    """One organisation's monthly series of a measure, with its SPC chart (?chart= to choose)."""
    series = _organisational_series(request, code, ods_code)
    values = series.rows  # type: ignore[attr-defined]
    if wants_export(request):
        return export_response(
            [{"org_code": ods_code, "period": v.period, "value": v.value,
              "numerator": v.numerator, "denominator": v.denominator} for v in values],
            f"{code}-{ods_code}",
            fmt=wants_export(request),
        )  # fmt: skip
    return render(
        request,
        "impact/series_detail.html",
        {
            "measure": series.measure,  # type: ignore[attr-defined]
            "organisation": series.organisation,
            "values": values,
            "missing": sum(1 for v in values if v.value is None),
            **_chart_context(request, series),
        },
    )


# --------------------------------------------------------------------------- peer groups


def peer_group_list(request):
    return render(
        request,
        "impact/peer_group_list.html",
        {"groups": selectors.peer_groups_for(request.user)},
    )


def _peer_group_page(request, trust, *, manual=None, nearest=None, status: int = 200):
    """The trust's peer group page; a choice that failed shows it again with its form."""
    features, _as_of = selectors.characteristics_table()
    return render(
        request,
        "impact/peer_group_detail.html",
        {
            "trust": trust,
            "group": selectors.current_peer_group(trust),
            "history": trust.peer_groups.order_by("-created_at", "-pk")[:10],
            "may_change": can_run_analysis(request.user, trust),
            "manual_form": manual or ManualPeersForm(prefix="manual"),
            "nearest_form": nearest
            or NearestPeersForm(prefix="nearest", feature_names=list(features.columns)),
            "n_characterised": len(features),
        },
        status=status,
    )


@require_safe  # its actions have their own URLs; a stray POST is refused, not ignored
def peer_group_detail(request, ods_code: str):
    trust = get_object_or_404(_partner_trusts(request.user), ods_code=ods_code)
    return _peer_group_page(request, trust)


def _trust_to_choose_peers_for(request, ods_code: str) -> Organisation:
    # Any partner trust (they are public), then the rule: a trust outside the user's reach is a
    # 403 here, not a 404 as on the page.
    trust = get_object_or_404(
        Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST), ods_code=ods_code
    )
    if not can_run_analysis(request.user, trust):
        raise PermissionDenied("You may not choose peers for this trust.")
    return trust


def _not_recorded(request, exc: ValueError | ValidationError) -> None:
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, f"No peer group was recorded: {text}")


@require_POST
def peer_group_manual(request, ods_code: str):
    """Record a peer group typed in by hand (e.g. from the Model Hospital)."""
    trust = _trust_to_choose_peers_for(request, ods_code)
    form = ManualPeersForm(request.POST, prefix="manual")
    if form.is_valid():
        try:
            services.set_manual_peers(
                trust, form.cleaned_data["peers"], user=request.user,
                notes=form.cleaned_data["notes"],
            )  # fmt: skip
        except (ValueError, ValidationError) as exc:
            _not_recorded(request, exc)
        else:
            messages.success(request, "Peer group recorded.")
            return redirect("impact:peer-group-detail", ods_code=ods_code)
    return _peer_group_page(request, trust, manual=form, status=400)


@require_POST
def peer_group_nearest(request, ods_code: str):
    """Choose the k nearest peer trusts on the chosen characteristics, and record them."""
    trust = _trust_to_choose_peers_for(request, ods_code)
    features, as_of = selectors.characteristics_table()
    form = NearestPeersForm(request.POST, prefix="nearest", feature_names=list(features.columns))
    if form.is_valid():
        try:
            services.choose_nearest_peers(
                trust,
                features[form.cleaned_data["features"]],
                k=form.cleaned_data["k"],
                as_of=as_of,
                user=request.user,
            )
        except (ValueError, ValidationError) as exc:
            _not_recorded(request, exc)
        else:
            messages.success(request, "Nearest peers chosen and recorded.")
            return redirect("impact:peer-group-detail", ods_code=ods_code)
    return _peer_group_page(request, trust, nearest=form, status=400)


# --------------------------------------------------------------------------- ITS runs


def its_run_list(request):
    trusts = _partner_trusts(request.user)
    may_run = [t for t in trusts if can_run_analysis(request.user, t)]
    form = ItsRunForm(
        request.POST or None,
        trusts=Organisation.objects.filter(pk__in=[t.pk for t in may_run]),
        initial={"measure": "fft_ae_recommend"},
    )
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied("You may not run analyses.")
        if form.is_valid():
            trust = form.cleaned_data["trust"]
            try:
                job = services.submit_its_run(form.parameters(), trust=trust, user=request.user)
            except JobRefused as exc:
                messages.error(request, str(exc))
            else:
                return redirect("impact:its-run-detail", pk=job.pk)
    runs = selectors.its_runs(request.user)[:50]
    return render(
        request, "impact/its_run_list.html", {"form": form, "runs": runs, "may_run": may_run}
    )


def its_run_detail(request, pk: int):
    """A stored ITS run: reads Job.result only."""
    job = get_object_or_404(
        Job.objects.select_related("organisation", "requested_by"), pk=pk, kind=services.ITS_KIND
    )
    require(request.user, Action.VIEW, job)
    result = job.result if job.status == "succeeded" else None
    context = {"job": job, "result": result, "comparable": selectors.comparable_runs(job)[:10]}
    if result:
        context["chart"] = its_figure(result, trust_name=job.organisation.short_name)
        context["own_rows"] = _coefficient_rows(result["own"], ("coefficients", "derived"))
        if result.get("controlled"):
            context["difference_rows"] = _coefficient_rows(result["controlled"], ("differences",))
        if result.get("peer_group"):
            context["peer_rows"] = _coefficient_rows(
                result["peer_group"], ("coefficients", "derived")
            )
        context["inference"] = its_inference.placebo_section(result)
    return render(request, "impact/its_run_detail.html", context)


TERM_LABELS = {
    "baseline_level": "Level at the start",
    "pre_slope": "Trend before (per month)",
    "level_change": "Change in level at the intervention",
    "slope_change": "Change in trend (per month)",
    "post_slope": "Trend after (per month)",
    "post_mean": "Mean level after the intervention",
    "pre_level_difference": "Level before: trust − peers",
    "pre_slope_difference": "Trend before: trust − peers",
    "level_change_difference": "Change in level: trust − peers",
    "slope_change_difference": "Change in trend: trust − peers",
    "post_slope_difference": "Trend after: trust − peers",
    "post_mean_difference": "Mean after: trust − peers",
}


def _coefficient_rows(result: dict, sections: tuple[str, ...]) -> list[dict]:
    rows = []
    for section in sections:
        for term, c in result.get(section, {}).items():
            rows.append({"term": term, "label": TERM_LABELS.get(term, term), **c})
    return rows


# --------------------------------------------------------------------------- RPIW impact


def rpiw_impact_page(request):
    trusts = list(_partner_trusts(request.user).values_list("short_name", flat=True))
    form = RpiwImpactFilterForm(request.GET or None, trusts=trusts)
    filters = rpiw_impact.Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = rpiw_impact.Filters(
            trusts=tuple(data["trust"]),
            value_stream=data["value_stream"].strip(),
            start=data["start"],
            end=data["end"],
            measure_types=tuple(data["measure_type"]) or rpiw_impact.MEASURE_TYPES,
            post=data["post"] or "90",
        )
    pairs = rpiw_selectors.measure_pairs(user=request.user, kinds=rpiw_impact.MEASURE_TYPES)
    table2 = rpiw_impact.table_7_2(pairs, filters)
    table3 = rpiw_impact.table_7_3(pairs, filters)
    by_trust = rpiw_impact.table_7_3_by_trust(pairs, filters)
    complete = rpiw_impact.complete_pairs(pairs, filters)
    figures = []
    for kind in filters.measure_types:
        rows = [
            {"trust": r["trust"], **r["cells"][kind]}
            for r in table2["rows"]
            if r["cells"][kind]["n"]
        ]
        if not rows:
            continue
        unit = rpiw_impact.TABLE_7_2_UNITS[kind]
        figures.append(
            {
                "label": rpiw_impact.MEASURE_LABELS[kind],
                "bars": rpiw_bars(rows, label=rpiw_impact.MEASURE_LABELS[kind], unit=unit),
                "dots": paired_dots(
                    [{"trust": p.trust, "rpiw": p.rpiw, "baseline": b, "post": q}
                     for p, b, q in complete[kind]],
                    label=rpiw_impact.MEASURE_LABELS[kind],
                    unit=rpiw_impact.TABLE_7_3_UNITS[kind],
                ),
            }
        )  # fmt: skip
    is_report_view = filters == rpiw_impact.Filters()
    return render(
        request,
        "impact/rpiw_impact.html",
        {
            "form": form,
            "filters": filters,
            "n_pairs": len(pairs),
            "table2": table2,
            "table3": [
                {
                    "kind": k,
                    "label": rpiw_impact.MEASURE_LABELS[k],
                    "unit": rpiw_impact.TABLE_7_3_UNITS[k],
                    **v,
                }
                for k, v in table3.items()
            ],  # fmt: skip
            "by_trust": by_trust,
            "labels": rpiw_impact.MEASURE_LABELS,
            "types": filters.measure_types,
            "figures": figures,
            "differences": rpiw_impact.compare_with_report(table3) if is_report_view else [],
            "published": rpiw_impact.PUBLISHED_TABLE_7_3,
            "caution": rpiw_impact.CAUTION,
        },
    )


def spc_index(request):
    """Choose a series to chart (organisational series here; other apps link to their own)."""
    measures = selectors.measures_with_counts().filter(n_values__gt=0)
    organisations = selectors.visible_series_organisations(request.user).filter(
        kind=OrganisationKind.PARTNER_TRUST
    )
    boards = daily_work_selectors.board_measures_for(request.user)[:100]
    metrics = rpiw_selectors.metrics_for(request.user)[:100]
    return render(
        request,
        "impact/spc_index.html",
        {
            "measures": measures,
            "organisations": organisations,
            "boards": boards,
            "metrics": metrics,
        },
    )


# --------------------------------------------------------------------------- SPC of other apps' series

IMPROVEMENT = {"higher": "increase", "lower": "decrease"}


def board_measure_spc(request, pk: int):
    """SPC chart of a production-board measure (daily work), with its target."""
    return render(
        request, "impact/spc_chart.html", _chart_context(request, _board_series(request, pk))
    )


def value_stream_metric_spc(request, pk: int):
    """SPC chart of a value-stream metric (rpiw app), its target, RPIWs and definition changes."""
    return render(
        request, "impact/spc_chart.html", _chart_context(request, _metric_series(request, pk))
    )


# --------------------------------------------------------------------------- SPC family pages


@dataclass
class ChartSeries:
    """One chartable series, whatever app holds it: its points, owner, kind and marks."""

    key: str
    title: str
    subtitle: str
    unit: str
    organisation: Organisation
    owner: object  # what the access policy is asked about (CHANGE to fix a baseline)
    url: str
    periods: list
    values: list[float]
    denominators: list[float] | None = None
    scale: float = 1.0
    proportion: bool = False
    improvement: str | None = None
    target: float | None = None
    marks: list[ChartMark] = field(default_factory=list)


def _rpiw_marks(organisation, start, end, *, value_stream_id=None) -> list[ChartMark]:
    """RPIW workshops held in [start, end] (of one value stream, when given)."""
    return [
        ChartMark(r.workshop_start, f"RPIW {r.reference}", "rpiw", detail=r.title)
        for r in rpiw_selectors.rpiws_planned_in(organisation, start, end)
        if r.status not in ENDED_WITHOUT_WORKSHOP
        and (value_stream_id is None or r.value_stream_id == value_stream_id)
    ]


def _organisational_series(request, code: str, ods_code: str) -> ChartSeries:
    measure = get_object_or_404(Measure, code=code)
    organisation = get_object_or_404(
        selectors.visible_series_organisations(request.user), ods_code=ods_code
    )
    rows = list(selectors.series_values(measure, organisation))
    parts = [r for r in rows if r.numerator is not None and r.denominator is not None]
    with_parts = (
        measure.computation == "ratio"
        and parts
        and len(parts) == sum(1 for r in rows if r.value is not None)
    )
    used = parts if with_parts else [r for r in rows if r.value is not None]
    series = ChartSeries(
        key=f"series:{measure.code}:{organisation.ods_code}",
        title=f"{measure.name}: {organisation.short_name}",
        subtitle=organisation.name,
        unit=measure.unit,
        organisation=organisation,
        owner=series_scope(organisation),
        url=reverse("impact:series-detail", args=[measure.code, organisation.ods_code]),
        periods=[r.period for r in used],
        values=[r.numerator if with_parts else r.value for r in used],
        denominators=[r.denominator for r in used] if with_parts else None,
        scale=measure.scale,
        proportion=selectors.is_proportion(measure),
        improvement=measure.improvement,
    )
    if used:
        series.marks = _rpiw_marks(organisation, used[0].period, used[-1].period)
        for on, label in ((measure.valid_from, "Definition starts"),
                          (measure.valid_to, "Definition ends")):  # fmt: skip
            if on and used[0].period < on <= used[-1].period:
                series.marks.append(ChartMark(on, label, "definition"))
    series.rows = rows  # type: ignore[attr-defined]  # the table and the export list them all
    series.measure = measure  # type: ignore[attr-defined]
    return series


def _metric_series(request, pk: int) -> ChartSeries:
    try:
        metric = rpiw_selectors.metric_detail(pk)
    except ObjectDoesNotExist:  # rpiw's ValueStreamMetric.DoesNotExist
        raise Http404("No such metric.") from None
    require(request.user, Action.VIEW, metric)
    rows = rpiw_selectors.metric_points(metric)
    stream = metric.value_stream
    series = ChartSeries(
        key=f"metric:{metric.pk}",
        title=f"{metric.name}: {stream.name}",
        subtitle=f"Value-stream metric ({metric.get_category_display()}), {stream.organisation}",
        unit=metric.unit,
        organisation=stream.organisation,
        owner=metric,
        url=reverse("impact:value-stream-metric-spc", args=[metric.pk]),
        periods=[period for period, _ in rows],
        values=[float(value) for _, value in rows],
        improvement=IMPROVEMENT.get(metric.direction),
        target=None if metric.target is None else float(metric.target),
    )
    if rows:
        start, end = rows[0][0], rows[-1][0]
        series.marks = _rpiw_marks(stream.organisation, start, end, value_stream_id=stream.pk)
        series.marks += [
            ChartMark(
                v.effective_from, f"Definition v{v.number}", "definition", detail=v.definition
            )
            for v in metric.versions.all()
            if v.number > 1 and start < v.effective_from <= end
        ]
    return series


def _board_series(request, pk: int) -> ChartSeries:
    try:
        measure = daily_work_selectors.board_measure_with_board(pk)
    except ObjectDoesNotExist:  # governance's BoardMeasure.DoesNotExist
        raise Http404("No such measure.") from None
    require(request.user, Action.VIEW, measure)
    rows = daily_work_selectors.board_measure_points(measure)
    team = measure.board.team
    return ChartSeries(
        key=f"board:{measure.pk}",
        title=f"{measure.name}: {team.name}",
        subtitle=f"Production board “{measure.board.title}”, {team.organisation}",
        unit=measure.unit,
        organisation=team.organisation,
        owner=measure,
        url=reverse("impact:board-measure-spc", args=[measure.pk]),
        periods=[period for period, _ in rows],
        values=[float(value) for _, value in rows],
        improvement=IMPROVEMENT.get(measure.direction),
        target=None if measure.target is None else float(measure.target),
    )


def _chart_series(request, chart_key: str) -> ChartSeries:
    """The series a chart key names (404 for a key that names nothing)."""
    kind, _, rest = chart_key.partition(":")
    if kind == "series" and rest.count(":") == 1:
        return _organisational_series(request, *rest.split(":"))
    if kind in ("metric", "board") and rest.isascii() and rest.isdigit() and len(rest) < 10:
        return (_metric_series if kind == "metric" else _board_series)(request, int(rest))
    raise Http404("No such chart.")


def _chart_context(request, series: ChartSeries, *, form=None) -> dict:
    """The chart of the requested kind (?chart=), its baselines, marks and the baseline form."""
    has_denominators = series.denominators is not None
    options = dict(chart_options(has_denominators=has_denominators))
    kind = default_chart(has_denominators=has_denominators, proportion=series.proportion)
    requested = request.GET.get("chart", "")
    chart_error = ""
    if requested and requested not in options:
        chart_error = (
            f"There is no “{requested[:20]}” chart for this series; choose one of: "
            + ", ".join(options.values())
            + "."
        )
    elif requested:
        kind = requested
    baselines = selectors.chart_baselines(series.key)
    baseline_marks = [
        ChartMark(
            b.starts_on,
            ("Limits fixed" if b.change == "fix" else "Limits recalculated") + f": {b.reason[:40]}",
            b.change,
            points=b.points,
        )
        for b in baselines
    ]
    chart = None
    if series.values:
        try:
            chart = spc_chart(
                series.values, series.periods, kind=kind, title=series.title,
                denominators=series.denominators, scale=series.scale, unit=series.unit,
                improvement=series.improvement, target=series.target,
                baselines=baseline_marks, marks=series.marks,
            )  # fmt: skip
        except ValueError as exc:
            chart_error = str(exc)
    may_change = can(request.user, Action.CHANGE, series.owner)
    if may_change and form is None and series.periods:
        form = ChartBaselineForm(periods=series.periods, initial={"change": "fix", "points": 15})
    return {
        "series": series,
        "chart": chart,
        "chart_kind": kind,
        "chart_options": options,
        "chart_error": chart_error,
        "baselines": baselines,
        "may_change": may_change,
        "baseline_form": form if may_change else None,
        "n": len(series.values),
    }


@require_POST
def spc_baseline_add(request):
    """Fix a baseline or recalculate the limits of a chart from a point, with a reason."""
    series = _chart_series(request, request.POST.get("chart_key", ""))
    require(request.user, Action.CHANGE, series.owner)
    form = ChartBaselineForm(request.POST, periods=series.periods)
    if form.is_valid():
        try:
            services.record_chart_baseline(
                user=request.user,
                organisation=series.organisation,
                chart_key=series.key,
                change=form.cleaned_data["change"],
                starts_on=form.cleaned_data["starts_on"],
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The chart's limits were changed and the reason recorded.")
            return redirect(series.url)
    # Show the chart again with the form's errors (400: the submission was refused).
    context = _chart_context(request, series, form=form)
    return render(request, "impact/spc_chart.html", context, status=400)


@require_POST
def spc_baseline_remove(request, pk: int):
    """Withdraw a baseline change; the audit trail keeps who made it and who removed it."""
    baseline = get_object_or_404(ChartBaseline, pk=pk)
    series = _chart_series(request, baseline.chart_key)
    require(request.user, Action.CHANGE, series.owner)
    services.remove_chart_baseline(user=request.user, baseline=baseline)
    messages.success(request, "The baseline change was removed.")
    return redirect(series.url)


@require_safe
def funnel_page(request):
    """Organisations compared on a proportion or rate over chosen months: a funnel plot
    (Spiegelhalter 2005) from the stored numerators and denominators of every organisation the
    user may see (all of them for the regulator)."""
    measures = list(selectors.funnel_measures())
    # Without a choice, the first measure over the latest twelve months is drawn.
    default = {"measure": measures[0].code, "months": "12"} if measures else None
    form = FunnelForm(
        request.GET if "measure" in request.GET else default,
        measures=measures,
        initial={"months": 12},
    )
    context: dict = {"form": form, "measures": measures, "figure": None, "result": None}
    if not form.is_bound or not form.is_valid():
        return render(
            request, "impact/spc_funnel.html", context, status=400 if form.errors else 200
        )
    measure = next(m for m in measures if m.code == form.cleaned_data["measure"])
    end = (
        dt.date.fromisoformat(form.cleaned_data["end"] + "-01")
        if form.cleaned_data["end"]
        else measure.last_period
    )
    months = form.cleaned_data["months"] or 12
    start = (pd.Period(end, "M") - (months - 1)).to_timestamp().date()
    rows = selectors.funnel_rows(
        measure, selectors.visible_series_organisations(request.user), start=start, end=end
    )
    proportion = selectors.is_proportion(measure)
    context.update({"measure": measure, "start": start, "end": end, "rows": rows})
    if wants_export(request):
        return export_response(
            rows, f"funnel-{measure.code}-{end:%Y-%m}", fmt=wants_export(request)
        )
    try:
        result = funnel(
            [r["numerator"] for r in rows],
            [r["denominator"] for r in rows],
            [r["organisation__short_name"] for r in rows],
            kind="proportion" if proportion else "rate",
            adjustment=form.cleaned_data["adjustment"] or "auto",
        )
    except ValueError as exc:
        context["error"] = str(exc)
        return render(request, "impact/spc_funnel.html", context)
    context.update(
        {
            "result": result,
            "units": [
                {"unit": u, "value": u.value * measure.scale, "row": row}
                for u, row in zip(result.units, rows, strict=True)
            ],
            "target": result.target * measure.scale,
            "figure": funnel_figure(
                result,
                scale=measure.scale,
                unit=measure.unit,
                title=f"{measure.name}, {start:%b %Y} to {end:%b %Y}",
            ),
        }
    )
    return render(request, "impact/spc_funnel.html", context)
