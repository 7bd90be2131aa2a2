"""The trust dashboard (CEO / executives / TGT): one page per trust, every panel for one period.

Each ``*_panel`` function calls the owning app's selectors (or reads a stored analysis result)
and returns a plain dict for its template; ``build`` runs them all for one trust and period.
The number of queries does not grow with the amount of data.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

import plotly.graph_objects as go
from django.urls import reverse

from compact import selectors as compact_selectors
from dashboards.partnership import ITS_CAUTION, ITS_MEASURES, its_directions
from dashboards.period import Period
from governance.selectors import daily_work as daily_work_selectors
from governance.selectors.meetings import attendance_rates
from impact import selectors as impact_selectors
from networks import selectors as network_selectors
from rpiw import selectors as rpiw_selectors
from vmi_programme.charts import figure_html, nhs_layout
from vmi_programme.models import Organisation

SPARK_HEIGHT = 150


def build(organisation: Organisation, period: Period, user: Any) -> dict[str, Any]:
    from dashboards import insights

    panels = {
        "training": training_panel(organisation, period),
        "value_streams": value_streams_panel(organisation, period),
        "pipeline": rpiw_pipeline_panel(organisation, period, user),
        "impact": rpiw_impact_panel(organisation, period),
        "golden_thread": golden_thread_panel(organisation),
        "network": network_panel(organisation, period),
        "its": its_panel(organisation),
        "daily_work": daily_work_panel(organisation, period),
        "compact": compact_panel(organisation, period),
        "tgt": tgt_panel(organisation, period),
    }
    panels["insights"] = insights.for_trust(organisation, period, panels)
    return panels


# --- Training -----------------------------------------------------------------------------


def training_panel(organisation: Organisation, period: Period) -> dict[str, Any]:
    from training.progress import COMPLETED, IN_PROGRESS
    from training.selectors import diffusion_series, executive_participation, partnership_programmes

    series = diffusion_series(organisation, period.start, period.end)
    codes = sorted({code for point in series for code in point["programmes"]})
    fig = go.Figure()
    for code in codes:
        fig.add_scatter(
            x=[p["date"] for p in series],
            y=[sum(p["programmes"].get(code, (0, 0))) for p in series],
            mode="lines",
            name=f"{code} (completed + in progress)",
        )
    nhs_layout(fig, y_title="People", height=240)
    first, last = (series[0], series[-1]) if series else ({}, {})
    programmes = partnership_programmes()
    executives = executive_participation(period.end, [organisation.pk])
    l4l_index = next((i for i, p in enumerate(programmes) if p.code == "L4L"), None)
    rows = []
    for row in executives:
        statuses = dict(zip([p.code for p in programmes], row["statuses"], strict=True))
        rows.append({"person": row["person"], "statuses": statuses})
    not_in_l4l = [
        r["person"]
        for r in executives
        if l4l_index is not None and r["statuses"][l4l_index] not in (COMPLETED, IN_PROGRESS)
    ]
    description = (
        f"Diffusion rose from {first.get('diffusion')}% to {last.get('diffusion')}% of headcount "
        f"between {period.start:%B %Y} and {period.end:%B %Y}."
        if series
        else "No training records in this period."
    )
    return {
        "title": "Training diffusion",
        "detail_url": reverse("training:diffusion")
        + f"?trust={organisation.short_name}&as_of={period.end}",
        "chart": figure_html(fig, description=description) if series else None,
        "description": description,
        "diffusion_start": first.get("diffusion"),
        "diffusion_end": last.get("diffusion"),
        "latest": last.get("programmes", {}),
        "codes": codes,
        "executives": rows,
        "programme_codes": [p.code for p in programmes],
        "executives_not_in_l4l": not_in_l4l,
    }


# --- Value streams and their metrics ------------------------------------------------------


def _icon(table: dict, key: str | None) -> dict[str, str] | None:
    if key is None:
        return None
    label, letter, colour, *_ = table[key]
    return {"key": key, "label": label, "letter": letter, "colour": colour}


def _line(x, y, name: str, colour: str, *, mode: str = "lines", dash: str = "solid") -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": [None if v != v else float(v) for v in y],  # NaN → gap
        "mode": mode,
        "name": name,
        "line": {"color": colour, "width": 1.5, "dash": dash},
    }


@functools.cache
def _spark_layout_json() -> str:
    """The house style for small charts (nhs_layout once; each chart copies it)."""
    fig = nhs_layout(go.Figure(), height=SPARK_HEIGHT)
    fig.update_layout(showlegend=False, margin={"l": 40, "r": 10, "t": 10, "b": 30})
    return json.dumps(fig.layout.to_plotly_json())


def _spark_layout() -> dict:
    return json.loads(_spark_layout_json())


def metric_spark(metric, values: list, period: Period) -> dict[str, Any]:
    """A small XmR chart of a metric (``impact.analysis.spc``) with its icons and status."""
    from impact.analysis.spc import xmr
    from impact.spc_chart import ASSURANCE_ICONS, POINT_COLOURS, VARIATION_ICONS

    latest = values[-1] if values else None
    on_target = None
    if latest is not None and metric.target is not None:
        better_low = metric.direction == "lower"
        on_target = latest.value <= metric.target if better_low else latest.value >= metric.target
    shown = [v for v in values if v.period_end >= period.start]
    result = None
    if len(values) >= 2:
        result = xmr(
            [float(v.value) for v in values],
            periods=[v.period_end for v in values],
            improvement="decrease" if metric.direction == "lower" else "increase",
            target=float(metric.target) if metric.target is not None else None,
        )
    chart = None
    if result is not None and shown:
        frame = result.to_frame().iloc[len(values) - len(shown) :]
        x = [str(p) for p in frame["period"]]
        colours = [POINT_COLOURS.get(v, "#768692") for v in frame["variation"]]
        traces = [
            _line(x, frame["value"], metric.name, "#768692", mode="lines+markers")
            | {"marker": {"size": 5, "color": colours}},
            _line(x, frame["mean"], "Mean", "#212b32"),
        ]
        if result.chart == "xmr":
            traces += [
                _line(x, frame[c], c.upper(), "#425563", dash="dash") for c in ("upl", "lpl")
            ]
        if metric.target is not None:
            traces.append(
                _line(x, [float(metric.target)] * len(x), "Target", "#d5281b", dash="dot")
            )
        described = (
            f"{metric.name}: {len(shown)} monthly values in the period, latest "
            f"{latest.value:g} {metric.unit}"
            + (f" against a target of {metric.target:g}" if metric.target is not None else "")
            + "."
        )
        chart = figure_html(
            go.Figure(data=traces, layout=_spark_layout(), _validate=False), description=described
        )
    return {
        "metric": metric,
        "latest": latest,
        "on_target": on_target,
        "chart": chart,
        "variation": _icon(VARIATION_ICONS, result.variation_icon) if result else None,
        "assurance": _icon(ASSURANCE_ICONS, result.assurance_icon) if result else None,
        "revised": bool(metric.change_requests.all()),
    }


def value_streams_panel(organisation: Organisation, period: Period) -> dict[str, Any]:
    streams = rpiw_selectors.value_stream_metrics(organisation, until=period.end)
    rows = []
    for stream in streams:
        metrics = [metric_spark(m, list(m.values.all()), period) for m in stream.metrics.all()]
        rows.append(
            {
                "stream": stream,
                "url": reverse("rpiw:value-stream-detail", args=[stream.pk]),
                "has_golden_thread": stream.has_golden_thread,
                "metrics": metrics,
                "on_target": sum(1 for m in metrics if m["on_target"]),
            }
        )
    return {
        "title": "Value streams and their metrics",
        "detail_url": reverse("rpiw:value-stream-list") + f"?trust={organisation.short_name}",
        "streams": rows,
    }


# --- RPIWs ----------------------------------------------------------------------------------


def rpiw_pipeline_panel(organisation: Organisation, period: Period, user: Any) -> dict[str, Any]:
    from rpiw.models import ACTIVE_STATUSES, STAGES, RpiwStatus
    from rpiw.selectors import followups_due, rpiws_for

    rpiws = rpiw_selectors.rpiws_planned_in(organisation, period.start, period.end)
    stages = [
        {
            "status": stage,
            "label": RpiwStatus(stage).label,
            "count": sum(1 for r in rpiws if r.status == stage),
        }
        for stage in STAGES
    ]
    ended = [r for r in rpiws if r.status in (RpiwStatus.CANCELLED, RpiwStatus.STOOD_DOWN)]
    due = followups_due(
        rpiws_for(user).filter(value_stream__organisation=organisation, status__in=ACTIVE_STATUSES),
        start=period.end - dt.timedelta(days=365),
        end=period.end,
    )
    overdue = [d for d in due if d.due_on < period.end]
    return {
        "title": "RPIW pipeline",
        "detail_url": reverse("rpiw:rpiw-list") + f"?trust={organisation.short_name}",
        "stages": stages,
        "total": len(rpiws),
        "ended": ended,
        "stood_down": [r for r in ended if r.status == RpiwStatus.STOOD_DOWN],
        "overdue": overdue,
        "pace": rpiw_selectors.workshops_per_year(organisation, period.end),
    }


def rpiw_impact_panel(organisation: Organisation, period: Period) -> dict[str, Any]:
    from impact import rpiw_impact

    pairs = rpiw_selectors.measure_pairs(
        kinds=rpiw_selectors.TABLE_7_2_KINDS,
        organisations=[organisation],
        workshop_from=period.start,
        workshop_to=period.end,
    )
    filters = rpiw_impact.Filters()
    table2 = rpiw_impact.table_7_2(pairs, filters)
    tests = rpiw_impact.table_7_3(pairs, filters)
    cells = table2["total"]["cells"]
    lead, defects, ratio = cells["lead_time"], cells["defects"], cells["defect_ratio"]
    effects = [
        {"label": rpiw_impact.MEASURE_LABELS[kind], **result} for kind, result in tests.items()
    ]
    return {
        "title": "RPIW impact so far",
        "detail_url": reverse("impact:rpiw-impact")
        + f"?trust={organisation.short_name}&start={period.start}&end={period.end}",
        "lead": lead,
        "hours_removed": (lead["baseline"] - lead["post"]) if lead["n"] else None,
        "defects": defects,
        "defects_removed": (defects["baseline"] - defects["post"]) if defects["n"] else None,
        "ratio": ratio,
        "effects": effects,
        "caution": rpiw_impact.CAUTION,
    }


def golden_thread_panel(organisation: Organisation) -> dict[str, Any]:
    from rpiw.selectors import golden_thread

    thread = golden_thread(organisation)
    objectives = [o for p in thread.priorities for o in p.objectives]
    seen, unique = set(), []
    for o in objectives:
        if o.objective.pk not in seen:
            seen.add(o.objective.pk)
            unique.append(o)
    priorities = [p for p in thread.priorities if p.priority is not None]
    return {
        "title": "Golden thread",
        "detail_url": reverse("rpiw:golden-thread") + f"?trust={organisation.short_name}",
        "priorities_with_work": [p.priority for p in priorities if p.has_work],
        "priorities_without_work": thread.priorities_without_work,
        "objectives_with_work": [o.objective for o in unique if o.streams],
        "objectives_without_work": [o.objective for o in unique if not o.streams],
        "unaligned_streams": [t.value_stream for t in thread.unaligned_streams],
    }


# --- Network, organisational series -------------------------------------------------------


def network_thumbnail(result: dict[str, Any], trust: str) -> Any:
    """A small map of the stored layout: respondents dark, collaborators light, ties grey."""
    actors = result.get("actors", [])
    where = {a["key"]: (a["x"], a["y"]) for a in actors}
    xs, ys = [], []
    for tie in result.get("ties", []):
        if tie["source"] in where and tie["target"] in where:
            (x0, y0), (x1, y1) = where[tie["source"]], where[tie["target"]]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
    fig = go.Figure()
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": "#aeb7bd", "width": 0.5},
        hoverinfo="skip",
        name="Ties",
    )
    for respondent, colour, name in (
        (True, "#005eb8", "Respondents"),
        (False, "#ffb81c", "Collaborators"),
    ):
        group = [a for a in actors if a["respondent"] is respondent]
        fig.add_scatter(
            x=[a["x"] for a in group], y=[a["y"] for a in group], mode="markers",
            marker={"size": 4, "color": colour}, name=name, hoverinfo="skip",
        )  # fmt: skip
    nhs_layout(fig, height=220)
    fig.update_layout(showlegend=False, margin={"l": 5, "r": 5, "t": 5, "b": 5}, hovermode=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return figure_html(
        fig,
        description=f"Map of {trust}'s improvement network: {len(actors)} people, "
        f"{len(result.get('ties', []))} ties.",
    )


def network_panel(organisation: Organisation, period: Period) -> dict[str, Any]:
    from networks.selectors import stored_result

    wave = network_selectors.network_wave(period.end, organisation)
    panel = {"title": "Improvement network", "detail_url": reverse("networks:index"), "wave": wave}
    if wave is None:
        return panel
    job = stored_result(organisation, wave)
    panel["detail_url"] = reverse("networks:wave", args=[organisation.pk, wave.pk])
    if job is None:
        return panel
    summary = (job.result or {}).get("summary", {})
    panel |= {
        "job": job,
        "summary": summary,
        "reciprocity": summary.get("reciprocity"),
        "detached": summary.get("respondents_outside_largest_component"),
        "thumbnail": network_thumbnail(job.result, organisation.short_name),
    }
    return panel


def its_panel(organisation: Organisation) -> dict[str, Any]:
    runs = impact_selectors.latest_its_runs(list(ITS_MEASURES), organisation)
    rows = [
        {
            "measure": ITS_MEASURES[measure],
            "job": job,
            "url": reverse("impact:its-run-detail", args=[job.pk]),
            **its_directions(job.result),
        }
        for (measure, _), job in sorted(runs.items())
    ]
    return {
        "title": "Organisational series vs peers",
        "detail_url": reverse("impact:its-run-list"),
        "rows": rows,
        "caution": ITS_CAUTION,
    }


# --- Daily work, compact, TGT -------------------------------------------------------------


def daily_work_panel(organisation: Organisation, period: Period) -> dict[str, Any]:
    summary = daily_work_selectors.daily_work_summary(organisation, period.start, period.end)
    return {"title": "Daily work", "detail_url": reverse("daily-work"), "summary": summary}


def compact_panel(organisation: Organisation, period: Period) -> dict[str, Any]:
    from compact.analysis import recent_fulfilment
    from compact.selectors import rating_records

    compact = compact_selectors.partnership_compact()
    panel = {"title": "The compact", "detail_url": reverse("compact:index"), "compact": compact}
    if compact is None:
        return panel
    records = [r for r in rating_records(compact, since=period.start) if r.date <= period.end]
    months = max(
        1, (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    )
    fulfilment = recent_fulfilment(records, period.end, months=months, by="party")
    panel |= {
        "fulfilment": [
            {"party": party, "point": point} for party, point in sorted(fulfilment.items())
        ],
        "open_breaches": compact_selectors.open_breaches_of(compact, organisation, period.end),
    }
    return panel


def tgt_panel(organisation: Organisation, period: Period) -> dict[str, Any]:
    series = daily_work_selectors.tgt_series(organisation)
    panel = {
        "title": "TGT attendance and actions",
        "detail_url": reverse("governance"),
        "series": series,
    }
    if series is None:
        return panel
    _, meetings = attendance_rates(series, period.start, period.end)
    expected = sum(m.members for m in meetings)
    present = sum(m.present for m in meetings)
    panel |= {
        "detail_url": reverse("meeting-series", args=[series.pk]),
        "meetings": len(meetings),
        "attendance": present / expected if expected else None,
        "overdue": daily_work_selectors.overdue_actions_of_series(series, period.end),
    }
    return panel
