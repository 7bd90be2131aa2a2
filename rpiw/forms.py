"""Forms of the rpiw pages: querysets limited to the user's trust (markup: the form renderer).

Every person is chosen with the one person picker (``vmi_programme.person_picker``): a trust
has hundreds of people, and the new-RPIW page has a facilitator and a team row per member."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from governance.models import Meeting, StrategicObjective
from vmi_programme.models import Organisation, Person
from vmi_programme.person_picker import PersonChoiceField, use_picker

from .models import (
    Direction,
    Measure,
    MeasureKind,
    MetricChangeRequest,
    Point,
    Rpiw,
    RpiwStatus,
    TeamRole,
    TimeUnit,
    ValueStream,
    ValueStreamMetric,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NhsFormMixin:
    """Short text areas; the NHS.UK classes come from the form renderer (vmi_programme)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field, or the form itself."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def people_of(organisation: Organisation):
    return Person.objects.filter(organisation=organisation).order_by("full_name")


class ValueStreamForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = ValueStream
        fields = [
            "name",
            "scope_start",
            "scope_end",
            "patient_group",
            "scope",
            "executive_sponsor",
            "lead",
            "facilitator",
            "started_on",
            "status",
            "selection",
            "selection_rationale",
            "objectives",
        ]
        widgets = {"started_on": DATE, "objectives": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation: Organisation, search: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        for name in ("executive_sponsor", "lead", "facilitator"):
            use_picker(self, name, people_of(organisation), search)
        self.fields["objectives"].queryset = StrategicObjective.objects.filter(
            organisation=organisation
        ).order_by("title")
        self.fields[
            "objectives"
        ].help_text = (
            "Leave empty if it serves none yet: it will be flagged as having no golden thread."
        )
        if not self.instance.pk:
            self.initial.setdefault("started_on", dt.date.today())


class MetricForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = ValueStreamMetric
        fields = [
            "category",
            "name",
            "definition",
            "unit",
            "direction",
            "baseline",
            "target",
            "data_source",
            "frequency",
        ]


class MetricValueForm(NhsFormMixin, forms.Form):
    period_end = forms.DateField(widget=DATE, initial=dt.date.today)
    value = forms.DecimalField(max_digits=16, decimal_places=4)
    note = forms.CharField(required=False, max_length=300)
    replace = forms.BooleanField(
        required=False,
        label="Replace the value already recorded",
        help_text="Only if this month already has a value and it was wrong.",
    )


class ChangeRequestForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = MetricChangeRequest
        fields = [
            "rationale",
            "new_name",
            "new_definition",
            "new_unit",
            "new_direction",
            "new_target",
        ]
        labels = {
            "new_name": "New name",
            "new_definition": "New definition",
            "new_unit": "New unit",
            "new_direction": "New direction of improvement",
            "new_target": "New target",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rationale"].required = True
        self.fields["new_direction"].choices = [("", "No change"), *Direction.choices]


class DecisionForm(NhsFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), label="Decided at the TGT meeting of"
    )
    note = forms.CharField(widget=forms.Textarea, required=False, label="Decision note")

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        today = dt.date.today()
        latest = meetings.filter(date__lte=today).order_by("-date").first()
        if latest:
            self.initial.setdefault("meeting", latest.pk)


class RpiwForm(NhsFormMixin, forms.ModelForm):
    workshop_end = forms.DateField(
        widget=DATE, required=False, help_text="Leave empty for start + 4 days (a 5-day workshop)."
    )

    class Meta:
        model = Rpiw
        fields = [
            "value_stream",
            "title",
            "process_start",
            "process_end",
            "problem_statement",
            "target_statement",
            "facilitator",
            "workshop_start",
            "workshop_end",
            "workshop_length_reason",
            "follow_up_120",
            "patient_rep_exception",
        ]
        widgets = {"workshop_start": DATE}

    def __init__(self, *args, organisation: Organisation, search: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value_stream"].queryset = ValueStream.objects.filter(
            organisation=organisation
        ).order_by("name")
        use_picker(self, "facilitator", people_of(organisation), search)
        self.fields["workshop_start"].help_text = "About 8 weeks from now leaves time for planning."

    def clean(self):
        data = super().clean()
        if data.get("workshop_start") and not data.get("workshop_end"):
            data["workshop_end"] = data["workshop_start"] + dt.timedelta(days=4)
        return data


class TeamMemberForm(NhsFormMixin, forms.Form):
    role = forms.ChoiceField(choices=[("", "Choose a role"), *TeamRole.choices], required=False)
    name = forms.CharField(required=False, max_length=200)
    person = PersonChoiceField(
        queryset=Person.objects.none(), required=False, label="or a member of staff"
    )

    def __init__(self, *args, organisation: Organisation | None = None, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            use_picker(self, "person", people_of(organisation), search)

    def clean(self):
        data = super().clean()
        filled = data.get("name") or data.get("person")
        if filled and not data.get("role"):
            self.add_error("role", "Choose this member's role.")
        return data  # a row with a role but nobody named is left empty, not an error

    def member(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("role") or not (data.get("name") or data.get("person")):
            return None
        return {"role": data["role"], "name": data.get("name") or "", "person": data.get("person")}


class BaseTeamFormSet(forms.BaseFormSet):
    error_summary_label = "Team member {n}, {label}"  # how the error summary names a row

    def __init__(self, *args, organisation=None, search: str = "", **kwargs):
        self.organisation = organisation
        self.search = search
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"organisation": self.organisation, "search": self.search}

    def members(self) -> list[dict]:
        return [m for form in self.forms if form.is_valid() and (m := form.member())]


TeamFormSet = forms.formset_factory(TeamMemberForm, formset=BaseTeamFormSet, extra=0)
DEFAULT_TEAM_ROLES = [
    TeamRole.SPONSOR,
    TeamRole.PROCESS_OWNER,
    TeamRole.TEAM_LEAD,
    TeamRole.FACILITATOR,
    TeamRole.FRONT_LINE,
    TeamRole.FRONT_LINE,
    TeamRole.PATIENT_REP,
]


class MeasureForm(NhsFormMixin, forms.ModelForm):
    unit = forms.CharField(
        required=False,
        max_length=60,
        help_text="For a lead time: minutes, hours or days.",
        widget=forms.TextInput(attrs={"list": "time-units"}),
    )

    class Meta:
        model = Measure
        fields = ["kind", "name", "unit", "direction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose a type"), *MeasureKind.choices]

    def clean(self):
        data = super().clean()
        if data.get("kind") == MeasureKind.LEAD_TIME and data.get("unit") not in TimeUnit.values:
            self.add_error("unit", "A lead time is in minutes, hours or days.")
        return data


class NewMeasureForm(NhsFormMixin, forms.Form):
    """An optional measure row on the RPIW create page (blank rows are ignored)."""

    kind = forms.ChoiceField(
        choices=[("", "Choose a type"), *MeasureKind.choices], required=False, label="Type"
    )
    name = forms.CharField(required=False, max_length=200)
    unit = forms.CharField(
        required=False,
        max_length=60,
        help_text="For a lead time: minutes, hours or days.",
        widget=forms.TextInput(attrs={"list": "time-units"}),
    )
    direction = forms.ChoiceField(choices=Direction.choices, initial="lower", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("kind"):
            return data
        if not data.get("kind"):
            self.add_error("kind", "Choose the measure's type.")
        if not data.get("name"):
            self.add_error("name", "Name the measure.")
        if data.get("kind") == MeasureKind.LEAD_TIME and data.get("unit") not in TimeUnit.values:
            self.add_error("unit", "A lead time is in minutes, hours or days.")
        return data

    def measure(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        return {
            "kind": data["kind"],
            "name": data["name"],
            "unit": data.get("unit") or "",
            "direction": data.get("direction") or "lower",
        }


MeasureFormSet = forms.formset_factory(NewMeasureForm, extra=2, max_num=8)
MeasureFormSet.error_summary_label = "Measure {n}, {label}"


class MeasurementForm(NhsFormMixin, forms.Form):
    point = forms.TypedChoiceField(choices=Point.choices, coerce=int, label="Time point")
    value = forms.DecimalField(required=False, max_digits=16, decimal_places=4)
    defects = forms.IntegerField(required=False)
    output = forms.IntegerField(required=False)
    measured_on = forms.DateField(widget=DATE, label="Measured on", initial=dt.date.today)
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        days = measure.rpiw.follow_up_days
        self.fields["point"].choices = [
            (p, label) for p, label in Point.choices if p == 0 or p in days
        ]
        if measure.is_ratio:
            del self.fields["value"]
        else:
            del self.fields["defects"]
            del self.fields["output"]
            label = "Value"
            if measure.unit:
                label += f" ({measure.unit})"
            self.fields["value"].label = label
        # The next point not yet recorded is the likely one.
        recorded = {m.point for m in measure.measurements.all()}
        for p, _ in self.fields["point"].choices:
            if p not in recorded:
                self.initial.setdefault("point", p)
                if p == 0:
                    self.initial.setdefault("measured_on", measure.rpiw.workshop_start)
                break


class StatusForm(NhsFormMixin, forms.Form):
    status = forms.ChoiceField(label="Move to")
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        help_text="Needed to cancel or stand down, or to go ahead without a patient "
        "representative.",
    )

    def __init__(self, *args, rpiw: Rpiw, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s, RpiwStatus(s).label) for s in rpiw.allowed_transitions()
        ]


class AsAtForm(forms.Form):
    as_at = forms.DateField(required=False, widget=DATE, label="As at")
    post_day = forms.TypedChoiceField(
        choices=[(30, "30 days"), (60, "60 days"), (90, "90 days"), (120, "120 days")],
        coerce=int,
        required=False,
        label="Follow-up used as 'post'",
    )
