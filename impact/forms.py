"""Forms of the impact pages: an ITS run, a peer group, RPIW impact filters, an SPC chart."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from django import forms

from vmi_programme.form_page import ServiceErrorsMixin, UniqueOnFieldMixin
from vmi_programme.models import Organisation, OrganisationKind

from .analysis.its import MIN_POINTS_EACH_SIDE
from .models import Measure, OrganisationCharacteristic
from .rpiw_impact import MEASURE_LABELS, MEASURE_TYPES
from .selectors import current_peer_group, series_extent
from .services import DEFAULT_INTERVENTION

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SEASONALITY = [("month", "Month of year (11 indicators)"), ("fourier", "Fourier terms (2 pairs)"),
               ("", "None")]  # fmt: skip
ERRORS = [
    ("hac", "Newey–West (autocorrelation-robust)"),
    ("ar", "AR(1) errors (maximum likelihood)"),
    ("ols", "Ordinary least squares"),
]


def _month(value: str, label: str) -> str:
    value = (value or "").strip()
    if not MONTH.match(value):
        raise forms.ValidationError(f"Enter the {label} as YYYY-MM, for example 2015-07.")
    return value


class ItsRunForm(forms.Form):
    """What an analyst chooses for an ITS run; checks the cheap things before a job is queued
    (the library checks the rest, e.g. a constant series, and the run fails with its message)."""

    measure = forms.ModelChoiceField(queryset=Measure.objects.all(), to_field_name="code")
    trust = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST),
        to_field_name="ods_code",
        label="Partner trust",
    )
    intervention = forms.CharField(
        initial=DEFAULT_INTERVENTION,
        help_text="The month the programme started (YYYY-MM); the report uses July 2015.",
    )
    seasonality = forms.ChoiceField(choices=SEASONALITY, initial="month", required=False)
    errors = forms.ChoiceField(choices=ERRORS, initial="hac", label="Error model")
    start = forms.CharField(required=False, help_text="Optional first month (YYYY-MM).")
    end = forms.CharField(required=False, help_text="Optional last month (YYYY-MM).")
    with_peers = forms.BooleanField(
        required=False, initial=True, label="Compare with the trust's peer group (controlled ITS)"
    )

    def __init__(self, *args: Any, trusts=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if trusts is not None:
            self.fields["trust"].queryset = trusts

    def clean_intervention(self) -> str:
        return _month(self.cleaned_data["intervention"], "intervention month")

    def clean_start(self) -> str:
        value = self.cleaned_data.get("start") or ""
        return _month(value, "first month") if value else ""

    def clean_end(self) -> str:
        value = self.cleaned_data.get("end") or ""
        return _month(value, "last month") if value else ""

    def clean(self) -> dict:
        data = super().clean()
        measure, trust = data.get("measure"), data.get("trust")
        intervention = data.get("intervention")
        if not (measure and trust and intervention):
            return data
        first, last, n = series_extent(measure, trust.ods_code)
        if not n:
            raise forms.ValidationError(f"{trust} has no values of {measure.name} yet.")
        start = pd.Period(data["start"], "M") if data.get("start") else pd.Period(first, "M")
        end = pd.Period(data["end"], "M") if data.get("end") else pd.Period(last, "M")
        if start > end:
            raise forms.ValidationError("The first month is after the last month.")
        point = pd.Period(intervention, "M")
        if not start < point <= end:
            self.add_error(
                "intervention",
                f"The intervention ({point}) must fall inside the series ({start} to {end}), "
                "after its first month.",
            )
        elif (point - start).n < MIN_POINTS_EACH_SIDE or (end - point).n + 1 < MIN_POINTS_EACH_SIDE:
            self.add_error(
                "intervention",
                f"An ITS needs at least {MIN_POINTS_EACH_SIDE} months before and from the "
                f"intervention; the series runs {start} to {end}.",
            )
        group = current_peer_group(trust) if data.get("with_peers") else None
        data["peer_group"] = group
        return data

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        group = data.get("peer_group")
        parameters = {
            "measure": data["measure"].code,
            "trust": data["trust"].ods_code,
            "intervention": data["intervention"],
            "seasonality": data.get("seasonality") or None,
            "errors": data["errors"],
            "peers": group.peer_codes() if group else [],
            "peer_group": group.pk if group else None,
        }
        if data.get("start"):
            parameters["start"] = data["start"]
        if data.get("end"):
            parameters["end"] = data["end"]
        return parameters


class ManualPeersForm(forms.Form):
    peers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="ODS codes of the peer trusts, separated by commas or spaces (usually 10).",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_peers(self) -> list[str]:
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["peers"].upper()) if c]
        if not codes:
            raise forms.ValidationError("Enter at least one ODS code.")
        return codes


class NearestPeersForm(forms.Form):
    features = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, help_text="Characteristics to compare on."
    )
    k = forms.IntegerField(min_value=1, max_value=30, initial=10, label="Number of peers")

    def __init__(self, *args: Any, feature_names: list[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["features"].choices = [(n, n.replace("_", " ")) for n in feature_names]
        self.fields["features"].initial = list(feature_names)


class PeerMembersForm(ServiceErrorsMixin, ManualPeersForm):
    """A trust's peers changed by hand, starting from the current group's, in rank order."""


class MeasureForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "code",
            "name",
            "unit",
            "direction",
            "computation",
            "scale",
            "numerator_label",
            "denominator_label",
            "valid_from",
            "valid_to",
            "source",
            "notes",
        ]
        widgets = {
            # ISO: a date input shows nothing of an en-GB date, and saving would lose it.
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Its code names it in URLs, imports and stored runs (services.MEASURE_CHANGEABLE).
            del self.fields["code"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "The era cannot end before it starts.")
        if data.get("computation") == "ratio" and not data.get("denominator_label"):
            self.add_error("denominator_label", "Name what a ratio measure divides by.")
        return data


class CharacteristicForm(UniqueOnFieldMixin, forms.ModelForm):
    unique_on_field = {("organisation", "name", "as_of"): "as_of"}
    unique_messages = {
        "as_of": "The organisation has this characteristic as of this date already: change "
        "that one instead."
    }

    class Meta:
        model = OrganisationCharacteristic
        fields = ["organisation", "name", "value", "as_of", "source"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]  # it stays the organisation's
        else:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].label_from_instance = lambda o: (
                f"{o.short_name} ({o.ods_code}, {o.get_kind_display().lower()})"
            )


class RpiwImpactFilterForm(forms.Form):
    """Filters of the RPIW impact page (GET)."""

    mark_optional = False  # every filter is optional

    trust = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    value_stream = forms.CharField(required=False)
    start = forms.DateField(required=False, label="Workshops ending from")
    end = forms.DateField(required=False, label="Workshops ending by")
    measure_type = forms.MultipleChoiceField(
        choices=[(k, MEASURE_LABELS[k]) for k in MEASURE_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Measure types",
    )
    post = forms.ChoiceField(
        choices=[
            ("90", "90 days (as the report)"),
            ("30", "30 days"),
            ("60", "60 days"),
            ("120", "120 days"),
            ("last", "Last follow-up recorded"),
        ],  # fmt: skip
        required=False,
        initial="90",
        label="Which follow-up counts as post",
    )

    def __init__(self, *args: Any, trusts: list[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["trust"].choices = [(t, t) for t in trusts]


class ChartBaselineForm(forms.Form):
    """Fix a baseline, or recalculate the limits, of an SPC chart from one of its points."""

    change = forms.ChoiceField(
        label="What to do",
        choices=[
            ("fix", "Fix the limits on a baseline starting at this point"),
            ("rebase", "Recalculate the limits from this point"),
        ],
        widget=forms.RadioSelect,
    )
    starts_on = forms.TypedChoiceField(label="From the point", coerce=pd.Timestamp)
    points = forms.IntegerField(
        label="Points in the baseline",
        min_value=2,
        max_value=500,
        required=False,
        help_text="For a fixed baseline: how many points the limits are computed from "
        "(Making Data Count advises at least 15).",
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="e.g. the process changed after the RPIW; recorded with your name.",
    )

    def __init__(self, *args: Any, periods: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].choices = [(p.isoformat(), p.isoformat()) for p in periods]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("change") == "fix" and not data.get("points"):
            self.add_error("points", "Say how many points the fixed baseline holds.")
        if not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the limits change.")
        if data.get("starts_on") is not None:
            data["starts_on"] = data["starts_on"].date()
        return data


class FunnelForm(forms.Form):
    """Which measure and months a funnel plot compares organisations on."""

    measure = forms.ChoiceField(label="Measure")
    end = forms.CharField(
        label="Last month",
        required=False,
        help_text="YYYY-MM; the latest month with data if empty.",
    )
    months = forms.IntegerField(
        label="Months", min_value=1, max_value=60, initial=12, required=False,
        help_text="How many months up to the last one are summed per organisation.",
    )  # fmt: skip
    adjustment = forms.ChoiceField(
        label="Over-dispersion",
        required=False,
        choices=[
            ("auto", "Random effects if over-dispersed (χ² test at 5%)"),
            ("additive", "Random effects (additive τ²)"),
            ("multiplicative", "Multiplicative (φ)"),
            ("none", "None (binomial or Poisson limits)"),
        ],
    )

    def __init__(self, *args: Any, measures: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.code, m.name) for m in measures]

    def clean_end(self) -> str:
        value = self.cleaned_data.get("end") or ""
        return _month(value, "last month") if value.strip() else ""
