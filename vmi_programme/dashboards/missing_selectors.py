"""Reads the dashboards need that the owning apps do not offer yet.

Each function reads one app's models, is named for what it returns, and says which app it
belongs in; the app's owner may move it to that app's selectors and the dashboards will import
it from there. None of them re-computes a published aggregate: they fetch records or count rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, Q

from ..models import (
    BoardValue,
    Job,
    JobStatus,
    MeetingAction,
    MeetingKind,
    MeetingSeries,
    Organisation,
    ProductionBoard,
    Team,
)

# --- training (belongs in training.selectors) ----------------------------------------------


def l4l_survey_wave(as_of: dt.date | None = None):
    """The L4L participant survey wave of Table 5.2: the first wave with responses (or, with
    ``as_of``, the newest one opened by then)."""
    from training.models import SurveyWave

    waves = (
        SurveyWave.objects.filter(
            survey__programme__isnull=False, invitations__response__isnull=False
        )
        .select_related("survey__programme")
        .distinct()
    )
    if as_of is None:
        return waves.order_by("opens_on", "pk").first()
    return waves.filter(opens_on__lte=as_of).order_by("-opens_on", "-pk").first()


# --- networks (belongs in networks.selectors) ----------------------------------------------


def network_wave(as_of: dt.date | None = None, organisation: Organisation | None = None):
    """The network wave to show: the report's first wave (or, with ``as_of``, the newest one
    opened by then), of one trust when given."""
    from networks.selectors import default_comparison_wave, network_waves

    if as_of is None and organisation is None:
        return default_comparison_wave()
    waves = network_waves(organisation)
    if as_of is not None:
        waves = waves.filter(opens_on__lte=as_of)
    return waves.order_by("-opens_on", "-pk").first()


# --- rpiw / impact (belongs in impact.selectors: a partnership-level rpiw_measure_pairs) ----


def impact_measure_pairs(
    *,
    as_at: dt.date | None = None,
    organisations=None,
    workshop_from: dt.date | None = None,
    workshop_to: dt.date | None = None,
) -> list:
    """Baseline/90-day pairs of every lead-time, defects and defect-ratio measure, as
    :class:`impact.rpiw_impact.MeasurePair`, for partnership-level tables.

    ``impact.selectors.rpiw_measure_pairs(user)`` restricts to what a user may view, which for
    a TGB member is their own trust only; a partnership table needs all trusts. Built on
    ``rpiw.selectors.measure_pairs`` (one query).
    """
    from impact.rpiw_impact import MeasurePair
    from rpiw.selectors import DEFAULT_POST_DAY, TABLE_7_2_KINDS, measure_pairs

    return [
        MeasurePair(
            trust=pair.trust,
            value_stream=pair.value_stream,
            rpiw=pair.rpiw_reference,
            measure_type=pair.kind,
            baseline=float(pair.baseline),
            followups={DEFAULT_POST_DAY: float(pair.post)},
        )
        for pair in measure_pairs(
            kinds=TABLE_7_2_KINDS,
            organisations=organisations,
            as_at=as_at,
            workshop_from=workshop_from,
            workshop_to=workshop_to,
        )
    ]


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


# --- compact (belongs in compact.selectors) -------------------------------------------------


def partnership_compact():
    from compact.models import Compact

    return Compact.objects.select_related("board").order_by("pk").first()


def breaches_by_organisation(compact, as_of: dt.date) -> dict[str, dict[str, int]]:
    """Breaches called out by ``as_of`` per organisation: all, and still open then."""
    from compact.models import BreachState

    closed = [BreachState.REPAIRED, BreachState.RENEGOTIATED]
    rows = (
        compact.breaches.filter(raised_at__date__lte=as_of)
        .values("organisation__short_name")
        .annotate(
            all=Count("pk"),
            open=Count("pk", filter=~Q(state__in=closed) | Q(closed_on__gt=as_of)),
        )
        .order_by("organisation__short_name")
    )
    return {
        (r["organisation__short_name"] or "Regulator / partnership"): {
            "all": r["all"],
            "open": r["open"],
        }
        for r in rows
    }


def open_breaches_of(compact, organisation: Organisation, as_of: dt.date) -> list:
    """Breaches concerning a trust, called out by ``as_of`` and not repaired or renegotiated
    by then."""
    from compact.models import BreachState

    closed = [BreachState.REPAIRED, BreachState.RENEGOTIATED]
    return list(
        compact.breaches.filter(organisation=organisation, raised_at__date__lte=as_of)
        .filter(~Q(state__in=closed) | Q(closed_on__gt=as_of))
        .select_related("raised_at")
        .order_by("-occurred_on")
    )


# --- rpiw (belongs in rpiw.selectors) -------------------------------------------------------


def rpiws_planned_in(organisation: Organisation, start: dt.date, end: dt.date) -> list:
    """The trust's RPIWs whose workshop starts (or was planned to start) in the period."""
    from rpiw.models import Rpiw

    return list(
        Rpiw.objects.filter(
            value_stream__organisation=organisation,
            workshop_start__gte=start,
            workshop_start__lte=end,
        )
        .select_related("value_stream")
        .order_by("workshop_start", "reference")
    )


