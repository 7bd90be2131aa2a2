"""Forms for meetings, daily work and priorities, rendered with NHS.UK design-system classes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from governance import agenda_links
from governance.models import (
    AgendaItem,
    AttendanceStatus,
    BoardMeasure,
    CeoTenure,
    CqcRating,
    CulturalWork,
    Decision,
    Huddle,
    Meeting,
    MeetingAction,
    MeetingKind,
    MeetingSeries,
    Membership,
    NationalPriority,
    ProductionBoard,
    SpecialMeasuresPeriod,
    StrategicObjective,
    Team,
)
from vmi_programme.form_page import ServiceErrorsMixin
from vmi_programme.models import Organisation, OrganisationKind, Person
from vmi_programme.person_picker import MAX_OPTIONS, label, person_choice, use_picker


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


# Shows a service's errors on the form; the NHS.UK classes come from the form renderer.
NhsFormMixin = ServiceErrorsMixin


class MeetingForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "start_time", "end_time", "location", "status", "minutes"]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}


class AgendaLinksMixin:
    """One optional choice per registered kind of record an agenda item may be about."""

    def add_link_fields(self, meeting, user) -> None:
        self.link_kinds = agenda_links.kinds()
        for kind in self.link_kinds:
            self.fields[f"link_{kind.key}"] = forms.ModelChoiceField(
                queryset=kind.choices(meeting, user),
                required=False,
                label=f"About this {kind.label}",
            )

    def links(self) -> list:
        return [
            self.cleaned_data[f"link_{kind.key}"]
            for kind in self.link_kinds
            if self.cleaned_data.get(f"link_{kind.key}")
        ]


class AgendaItemForm(AgendaLinksMixin, NhsFormMixin, forms.ModelForm):
    """An agenda item and what it is about (an RPIW, a metric change, a document…)."""

    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "duration_minutes", "notes"]

    def __init__(self, *args, people=None, search="", meeting=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "presenter", people if people is not None else Person.objects, search)
        self.link_kinds = []
        if meeting is not None:
            self.add_link_fields(meeting, user)


class AgendaLinkForm(AgendaLinksMixin, NhsFormMixin, forms.Form):
    """Link an existing agenda item to one or more records."""

    def __init__(self, *args, meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_link_fields(meeting, user)

    def clean(self):
        data = super().clean()
        if not self.errors and not self.links():
            raise ValidationError("Choose at least one record to link this item to.")
        return data


class SeriesForm(NhsFormMixin, forms.ModelForm):
    """A standing meeting; the view sets its trust (a TGT's) from the kind chosen."""

    class Meta:
        model = MeetingSeries
        fields = ["kind", "name", "frequency", "usual_duration_minutes"]

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in MeetingKind.choices if c[0] in (kinds or ())]


class MembershipForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["person", "role", "started_on", "ended_on"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, people=None, search="", **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "person", people, search)


DEPUTY = "deputy"
ATTENDANCE_CHOICES = [
    (AttendanceStatus.PRESENT, "Present"),
    (DEPUTY, "Sent a deputy"),
    (AttendanceStatus.APOLOGIES, "Apologies"),
    (AttendanceStatus.ABSENT, "Absent"),
]


