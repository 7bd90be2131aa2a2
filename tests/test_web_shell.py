"""Login, the landing page per role, navigation and the error pages."""

import pytest
from django.http import HttpRequest

from factories import user_with_roles
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/organisations/")
    assert response.status_code == 302
    assert response.url.startswith("/login/?next=/organisations/")


def test_login_page_is_served_with_the_nhs_design_system(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-frontend.min.css" in html
    assert "assets.nhs.uk" not in html and "cdn" not in html.lower()


def test_wrong_credentials_give_a_clear_message(client, kpo_user):
    response = client.post("/login/", {"username": "kpo", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_a_kpo_facilitator_lands_on_their_trusts_home_page(client, kpo_user):
    # django-axes checks each sign-in against its request: the test client's login needs one.
    assert client.login(request=HttpRequest(), username="kpo", password="correct-horse-battery")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Surrey and Sussex Healthcare NHS Trust" in html
    assert "KPO facilitator" in html
    assert "Plan and log RPIWs" in html


def test_a_regulator_sees_the_regulator_introduction(client, regulator_user):
    client.force_login(regulator_user)
    html = client.get("/").content.decode()
    assert "View the partnership side by side" in html


def test_the_admin_link_is_shown_only_to_administrators(client, trust, kpo_user):
    admin = user_with_roles(trust, Role.ADMINISTRATOR, username="boss", is_staff=True)
    client.force_login(kpo_user)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    client.force_login(admin)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_an_unknown_url_gives_a_404_page_without_a_traceback(client, kpo_user):
    client.force_login(kpo_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_job_of_another_trust_is_forbidden(client, kpo_user, other_trust):
    from vmi_programme.models import Job

    job = Job.objects.create(kind="programme.echo", organisation=other_trust)
    client.force_login(kpo_user)
    response = client.get(f"/jobs/{job.pk}/")
    assert response.status_code == 403
    assert "You do not have permission" in response.content.decode()


def test_a_kpo_cannot_open_the_admin(client, kpo_user):
    client.force_login(kpo_user)
    response = client.get("/admin/")
    assert response.status_code == 302  # to the admin login: not staff


def test_organisation_list_shows_only_own_trust_to_a_kpo(client, kpo_user, other_trust):
    client.force_login(kpo_user)
    html = client.get("/organisations/").content.decode()
    assert "SASH" in html and "LTHT" not in html


def test_organisation_list_query_count_is_bounded(
    client, regulator_user, django_assert_max_num_queries
):
    from factories import OrganisationFactory

    OrganisationFactory.create_batch(60)
    client.force_login(regulator_user)
    with django_assert_max_num_queries(8):
        assert client.get("/organisations/").status_code == 200


def test_page_names_resolve_to_pages_not_to_api_routes_of_the_same_name():
    from django.urls import reverse

    assert reverse("job-detail", args=[1]) == "/jobs/1/"
    assert reverse("meeting-detail", args=[1]).startswith("/governance/")
    assert reverse("api:job-detail", args=[1]) == "/api/jobs/1/"
