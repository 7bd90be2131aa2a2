"""Impact's reference data kept in pages (#17): measures added and changed, organisation
characteristics listed a page at a time, added and changed, a trust's peers changed by hand
and its peer groups' history; errors name their field, another trust's data is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from factories import user_with_roles
from impact import services
from impact.models import Measure, OrganisationCharacteristic, PeerGroup, PeerMethod
from impact.views_manage import CHARACTERISTICS_PAGE_SIZE
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db

MEASURE = {
    "code": "sickness_absence",
    "name": "Sickness absence",
    "unit": "%",
    "direction": "lower",
    "computation": "value",
    "scale": 1,
}


def test_the_regulator_adds_a_measure_and_changes_it_but_not_its_code(client, regulator_user):
    client.force_login(regulator_user)
    response = client.post(reverse("impact:measure-new"), MEASURE)
    assert response.status_code == 302
    assert response.url == reverse("impact:measure-detail", args=["sickness_absence"])
    url = reverse("impact:measure-edit", args=["sickness_absence"])
    assert "code" not in client.get(url).context["form"].fields
    response = client.post(url, {**MEASURE, "code": "renamed", "name": "Sickness absence rate"})
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.code, measure.name) == ("sickness_absence", "Sickness absence rate")


def test_a_measure_with_a_bad_era_or_a_ratio_without_denominator_is_refused_on_the_field(
    client, regulator_user
):
    client.force_login(regulator_user)
    response = client.post(
        reverse("impact:measure-new"),
        {**MEASURE, "valid_from": "2020-04-01", "valid_to": "2019-04-01"},
    )
    assert response.status_code == 400 and "valid_to" in response.context["form"].errors
    response = client.post(reverse("impact:measure-new"), {**MEASURE, "computation": "ratio"})
    assert response.status_code == 400
    assert "denominator_label" in response.context["form"].errors
    response = client.post(reverse("impact:measure-new"), {**MEASURE, "code": "Not a slug!"})
    assert response.status_code == 400 and "code" in response.context["form"].errors
    assert not Measure.objects.exists()


def test_a_trusts_analyst_may_not_add_or_change_measures(client, analyst, measures):
    client.force_login(analyst)
    assert client.get(reverse("impact:measure-new")).status_code == 403
    assert client.post(reverse("impact:measure-new"), MEASURE).status_code == 403
    edit = reverse("impact:measure-edit", args=["staff_turnover"])
    assert client.post(edit, {**MEASURE, "name": "Mine"}).status_code == 403
    assert "Add a measure" not in client.get(reverse("impact:measure-list")).content.decode()
    assert client.get(reverse("impact:measure-edit", args=["nothing"])).status_code == 404


def test_an_analyst_adds_and_changes_a_characteristic_of_their_own_trust(client, analyst, trust):
    client.force_login(analyst)
    form = client.get(reverse("impact:characteristic-new")).context["form"]
    # Their own trust only: not another trust's, nor the peer trusts (partnership data).
    assert list(form.fields["organisation"].queryset) == [trust]
    response = client.post(
        reverse("impact:characteristic-new"),
        {"organisation": trust.pk, "name": "beds", "value": "612", "as_of": "2019-03-31"},
    )
    assert response.status_code == 302
    item = OrganisationCharacteristic.objects.get()
    response = client.post(
        reverse("impact:characteristic-edit", args=[item.pk]),
        {"name": "beds", "value": "640", "as_of": "2019-03-31", "source": "KH03"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.value, item.source, item.organisation) == (640.0, "KH03", trust)


def test_a_characteristic_with_a_bad_name_or_value_is_refused_on_the_field(client, analyst, trust):
    client.force_login(analyst)
    url = reverse("impact:characteristic-new")
    data = {"organisation": trust.pk, "name": "Beds!", "value": "612", "as_of": "2019-03-31"}
    response = client.post(url, data)
    assert response.status_code == 400 and "name" in response.context["form"].errors
    response = client.post(url, {**data, "name": "beds", "value": "many"})
    assert response.status_code == 400 and "value" in response.context["form"].errors
    assert "many" in response.content.decode()  # what was typed is kept
    assert not OrganisationCharacteristic.objects.exists()


def test_another_trusts_characteristic_is_refused_and_not_listed(
    client, analyst, trust, other_trust
):
    services.set_characteristics([(other_trust, "beds", 900.0)], as_of=dt.date(2019, 3, 31))
    item = OrganisationCharacteristic.objects.get()
    client.force_login(analyst)
    assert client.get(reverse("impact:characteristic-edit", args=[item.pk])).status_code == 403
    response = client.post(
        reverse("impact:characteristic-edit", args=[item.pk]),
        {"name": "beds", "value": "1", "as_of": "2019-03-31"},
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.value == 900.0
    # Nor may they add one for the other trust by posting its id.
    response = client.post(
        reverse("impact:characteristic-new"),
        {"organisation": other_trust.pk, "name": "beds", "value": "1", "as_of": "2019-03-31"},
    )
    assert response.status_code == 400 and "organisation" in response.context["form"].errors
    listed = client.get(reverse("impact:characteristic-list")).context["rows"]
    assert listed == []


def test_characteristics_are_listed_a_page_at_a_time_with_the_filters_kept(
    client, analyst, trust, peers, django_assert_max_num_queries
):
    names = [f"feature_{n:03}" for n in range(CHARACTERISTICS_PAGE_SIZE + 5)]
    services.set_characteristics(
        [(trust, name, float(n)) for n, name in enumerate(names)], as_of=dt.date(2019, 3, 31)
    )
    services.set_characteristics([(peers[0], "beds", 1.0)], as_of=dt.date(2019, 3, 31))
    client.force_login(analyst)
    url = reverse("impact:characteristic-list")
    with django_assert_max_num_queries(12):
        first = client.get(url, {"organisation": trust.short_name})
    assert len(first.context["rows"]) == CHARACTERISTICS_PAGE_SIZE
    html = first.content.decode()
    assert f"organisation={trust.short_name}&amp;page=2" in html
    second = client.get(url, {"organisation": trust.short_name, "page": 2})
    assert [r["item"].name for r in second.context["rows"]] == names[-5:]
    # A peer trust's characteristics are public, but the analyst may not change them.
    peer_rows = client.get(url, {"organisation": peers[0].ods_code}).context["rows"]
    assert [(r["item"].name, r["may_change"]) for r in peer_rows] == [("beds", False)]
    assert client.get(url, {"page": "x"}).status_code == 200  # a bad page number is page 1


def test_an_analyst_changes_the_peers_starting_from_the_current_group(
    client, analyst, trust, peers
):
    services.set_manual_peers(trust, ["RP0", "RP1"])
    client.force_login(analyst)
    url = reverse("impact:peer-members", args=[trust.ods_code])
    assert client.get(url).context["form"]["peers"].initial == "RP0\nRP1"
    response = client.post(url, {"peers": "RP1\nRP2\nRP3", "notes": "Model Hospital 2019"})
    assert response.status_code == 302
    assert response.url == reverse("impact:peer-history", args=[trust.ods_code])
    groups = PeerGroup.objects.filter(trust=trust).order_by("-created_at", "-pk")
    assert groups.count() == 2  # the earlier group is kept
    assert groups[0].method == PeerMethod.MANUAL and groups[0].peer_codes() == ["RP1", "RP2", "RP3"]
    history = client.get(response.url).content.decode()
    assert "current" in history and "Model Hospital 2019" in history


def test_unknown_or_partner_peers_are_refused_on_the_peers_field(
    client, analyst, trust, other_trust, peers
):
    client.force_login(analyst)
    url = reverse("impact:peer-members", args=[trust.ods_code])
    response = client.post(url, {"peers": "RP0 ZZZ"})
    assert response.status_code == 400
    assert "Unknown organisation code(s): ZZZ." in response.context["form"].errors["peers"]
    response = client.post(url, {"peers": other_trust.ods_code})
    assert response.status_code == 400 and "peers" in response.context["form"].errors
    response = client.post(url, {"peers": ""})
    assert response.status_code == 400 and "peers" in response.context["form"].errors
    assert not PeerGroup.objects.exists()


def test_another_trusts_peers_are_refused(client, trust, other_trust, peers):
    leeds = user_with_roles(other_trust, Role.ANALYST, username="ltht")
    client.force_login(leeds)
    url = reverse("impact:peer-members", args=[trust.ods_code])
    assert client.get(url).status_code == 403
    assert client.post(url, {"peers": "RP0"}).status_code == 403
    assert client.get(reverse("impact:peer-history", args=[trust.ods_code])).status_code == 404
    assert not PeerGroup.objects.exists()


def test_a_characteristic_already_recorded_for_that_date_is_refused_on_the_date(
    client, analyst, trust
):
    services.set_characteristics([(trust, "beds", 600.0)], as_of=dt.date(2019, 3, 31))
    client.force_login(analyst)
    response = client.post(
        reverse("impact:characteristic-new"),
        {"organisation": trust.pk, "name": "beds", "value": "612", "as_of": "2019-03-31"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["as_of"]
    assert OrganisationCharacteristic.objects.get().value == 600.0


def test_a_measures_edit_page_shows_its_era_so_saving_keeps_it(client, regulator_user, measures):
    client.force_login(regulator_user)
    html = client.get(reverse("impact:measure-edit", args=["fft_ae_recommend"])).content.decode()
    # A date input shows only ISO dates: an en-GB 01/04/2013 would be blank, and lost on save.
    assert 'value="2013-04-01"' in html and 'value="2020-03-01"' in html


@pytest.mark.parametrize("size", [5, 120])
def test_the_characteristics_and_peer_history_pages_query_the_same_at_two_sizes(
    client, analyst, trust, peers, size, django_assert_max_num_queries
):
    services.set_characteristics(
        [(trust, f"feature_{n:03}", float(n)) for n in range(size)], as_of=dt.date(2019, 3, 31)
    )
    for n in range(min(size, 25)):
        services.set_manual_peers(trust, [peers[n % 4].ods_code], notes=f"group {n}")
    client.force_login(analyst)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("impact:characteristic-list")).status_code == 200
    with django_assert_max_num_queries(10):
        page = client.get(reverse("impact:peer-history", args=[trust.ods_code]))
    assert page.status_code == 200 and len(page.context["page"].object_list) == min(size, 10)
