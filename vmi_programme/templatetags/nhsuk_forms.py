"""Template tags for NHS.UK form fields laid out by the page, and the one error summary.

``{% nhsuk_field form.name label_hidden=True group_class="nhsuk-u-margin-bottom-0" %}`` renders
a form's field through the renderer's field template with layout options (for table cells and
grids); ``{% nhsuk_field "q-5" kind="textarea" label=... value=... error=... %}`` does the same
for an input the page builds without a Django form (see ``OneFieldForm``). Other keyword
arguments become the input's attributes (``rows=4``, ``class="nhsuk-input--width-20"``).
``{% nhsuk_field_group name label=... error=... %}…{% endnhsuk_field_group %}`` wraps a control
the page writes itself (with a hidden input carrying ``value``).
``{% nhsuk_error_summary form formset page_errors title=... %}`` lists every error, each field's
linked to it.
"""

from __future__ import annotations

import copy
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import mark_safe

from vmi_programme.form_renderer import OneFieldForm, render_error_summary

register = template.Library()

_LAYOUT = ("label_hidden", "group_class", "compact", "small")


def _render(field: BoundField, label: str, layout: dict[str, Any], content: str = "") -> str:
    context = {"field": field, "label": label or field.label, "content": content, **layout}
    return field.render(context=context)


def _split(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    layout = {k: options.pop(k) for k in _LAYOUT if k in options}
    return layout, options


@register.simple_tag
def nhsuk_field(field: BoundField | str, *, label: str = "", **options: Any) -> str:
    layout, options = _split(options)
    if isinstance(field, str):
        built = {
            k: options.pop(k)
            for k in ("kind", "hint", "value", "error", "required", "choices")
            if k in options
        }
        attrs = {k.replace("_", "-"): v for k, v in options.items()}
        field = OneFieldForm(field, label=label, attrs=attrs, **built)[field]
    elif options:
        # Attributes for this rendering only: a copy of the field, so the form's stays as it is.
        field = copy.copy(field)
        field.field = copy.deepcopy(field.field)
        field.field.widget.attrs.update({k.replace("_", "-"): v for k, v in options.items()})
    return _render(field, label, layout)


class FieldGroupNode(template.Node):
    def __init__(self, name, kwargs, nodelist):
        self.name, self.kwargs, self.nodelist = name, kwargs, nodelist

    def render(self, context):
        name = self.name.resolve(context)
        options = {k: v.resolve(context) for k, v in self.kwargs.items()}
        label = options.pop("label", "")
        layout, options = _split(options)
        # The group carries the id (error-summary links land on it); the hidden input has none.
        form = OneFieldForm(name, kind="hidden", label=label, attrs={"id": False}, **options)
        return _render(form[name], label, layout, content=mark_safe(self.nodelist.render(context)))


@register.tag
def nhsuk_field_group(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("nhsuk_field_group needs the input's name.")
    kwargs = template.base.token_kwargs(bits[2:], parser)
    if len(kwargs) != len(bits) - 2:
        raise template.TemplateSyntaxError("nhsuk_field_group takes name=value options only.")
    nodelist = parser.parse(("endnhsuk_field_group",))
    parser.delete_first_token()
    return FieldGroupNode(parser.compile_filter(bits[1]), kwargs, nodelist)


@register.simple_tag
def nhsuk_error_summary(
    *sources: Any, title: str = "There is a problem", description: str = "", **field_errors: Any
) -> str:
    """Sources as ``error_summary_items`` takes them; any other keyword names the id of an input
    the page built itself, with its message (``assessed_on=date_error``), listed first."""
    extra = [(anchor, message) for anchor, message in field_errors.items() if message]
    return render_error_summary([extra, *sources], title=title, description=description)
