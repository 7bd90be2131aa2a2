"""Forms of the compact pages: a reflection, calling out a breach and moving it on, comparing versions."""

from __future__ import annotations

from django import forms

from governance.models import Meeting
from vmi_programme.models import Organisation

from .models import CompactVersion, Fulfilment, PartyType, Promise

NOT_THIS_TIME = ""


class ReflectionForm(forms.Form):
    """One choice per promise of the version in force (leave any blank), and what was learned."""

    learned = forms.CharField(
        label="What did you learn through this meeting?",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, promises: list[Promise], **kwargs):
        super().__init__(*args, **kwargs)
        self.promises = promises
        choices = [(NOT_THIS_TIME, "Not this time"), *Fulfilment.choices]
        for promise in promises:
            self.fields[f"promise_{promise.pk}"] = forms.ChoiceField(
                label=promise.text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def promise_fields(self):
        return [(promise, self[f"promise_{promise.pk}"]) for promise in self.promises]

    def ratings(self) -> dict[int, str]:
        return {
            promise.pk: self.cleaned_data[f"promise_{promise.pk}"]
            for promise in self.promises
            if self.cleaned_data.get(f"promise_{promise.pk}")
        }


class BreachForm(forms.Form):
    party = forms.ChoiceField(label="Whose promise was breached?", choices=PartyType.choices)
    organisation = forms.ModelChoiceField(
        label="Which partner", queryset=Organisation.objects.none(), required=False
    )
    promises = forms.ModelMultipleChoiceField(
        label="Which promise or promises",
        queryset=Promise.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Name the promise (or promises) that was breached."},
    )
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 4}))
    occurred_on = forms.DateField(
        label="When it happened",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, version: CompactVersion, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promises"].queryset = version.promises.order_by("party", "heading", "order")
        self.fields["organisation"].queryset = organisations


class DiscussForm(forms.Form):
    meeting = forms.ModelChoiceField(label="TGB meeting", queryset=Meeting.objects.none())
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 3}))
    why = forms.CharField(label="Why it happened", widget=forms.Textarea(attrs={"rows": 3}))
    do_better = forms.CharField(
        label="What could be done better",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class RepairForm(forms.Form):
    repaired_on = forms.DateField(
        label="Repaired on", widget=forms.DateInput(attrs={"type": "date"})
    )
    resolution = forms.CharField(
        label="How the relationship was repaired",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RenegotiateForm(forms.Form):
    version = forms.ModelChoiceField(
        label="The new compact version that changed the promise",
        queryset=CompactVersion.objects.none(),
    )
    resolution = forms.CharField(
        label="What was renegotiated",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
