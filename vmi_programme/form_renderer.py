"""NHS.UK form rendering: the FORM_RENDERER, its bound field, one-field forms and the error summary.

Every form field on every page renders through one template,
``vmi_programme/forms/nhsuk_field.html``: ``{{ form }}`` (``nhsuk_form.html``),
``{{ field.as_field_group }}``, or ``{% nhsuk_field %}`` from ``{% load nhsuk_forms %}`` when a
page lays fields out itself (table cells, grids) or builds inputs without a Django form (survey
questions, the assessment grid). The bound field gives each widget its NHS.UK class and the error
modifier, so forms declare no CSS classes. Hint and error ids are Django's own
(``<id>_helptext``, ``<id>_error``), so the ``aria-describedby`` Django builds points at them
(and the admin's help texts keep working with the same bound field).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorDict
from django.forms.widgets import Input
from django.template.loader import render_to_string
from django.utils.text import Truncator

FORM_TEMPLATE = "vmi_programme/forms/nhsuk_form.html"
FIELD_TEMPLATE = "vmi_programme/forms/nhsuk_field.html"
ERROR_SUMMARY_TEMPLATE = "vmi_programme/forms/nhsuk_error_summary.html"

# The modifier NHS.UK defines for an input with an error is the base class + "--error".
_ERROR_MODIFIED = {"nhsuk-input", "nhsuk-select", "nhsuk-textarea"}
_NARROW = (forms.DateInput, forms.TimeInput, forms.DateTimeInput, forms.NumberInput)


def widget_classes(widget: forms.Widget) -> list[str]:
    """The NHS.UK classes of a widget's input element (of each option's, for radios/checkboxes)."""
    if widget.is_hidden or isinstance(widget, forms.MultiWidget):
        return []  # a MultiWidget's parts get their classes from their own widgets
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        return ["nhsuk-checkboxes__input"]
    if isinstance(widget, forms.RadioSelect):
        return ["nhsuk-radios__input"]
    if isinstance(widget, forms.Select):
        return ["nhsuk-select"]
    if isinstance(widget, forms.Textarea):
        return ["nhsuk-textarea"]
    if isinstance(widget, forms.FileInput):
        return ["nhsuk-file-upload"]
    if isinstance(widget, _NARROW):
        return ["nhsuk-input", "nhsuk-input--width-10"]
    if isinstance(widget, Input):
        return ["nhsuk-input"]
    return []


class NhsBoundField(BoundField):
    """A bound field whose widget carries its NHS.UK class, and the error modifier on error."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        own = widget_classes(widget)
        if not own:
            return attrs
        classes = [*widget.attrs.get("class", "").split(), *attrs.get("class", "").split()]
        if any(c.startswith("nhsuk-input--width-") for c in classes):
            own = [c for c in own if not c.startswith("nhsuk-input--width-")]  # the form's wins
        if self.errors:
            own += [f"{c}--error" for c in own if c in _ERROR_MODIFIED]
        # attrs replace widget.attrs when the widget renders, so the widget's classes go in too.
        attrs["class"] = " ".join(dict.fromkeys([*classes, *own]))
        return attrs

    @property
    def optional_marker(self) -> bool:
        """Whether the label says "(optional)": NHS.UK marks optional fields, not required ones.

        Not on checkboxes (ticking none is an answer), nor where the label says so already, nor
        on forms that set ``mark_optional = False`` (filters, formset rows whose optionality the
        page explains)."""
        return not (
            self.field.required
            or self.widget_type in ("checkbox", "checkboxselectmultiple")
            or "optional" in str(self.label).lower()
            or not getattr(self.form, "mark_optional", True)
        )


class NhsFormRenderer(TemplatesSetting):
    """The FORM_RENDERER: project templates, NHS.UK form and field templates, NhsBoundField."""

    form_template_name = FORM_TEMPLATE
    field_template_name = FIELD_TEMPLATE
    bound_field_class = NhsBoundField


class _DateInput(forms.DateInput):
    input_type = "date"


# Pages that build inputs themselves name the kind of input; each is a Django field + widget.
_KINDS: dict[str, tuple[type[forms.Field], type[forms.Widget]]] = {
    "text": (forms.CharField, forms.TextInput),
    "textarea": (forms.CharField, forms.Textarea),
    "date": (forms.CharField, _DateInput),
    "select": (forms.ChoiceField, forms.Select),
    "radios": (forms.ChoiceField, forms.RadioSelect),
    "checkboxes": (forms.MultipleChoiceField, forms.CheckboxSelectMultiple),
    "checkbox": (forms.BooleanField, forms.CheckboxInput),
    "hidden": (forms.CharField, forms.HiddenInput),
}


