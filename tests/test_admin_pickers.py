"""The admin is for repairs, and its pages stay small at national size: a form picks rows of a
large table (people, meetings, agenda items, RPIWs) by id with a lookup, never from a select of
every row. The demo's meeting page was 1.5 MB and took 15 s with a select of every person on each
inline row (#17 item 5)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.auth import get_user_model
from django.forms import ModelChoiceField
from django.test import RequestFactory

from governance.models import Attendance, Meeting, MeetingSeries
from governance.models.meetings import AttendanceStatus, MeetingKind
from vmi_programme.admin_base import LISTED_IN_SELECTS
from vmi_programme.models import Person

pytestmark = pytest.mark.django_db

RAW_ID = (widgets.ForeignKeyRawIdWidget, widgets.AutocompleteSelect, widgets.ManyToManyRawIdWidget)


def _widget(field):
    widget = field.widget
    while isinstance(widget, widgets.RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget


def _forms_of(model_admin, request):
    yield type(model_admin).__name__, model_admin.get_form(request)
    for inline in model_admin.get_inline_instances(request):
        yield type(inline).__name__, inline.get_formset(request).form


def test_every_admin_form_picks_a_large_tables_rows_by_id():
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    offenders = []
    for model_admin in admin.site._registry.values():
        for name, form in _forms_of(model_admin, request):
            for field_name, field in form.base_fields.items():
                if not isinstance(field, ModelChoiceField):
                    continue
                label = field.queryset.model._meta.label_lower
                if label not in LISTED_IN_SELECTS and not isinstance(_widget(field), RAW_ID):
                    offenders.append(f"{name}.{field_name} -> {label}")
    assert offenders == []


def test_a_meetings_admin_page_lists_no_people_however_many_the_trust_has(client, trust):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    people = Person.objects.bulk_create(
        Person(organisation=trust, full_name=f"Person number {i:04d}") for i in range(400)
    )
    series = MeetingSeries.objects.create(kind=MeetingKind.TGT, name="TGT", organisation=trust)
    meeting = Meeting.objects.create(series=series, date=dt.date(2018, 5, 1))
    for person in people[:12]:
        Attendance.objects.create(meeting=meeting, person=person, status=AttendanceStatus.PRESENT)
    client.force_login(superuser)
    page = client.get(f"/admin/governance/meeting/{meeting.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Person number 0399" not in html  # no select of everyone on any row
    assert html.count("<option") < 100
    assert f'value="{people[0].pk}"' in html  # the attendance rows name their person by id
