"""Pages for daily work: teams with their huddles and production boards, and standard work."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from governance import charts
from governance.forms import (
    BoardMeasureForm,
    BoardValuesForm,
    HuddleForm,
    NewStandardWorkForm,
    ProductionBoardForm,
    StandardWorkForm,
    TeamForm,
)
from governance.models import (
    BoardMeasure,
    BoardValue,
    Huddle,
    ProductionBoard,
    StandardWorkDocument,
    StandardWorkVersion,
    Team,
)
from governance.services import daily_work
from vmi_programme.access import Action, actor_for, can, require, restrict
from vmi_programme.form_page import FORM_METHODS, form_page, posted
from vmi_programme.models import Organisation, Person
from vmi_programme.person_picker import search_url


def _own_organisation(request) -> Organisation:
    actor = actor_for(request.user)
    organisation = get_object_or_404(Organisation, pk=actor.organisation_id or 0)
    require(request.user, Action.CHANGE, organisation)
    return organisation


def daily_work_index(request):
    teams = restrict(
        Team.objects.select_related("organisation", "lead").annotate(
            huddle_count=Count("huddles"), last_huddle=Max("huddles__date")
        ),
        request.user,
    )
    documents = restrict(
        StandardWorkDocument.objects.select_related("organisation", "owner", "team"),
        request.user,
    ).prefetch_related(Prefetch("versions", StandardWorkVersion.objects.order_by("-number")))
    actor = actor_for(request.user)
    return render(
        request,
        "governance/daily_work.html",
        {
            "teams": teams,
            "documents": documents,
            "can_add": bool(actor and actor.organisation_id)
            and can(request.user, Action.CHANGE, Organisation(pk=actor.organisation_id)),
        },
    )


def team_create(request):
    organisation = _own_organisation(request)
    form = TeamForm(
        request.POST or None,
        instance=Team(organisation=organisation),
        people=Person.objects.filter(organisation=organisation),
        search=search_url(organisation=organisation),
    )
    return form_page(
        request,
        form,
        lambda data: daily_work.save_team(organisation=organisation, **data),
        heading="Add a team",
        caption=organisation.name,
        back_url=reverse("daily-work"),
        success="Team added.",
        next_url=lambda team: reverse("team-detail", args=[team.pk]),
    )


def team_detail(request, pk: int):
    team = get_object_or_404(Team.objects.select_related("organisation", "lead"), pk=pk)
    require(request.user, Action.VIEW, team)
    boards = team.boards.prefetch_related(
        Prefetch(
            "measures",
            BoardMeasure.objects.prefetch_related(
                Prefetch("values", BoardValue.objects.order_by("recorded_on"))
            ),
        )
    )
    board_charts = [
        (board, measure, charts.run_chart(measure))
        for board in boards
        for measure in board.measures.all()
    ]
    return render(
        request,
        "governance/team_detail.html",
        {
            "team": team,
            "huddles": Huddle.objects.filter(team=team).order_by("-date")[:20],
            "charts": board_charts,
            "boards": boards,
            "can_change": can(request.user, Action.CHANGE, team),
        },
    )


def _changeable_team(request, pk: int) -> Team:
    team = get_object_or_404(Team.objects.select_related("organisation"), pk=pk)
    require(request.user, Action.CHANGE, team)
    return team


def huddle_add(request, pk: int):
    team = _changeable_team(request, pk)
    form = HuddleForm(request.POST or None, instance=Huddle(team=team))
    return form_page(
        request,
        form,
        lambda data: daily_work.record_huddle(team, **data),
        heading="Record a huddle",
        caption=str(team),
        back_url=reverse("team-detail", args=[pk]),
        success="Huddle recorded.",
    )


@FORM_METHODS
def board_create(request, pk: int):
    """Put up a production board for a team; its measures are added next."""
    team = _changeable_team(request, pk)
    form = ProductionBoardForm(posted(request), instance=ProductionBoard(team=team))
    return form_page(
        request,
        form,
        lambda data: daily_work.create_board(team, **data),
        heading="Add a production board",
        caption=str(team),
        back_url=reverse("team-detail", args=[pk]),
        success="Board added; add the measures it tracks.",
        next_url=lambda board: reverse("board-detail", args=[getattr(board, "pk", None)]),
    )


def _board(request, pk: int, action: Action) -> ProductionBoard:
    board = get_object_or_404(ProductionBoard.objects.select_related("team__organisation"), pk=pk)
    require(request.user, action, board)
    return board


@require_GET
def board_detail(request, pk: int):
    """A board's measures with their targets and latest values, and what can be done to it."""
    board = _board(request, pk, Action.VIEW)
    measures = board.measures.prefetch_related(
        Prefetch("values", BoardValue.objects.order_by("-recorded_on"))
    )
    return render(
        request,
        "governance/board_detail.html",
        {
            "board": board,
            "rows": [(m, next(iter(m.values.all()), None)) for m in measures],
            "can_change": can(request.user, Action.CHANGE, board),
        },
    )


