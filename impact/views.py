"""Pages of the impact app: organisational series, peer groups, ITS runs, SPC, RPIW impact.

Pages read stored results: an ITS run page shows the run's Job.result and never fits a model.
SPC and the RPIW t-tests are cheap closed-form calculations, computed when the page is drawn.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from governance.selectors import daily_work as daily_work_selectors
from rpiw import selectors as rpiw_selectors
from vmi_programme.access import Action, can_run_analysis, require, restrict
from vmi_programme.exports import export_response, wants_export
from vmi_programme.imports import import_url
from vmi_programme.jobs import JobRefused
from vmi_programme.models import Job, Organisation, OrganisationKind

from . import rpiw_impact, selectors, services
from .charts import its_figure, paired_dots, rpiw_bars
from .forms import ItsRunForm, ManualPeersForm, NearestPeersForm, RpiwImpactFilterForm
from .models import Measure
from .spc_chart import xmr_chart


def _partner_trusts(user, action=Action.VIEW):
    return restrict(
        Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST), user, action, via=""
    ).order_by("short_name")


def index(request):
    return render(
        request,
        "impact/index.html",
        {
            "measures": selectors.measures_with_counts(),
            "latest": {
                code: selectors.latest_its_results(request.user, code)
                for code in ("fft_ae_recommend", "staff_turnover")
            },
        },
    )


# --------------------------------------------------------------------------- series


def measure_list(request):
    return render(
        request,
        "impact/measure_list.html",
        {
            "measures": selectors.measures_with_counts(),
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
    """One organisation's monthly series of a measure, with its XmR chart."""
    measure = get_object_or_404(Measure, code=code)
    organisation = get_object_or_404(
        selectors.visible_series_organisations(request.user), ods_code=ods_code
    )
    values = list(selectors.series_values(measure, organisation))
    if wants_export(request):
        return export_response(
            [{"org_code": ods_code, "period": v.period, "value": v.value,
              "numerator": v.numerator, "denominator": v.denominator} for v in values],
            f"{measure.code}-{ods_code}",
            fmt=wants_export(request),
        )  # fmt: skip
    observed = [v for v in values if v.value is not None]
    chart, chart_error = None, ""
    if observed:
        try:
            chart = xmr_chart(
                [v.value for v in observed],
                [v.period.strftime("%Y-%m") for v in observed],
                title=f"{measure.name}: {organisation.short_name}",
                unit=measure.unit,
                improvement=measure.improvement,
            )
        except ValueError as exc:
            chart_error = str(exc)
    return render(
        request,
        "impact/series_detail.html",
        {
            "measure": measure,
            "organisation": organisation,
            "values": values,
            "missing": len(values) - len(observed),
            "chart": chart,
            "chart_error": chart_error,
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


def _spc_page(request, *, title, subtitle, unit, rows, improvement, target, back_url):
    chart, chart_error = None, ""
    if rows:
        try:
            chart = xmr_chart(
                [float(value) for _, value in rows],
                [period.isoformat() for period, _ in rows],
                title=title,
                unit=unit,
                improvement=improvement,
                target=None if target is None else float(target),
            )
        except ValueError as exc:
            chart_error = str(exc)
    return render(
        request,
        "impact/spc_chart.html",
        {
            "title": title,
            "subtitle": subtitle,
            "chart": chart,
            "chart_error": chart_error,
            "n": len(rows),
            "back_url": back_url,
        },
    )


def board_measure_spc(request, pk: int):
    """XmR chart of a production-board measure (daily work), with its target."""
    try:
        measure = daily_work_selectors.board_measure_with_board(pk)
    except ObjectDoesNotExist:  # governance's BoardMeasure.DoesNotExist
        raise Http404("No such measure.") from None
    require(request.user, Action.VIEW, measure)
    rows = daily_work_selectors.board_measure_points(measure)
    return _spc_page(
        request,
        title=f"{measure.name}: {measure.board.team.name}",
        subtitle=f"Production board “{measure.board.title}”, {measure.board.team.organisation}",
        unit=measure.unit,
        rows=rows,
        improvement=IMPROVEMENT.get(measure.direction),
        target=measure.target,
        back_url="",
    )


def value_stream_metric_spc(request, pk: int):
    """XmR chart of a value-stream metric (rpiw app), with its current target."""
    try:
        metric = rpiw_selectors.metric_with_stream(pk)
    except ObjectDoesNotExist:  # rpiw's ValueStreamMetric.DoesNotExist
        raise Http404("No such metric.") from None
    require(request.user, Action.VIEW, metric)
    rows = rpiw_selectors.metric_points(metric)
    return _spc_page(
        request,
        title=f"{metric.name}: {metric.value_stream.name}",
        subtitle=f"Value-stream metric ({metric.get_category_display()}), "
        f"{metric.value_stream.organisation}",
        unit=metric.unit,
        rows=rows,
        improvement=IMPROVEMENT.get(metric.direction),
        target=metric.target,
        back_url="",
    )
