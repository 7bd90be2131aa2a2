"""Recomputing a trust's network for a wave: a POST-only action of the wave page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from networks.services import SUMMARISE
from vmi_programme.models import Job

pytestmark = pytest.mark.django_db


def _url(trust, wave):
    return reverse("networks:wave-rerun", args=[trust.pk, wave.pk])


def test_the_kpo_starts_a_new_network_analysis(client, kpo_user, trust, wave):
    client.force_login(kpo_user)
    response = client.post(_url(trust, wave))
    assert response.status_code == 302
    assert response.url == reverse("networks:wave", args=[trust.pk, wave.pk])
    assert Job.objects.filter(kind=SUMMARISE, organisation=trust).count() == 1


def test_the_wave_page_posts_to_the_action(client, kpo_user, trust, wave):
    client.force_login(kpo_user)
    page = client.get(reverse("networks:wave", args=[trust.pk, wave.pk])).content.decode()
    assert f'action="{_url(trust, wave)}"' in page


def test_recomputing_is_post_only(client, kpo_user, trust, wave):
    client.force_login(kpo_user)
    assert client.get(_url(trust, wave)).status_code == 405


def test_another_trusts_kpo_may_not_recompute(client, other_kpo, trust, wave):
    client.force_login(other_kpo)
    assert client.post(_url(trust, wave)).status_code == 403
    assert not Job.objects.filter(kind=SUMMARISE).exists()


def test_the_wave_page_takes_no_post_now_recomputing_has_its_url(client, kpo_user, trust, wave):
    client.force_login(kpo_user)
    assert client.post(reverse("networks:wave", args=[trust.pk, wave.pk])).status_code == 405
