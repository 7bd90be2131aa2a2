"""Shared pieces of the CI-infrastructure pages: rendering a form page and saving through a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

FORM_PAGE = "vmi_programme/form_page.html"


def posted(request):
    """The form's data: the POST, even an empty one (``request.POST or None`` would leave an
    empty submit unbound, shown again without saying what is missing)."""
    return request.POST if request.method == "POST" else None


if TYPE_CHECKING:
    _Form = forms.BaseForm
else:
    _Form = object


class ServiceErrorsMixin(_Form):
    """For a form whose data a service saves: the service's ValidationError shown on the fields
    it names (others at the top), as ``form_page`` does when the service refuses."""

    def add_validation_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, messages_ in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages_)
        else:
            self.add_error(None, exc.messages)


class UniqueOnFieldMixin(ServiceErrorsMixin):
    """For a ModelForm whose model has a unique constraint over several fields: its violation,
    which Django would show at the top of the form, is said on the field the user should
    change, whether the form's own validation or the service's ``full_clean`` found it.

    ``unique_on_field`` maps the constraint's fields (a tuple, as declared) to that field;
    ``unique_messages`` may give the field's message (Django's otherwise)."""

    unique_on_field: dict[tuple[str, ...], str] = {}
    unique_messages: dict[str, str] = {}

    def _field_for(self, error: ValidationError) -> str | None:
        check = tuple((error.params or {}).get("unique_check", ()))
        field = self.unique_on_field.get(check)
        return field if field in self.fields else None

    def _add_on_field(self, field: str, error: ValidationError) -> None:
        if field not in self.errors:  # one message a field is enough
            self.add_error(field, self.unique_messages.get(field, error.messages[0]))

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        errors = self.errors.get(NON_FIELD_ERRORS)  # the ErrorDict being filled: no new clean
        if errors is None:
            return
        for error in list(errors.as_data()):
            if field := self._field_for(error):
                errors.data.remove(error)
                self._add_on_field(field, error)
        if not errors:
            del self.errors[NON_FIELD_ERRORS]

    def add_validation_error(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            return super().add_validation_error(exc)
        rest: dict[str, list[ValidationError]] = {}
        for name, errors in exc.error_dict.items():
            for error in errors:
                field = self._field_for(error) if name == NON_FIELD_ERRORS else None
                if field:
                    self._add_on_field(field, error)
                else:
                    rest.setdefault(name, []).append(error)
        if rest:
            super().add_validation_error(ValidationError(rest))


# A form page answers GET (the form) and POST (the submit); any other method is 405.
FORM_METHODS = require_http_methods(["GET", "POST"])


def form_page(
    request,
    form,
    save: Callable[[dict], object],
    *,
    heading: str,
    back_url: str,
    success: str,
    next_url: Callable[[object], str] | None = None,
    caption: str = "",
    submit_label: str = "Save",
):
    """On a valid POST call ``save(cleaned_data)`` (a service) and redirect; otherwise render the
    form again with what the user typed and every error, including those the service raised."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            form.add_validation_error(exc)
        else:
            messages.success(request, success)
            return redirect(next_url(result) if next_url else back_url)
    return render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "heading": heading,
            "caption": caption,
            "back_url": back_url,
            "submit_label": submit_label,
        },
        status=400 if request.method == "POST" else 200,
    )
