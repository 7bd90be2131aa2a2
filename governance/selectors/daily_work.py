"""Reads of daily work and the TGT for dashboards: huddles, boards, overdue actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from governance.models import (
    BoardMeasure,
    BoardValue,
    MeetingAction,
    MeetingKind,
    MeetingSeries,
    ProductionBoard,
    Team,
)
from vmi_programme.access import restrict
from vmi_programme.models import Organisation

# Read by the dashboards (dashboards).

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


# Read by impact's SPC charts of production-board measures.


def board_measures_for(user: Any) -> QuerySet[BoardMeasure]:
    """Production-board measures the user may view, by trust, team and name."""
    return restrict(
        BoardMeasure.objects.select_related("board__team__organisation"),
        user,
        via="board__team__organisation",
    ).order_by("board__team__organisation__short_name", "board__team__name", "name")


def board_measure_with_board(pk: int) -> BoardMeasure:
    """One measure with its board, team and trust; raises ``BoardMeasure.DoesNotExist``."""
    return BoardMeasure.objects.select_related("board__team__organisation").get(pk=pk)


def board_measure_points(measure: BoardMeasure) -> list[tuple[dt.date, Decimal]]:
    """(date, value) of each recorded value of the measure, oldest first."""
    return list(measure.values.order_by("recorded_on").values_list("recorded_on", "value"))
