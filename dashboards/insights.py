"""Insight flags: the report's lessons applied to one trust's figures, one sentence each.

Each flag is computed from panels the dashboard (or the TGT report) already built, so flags
cost no queries of their own, and each says the figures behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vmi_programme.models import Organisation
from vmi_programme.period import Period

#: Reciprocity (share of ties returned) below which a network counts as "mostly one-way".
LOW_RECIPROCITY = 0.25
#: The report's SATH KPO facilitator: "we've aimed to do 24 RPIWs in a year. That's absolutely
#: massive" (§ 4.2). A pace of this order with follow-ups going overdue is the warning sign.
HIGH_RPIW_PACE = 24
OVERDUE_FOLLOW_UPS = 3
#: A metric missing its target this many months running, with no change request, is flagged.
MISSED_MONTHS = 6


@dataclass(frozen=True)
class Insight:
    key: str
    title: str
    sentence: str  # the explanation, with the figures behind it
    lesson: str  # the report's lesson it applies
    url: str = ""


def for_trust(organisation: Organisation, period: Period, panels: dict[str, Any]) -> list[Insight]:
    checks = [
        no_golden_thread,
        stood_down,
        technical_without_social,
        pace_beyond_follow_ups,
        metrics_never_revised,
        executives_not_in_l4l,
        sustainment_falls_while_pace_rises,
    ]
    return [flag for check in checks if (flag := check(organisation, period, panels))]


def _listed(names: list[str], limit: int) -> str:
    """The first ``limit`` names and how many more: a sentence can end after it ("…." did)."""
    shown = ", ".join(names[:limit])
    return f"{shown} and {len(names) - limit} more" if len(names) > limit else shown


def no_golden_thread(organisation, period, panels) -> Insight | None:
    streams = panels["golden_thread"]["unaligned_streams"]
    if not streams:
        return None
    names = _listed([s.name for s in streams], 5)
    total = len(panels["value_streams"]["streams"])
    return Insight(
        "no_golden_thread",
        "Value streams with no golden thread",
        f"{len(streams)} of {organisation.short_name}'s {total} value streams serve no strategic "
        f"objective ({names}), so their work cannot be traced to a national priority.",
        "Trusts that chose value streams bottom-up without aligning them to priorities were "
        "'hitting the point, but missing the target' (report § 6).",
        panels["golden_thread"]["detail_url"],
    )


def stood_down(organisation, period, panels) -> Insight | None:
    rpiws = panels["pipeline"]["stood_down"]
    if not rpiws:
        return None
    planned = panels["pipeline"]["total"]
    reasons = {r.status_reason for r in rpiws if r.status_reason}
    return Insight(
        "stood_down",
        "RPIWs stood down: the improvement paradox",
        f"{len(rpiws)} of the {planned} RPIWs planned for {period.label} were stood down"
        + (f" ({next(iter(reasons))})" if len(reasons) == 1 else "")
        + ".",
        "Under regulatory pressure BHRUT and SATH 'stood down' improvement work to focus on "
        "compliance: the improvement paradox (report § 4.2).",
        panels["pipeline"]["detail_url"],
    )


def technical_without_social(organisation, period, panels) -> Insight | None:
    training, network = panels["training"], panels["network"]
    start, end = training.get("diffusion_start"), training.get("diffusion_end")
    reciprocity = network.get("reciprocity")
    if start is None or end is None or reciprocity is None:
        return None
    if end <= start or reciprocity >= LOW_RECIPROCITY:
        return None
    detached = network.get("detached")
    return Insight(
        "technical_without_social",
        "Technical without social",
        f"Training diffusion grew from {start:.1f}% to {end:.1f}% of headcount while only "
        f"{reciprocity:.0%} of improvement-network ties were returned"
        + (f" and {detached:.0%} of L4L respondents sat outside the core" if detached else "")
        + f" ({network['wave'].name}).",
        "Lean is socio-technical: high technical capability is necessary but not sufficient "
        "without reciprocal relationships (report § 5).",
        network["detail_url"],
    )


def pace_beyond_follow_ups(organisation, period, panels) -> Insight | None:
    pipeline = panels["pipeline"]
    overdue, pace = len(pipeline["overdue"]), pipeline["pace"]
    if overdue < OVERDUE_FOLLOW_UPS and not (pace >= HIGH_RPIW_PACE and overdue):
        return None
    return Insight(
        "pace",
        "RPIW pace ahead of follow-ups",
        f"{pace} RPIW workshops were held in the twelve months to {period.end:%-d %B %Y} "
        f"while {overdue} follow-up measurements are overdue.",
        "'We've aimed to do 24 RPIWs in a year… I wonder if we should create some space to "
        "consolidate, to measure the impact' (KPO facilitator, report § 4.2).",
        pipeline["detail_url"],
    )


def metrics_never_revised(organisation, period, panels) -> Insight | None:
    stuck = []
    for stream in panels["value_streams"]["streams"]:
        for entry in stream["metrics"]:
            if entry["revised"] or entry["metric"].target is None:
                continue
            values = list(entry["metric"].values.all())[-MISSED_MONTHS:]
            if len(values) < MISSED_MONTHS:
                continue
            lower = entry["metric"].direction == "lower"
            target = entry["metric"].target
            if all((v.value > target) if lower else (v.value < target) for v in values):
                stuck.append(f"{entry['metric'].name} ({stream['stream'].name})")
    if not stuck:
        return None
    return Insight(
        "metrics_never_revised",
        "Metrics never revised after missed targets",
        f"{len(stuck)} value-stream metrics have missed their target for {MISSED_MONTHS} "
        f"months running with no change ever proposed: {_listed(stuck, 4)}.",
        "Trusts that gave themselves 'permission to go, these metrics are not right, let's "
        "change them' learnt to set metrics that matter (report § 6.5).",
        panels["value_streams"]["detail_url"],
    )


def executives_not_in_l4l(organisation, period, panels) -> Insight | None:
    people = panels["training"]["executives_not_in_l4l"]
    if not people:
        return None
    total = len(panels["training"]["executives"])
    names = _listed([p.full_name for p in people], 4)
    return Insight(
        "executives_not_in_l4l",
        "Executives not enrolled in L4L",
        f"{len(people)} of {total} executives have neither completed nor started Lean for "
        f"Leaders on {period.end:%-d %B %Y}: {names}.",
        "Staff criticised senior executives' absence from L4L: 'participation of senior "
        "executives makes this message very clear' (report § 2.2).",
        panels["training"]["detail_url"],
    )


def sustainment_falls_while_pace_rises(organisation, period, panels) -> Insight | None:
    # The rule (two consecutive 365-day windows, a minimum of measures) is rpiw.sustainment's
    # falls_while_pace_rises, computed by the panel; docs/SUSTAINMENT.md states it.
    # .get: the TGT report builds only the panels its own sections need.
    panel = panels.get("sustainment")
    if panel is None or not panel["trend"]["falls_while_pace_rises"]:
        return None
    trend = panel["trend"]
    before, now = trend["previous"], trend["current"]
    return Insight(
        "sustainment_falls",
        "Sustainment falling as RPIW pace rises",
        f"{now['percent_sustained']:.0f}% of RPIW measures judged at checkpoints due in the 365 "
        f"days to {now['end']:%-d %B %Y} were sustained ({now['sustained']} of {now['known']}), "
        f"down from {before['percent_sustained']:.0f}% ({before['sustained']} of "
        f"{before['known']}) in the 365 days before, while RPIW workshops rose from "
        f"{before['pace']} to {now['pace']}.",
        "'We've aimed to do 24 RPIWs in a year… I wonder if we should create some space to "
        "consolidate, to measure the impact' (KPO facilitator, report § 4.2).",
        panel["detail_url"],
    )