@FORM_METHODS
def board_edit(request, pk: int):
    board = _board(request, pk, Action.CHANGE)
    form = ProductionBoardForm(posted(request), instance=board)
    return form_page(
        request,
        form,
        lambda data: daily_work.update_board(board, **data),
        heading="Rename the board",
        caption=str(board.team),
        back_url=reverse("board-detail", args=[pk]),
        success="Board saved.",
    )


@FORM_METHODS
def measure_add(request, pk: int):
    board = _board(request, pk, Action.CHANGE)
    form = BoardMeasureForm(posted(request), instance=BoardMeasure(board=board))
    return form_page(
        request,
        form,
        lambda data: daily_work.add_board_measure(board, **data),
        heading="Add a measure",
        caption=f"{board.title}, {board.team}",
        back_url=reverse("board-detail", args=[pk]),
        success="Measure added.",
        next_url=lambda measure: reverse("board-detail", args=[pk]),
    )


@FORM_METHODS
def measure_edit(request, pk: int):
    measure = get_object_or_404(
        BoardMeasure.objects.select_related("board__team__organisation"), pk=pk
    )
    require(request.user, Action.CHANGE, measure)
    form = BoardMeasureForm(posted(request), instance=BoardMeasure.objects.get(pk=measure.pk))
    return form_page(
        request,
        form,
        lambda data: daily_work.update_board_measure(measure, **data),
        heading="Edit a measure",
        caption=f"{measure.board.title}, {measure.board.team}",
        back_url=reverse("board-detail", args=[measure.board_id]),
        success="Measure saved.",
    )


@FORM_METHODS
def board_values(request, pk: int):
    """Update the board: a value for each of its measures on one date, in one submit."""
    board = _board(request, pk, Action.CHANGE)
    form = BoardValuesForm(
        posted(request), measures=board.measures.all(), initial={"recorded_on": date.today()}
    )
    return form_page(
        request,
        form,
        lambda data: daily_work.record_board_values(board, data["recorded_on"], form.values()),
        heading="Update the board",
        caption=f"{board.title}, {board.team}",
        back_url=reverse("board-detail", args=[pk]),
        success="Board updated.",
    )


def standard_work_create(request):
    organisation = _own_organisation(request)
    form = NewStandardWorkForm(
        request.POST or None,
        people=Person.objects.filter(organisation=organisation),
        teams=Team.objects.filter(organisation=organisation),
        search=search_url(organisation=organisation),
    )

    def save(data):
        return daily_work.create_standard_work(
            organisation=organisation, changed_by=request.user, **data
        )

    return form_page(
        request,
        form,
        save,
        heading="Write standard work",
        caption=organisation.name,
        back_url=reverse("daily-work"),
        success="Standard work saved as version 1.",
        next_url=lambda doc: reverse("standard-work-detail", args=[doc.pk]),
    )


def standard_work_detail(request, pk: int, number: int | None = None):
    document = get_object_or_404(
        StandardWorkDocument.objects.select_related("organisation", "owner", "team"), pk=pk
    )
    require(request.user, Action.VIEW, document)
    versions = list(document.versions.select_related("changed_by").order_by("-number"))
    shown = next((v for v in versions if v.number == (number or document.current_version)), None)
    if shown is None:
        raise Http404("No such version.")
    return render(
        request,
        "governance/standard_work_detail.html",
        {
            "document": document,
            "version": shown,
            "versions": versions,
            "is_current": shown.number == document.current_version,
            "can_change": can(request.user, Action.CHANGE, document),
        },
    )


def standard_work_revise(request, pk: int):
    document = get_object_or_404(StandardWorkDocument.objects.select_related("organisation"), pk=pk)
    require(request.user, Action.CHANGE, document)
    latest = document.latest_version
    form = StandardWorkForm(
        request.POST or None,
        initial={"title": latest.title, "steps": "\n".join(latest.steps), "reason": ""},
    )
    return form_page(
        request,
        form,
        lambda data: daily_work.revise_standard_work(document, changed_by=request.user, **data),
        heading="Write a new version",
        caption=f"{latest.title} (now version {latest.number})",
        back_url=reverse("standard-work-detail", args=[pk]),
        success="New version saved; earlier versions are kept.",
        submit_label="Save new version",
    )
