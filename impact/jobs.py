"""Recorded jobs of the impact app: interrupted time series runs (own trend and vs peers)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vmi_programme.jobs import JobContext, job_kind, register_recompute

from .analysis import its, permutation
from .models import Measure
from .selectors import series_table
from .services import ITS_KIND


@job_kind(ITS_KIND)
def run_its(
    job: JobContext,
    *,
    measure: str,
    trust: str,
    intervention: str = "2015-07",
    seasonality: str | None = "month",
    errors: str = "hac",
    peers: list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    **_: Any,
) -> dict:
    """Segmented regression of the trust's series, the same for its peers' mean, and the
    controlled ITS of trust against peers' mean; the stored result feeds the results page."""
    peers = list(peers or [])
    job.progress(5, "Loading the series")
    definition = Measure.objects.get(code=measure)
    table = series_table(
        definition,
        [trust, *peers],
        start=pd.Period(start, "M").to_timestamp().date() if start else None,
        end=pd.Period(end, "M").to_timestamp().date() if end else None,
    )
    if trust not in table.columns:
        raise ValueError(f"{trust} has no values of {definition.name} in the period chosen.")
    own_series = table[trust]
    peers_found = [code for code in peers if code in table.columns]
    options: dict[str, Any] = {"seasonality": seasonality or None, "errors": errors}
    point = pd.Period(intervention, "M")

    job.progress(20, f"Fitting {trust}'s own interrupted time series")
    own = its.segmented_regression(own_series, point, **options)
    result: dict[str, Any] = {
        "measure": {
            "code": definition.code,
            "name": definition.name,
            "unit": definition.unit,
            "direction": definition.direction,
        },
        "trust": trust,
        "intervention": str(point),
        "options": options,
        "peers": peers_found,
        "peers_without_data": [code for code in peers if code not in table.columns],
        "own": own.to_dict(),
        "peer_group": None,
        "controlled": None,
        "peer_mean": [],
        "notes": [],
    }
    if not peers_found:
        result["notes"].append("No peer series: the controlled ITS was not run.")
        return result

    peer_table = table[peers_found]
    peer_mean = peer_table.mean(axis=1, skipna=True)
    result["peer_mean"] = [
        {"period": str(period), "value": None if pd.isna(value) else float(value)}
        for period, value in peer_mean.items()
    ]
    job.progress(55, f"Fitting the peers' mean ({len(peers_found)} peers)")
    result["peer_group"] = its.segmented_regression(peer_mean.dropna(), point, **options).to_dict()
    job.progress(75, "Fitting the controlled ITS (trust minus peers)")
    controlled = its.controlled_its(own_series, peer_table, point, **options)
    result["controlled"] = controlled.to_dict()
    job.progress(85, f"Placebo runs: each of the {len(peers_found)} peers as if treated")
    result["placebo"] = None
    if not isinstance(controlled, its.ControlledITSResult):
        raise ValueError("internal: the controlled ITS against the peers' mean is one result")
    try:
        placebo = permutation.placebo_its(
            own_series, peer_table, point, real=controlled, treated_label=trust, **options
        )
    except ValueError as exc:
        result["notes"].append(f"The placebo (permutation) test could not be run: {exc}")
    else:
        result["placebo"] = placebo.to_dict()
    job.progress(95, "Storing the result")
    return result


def recompute_plan() -> list[tuple[dict, Any]]:
    """A full recompute: every current ITS run again, with the same parameters."""
    from vmi_programme.models import Job, JobStatus

    current = (
        Job.objects.filter(kind=ITS_KIND, status=JobStatus.SUCCEEDED, stale=False)
        .select_related("organisation")
        .order_by("pk")
    )
    seen, plan = set(), []
    for job in current:
        parameters = {k: v for k, v in job.parameters.items() if k != "rerun_of"}
        key = (job.organisation_id, repr(sorted(parameters.items())))
        if key not in seen:
            seen.add(key)
            plan.append((parameters, job.organisation))
    return plan


register_recompute(ITS_KIND, recompute_plan)