class MeetingAttendanceForm(NhsFormMixin, forms.Form):
    """The whole meeting's attendance on one form: a row per member of the series that day.

    Each row has a status (present, sent a deputy, apologies, absent) and, for a deputy, who
    came; "sent a deputy" is stored as apologies with the deputy named.
    """

    def __init__(self, *args, memberships, recorded, people, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        people = people.select_related("organisation").order_by("full_name", "pk")
        # One list of options for every row's deputy picker (one query, not one per member);
        # beyond MAX_OPTIONS each picker is a text input and needs none.
        shared = None
        if people.count() <= MAX_OPTIONS:
            shared = [("", "---------"), *((p.pk, label(p)) for p in people)]
        for membership in self.memberships:
            person = membership.person
            record = recorded.get(person.pk)
            status = record.status if record else None
            if record and record.deputy_id:
                status = DEPUTY
            self.fields[f"status_{person.pk}"] = forms.ChoiceField(
                label=f"Attendance of {person.full_name}",
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                initial=status,
                error_messages={"required": f"Say whether {person.full_name} attended."},
            )
            deputy = person_choice(
                people,
                search=search,
                required=False,
                label=f"Deputy for {person.full_name}",
                initial=record.deputy_id if record else None,
            )
            if shared is not None:
                deputy.widget.choices = shared
            self.fields[f"deputy_{person.pk}"] = deputy

    def rows(self):
        return [
            (m, self[f"status_{m.person.pk}"], self[f"deputy_{m.person.pk}"])
            for m in self.memberships
        ]

    def clean(self):
        data = super().clean()
        for membership in self.memberships:
            pk = membership.person.pk
            status, deputy = data.get(f"status_{pk}"), data.get(f"deputy_{pk}")
            if status == DEPUTY and not deputy:
                self.add_error(
                    f"deputy_{pk}", f"Name the deputy who came for {membership.person.full_name}."
                )
            elif deputy and status != DEPUTY:
                self.add_error(
                    f"deputy_{pk}",
                    f"Choose “Sent a deputy” for {membership.person.full_name}, or clear the deputy.",
                )
        return data

    def entries(self):
        from governance.services.meetings import AttendanceEntry

        out = []
        for membership in self.memberships:
            pk = membership.person.pk
            status = self.cleaned_data[f"status_{pk}"]
            deputy = self.cleaned_data.get(f"deputy_{pk}") if status == DEPUTY else None
            out.append(
                AttendanceEntry(
                    person=membership.person,
                    status=AttendanceStatus.APOLOGIES if status == DEPUTY else status,
                    deputy=deputy,
                )
            )
        return out

    def add_validation_error(self, exc: ValidationError) -> None:
        """The service names refused members as ``person-<id>``: show it on their row."""
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                field = f"deputy_{key.removeprefix('person-')}"
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, exc.messages)


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

    def __init__(self, *args, meeting=None, people=None, search="", **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "owner", people, search)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class TeamForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "lead"]

    def __init__(self, *args, people=None, search="", **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "lead", people, search)


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


class ProductionBoardForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = ProductionBoard
        fields = ["title"]


class BoardMeasureForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = BoardMeasure
        fields = ["name", "unit", "target", "direction"]


class BoardValuesForm(NhsFormMixin, forms.Form):
    """Update a board: one date and a value for any of its measures (blank leaves it as it is)."""

    recorded_on = forms.DateField(widget=DateInput(), label="Date")

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = list(measures)
        for measure in self.measures:
            unit = f" ({measure.unit})" if measure.unit else ""
            self.fields[f"value_{measure.pk}"] = forms.DecimalField(
                label=f"{measure.name}{unit}",
                required=False,
                max_digits=12,
                decimal_places=2,
                help_text=f"Target {measure.target.normalize():f}, "
                f"{measure.get_direction_display().lower()}.",
            )

    def clean(self):
        data = super().clean()
        if not self.errors and not self.values():
            raise ValidationError("Enter a value for at least one measure.")
        return data

    def values(self) -> dict:
        return {
            m: self.cleaned_data[f"value_{m.pk}"]
            for m in self.measures
            if self.cleaned_data.get(f"value_{m.pk}") is not None
        }


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

    def __init__(self, *args, people=None, teams=None, search="", **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "owner", people, search)
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


class NationalPriorityForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = NationalPriority
        fields = ["code", "title", "description", "set_by", "active_from", "active_until"]
        widgets = {"active_from": DateInput(), "active_until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set_by"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.REGULATOR
        )
        if self.instance.pk:
            # The code is the priority's stable key: it is shown, not changed.
            self.fields["code"].disabled = True


class CqcRatingForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = CqcRating
        fields = ["rating", "published_on"]
        widgets = {"published_on": DateInput()}


class CeoTenureForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = CeoTenure
        fields = ["person", "is_interim", "started_on", "ended_on"]
        labels = {"person": "Chief executive", "is_interim": "Interim"}
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, people=None, search="", **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "person", people, search)


class CeoTenureEditForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = CeoTenure
        fields = ["is_interim", "started_on", "ended_on"]
        labels = {"is_interim": "Interim"}
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}


class SpecialMeasuresForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = SpecialMeasuresPeriod
        fields = ["started_on", "ended_on"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}


class CulturalWorkForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = CulturalWork
        fields = ["preceded_programme", "name", "description"]
        labels = {"preceded_programme": "Values-based cultural work preceded the programme"}


class PeriodForm(NhsFormMixin, forms.Form):
    start = forms.DateField(widget=DateInput(), label="From")
    end = forms.DateField(widget=DateInput(), label="To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The period must end after it starts.")
        return data
