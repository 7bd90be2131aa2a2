"""Forms of the compact pages: a reflection, calling out a breach and moving it on, comparing versions."""

from __future__ import annotations

from django import forms

from governance.models import Meeting
from governance.selectors.meetings import LATEST_HELD
from vmi_programme.models import Organisation

from .models import CompactVersion, Fulfilment, Heading, PartyType, Promise

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


class RenegotiationForm(forms.Form):
    """A new version of the compact: its vision, when it takes effect, why, where agreed."""

    shared_vision = forms.CharField(label="Shared vision", widget=forms.Textarea(attrs={"rows": 3}))
    effective_from = forms.DateField(
        label="In force from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="After the date the current version took effect.",
    )
    change_note = forms.CharField(
        label="What was renegotiated, and why", widget=forms.Textarea(attrs={"rows": 3})
    )
    agreed_at = forms.ModelChoiceField(
        label="TGB meeting that agreed it",
        queryset=Meeting.objects.none(),
        required=False,
        help_text=f"One of the board's latest {LATEST_HELD} meetings that have taken place.",
        error_messages={
            "invalid_choice": "Choose one of the board's latest meetings that have taken place."
        },
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_at"].queryset = meetings
        self.fields["agreed_at"].label_from_instance = lambda m: f"{m.date:%-d %B %Y}"


class PromiseRowForm(forms.Form):
    """One promise of the new version: an existing one (reworded, moved or dropped) or a new one.

    An existing promise keeps its key, so its fulfilment history carries on; a new one is given
    a key here.
    """

    key = forms.SlugField(
        label="Key",
        max_length=60,
        help_text="A short name that stays the same across versions, e.g. reg-open.",
    )
    party = forms.ChoiceField(label="Party", choices=PartyType.choices)
    heading = forms.ChoiceField(label="Heading", choices=Heading.choices)
    text = forms.CharField(label="Promise", widget=forms.Textarea(attrs={"rows": 2}))
    drop = forms.BooleanField(label="Drop this promise from the new version", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("key"):
            # An existing promise keeps its key: the same key in the new version is the same
            # promise, reworded or not.
            self.fields["key"].disabled = True
        else:
            del self.fields["drop"]
            # A blank first choice, so an untouched new-promise row posts nothing and is skipped.
            for name in ("party", "heading"):
                self.fields[name].choices = [("", "Choose"), *self.fields[name].choices]


class BasePromiseFormSet(forms.BaseFormSet):
    error_summary_label = "Promise {n}"

    def clean(self):
        if any(self.errors):
            return
        keys = [f.cleaned_data["key"] for f in self.kept()]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise forms.ValidationError(f"Each promise needs its own key: {', '.join(duplicates)}.")
        if not keys:
            raise forms.ValidationError("A compact version needs at least one promise.")

    def kept(self):
        """The rows that make the new version: existing promises not dropped, new ones filled in."""
        return [
            f
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("key") and not f.cleaned_data.get("drop")
        ]

    def promises(self) -> list[dict]:
        return [
            {k: f.cleaned_data[k] for k in ("key", "party", "heading", "text")} | {"order": n}
            for n, f in enumerate(self.kept(), start=1)
        ]


_PromiseFormSetBase = forms.formset_factory(PromiseRowForm, formset=BasePromiseFormSet, extra=3)


class PromiseFormSet(_PromiseFormSetBase):  # type: ignore[valid-type,misc]
    """The promises of the new version: the current ones, then three rows for new ones."""
