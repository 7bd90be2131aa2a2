"""The one NHS.UK form renderer: field markup, error wiring, the error summary and the tags."""

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.template import Context, Template

from vmi_programme.form_renderer import NhsBoundField, NhsFormRenderer, error_summary_items


class AppointmentForm(forms.Form):
    name = forms.CharField(label="Your name", help_text="As on your NHS record.")
    clinic = forms.ChoiceField(choices=[("", "Choose"), ("a", "Clinic A"), ("b", "Clinic B")])
    reminders = forms.BooleanField(required=False, label="Send me reminders")
    seen_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Seen on")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(
        choices=[("new", "New"), ("review", "Review")], widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean()
        if data.get("name") == "Nobody":
            raise forms.ValidationError("Nobody cannot book.")
        return data


def _tag(html: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    match = re.search(rf'<[a-z]+[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def render(template: str, **context) -> str:
    return Template("{% load nhsuk_forms %}" + template).render(Context(context))


def test_the_project_renders_every_form_with_the_nhs_renderer():
    assert settings.FORM_RENDERER == "vmi_programme.form_renderer.NhsFormRenderer"
    form = AppointmentForm()
    assert isinstance(form.renderer, NhsFormRenderer)
    assert isinstance(form["name"], NhsBoundField)


def test_an_unbound_form_renders_nhs_classes_labels_and_hints():
    html = str(AppointmentForm())

    assert html.count('class="nhsuk-form-group"') == 6
    assert '<label class="nhsuk-label" for="id_name">Your name</label>' in html
    assert 'class="nhsuk-hint" id="id_name_helptext">As on your NHS record.</div>' in html
    assert 'aria-describedby="id_name_helptext"' in _tag(html, "id_name")
    assert 'class="nhsuk-input"' in _tag(html, "id_name")
    assert 'class="nhsuk-select"' in _tag(html, "id_clinic")
    assert 'class="nhsuk-checkboxes__input"' in _tag(html, "id_reminders")
    assert 'class="nhsuk-checkboxes__label" for="id_reminders">Send me reminders' in (
        html.replace("nhsuk-label ", "")
    )
    assert 'class="nhsuk-input nhsuk-input--width-10"' in _tag(html, "id_seen_on")
    assert 'type="date"' in _tag(html, "id_seen_on")
    assert 'class="nhsuk-textarea"' in _tag(html, "id_notes")
    assert 'for="id_notes">Notes (optional)</label>' in html
    assert 'class="nhsuk-radios__input"' in _tag(html, "id_kind_0")
    assert '<div class="nhsuk-radios nhsuk-radios--inline">' in html
    assert '<fieldset class="nhsuk-fieldset" id="id_kind">' in html
    assert "nhsuk-error-message" not in html and "nhsuk-form-group--error" not in html


def test_a_form_with_errors_marks_each_field_and_links_hint_and_error():
    form = AppointmentForm(data={"name": "", "clinic": "x", "seen_on": "31/02/2024"})
    assert not form.is_valid()
    html = str(form)

    assert html.count("nhsuk-form-group--error") == 4  # name, clinic, seen_on, kind
    assert (
        '<span class="nhsuk-error-message" id="id_name_error">'
        '<span class="nhsuk-u-visually-hidden">Error:</span> This field is required.</span>'
    ) in html
    name = _tag(html, "id_name")
    assert 'aria-describedby="id_name_helptext id_name_error"' in name
    assert 'class="nhsuk-input nhsuk-input--error"' in name and 'aria-invalid="true"' in name
    clinic = _tag(html, "id_clinic")
    assert "nhsuk-select--error" in clinic and 'aria-describedby="id_clinic_error"' in clinic
    assert "nhsuk-input--error" in _tag(html, "id_seen_on")
    assert "Select a valid choice." in html and "Enter a valid date." in html
    # Radios: the fieldset names the error, as the inputs share it.
    assert 'aria-describedby="id_kind_error"' in _tag(html, "id_kind")
    assert 'id="id_kind_error"' in html
    # The optional fields were not wrong.
    assert "nhsuk-textarea--error" not in html and 'id="id_reminders_error"' not in html


def test_the_error_summary_links_every_field_error_and_lists_form_errors():
    form = AppointmentForm(data={"name": "Nobody", "clinic": "", "seen_on": "2024-05-01"})
    assert not form.is_valid()
    html = render("{% nhsuk_error_summary form %}", form=form)

    assert 'class="nhsuk-error-summary"' in html and "There is a problem" in html
    assert "<li>Nobody cannot book.</li>" in html
    assert '<a href="#id_clinic">Clinic: This field is required.</a>' in html
    assert '<a href="#id_kind">Kind: This field is required.</a>' in html  # the fieldset
    assert html.count("<li>") == 3


def test_no_error_summary_without_errors():
    assert render("{% nhsuk_error_summary form %}", form=AppointmentForm()).strip() == ""
    valid = AppointmentForm(
        data={"name": "Ann", "clinic": "a", "seen_on": dt.date(2024, 5, 1), "kind": "new"}
    )
    assert valid.is_valid()
    assert render("{% nhsuk_error_summary form %}", form=valid).strip() == ""


def test_formset_rows_are_named_in_the_summary_by_the_formsets_label():
    class Row(forms.Form):
        role = forms.CharField()
        name = forms.CharField(required=False)

    RowFormSet = formset_factory(Row, extra=0)
    RowFormSet.error_summary_label = "Team member {n}, {label}"
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-role": "Lead",
        "form-1-name": "Ann",
    }
    formset = RowFormSet(data=data)
    assert not formset.is_valid()

    items = error_summary_items([formset])
    assert [(i.text, i.href) for i in items] == [
        ("Team member 2, role: This field is required.", "#id_form-1-role")
    ]


def test_a_field_laid_out_by_the_page_keeps_its_id_and_takes_layout_options():
    form = AppointmentForm(data={})
    form.is_valid()
    html = render(
        '{% nhsuk_field form.name label="Row 1 name" label_hidden=True group_class="x" %}',
        form=form,
    )
    assert 'class="nhsuk-form-group nhsuk-form-group--error x"' in html
    assert 'class="nhsuk-label nhsuk-u-visually-hidden" for="id_name">Row 1 name</label>' in html
    assert 'id="id_name_error"' in html and 'name="name"' in html


def test_an_input_built_by_the_page_renders_through_the_same_template():
    html = render(
        '{% nhsuk_field "q-7" kind="radios" label="How sure are you?" choices=choices'
        ' value=2 error="Choose one of the answers." required=False %}',
        choices=[(1, "Not sure"), (2, "Sure")],
    )
    assert '<fieldset class="nhsuk-fieldset" id="q-7" aria-describedby="q-7_error">' in html
    assert "How sure are you? (optional)</legend>" in html and "nhsuk-form-group--error" in html
    assert re.search(r'<input[^>]*value="2"[^>]*checked', html)
    assert 'name="q-7"' in html and "required" not in html

    html = render(
        '{% nhsuk_field "assessed_on" label="Assessed on" hint="YYYY-MM-DD" value="x"'
        ' error="Enter a date." class="nhsuk-input--width-10" %}'
    )
    tag = _tag(html, "assessed_on")
    assert 'class="nhsuk-input--width-10 nhsuk-input nhsuk-input--error"' in tag
    assert 'value="x"' in tag and 'aria-describedby="assessed_on_helptext assessed_on_error"' in tag


def test_a_field_group_wraps_a_control_the_page_writes():
    html = render(
        '{% nhsuk_field_group "q-3" label="Who do you talk to?" value=2 error="Name them." %}'
        '<a href="/names">Change</a>{% endnhsuk_field_group %}'
    )
    assert 'class="nhsuk-form-group nhsuk-form-group--error" id="q-3"' in html
    assert '<input type="hidden" name="q-3" value="2">' in html
    assert '<a href="/names">Change</a>' in html and "Name them." in html


def test_attributes_given_to_a_form_field_apply_to_that_rendering_only():
    form = AppointmentForm()
    html = render('{% nhsuk_field form.name class="nhsuk-input--width-20" %}', form=form)
    assert 'class="nhsuk-input--width-20 nhsuk-input"' in _tag(html, "id_name")
    assert "width-20" not in str(form["name"]) and "class" not in form.fields["name"].widget.attrs


def test_a_date_input_built_by_the_page_is_a_narrow_date_field():
    html = render('{% nhsuk_field "on" kind="date" label="On" value="2024-05-01" %}')
    tag = _tag(html, "on")
    assert 'type="date"' in tag and 'value="2024-05-01"' in tag
    assert 'class="nhsuk-input nhsuk-input--width-10"' in tag