class OneFieldForm(forms.Form):
    """A form of one field for an input a page builds without a Django form (a survey question, a
    grid cell): it renders through the same field template, with the page's own name (used as
    the id too), value and error message; the page has already checked the value."""

    use_required_attribute = False  # the pages post with novalidate and check on the server

    def __init__(
        self,
        name: str,
        *,
        kind: str = "text",
        label: str = "",
        hint: str = "",
        value: Any = None,
        error: str = "",
        required: bool = True,
        choices: Iterable = (),
        attrs: dict | None = None,
    ):
        super().__init__(initial={name: value}, auto_id="%s")
        field_class, widget_class = _KINDS[kind]
        widget = widget_class(attrs=attrs or {})
        options: dict[str, Any] = {"label": label, "help_text": hint, "required": required}
        if issubclass(field_class, forms.ChoiceField):
            options["choices"] = list(choices)
        self.fields[name] = field_class(widget=widget, **options)
        self.field_name, self.error = name, error

    def full_clean(self):
        # Unbound, so nothing is validated: the only error is the one the page passed in.
        self._errors, self.cleaned_data = ErrorDict(), {}
        if self.error:
            self._errors[self.field_name] = self.error_class(
                [self.error], renderer=self.renderer, field_id=self.field_name
            )


@dataclass(frozen=True)
class SummaryItem:
    text: str
    href: str = ""


def _form_items(form: forms.BaseForm, label_of) -> list[SummaryItem]:
    items = [SummaryItem(str(e)) for e in form.non_field_errors()]
    for field in form:
        # Links land on the input, or on the fieldset of radios and checkboxes (it has the id).
        anchor = field.auto_id if field.use_fieldset else field.id_for_label
        items += [
            SummaryItem(f"{label_of(field)}: {e}", f"#{anchor}" if anchor else "")
            for e in field.errors
        ]
    return items


def _extra_item(error: Any) -> SummaryItem:
    """An error a page worked out itself: a message, (anchor, message), (anchor, question,
    message), a mapping with "anchor" and "text", or an object with an ``anchor`` attribute."""
    if isinstance(error, dict):
        return SummaryItem(str(error["text"]), f"#{error['anchor']}" if error.get("anchor") else "")
    if isinstance(error, tuple | list):
        if len(error) == 3:
            anchor, question, message = error
            return SummaryItem(f"{Truncator(question).words(10)}: {message}", f"#{anchor}")
        anchor, message = error
        return SummaryItem(str(message), f"#{anchor}" if anchor else "")
    anchor = getattr(error, "anchor", "")
    return SummaryItem(str(error), f"#{anchor}" if anchor else "")


def error_summary_items(sources: Iterable[Any]) -> list[SummaryItem]:
    """Every error of the sources, in order: forms and formsets (each field error linked to its
    field), lists of errors the page worked out (see ``_extra_item``) and single messages.
    A formset row's errors are named by the formset's ``error_summary_label`` (a format with
    ``{n}``, the row number, and ``{label}``, the field label in lower case)."""
    items: list[SummaryItem] = []
    for source in sources:
        if isinstance(source, BaseFormSet):
            items += [SummaryItem(str(e)) for e in source.non_form_errors()]
            row = getattr(source, "error_summary_label", "Row {n}, {label}")
            for n, form in enumerate(source.forms, 1):
                items += _form_items(
                    form, lambda f, n=n, row=row: row.format(n=n, label=str(f.label).lower())
                )
        elif isinstance(source, forms.BaseForm):
            items += _form_items(source, lambda f: f.label)
        elif isinstance(source, str):
            items += [SummaryItem(source)] if source else []
        elif source:
            items += [_extra_item(e) for e in source]
    return items


def render_error_summary(
    sources: Iterable[Any], *, title: str = "There is a problem", description: str = ""
) -> str:
    """The NHS.UK error summary of the given sources ("" when there is no error)."""
    items = error_summary_items(sources)
    if not items:
        return ""
    return render_to_string(
        ERROR_SUMMARY_TEMPLATE, {"items": items, "title": title, "description": description}
    )
