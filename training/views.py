"""Training pages: cohorts, the assessment grid, overdue work, diffusion, Tables 5.1 and 5.2, surveys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from vmi_programme.access import (
    Action,
    actor_for,
    can,
    can_view_partnership,
    require,
    restrict,
    visible_organisations,
)
from vmi_programme.constants import PROGRAMME_START
from vmi_programme.exports import export_response, wants_export
from vmi_programme.form_page import FORM_METHODS, form_page, posted
from vmi_programme.imports import parse_date
from vmi_programme.models import Organisation, Person
from vmi_programme.person_picker import people_choice, person_choice, search_url
from vmi_programme.scope import Scope

from . import charts, question_kinds, selectors, services
from .forms import EnrolManyForm, InviteForm, ModuleForm, ProgrammeForm, SessionForm
from .models import Cohort, CohortSession, Enrolment, Module, Programme, SurveyWave


def _as_of(request) -> dt.date:
    return parse_date(request.GET.get("as_of", "")) or timezone.localdate()


def _own_organisation(user) -> Organisation | None:
    actor = actor_for(user)
    return Organisation.objects.filter(pk=actor.organisation_id).first() if actor else None


def index(request):
    cohorts = list(selectors.cohorts_for(request.user)[:200])
    for cohort in cohorts:
        cohort.size_warning = Cohort.size_warning(cohort.size)
        cohort.dropout = selectors.percent(cohort.withdrawn, cohort.size)
    organisation = _own_organisation(request.user)
    return render(
        request,
        "training/index.html",
        {
            "cohorts": cohorts,
            "programmes": restrict(Programme.objects.all(), request.user, null_is_partnership=True),
            "can_change": organisation is not None
            and can(request.user, Action.CHANGE, organisation),
            "partnership": can_view_partnership(request.user),
        },
    )


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["programme", "name", "starts_on", "planned_end_on", "facilitators", "notes"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "planned_end_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["programme"].queryset = Programme.objects.filter(
            organisation__isnull=True
        ) | Programme.objects.filter(organisation=organisation)
        # The trust's own staff, with the person picker (a trust has hundreds of people).
        old = self.fields["facilitators"]
        self.fields["facilitators"] = people_choice(
            Person.objects.filter(organisation=organisation),
            search=search_url(organisation=organisation),
            required=old.required,
            label=old.label,
            help_text=old.help_text,
        )


def cohort_create(request):
    organisation = _own_organisation(request.user)
    if organisation is None:
        raise PermissionDenied("You are not linked to a trust.")
    require(request.user, Action.CHANGE, organisation)
    form = CohortForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        cohort = form.save()
        messages.success(request, f"Cohort {cohort.name} created.")
        return redirect("training:cohort", pk=cohort.pk)
    return render(request, "training/cohort_form.html", {"form": form})


class EnrolForm(forms.Form):
    """One participant to enrol: ``person`` is a person picker made by ``_enrol_form``."""

    enrolled_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, people, search: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = person_choice(
            people,
            search=search,
            label="Participant",
            error_messages={
                "invalid_choice": "Choose someone of this trust who is not in this cohort already."
            },
        )
        self.order_fields(["person", "enrolled_on"])


class WithdrawForm(forms.Form):
    enrolment = forms.ModelChoiceField(queryset=Enrolment.objects.none())
    withdrawn_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=300)


def _cohort(request, pk: int, action: Action) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("programme", "organisation"), pk=pk)
    require(request.user, action, cohort)
    return cohort


def _enrol_form(cohort: Cohort, data=None) -> EnrolForm:
    # Only the trust's own staff, and not twice in the same cohort.
    return EnrolForm(
        data,
        people=Person.objects.filter(organisation=cohort.organisation).exclude(
            enrolments__cohort=cohort
        ),
        search=search_url(organisation=cohort.organisation),
    )


def _withdraw_form(cohort: Cohort, data=None) -> WithdrawForm:
    form = WithdrawForm(data)
    form.fields["enrolment"].queryset = cohort.enrolments.filter(withdrawn_on__isnull=True)
    return form


def _cohort_page(request, cohort, *, enrol_form=None, withdraw_form=None, status: int = 200):
    """The cohort page; an action that failed shows it again with its form and errors."""
    return render(
        request,
        "training/cohort_detail.html",
        {
            "cohort": cohort,
            "grid": selectors.cohort_grid(cohort, _as_of(request)),
            "sessions": cohort.sessions.select_related("module"),
            "facilitators": cohort.facilitators.all(),
            "may_change": can(request.user, Action.CHANGE, cohort),
            "enrol_form": enrol_form or _enrol_form(cohort),
            "withdraw_form": withdraw_form or _withdraw_form(cohort),
        },
        status=status,
    )


@require_safe  # its actions have their own URLs; a stray POST is refused, not ignored
def cohort_detail(request, pk: int):
    return _cohort_page(request, _cohort(request, pk, Action.VIEW))


@require_POST
def cohort_enrol(request, pk: int):
    cohort = _cohort(request, pk, Action.CHANGE)
    form = _enrol_form(cohort, request.POST)
    if form.is_valid():
        try:
            _, warning = services.enrol(
                form.cleaned_data["person"], cohort, form.cleaned_data["enrolled_on"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Participant enrolled.")
            for text in [
                warning,
                *services.completion_warnings(cohort, [form.cleaned_data["person"]]),
            ]:
                if text:
                    messages.warning(request, text)
            return redirect("training:cohort", pk=cohort.pk)
    return _cohort_page(request, cohort, enrol_form=form, status=400)


@FORM_METHODS
def cohort_enrol_many(request, pk: int):
    """Enrol many people at once from a pasted list of names or e-mails: all or none."""
    cohort = _cohort(request, pk, Action.CHANGE)
    form = EnrolManyForm(posted(request), initial={"enrolled_on": timezone.localdate()})
    back = reverse("training:cohort", args=[cohort.pk])
    warnings: list[str] = []

    def save(data):
        created, found = services.enrol_many(
            cohort=cohort, text=data["people"], enrolled_on=data["enrolled_on"]
        )
        warnings.extend(found)
        return created

    response = form_page(
        request,
        form,
        save,
        heading=f"Enrol participants in {cohort.name}",
        caption=f"{cohort.programme.code} · {cohort.organisation.short_name}",
        back_url=back,
        success="Participants enrolled.",
        submit_label="Enrol everyone",
    )
    # The messages framework keeps these for the cohort page the redirect leads to.
    for text in warnings:
        messages.warning(request, text)
    return response


@require_POST
def cohort_withdraw(request, pk: int):
    cohort = _cohort(request, pk, Action.CHANGE)
    form = _withdraw_form(cohort, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.withdraw(data["enrolment"], data["withdrawn_on"], data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Withdrawal recorded.")
            return redirect("training:cohort", pk=cohort.pk)
    return _cohort_page(request, cohort, withdraw_form=form, status=400)


# --- Cohort sessions -----------------------------------------------------------------------------


@FORM_METHODS
def session_create(request, pk: int):
    cohort = _cohort(request, pk, Action.CHANGE)
    form = SessionForm(posted(request), cohort=cohort)
    back = reverse("training:cohort", args=[cohort.pk])
    return form_page(
        request,
        form,
        lambda data: services.create_session(cohort=cohort, data=data),
        heading=f"Add a session to {cohort.name}",
        caption=f"{cohort.programme.code} · {cohort.organisation.short_name}",
        back_url=back,
        success="Session added.",
        submit_label="Add session",
    )


@FORM_METHODS
def session_edit(request, pk: int):
    session = get_object_or_404(
        CohortSession.objects.select_related("cohort__programme", "cohort__organisation"), pk=pk
    )
    require(request.user, Action.CHANGE, session)
    cohort = session.cohort
    form = SessionForm(posted(request), instance=session, cohort=cohort)
    return form_page(
        request,
        form,
        lambda data: services.update_session(session=session, data=data),
        heading=f"Change a session of {cohort.name}",
        caption=f"{cohort.programme.code} · {cohort.organisation.short_name}",
        back_url=reverse("training:cohort", args=[cohort.pk]),
        success="Session changed.",
    )


# --- Programmes and modules ---------------------------------------------------------------------

PARTNERSHIP_OWNER = "partnership"


def _programme_owners(request) -> list[tuple[str, str]]:
    """Whom the user may create a programme for: their own trust and/or the partnership."""
    owners = []
    own = _own_organisation(request.user)
    if own is not None and can(request.user, Action.CHANGE, own):
        owners.append((str(own.pk), f"{own.short_name} (a programme of the trust)"))
    if can(request.user, Action.CHANGE, Scope.partnership()):
        owners.append((PARTNERSHIP_OWNER, "The partnership (run by every trust)"))
    return owners


@require_safe
def programme_list(request):
    programmes = restrict(
        Programme.objects.select_related("organisation").prefetch_related("modules"),
        request.user,
        null_is_partnership=True,
    )
    rows = [{"programme": p, "may_change": can(request.user, Action.CHANGE, p)} for p in programmes]
    return render(
        request,
        "training/programmes.html",
        {"rows": rows, "may_create": bool(_programme_owners(request))},
    )


@FORM_METHODS
def programme_create(request):
    owners = _programme_owners(request)
    if not owners:
        raise PermissionDenied("You may not create training programmes.")
    form = ProgrammeForm(posted(request))
    form.fields = {
        "owner": forms.ChoiceField(
            choices=owners,
            label="Whose programme",
            initial=owners[0][0],
            widget=forms.RadioSelect if len(owners) > 1 else forms.Select,
        ),
        **form.fields,
    }

    def save(data):
        data = dict(data)
        owner = data.pop("owner")
        return services.create_programme(
            organisation_id=None if owner == PARTNERSHIP_OWNER else int(owner), data=data
        )

    return form_page(
        request,
        form,
        save,
        heading="Create a training programme",
        back_url=reverse("training:programmes"),
        success="Programme created.",
        next_url=lambda programme: reverse("training:programme-edit", args=[programme.pk]),
        submit_label="Create programme",
    )


def _programme(request, pk: int) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("organisation"), pk=pk)
    require(request.user, Action.CHANGE, programme)
    return programme


@FORM_METHODS
def programme_edit(request, pk: int):
    programme = _programme(request, pk)
    form = ProgrammeForm(posted(request), instance=programme)
    return form_page(
        request,
        form,
        lambda data: services.update_programme(programme=programme, data=data),
        heading=f"Change {programme.code}",
        caption=programme.organisation.short_name if programme.organisation else "Partnership",
        back_url=reverse("training:programmes"),
        success="Programme changed.",
    )


@FORM_METHODS
def module_create(request, pk: int):
    programme = _programme(request, pk)
    form = ModuleForm(posted(request), programme=programme)
    return form_page(
        request,
        form,
        lambda data: services.create_module(programme=programme, data=data),
        heading=f"Add a module to {programme.code}",
        back_url=reverse("training:programmes"),
        success="Module added.",
        submit_label="Add module",
    )


@FORM_METHODS
def module_edit(request, pk: int):
    module = get_object_or_404(Module.objects.select_related("programme__organisation"), pk=pk)
    require(request.user, Action.CHANGE, module)
    form = ModuleForm(posted(request), instance=module, programme=module.programme)
    return form_page(
        request,
        form,
        lambda data: services.update_module(module=module, data=data),
        heading=f"Change {module.programme.code} module {module.number}",
        back_url=reverse("training:programmes"),
        success="Module changed.",
    )


def assessment_grid(request, pk: int):
    """A cohort × module table of selects; one POST records every cell or none."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme", "organisation"), pk=pk)
    require(request.user, Action.CHANGE, cohort)
    errors: dict = {}
    posted: dict = {}
    assessed_on = timezone.localdate()
    date_error = ""
    if request.method == "POST":
        assessed_on = parse_date(request.POST.get("assessed_on", ""))
        if assessed_on is None:
            date_error = "Enter the assessment date as YYYY-MM-DD or DD/MM/YYYY."
        for name, value in request.POST.items():
            if name.startswith("cell-"):
                try:
                    _, enrolment_id, module_id = name.split("-")
                    posted[(int(enrolment_id), int(module_id))] = value
                except ValueError:
                    continue
        if not date_error:
            assessor = Person.objects.filter(user=request.user).first()
            saved, errors = services.save_assessment_grid(
                cohort, posted, assessed_on=assessed_on, assessed_by=assessor
            )
            if not errors:
                messages.success(
                    request, f"{saved} assessment{'s' if saved != 1 else ''} recorded."
                )
                passes = [key for key, value in posted.items() if value == "pass"]
                for note in selectors.passes_out_of_order(cohort, passes):
                    messages.warning(request, note)  # accepted, but said (issue 17)
                return redirect("training:cohort", pk=cohort.pk)
    grid = selectors.cohort_grid(cohort, timezone.localdate())
    error_list = []
    for row in grid["rows"]:
        for cell in row["cells"]:
            key = (row["enrolment"].pk, cell["module"].pk)
            cell["name"] = f"cell-{key[0]}-{key[1]}"
            cell["value"] = posted.get(key, "")
            cell["error"] = errors.get(key, "")
            if cell["error"]:
                error_list.append(
                    {
                        "anchor": cell["name"],
                        "text": f"{row['enrolment'].person.full_name}, module {cell['module'].number}: {cell['error']}",
                    }
                )
    return render(
        request,
        "training/assessment_grid.html",
        {
            "cohort": cohort,
            "grid": grid,
            "error_list": error_list,
            "date_error": date_error,
            "assessed_on": request.POST.get(
                "assessed_on", assessed_on.isoformat() if assessed_on else ""
            ),
        },
    )


