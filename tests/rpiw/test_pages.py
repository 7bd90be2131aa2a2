"""The KPO's pages: workspace, the RPIW form with defaults, inline follow-ups, bounded queries."""

import datetime as dt

import pytest
from django.urls import reverse

from rpiw import demo as rpiw_demo
from rpiw.models import Measurement, Rpiw
from vmi_programme import demo
from vmi_programme.models import Person

pytestmark = pytest.mark.django_db


def test_workspace_has_bounded_queries_with_demo_data(client, django_assert_max_num_queries):
    ctx = demo.seed()
    rpiw_demo.seed(ctx)
    client.force_login(Person.objects.get(user__username="kpo.sash").user)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("rpiw:workspace"))
    page = response.content.decode()
    assert "Follow-ups due this week" in page
    assert "Theatre list finalisation" in page  # a live RPIW whose 30-day follow-up is due
    assert "Management of diarrhoea" in page
    with django_assert_max_num_queries(20):
        assert client.get(reverse("rpiw:rpiw-list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("rpiw:value-stream-list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("rpiw:golden-thread")).status_code == 200
    rpiw = Rpiw.objects.filter(value_stream__organisation__short_name="SASH").first()
    with django_assert_max_num_queries(30):
        assert client.get(reverse("rpiw:rpiw-detail", args=[rpiw.pk])).status_code == 200


def test_new_rpiw_form_defaults_to_my_trust_me_and_eight_weeks_ahead(
    client, kpo_user, value_stream
):
    client.force_login(kpo_user)
    form = client.get(reverse("rpiw:rpiw-new")).context["form"]
    assert form.initial["facilitator"] == kpo_user.person.pk
    assert form.initial["workshop_start"] > dt.date.today() + dt.timedelta(weeks=7)
    assert list(form.fields["value_stream"].queryset) == [value_stream]


def _post_data(value_stream, **extra):
    data = {
        "value_stream": value_stream.pk,
        "title": "Clinic letters",
        "workshop_start": "2019-01-07",
        "team-TOTAL_FORMS": "2",
        "team-INITIAL_FORMS": "0",
        "team-0-role": "team_lead",
        "team-0-name": "Ann Lee",
        "team-1-role": "patient_rep",
        "team-1-name": "Pat Rep",
        "measures-TOTAL_FORMS": "2",
        "measures-INITIAL_FORMS": "0",
        "measures-0-kind": "lead_time",
        "measures-0-name": "Lead time",
        "measures-0-unit": "hours",
        "measures-0-direction": "lower",
    }
    data.update(extra)
    return data


def test_creating_an_rpiw_with_team_and_measure(client, kpo_user, value_stream):
    client.force_login(kpo_user)
    response = client.post(reverse("rpiw:rpiw-new"), _post_data(value_stream))
    rpiw = Rpiw.objects.get()
    assert response["Location"] == reverse("rpiw:rpiw-detail", args=[rpiw.pk])
    assert rpiw.workshop_end == dt.date(2019, 1, 11)
    assert sorted(rpiw.team.values_list("role", flat=True)) == ["patient_rep", "team_lead"]
    assert rpiw.measures.get().name == "Lead time"
    assert rpiw.created_by == kpo_user


def test_a_validation_error_keeps_everything_typed(client, kpo_user, value_stream):
    client.force_login(kpo_user)
    data = _post_data(value_stream, workshop_end="2019-01-15", **{"measures-1-name": "Orphan"})
    response = client.post(reverse("rpiw:rpiw-new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="Clinic letters"' in page and 'value="Pat Rep"' in page
    assert 'value="Orphan"' in page
    assert not Rpiw.objects.exists()


def test_recording_baseline_and_follow_up_inline(client, kpo_user, rpiw, lead_time):
    client.force_login(kpo_user)
    url = reverse("rpiw:rpiw-detail", args=[rpiw.pk])
    record_url = reverse("rpiw:measurement-record", args=[rpiw.pk, lead_time.pk])
    prefix = f"m{lead_time.pk}"
    client.post(
        record_url,
        {
            f"{prefix}-point": "0",
            f"{prefix}-value": "40",
            f"{prefix}-measured_on": "2018-12-20",
        },
    )
    bad = client.post(
        record_url,
        {
            f"{prefix}-point": "30",
            f"{prefix}-value": "22",
            f"{prefix}-measured_on": "2019-01-02",
        },
    )
    assert "before the workshop ended" in bad.content.decode()
    assert 'value="22"' in bad.content.decode()
    client.post(
        record_url,
        {
            f"{prefix}-point": "30",
            f"{prefix}-value": "22",
            f"{prefix}-measured_on": "2019-02-11",
        },
    )
    assert list(Measurement.objects.values_list("point", "value")) == [(0, 40), (30, 22)]
    page = client.get(url).content.decode()
    assert f'id="measure-chart-{lead_time.pk}"' in page
    assert "Complete" in page


def test_status_change_without_patient_rep_shows_the_rule(client, kpo_user, make_rpiw):
    from rpiw import services

    rpiw = services.change_status(make_rpiw(with_patient_rep=False), "preparing")
    client.force_login(kpo_user)
    response = client.post(
        reverse("rpiw:rpiw-status-change", args=[rpiw.pk]),
        {"status-status": "workshop", "status-reason": ""},
    )
    assert "must include a patient representative" in response.content.decode()
