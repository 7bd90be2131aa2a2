"""Forms of the training pages: programmes, modules, cohort sessions, enrolling many at once,
surveys (sections, questions, waves) and invitations."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q

from vmi_programme.form_page import ServiceErrorsMixin, UniqueOnFieldMixin
from vmi_programme.person_picker import people_choice

from . import question_kinds
from .models import (
    CohortSession,
    Module,
    Programme,
    Question,
    QuestionKind,
    Survey,
    SurveySection,
    SurveyWave,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        # A date input reads and shows ISO dates only: the en-GB default (31/12/2019) would
        # show an edited row's date as empty, and saving would lose it.
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgrammeForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["code", "name", "description", "assessment_method", "typical_duration", "order"]


class ModuleForm(UniqueOnFieldMixin, forms.ModelForm):
    class Meta:
        model = Module
        fields = ["number", "title", "theme", "topics", "assessment_brief"]

    # A second module 1 is said on the number, not above the form (issue 17: name the field).
    unique_on_field = {("programme", "number"): "number"}
    unique_messages = {"number": "This programme already has a module with this number."}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's unique (programme, number) check needs the programme before validation.
        self.instance.programme = programme
        # The database's module_number_positive, said on the field rather than the whole form.
        self.fields["number"].validators.append(MinValueValidator(1))
        self.fields["number"].widget.attrs["min"] = 1


class SessionForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = CohortSession
        fields = ["date", "module", "title"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cohort = cohort
        self.fields["module"].queryset = cohort.programme.modules.order_by("number")
        self.fields["module"].help_text = "The module taught; its homework falls due after it."


class EnrolManyForm(ServiceErrorsMixin, forms.Form):
    people = forms.CharField(
        label="Participants",
        help_text="One per line: a full name or an e-mail address of someone at the trust.",
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
    )
    enrolled_on = forms.DateField(label="Enrolled on", widget=DateInput())


class SurveyForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "description", "programme"]

    def __init__(self, *args, organisation_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The partnership's programmes, and the owning trust's own.
        programme = self.fields["programme"]
        assert isinstance(programme, forms.ModelChoiceField)
        programme.queryset = Programme.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
        )
        programme.help_text = (
            "Whose participants are surveyed; leave empty for a survey of anyone at the trust."
        )


class SectionForm(UniqueOnFieldMixin, forms.ModelForm):
    unique_on_field = {("survey", "order"): "order", ("survey", "key"): "key"}
    unique_messages = {
        "order": "Another section of this survey is in this place: choose another number.",
        "key": "Another section of this survey has this key.",
    }

    class Meta:
        model = SurveySection
        fields = ["title", "key", "order"]
        help_texts = {"order": "Sections are asked in this order."}

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's unique (survey, order) and (survey, key) checks need the survey.
        self.instance.survey = survey


class QuestionForm(UniqueOnFieldMixin, forms.ModelForm):
    """A question and, below it, the settings of the kinds that have any (``config``): each
    kind's handler (``question_kinds``) says which; only the chosen kind's are stored."""

    unique_on_field = {("section", "order"): "order", ("section", "code"): "code"}
    unique_messages = {
        "order": "Another question of this section is in this place: choose another number, "
        "or add it last and move it up.",
        "code": "Another question of this section has this code.",
    }

    class Meta:
        model = Question
        fields = ["text", "kind", "code", "required", "headline", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"order": "Questions are asked in this order within the section."}

    def __init__(self, *args, section: SurveySection, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.section = section
        self.fields["required"].label = "An answer is required"
        self._config: dict[str, tuple[str, str]] = {}  # form field → (kind, setting)
        for kind, kind_label in QuestionKind.choices:
            handler = question_kinds.handler_for(Question(kind=kind))
            for name, field in (handler.config_fields() if handler else {}).items():
                key = f"{kind}_{name}"
                field.required = False
                field.help_text = f"Only for a question of the kind “{kind_label}”."
                stored = self.instance.config.get(name) if self.instance.kind == kind else None
                if stored is not None:
                    field.initial = stored
                self.fields[key] = field
                self._config[key] = (kind, name)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        handler = question_kinds.handler_for(Question(kind=kind)) if kind else None
        config: dict = {}
        for key, (of_kind, name) in self._config.items():
            value = cleaned.pop(key, None)
            if of_kind == kind and value not in (None, "", []):
                config[name] = value
        if handler is not None:
            for name, message in handler.check_config(config).items():
                self.add_error(f"{kind}_{name}", message)
        cleaned["config"] = config
        self.instance.config = config
        return cleaned


class WaveForm(UniqueOnFieldMixin, forms.ModelForm):
    unique_on_field = {("survey", "name"): "name"}
    unique_messages = {"name": "This survey has a wave of this name already."}

    class Meta:
        model = SurveyWave
        fields = ["name", "opens_on", "closes_on"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}
        help_texts = {"closes_on": "Links admit answers until the end of this day."}

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.survey = survey

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            # Said on the field (the database's wave_closes_after_opening would say it at top).
            self.add_error("closes_on", "The wave cannot close before it opens.")
        return cleaned


class InviteForm(ServiceErrorsMixin, forms.Form):
    """Participants to invite to a wave, chosen with the person picker (several at once)."""

    def __init__(self, *args, candidates, search: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"] = people_choice(
            candidates,
            search=search,
            label="Participants to invite",
            help_text="Start typing a name, then choose each person from the list.",
            error_messages={
                "required": "Choose at least one participant to invite.",
                "not_offered": "Someone chosen cannot be invited: they are not a participant "
                "of this survey's programme at your trust, or are invited already.",
            },
        )