def overdue(request):
    as_of = _as_of(request)
    rows = selectors.overdue_assessments(request.user, as_of)
    if fmt := wants_export(request):
        return export_response(
            [
                {
                    "participant": r["enrolment"].person.full_name,
                    "trust": r["cohort"].organisation.short_name,
                    "cohort": r["cohort"].name,
                    "module": r["module"].number,
                    "due_on": r["due_on"],
                    "days_overdue": r["days_overdue"],
                }
                for r in rows
            ],
            f"overdue-assessments-{as_of}",
            fmt=fmt,
        )
    return render(
        request, "training/overdue.html", {"rows": rows[:500], "count": len(rows), "as_of": as_of}
    )


def diffusion(request):
    """A trust's training diffusion over time (executives see their own trust)."""
    organisations = visible_organisations(request.user).filter(headcount__isnull=False)
    chosen = request.GET.get("trust")
    organisation = None
    if chosen:
        organisation = get_object_or_404(organisations, short_name=chosen)
    else:
        organisation = _own_organisation(request.user)
        if organisation is None or organisation.headcount is None:
            organisation = organisations.order_by("short_name").first()
    if organisation is None:
        raise PermissionDenied("There is no trust whose training you may view.")
    require(request.user, Action.VIEW, organisation)
    as_of = _as_of(request)
    series = selectors.diffusion_series(organisation, PROGRAMME_START, as_of)
    codes = list(series[0]["programmes"]) if series else []
    executives = selectors.executive_participation(as_of, [organisation.pk])
    return render(
        request,
        "training/diffusion.html",
        {
            "organisation": organisation,
            "organisations": organisations.order_by("short_name"),
            "chart": charts.diffusion_chart(organisation, series, start=PROGRAMME_START),
            "series": series[-12:],
            "codes": codes,
            "executives": executives,
            "programmes": selectors.partnership_programmes(),
            "as_of": as_of,
        },
    )