def workshops_per_year(organisation: Organisation, end: dt.date) -> int:
    """RPIW workshops held in the twelve months up to ``end`` (the report's "pace")."""
    from rpiw.models import ENDED_WITHOUT_WORKSHOP, Rpiw

    return (
        Rpiw.objects.filter(
            value_stream__organisation=organisation,
            workshop_start__gt=end - dt.timedelta(days=365),
            workshop_start__lte=end,
        )
        .exclude(status__in=ENDED_WITHOUT_WORKSHOP)
        .count()
    )


def value_stream_metrics(organisation: Organisation, *, until: dt.date) -> list:
    """The trust's value streams with their metrics, each metric's values up to ``until`` and
    the dates of its change requests (three queries)."""
    from rpiw.models import MetricChangeRequest, MetricValue, ValueStream, ValueStreamMetric

    return list(
        ValueStream.objects.filter(organisation=organisation)
        .prefetch_related(
            "objectives",
            Prefetch(
                "metrics",
                ValueStreamMetric.objects.prefetch_related(
                    Prefetch(
                        "values",
                        MetricValue.objects.filter(period_end__lte=until).order_by("period_end"),
                    ),
                    Prefetch(
                        "change_requests",
                        MetricChangeRequest.objects.only(
                            "pk", "metric_id", "proposed_on", "status"
                        ),
                    ),
                ).order_by("category", "name"),
            ),
        )
        .order_by("name")
    )


# --- daily work and governance (belong in vmi_programme.selectors) ------------------------


HUDDLE_WINDOW_DAYS = 28  # huddle frequency is measured over the period's last four weeks


@dataclass
class DailyWorkSummary:
    teams: int = 0
    huddles: int = 0  # in the last four weeks of the period
    huddles_in_period: int = 0
    boards: int = 0
    boards_updated_last_week: int = 0
    per_team: list[dict[str, Any]] = field(default_factory=list)

    @property
    def huddles_per_team_per_week(self) -> float | None:
        if not self.teams:
            return None
        return self.huddles / self.teams / (HUDDLE_WINDOW_DAYS / 7)


def daily_work_summary(
    organisation: Organisation, start: dt.date, end: dt.date
) -> DailyWorkSummary:
    """Huddles per team per week over the period's last four weeks (and in the whole period),
    and production boards with a value recorded in its last seven days (three queries)."""
    recent = max(start, end - dt.timedelta(days=HUDDLE_WINDOW_DAYS - 1))
    teams = list(
        Team.objects.filter(organisation=organisation)
        .annotate(
            huddles_recent=Count(
                "huddles", filter=Q(huddles__date__gte=recent, huddles__date__lte=end)
            ),
            huddles_in_period=Count(
                "huddles", filter=Q(huddles__date__gte=start, huddles__date__lte=end)
            ),
            last_huddle=Max("huddles__date", filter=Q(huddles__date__lte=end)),
        )
        .order_by("name")
    )
    boards = ProductionBoard.objects.filter(team__organisation=organisation).count()
    updated = (
        BoardValue.objects.filter(
            measure__board__team__organisation=organisation,
            recorded_on__gte=end - dt.timedelta(days=7),
            recorded_on__lte=end,
        )
        .values("measure__board")
        .distinct()
        .count()
    )
    return DailyWorkSummary(
        teams=len(teams),
        huddles=sum(t.huddles_recent for t in teams),
        huddles_in_period=sum(t.huddles_in_period for t in teams),
        boards=boards,
        boards_updated_last_week=updated,
        per_team=[
            {"team": t, "huddles": t.huddles_in_period, "last_huddle": t.last_huddle} for t in teams
        ],
    )


def tgt_series(organisation: Organisation) -> MeetingSeries | None:
    return (
        MeetingSeries.objects.filter(kind=MeetingKind.TGT, organisation=organisation)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )


def overdue_actions_of_series(series: MeetingSeries, as_of: dt.date) -> list[MeetingAction]:
    """Open actions of any meeting of the series, past their due date on ``as_of``."""
    return list(
        MeetingAction.objects.overdue(as_of)
        .filter(meeting__series=series)
        .select_related("owner", "meeting")
        .order_by("due_on", "pk")
    )
