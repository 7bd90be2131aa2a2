"""Forms of the training pages: programmes, modules, cohort sessions, enrolling many at once."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator

from vmi_programme.form_page import ServiceErrorsMixin

from .models import CohortSession, Module, Programme


class DateInput(forms.DateInput):
    input_type = "date"


class ProgrammeForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["code", "name", "description", "assessment_method", "typical_duration", "order"]


class ModuleForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Module
        fields = ["number", "title", "theme", "topics", "assessment_brief"]

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