def table_5_1(request):
    if not can_view_partnership(request.user):
        raise PermissionDenied("Table 5.1 is a partnership-level summary.")
    as_of = _as_of(request)
    table = selectors.table_5_1(as_of)
    if fmt := wants_export(request):
        rows, columns = selectors.table_5_1_export_rows(table)
        return export_response(rows, f"table-5-1-training-{as_of}", fmt=fmt, columns=columns)
    executives = selectors.executive_participation(
        as_of, [r["organisation"].pk for r in table["rows"]]
    )
    return render(
        request,
        "training/table_5_1.html",
        {"table": table, "as_of": as_of, "executives": executives},
    )


# --- Surveys ----------------------------------------------------------------------------------


def surveys(request):
    waves = restrict(
        SurveyWave.objects.select_related("survey"),
        request.user,
        via="survey__organisation",
        null_is_partnership=True,
    )
    # Invitations are a trust's own list of named participants: offered only to those who may
    # see its respondents' identities (the trust's KPO and analysts).
    own = _own_organisation(request.user)
    can_invite = own is not None and can(request.user, Action.VIEW_IDENTITIES, own)
    return render(request, "training/surveys.html", {"waves": waves, "can_invite": can_invite})


def wave_results(request, pk: int):
    wave = get_object_or_404(SurveyWave.objects.select_related("survey__programme"), pk=pk)
    require(request.user, Action.VIEW, wave)
    table = selectors.wave_response_table(wave)
    if fmt := wants_export(request):
        columns = [
            ("trust", "Trust"),
            ("invitations", "Invitations sent"),
            ("opened", "Clicked the link"),
            ("responses", "Responses (started)"),
            ("response_rate", "Response rate (%)"),
            ("completed", "Completed"),
            ("completion_rate", "Completion rate (%)"),
            ("sample_share", "Share of responses (%)"),
            ("graduates", "Graduates"),
            ("in_progress", "In progress"),
            ("by_status", "Graduates + in progress"),
        ]
        return export_response(
            [*table["rows"], table["total"]], f"table-5-2-{wave.name}", fmt=fmt, columns=columns
        )
    results = selectors.wave_item_results(wave)
    return render(request, "training/wave.html", {"wave": wave, "table": table, "results": results})


