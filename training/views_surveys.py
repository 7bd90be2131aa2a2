"""Training pages that build a survey: the survey, its sections and questions (added, changed,
reordered), and its waves (opened, changed, closed). Who may do it is the access policy's: a
trust's survey by its KPO and analysts, a partnership survey by the regulator and TGB."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from vmi_programme.access import Action, can, require, restrict
from vmi_programme.form_page import FORM_METHODS, form_page, posted

from . import services
from .forms import QuestionForm, SectionForm, SurveyForm, WaveForm
from .models import Question, Survey, SurveySection, SurveyWave
from .views import PARTNERSHIP_OWNER, _own_organisation, _programme_owners

SURVEYS_PAGE_SIZE = 25


@require_safe
def survey_list(request):
    """The surveys the user may see, by title, a page at a time; the page's surveys with their
    questions and waves counted in one query (a count, the page, the counts: three queries)."""
    surveys = restrict(
        Survey.objects.select_related("organisation", "programme").order_by("title", "pk"),
        request.user,
        null_is_partnership=True,
    )
    page = Paginator(surveys, SURVEYS_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {
        row["pk"]: row
        for row in Survey.objects.filter(pk__in=[s.pk for s in page.object_list])
        .values("pk")
        .annotate(
            n_questions=Count("sections__questions", distinct=True),
            n_waves=Count("waves", distinct=True),
        )
        .order_by()
    }
    rows = [
        {
            "survey": s,
            "n_questions": counts[s.pk]["n_questions"],
            "n_waves": counts[s.pk]["n_waves"],
            "may_change": can(request.user, Action.CHANGE, s),
        }
        for s in page.object_list
    ]
    return render(
        request,
        "training/survey_list.html",
        {"page": page, "rows": rows, "may_create": bool(_programme_owners(request))},
    )


@FORM_METHODS
def survey_create(request):
    owners = _programme_owners(request)  # the same owners as a programme's
    if not owners:
        raise PermissionDenied("You may not create surveys.")
    own = next((int(pk) for pk, _ in owners if pk != PARTNERSHIP_OWNER), None)
    form = SurveyForm(posted(request), organisation_id=own)
    form.fields = {
        "owner": forms.ChoiceField(
            choices=[(pk, text.replace("programme", "survey")) for pk, text in owners],
            label="Whose survey",
            initial=owners[0][0],
            widget=forms.RadioSelect if len(owners) > 1 else forms.Select,
        ),
        **form.fields,
    }

    def save(data):
        data = dict(data)
        owner = data.pop("owner")
        organisation_id = None if owner == PARTNERSHIP_OWNER else int(owner)
        programme = data.get("programme")
        if programme is not None and programme.organisation_id not in (None, organisation_id):
            raise ValidationError({"programme": "This programme is another trust's."})
        return services.create_survey(organisation_id=organisation_id, data=data)

    return form_page(
        request,
        form,
        save,
        heading="Create a survey",
        back_url=reverse("training:survey-list"),
        success="Survey created. Add its sections and questions, then a wave.",
        next_url=lambda survey: reverse("training:survey", args=[survey.pk]),
        submit_label="Create survey",
    )


def _survey(request, pk: int, action: Action = Action.CHANGE) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("organisation", "programme"), pk=pk)
    require(request.user, action, survey)
    return survey


@require_safe
def survey_detail(request, pk: int):
    survey = _survey(request, pk, Action.VIEW)
    sections = survey.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order"))
    ).order_by("order")
    return render(
        request,
        "training/survey_detail.html",
        {
            "survey": survey,
            "sections": sections,
            "waves": survey.waves.annotate(n_invitations=Count("invitations")).order_by(
                "-opens_on"
            ),
            "may_change": can(request.user, Action.CHANGE, survey),
            "today": timezone.localdate(),  # a wave open today may be closed today
            # As on the waves' page: a trust's own invitations, for who may see respondents.
            "can_invite": (own := _own_organisation(request.user)) is not None
            and can(request.user, Action.VIEW_IDENTITIES, own),
        },
    )


@FORM_METHODS
def survey_edit(request, pk: int):
    survey = _survey(request, pk)
    form = SurveyForm(posted(request), instance=survey, organisation_id=survey.organisation_id)
    return form_page(
        request,
        form,
        lambda data: services.update_survey(survey=survey, data=data),
        heading=f"Change {survey.title}",
        caption=survey.organisation.short_name if survey.organisation else "Partnership",
        back_url=reverse("training:survey", args=[survey.pk]),
        success="Survey changed.",
    )


# --- Sections and questions ------------------------------------------------------------------


@FORM_METHODS
def section_create(request, pk: int):
    survey = _survey(request, pk)
    form = SectionForm(
        posted(request),
        survey=survey,
        initial={"order": services.next_order(survey.sections.all())},
    )
    return form_page(
        request,
        form,
        lambda data: services.create_section(survey=survey, data=data),
        heading=f"Add a section to {survey.title}",
        back_url=reverse("training:survey", args=[survey.pk]),
        success="Section added.",
        submit_label="Add section",
    )


def _section(request, pk: int) -> SurveySection:
    section = get_object_or_404(SurveySection.objects.select_related("survey__organisation"), pk=pk)
    require(request.user, Action.CHANGE, section)
    return section


@FORM_METHODS
def section_edit(request, pk: int):
    section = _section(request, pk)
    form = SectionForm(posted(request), instance=section, survey=section.survey)
    return form_page(
        request,
        form,
        lambda data: services.update_section(section=section, data=data),
        heading=f"Change the section {section.title}",
        caption=section.survey.title,
        back_url=reverse("training:survey", args=[section.survey_id]),
        success="Section changed.",
    )


@FORM_METHODS
def question_create(request, pk: int):
    section = _section(request, pk)
    form = QuestionForm(
        posted(request),
        section=section,
        initial={"order": services.next_order(section.questions.all())},
    )
    return form_page(
        request,
        form,
        lambda data: services.create_question(section=section, data=data),
        heading=f"Add a question to {section.title}",
        caption=section.survey.title,
        back_url=reverse("training:survey", args=[section.survey_id]),
        success="Question added.",
        submit_label="Add question",
    )


def _question(request, pk: int) -> Question:
    question = get_object_or_404(
        Question.objects.select_related("section__survey__organisation"), pk=pk
    )
    require(request.user, Action.CHANGE, question)
    return question


@FORM_METHODS
def question_edit(request, pk: int):
    question = _question(request, pk)
    section = question.section
    form = QuestionForm(posted(request), instance=question, section=section)
    return form_page(
        request,
        form,
        lambda data: services.update_question(question=question, data=data),
        heading=f"Change the question {question.code}",
        caption=f"{section.survey.title} · {section.title}",
        back_url=reverse("training:survey", args=[section.survey_id]),
        success="Question changed.",
    )


@require_POST
def question_move(request, pk: int, direction: str):
    """Move a question one place up or down in its section."""
    question = _question(request, pk)
    if not services.move_question(question=question, up=direction == "up"):
        messages.info(
            request, f"{question.code} is already {'first' if direction == 'up' else 'last'}."
        )
    return redirect(reverse("training:survey", args=[question.section.survey_id]) + "#questions")


# --- Waves ---------------------------------------------------------------------------------------


@FORM_METHODS
def wave_create(request, pk: int):
    survey = _survey(request, pk)
    form = WaveForm(posted(request), survey=survey)
    return form_page(
        request,
        form,
        lambda data: services.create_wave(survey=survey, data=data),
        heading=f"Add a wave of {survey.title}",
        back_url=reverse("training:survey", args=[survey.pk]),
        success="Wave added. Its trusts' KPOs can now invite participants.",
        submit_label="Add wave",
    )


def _wave(request, pk: int) -> SurveyWave:
    wave = get_object_or_404(SurveyWave.objects.select_related("survey__organisation"), pk=pk)
    require(request.user, Action.CHANGE, wave)
    return wave


@FORM_METHODS
def wave_edit(request, pk: int):
    wave = _wave(request, pk)
    form = WaveForm(posted(request), instance=wave, survey=wave.survey)
    return form_page(
        request,
        form,
        lambda data: services.update_wave(wave=wave, data=data),
        heading=f"Change the wave {wave.name}",
        caption=wave.survey.title,
        back_url=reverse("training:survey", args=[wave.survey_id]),
        success="Wave changed.",
    )


@require_POST
def wave_close(request, pk: int):
    """Close a wave today: its links admit no answers after today."""
    wave = _wave(request, pk)
    try:
        services.close_wave(wave=wave)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{wave.name} closes today: its links stop working tonight.")
    return redirect(reverse("training:survey", args=[wave.survey_id]) + "#waves")
