"""Pages for trust context (Table 4.1, leadership stability) and priorities (the golden thread)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from governance.forms import PeriodForm, StrategicObjectiveForm
from governance.models import NationalPriority, StrategicObjective
from governance.selectors import context as selectors
from governance.services import priorities
from vmi_programme.access import Action, actor_for, can, require, restrict
from vmi_programme.form_page import form_page
from vmi_programme.models import Organisation

EVALUATION_END = dt.date(2021, 3, 31)


def trust_context(request):
    start = selectors.programme_start()
    period = PeriodForm(request.GET if "start" in request.GET else None)
    period_start, period_end = start, EVALUATION_END
    if period.is_bound and period.is_valid():
        period_start, period_end = period.cleaned_data["start"], period.cleaned_data["end"]
    elif not period.is_bound:
        period = PeriodForm(initial={"start": start, "end": EVALUATION_END})
    return render(
        request,
        "governance/trust_context.html",
        {
            "rows": selectors.table_4_1(start=start),
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
