"""Pages for trust context (Table 4.1, leadership stability) and priorities (the golden thread)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from governance.forms import (
    CeoTenureEditForm,
    CeoTenureForm,
    CqcRatingForm,
    CulturalWorkForm,
    NationalPriorityForm,
    PeriodForm,
    SpecialMeasuresForm,
    StrategicObjectiveForm,
)
from governance.models import (
    CeoTenure,
    CqcRating,
    CulturalWork,
    NationalPriority,
    SpecialMeasuresPeriod,
    StrategicObjective,
)
from governance.selectors import context as selectors
from governance.services import context as context_services
from governance.services import priorities
from vmi_programme import person_picker
from vmi_programme.access import Action, actor_for, can, require, restrict
from vmi_programme.form_page import FORM_METHODS, form_page, posted
from vmi_programme.models import Organisation, Person
from vmi_programme.scope import Scope

EVALUATION_END = dt.date(2021, 3, 31)


def trust_context(request):
    start = selectors.programme_start()
    period = PeriodForm(request.GET if "start" in request.GET else None)
    period_start, period_end = start, EVALUATION_END
    if period.is_bound and period.is_valid():
        period_start, period_end = period.cleaned_data["start"], period.cleaned_data["end"]
    elif not period.is_bound:
        period = PeriodForm(initial={"start": start, "end": EVALUATION_END})
    rows = selectors.table_4_1(start=start)
    return render(
        request,
        "governance/trust_context.html",
        {
            "rows": rows,
            # Each trust's records page is linked for those who may view that trust's records.
            "viewable": {
                r.organisation.pk for r in rows if can(request.user, Action.VIEW, r.organisation)
            },
            "start": start,
            "period": period,
            "period_start": period_start,
            "period_end": period_end,
            "stability": selectors.leadership_stability(period_start, period_end),
        },
    )


def priority_list(request):
    objectives = restrict(
        StrategicObjective.objects.select_related("organisation").prefetch_related(
            "national_priorities"
        ),
        request.user,
    )
    national = NationalPriority.objects.prefetch_related(
        Prefetch("strategic_objectives", objectives.order_by("organisation__short_name"))
    )
    actor = actor_for(request.user)
    own = Organisation(pk=actor.organisation_id) if actor and actor.organisation_id else None
    return render(
        request,
        "governance/priorities.html",
        {
            "national": national,
            "objectives": objectives,
            "can_add": own is not None and can(request.user, Action.CHANGE, own),
            "changeable": {o.pk for o in objectives if can(request.user, Action.CHANGE, o)},
            "can_set_priorities": can(request.user, Action.CHANGE, Scope.partnership()),
        },
    )


def objective_edit(request, pk: int | None = None):
    if pk is None:
        actor = actor_for(request.user)
        organisation = get_object_or_404(Organisation, pk=actor.organisation_id or 0)
        objective = StrategicObjective(organisation=organisation)
    else:
        objective = get_object_or_404(
            StrategicObjective.objects.select_related("organisation"), pk=pk
        )
    require(request.user, Action.CHANGE, objective)
    form = StrategicObjectiveForm(request.POST or None, instance=objective)

    def save(data):
        data = dict(data)
        aligned = data.pop("national_priorities")
        return priorities.save_strategic_objective(
            objective if objective.pk else None,
            organisation=objective.organisation,
            national_priorities=aligned,
            **data,
        )

    return form_page(
        request,
        form,
        save,
        heading="Edit strategic objective" if objective.pk else "Add a strategic objective",
        caption=objective.organisation.name,
        back_url=reverse("priorities"),
        success="Strategic objective saved.",
    )


# ---- national priorities (set by the regulator for every trust: partnership-level) -----------


@FORM_METHODS
def national_priority_create(request):
    require(request.user, Action.CHANGE, Scope.partnership())
    form = NationalPriorityForm(posted(request))
    return form_page(
        request,
        form,
        lambda data: priorities.create_national_priority(**data),
        heading="Add a national priority",
        back_url=reverse("priorities"),
        success="National priority added.",
    )


@FORM_METHODS
def national_priority_edit(request, pk: int):
    priority = get_object_or_404(NationalPriority, pk=pk)
    require(request.user, Action.CHANGE, priority)
    form = NationalPriorityForm(posted(request), instance=NationalPriority.objects.get(pk=pk))

    def save(data):
        data = {k: v for k, v in data.items() if k != "code"}  # shown, never changed
        return priorities.update_national_priority(priority, **data)

    return form_page(
        request,
        form,
        save,
        heading="Edit a national priority",
        caption=priority.code,
        back_url=reverse("priorities"),
        success="National priority saved.",
    )


# ---- a trust's context records: CQC ratings, CEO tenures, special measures, cultural work ------


@require_GET
def trust_records(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    require(request.user, Action.VIEW, organisation)
    return render(
        request,
        "governance/trust_records.html",
        {
            "organisation": organisation,
            "ratings": CqcRating.objects.filter(organisation=organisation).order_by("published_on"),
            "tenures": CeoTenure.objects.filter(organisation=organisation)
            .select_related("person")
            .order_by("started_on"),
            "periods": SpecialMeasuresPeriod.objects.filter(organisation=organisation).order_by(
                "started_on"
            ),
            "cultural_work": CulturalWork.objects.filter(organisation=organisation).first(),
            "can_change": can(request.user, Action.CHANGE, organisation),
        },
    )


def _changeable_trust(request, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    require(request.user, Action.CHANGE, organisation)
    return organisation


@FORM_METHODS
def cqc_rating_add(request, pk: int):
    organisation = _changeable_trust(request, pk)
    form = CqcRatingForm(posted(request), instance=CqcRating(organisation=organisation))
    return form_page(
        request,
        form,
        lambda data: context_services.record_cqc_rating(organisation, **data),
        heading="Record a CQC rating",
        caption=organisation.name,
        back_url=reverse("trust-records", args=[pk]),
        success="CQC rating recorded.",
    )


@FORM_METHODS
def ceo_tenure_add(request, pk: int):
    organisation = _changeable_trust(request, pk)
    form = CeoTenureForm(
        posted(request),
        instance=CeoTenure(organisation=organisation),
        people=Person.objects.filter(organisation=organisation),
        search=person_picker.search_url(organisation=organisation),
    )
    return form_page(
        request,
        form,
        lambda data: context_services.record_ceo_tenure(organisation, **data),
        heading="Record a CEO tenure",
        caption=organisation.name,
        back_url=reverse("trust-records", args=[pk]),
        success="CEO tenure recorded.",
    )


@FORM_METHODS
def ceo_tenure_edit(request, pk: int):
    tenure = get_object_or_404(CeoTenure.objects.select_related("organisation", "person"), pk=pk)
    require(request.user, Action.CHANGE, tenure)
    form = CeoTenureEditForm(posted(request), instance=CeoTenure.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda data: context_services.update_ceo_tenure(tenure, **data),
        heading="Correct or end a CEO tenure",
        caption=f"{tenure.person.full_name}, {tenure.organisation.name}",
        back_url=reverse("trust-records", args=[tenure.organisation_id]),
        success="CEO tenure saved.",
    )


@FORM_METHODS
def special_measures_add(request, pk: int):
    organisation = _changeable_trust(request, pk)
    form = SpecialMeasuresForm(
        posted(request), instance=SpecialMeasuresPeriod(organisation=organisation)
    )
    return form_page(
        request,
        form,
        lambda data: context_services.record_special_measures(organisation, **data),
        heading="Record a period of special measures",
        caption=organisation.name,
        back_url=reverse("trust-records", args=[pk]),
        success="Special measures recorded.",
    )


@FORM_METHODS
def special_measures_edit(request, pk: int):
    period = get_object_or_404(SpecialMeasuresPeriod.objects.select_related("organisation"), pk=pk)
    require(request.user, Action.CHANGE, period)
    form = SpecialMeasuresForm(posted(request), instance=SpecialMeasuresPeriod.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda data: context_services.update_special_measures(period, **data),
        heading="Correct or end a period of special measures",
        caption=period.organisation.name,
        back_url=reverse("trust-records", args=[period.organisation_id]),
        success="Special measures saved.",
    )


@FORM_METHODS
def cultural_work_edit(request, pk: int):
    organisation = _changeable_trust(request, pk)
    existing = CulturalWork.objects.filter(organisation=organisation).first()
    form = CulturalWorkForm(
        posted(request), instance=existing or CulturalWork(organisation=organisation)
    )
    return form_page(
        request,
        form,
        lambda data: context_services.record_cultural_work(organisation, **data),
        heading="Cultural work before the programme",
        caption=organisation.name,
        back_url=reverse("trust-records", args=[pk]),
        success="Cultural work saved.",
    )