@FORM_METHODS
def wave_invitations(request, pk: int):
    """A trust's KPO invites its participants and sees each link and its status."""
    wave = get_object_or_404(SurveyWave.objects.select_related("survey__programme"), pk=pk)
    organisation = _own_organisation(request.user)
    if organisation is None:
        raise PermissionDenied("You are not linked to a trust.")
    require(request.user, Action.VIEW_IDENTITIES, organisation)
    candidates = Person.objects.filter(organisation=organisation)
    if wave.survey.programme_id:
        candidates = candidates.filter(
            enrolments__cohort__programme=wave.survey.programme
        ).distinct()
    invitations = wave.invitations.filter(person__organisation=organisation).select_related(
        "person", "response"
    )
    # Chosen with the person picker, several at once; those invited already are not offered.
    form = InviteForm(
        posted(request),
        candidates=candidates.exclude(survey_invitations__wave=wave),
        search=search_url(organisation=organisation),
    )
    if request.method == "POST":
        require(request.user, Action.CHANGE, organisation)
        if form.is_valid():
            created = services.invite(wave, form.cleaned_data["people"], timezone.localdate())
            messages.success(
                request, f"{len(created)} invitation{'s' if len(created) != 1 else ''} created."
            )
            return redirect("training:wave-invitations", pk=wave.pk)
    return render(
        request,
        "training/invitations.html",
        {"wave": wave, "invitations": invitations, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _survey_message(request, message: str, status: int = 200):
    return render(request, "training/survey_message.html", {"message": message}, status=status)


def _survey_page(request, invitation, *, response=None, errors=None, status: int = 200):
    """The respondent's survey page: every question with the answer saved so far, or, after a
    refused save or submit, what they typed and the errors."""
    errors = errors or {}
    response = response or getattr(invitation, "response", None)
    if response is not None:
        response = type(response).objects.prefetch_related("answers").get(pk=response.pk)
    sections: list[dict[str, Any]] = []
    for question in services.survey_questions(invitation.wave):
        handler = question_kinds.handler_for(question)
        value = request.POST.get(question_kinds.field_name(question)) if errors else None
        if handler is not None and value is None:
            value = handler.initial(question, response)
        item = {
            "question": question,
            "handler": handler,
            "name": question_kinds.field_name(question),
            "value": "" if value is None else str(value),
            "error": errors.get(question.pk, ""),
            "choices": getattr(handler, "choices", None),
        }
        if not sections or sections[-1]["section"] != question.section:
            sections.append({"section": question.section, "items": []})
        sections[-1]["items"].append(item)
    return render(
        request,
        "training/take_survey.html",
        {
            "invitation": invitation,
            "sections": sections,
            "errors": [
                (i["name"], i["question"].text, i["error"])
                for s in sections
                for i in s["items"]
                if i["error"]
            ],
        },
        status=status,
    )


@login_not_required
@require_safe
def take_survey(request, token: str):
    """The respondent's page, reached by their unique link: no account needed."""
    try:
        invitation = services.open_invitation(token)
    except services.SurveyLinkError as exc:
        return _survey_message(request, str(exc), exc.status)
    return _survey_page(request, invitation)


@login_not_required
@require_POST
def survey_save(request, token: str):
    """Save the answers given so far; the same link carries on later."""
    try:
        invitation = services.open_invitation(token)
        response, errors = services.save_response(invitation, request.POST, submit=False)
    except services.SurveyLinkError as exc:
        return _survey_message(request, str(exc), exc.status)
    if errors:
        # The answers without errors are saved; the page shows the others as typed.
        return _survey_page(request, invitation, response=response, errors=errors, status=400)
    messages.success(request, "Your answers are saved. Use the same link to carry on later.")
    return redirect("training:take", token=token)


@login_not_required
@require_POST
def survey_submit(request, token: str):
    """Submit the answers: every required question answered, then final."""
    try:
        invitation = services.open_invitation(token)
        response, errors = services.save_response(invitation, request.POST, submit=True)
    except services.SurveyLinkError as exc:
        return _survey_message(request, str(exc), exc.status)
    if errors:
        return _survey_page(request, invitation, response=response, errors=errors, status=400)
    return _survey_message(request, "Thank you: your answers have been submitted.")
