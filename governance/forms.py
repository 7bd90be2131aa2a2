"""Forms for meetings, daily work and priorities, rendered with NHS.UK design-system classes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from governance.models import (
    AgendaItem,
    Attendance,
    BoardValue,
    Decision,
    Huddle,
    Meeting,
    MeetingAction,
    NationalPriority,
    StrategicObjective,
    Team,
)
from vmi_programme.models import Person


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class NhsFormMixin:
    """Shows a service's errors on the form; the NHS.UK classes come from the form renderer."""

    def add_validation_error(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names (others at the top)."""
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, exc.messages)


class MeetingForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "start_time", "end_time", "location", "status", "minutes"]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}


def _people(queryset):
    return queryset.select_related("organisation").order_by("full_name")


class AgendaItemForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "duration_minutes", "notes"]

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = _people(
            people if people is not None else Person.objects
        )


class AttendanceForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["person", "status", "deputy"]
        labels = {"person": "Member"}

    def __init__(self, *args, members=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(members)
        self.fields["deputy"].queryset = _people(people)
        self.fields["deputy"].help_text = "Only when the member sent apologies or was absent."


class DecisionForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "agenda_item"]
        labels = {"text": "Decision"}

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class ActionForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = MeetingAction
        fields = ["description", "owner", "due_on", "agenda_item"]
        widgets = {"due_on": DateInput()}
        error_messages = {"owner": {"required": "Every action needs an owner."}}

    def __init__(self, *args, meeting=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(people)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class TeamForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "lead"]

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _people(people)


class HuddleForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Huddle
        fields = [
            "date",
            "attendance_count",
            "issues_raised",
            "escalations",
            "improvement_ideas",
            "notes",
        ]
        widgets = {"date": DateInput()}


class BoardValueForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = BoardValue
        fields = ["measure", "recorded_on", "value"]
        widgets = {"recorded_on": DateInput()}

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = self.fields["measure"].queryset.filter(board__team=team)


class StandardWorkForm(NhsFormMixin, forms.Form):
    """Writing a standard work document or a new version of it (steps one per line)."""

    title = forms.CharField(max_length=200)
    steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), help_text="One process step per line, in order."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Why this version", initial=""
    )

    def clean_steps(self) -> list[str]:
        steps = [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]
        if not steps:
            raise ValidationError("Give at least one process step.")
        return steps


class NewStandardWorkForm(StandardWorkForm):
    owner = forms.ModelChoiceField(queryset=Person.objects.none())
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    emergency_response = forms.BooleanField(
        required=False, label="Created for an emergency response (e.g. pandemic ward flipping)"
    )

    def __init__(self, *args, people=None, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(people)
        self.fields["team"].queryset = teams
        self.fields["reason"].initial = "First version."


class StrategicObjectiveForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = StrategicObjective
        fields = ["title", "description", "national_priorities", "active_from", "active_until"]
        widgets = {
            "national_priorities": forms.CheckboxSelectMultiple,
            "active_from": DateInput(),
            "active_until": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["national_priorities"].queryset = NationalPriority.objects.all()


class PeriodForm(NhsFormMixin, forms.Form):
    start = forms.DateField(widget=DateInput(), label="From")
    end = forms.DateField(widget=DateInput(), label="To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The period must end after it starts.")
        return data
