"""One error shape for the API, and a refused delete answers 409 in the API and on the pages."""

import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST
from rest_framework.decorators import api_view
from rest_framework.test import APIClient

from factories import OrganisationFactory, PersonFactory
from rpiw.models import Rpiw, ValueStream
from training.models import Cohort, Programme
from vmi_programme import urls as project_urls
from vmi_programme.errors import blocked_delete
from vmi_programme.models import Organisation

pytestmark = pytest.mark.django_db

RAISED = {
    "field": ValidationError({"name": "Give a name.", "__all__": "The dates overlap."}),
    "message": ValidationError("This change request is already Approved."),
    "messages": ValidationError(["First problem.", "Second problem."]),
    "forbidden": PermissionDenied("Only an executive of this trust may decide."),
    "missing": Http404("No such meeting."),
}


@api_view(["POST"])
def raise_error(request, kind):
    """An endpoint whose service raises one of Django's own exceptions."""
    raise RAISED[kind]


@require_POST
def delete_organisation(request, pk):
    """A page action that deletes without catching what the database refuses."""
    get_object_or_404(Organisation, pk=pk).delete()
    return redirect("home")


@pytest.fixture
def test_urls(settings):
    """The project's URLs plus one API endpoint that raises and one page that deletes."""
    urlconf = types.ModuleType("api_errors_test_urls")
    urlconf.urlpatterns = [
        path("api/test-errors/<str:kind>/", raise_error),
        path("test-delete-organisation/<int:pk>/", delete_organisation),
        *project_urls.urlpatterns,
    ]
    settings.ROOT_URLCONF = urlconf  # Django clears its URL caches when this setting changes


@pytest.fixture
def api(kpo_user):
    client = APIClient()
    client.force_authenticate(kpo_user)
    return client


def test_a_django_validation_error_names_fields_and_puts_the_rest_under_non_field_errors(
    api, test_urls
):
    response = api.post("/api/test-errors/field/")
    assert response.status_code == 400
    assert response.json() == {
        "name": ["Give a name."],
        "non_field_errors": ["The dates overlap."],
    }


@pytest.mark.parametrize(
    ("kind", "messages"),
    [
        ("message", ["This change request is already Approved."]),
        ("messages", ["First problem.", "Second problem."]),
    ],
)
def test_a_validation_error_without_a_field_is_a_non_field_error(api, test_urls, kind, messages):
    response = api.post(f"/api/test-errors/{kind}/")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": messages}


def test_permission_denied_and_not_found_keep_their_message(api, test_urls):
    forbidden = api.post("/api/test-errors/forbidden/")
    assert forbidden.status_code == 403
    assert forbidden.json() == {"detail": "Only an executive of this trust may decide."}
    missing = api.post("/api/test-errors/missing/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No such meeting."}


def test_a_serializer_field_error_keeps_drf_s_shape(api):
    response = api.post("/api/jobs/", {"kind": "no.such.kind"}, format="json")
    assert response.status_code == 400
    assert response.json()["kind"][0].startswith("Unknown job kind.")


def test_a_page_that_deletes_a_record_others_depend_on_answers_the_409_page(
    client, kpo_user, test_urls
):
    sister = OrganisationFactory(short_name="ESHT", name="East Sussex Healthcare NHS Trust")
    PersonFactory.create_batch(2, organisation=sister)
    client.force_login(kpo_user)
    response = client.post(
        f"/test-delete-organisation/{sister.pk}/", HTTP_REFERER="http://testserver/organisations/"
    )
    assert response.status_code == 409
    assert [t.name for t in response.templates][:2] == ["409.html", "base.html"]
    page = response.content.decode()
    assert "This organisation cannot be deleted: 2 people depend on it." in page
    assert 'href="http://testserver/organisations/"' in page
    assert Organisation.objects.filter(pk=sister.pk).exists()


def test_the_409_page_links_home_rather_than_to_another_site(client, kpo_user, test_urls):
    sister = OrganisationFactory(short_name="ESHT", name="East Sussex Healthcare NHS Trust")
    PersonFactory(organisation=sister)
    client.force_login(kpo_user)
    response = client.post(
        f"/test-delete-organisation/{sister.pk}/", HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 409
    assert "1 person depends on it." in response.content.decode()
    assert "evil.example" not in response.content.decode()
    assert '<a href="/">Go back</a>' in response.content.decode()


def test_a_refused_delete_counts_each_kind_of_dependent_by_its_plural_name(trust):
    stream = ValueStream(organisation=trust, name="Outpatients")
    programme = Programme(code="L4L", name="Lean for Leaders")
    dependents = [Rpiw(value_stream=stream), Rpiw(value_stream=stream), Cohort(programme=programme)]
    refused = RestrictedError(
        "Cannot delete some instances of model 'ValueStream' because they are referenced "
        "through restricted foreign keys: 'Rpiw.value_stream'.",
        dependents,
    )
    blocked = blocked_delete(refused)
    assert blocked.dependents == {"RPIWs": 2, "cohorts": 1}
    assert (
        blocked.message == "This value stream cannot be deleted: 2 RPIWs and 1 cohort depend on it."
    )


def test_a_refused_delete_of_an_unknown_model_still_reads_well():
    refused = ProtectedError("something else", [Cohort()])
    assert (
        blocked_delete(refused).message == "This record cannot be deleted: 1 cohort depends on it."
    )
