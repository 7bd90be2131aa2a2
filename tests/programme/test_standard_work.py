"""Standard work: every change is a new version; earlier versions stay readable."""

import pytest
from django.core.exceptions import ValidationError

from factories import PersonFactory
from governance.models import StandardWorkVersion
from governance.services import daily_work


@pytest.fixture
def document(trust, kpo_user):
    return daily_work.create_standard_work(
        organisation=trust,
        owner=PersonFactory(organisation=trust),
        title="Flipping a ward to COVID-19 care",
        steps=["Agree the flip", "Move patients"],
        emergency_response=True,
        changed_by=kpo_user,
    )


def test_revising_writes_a_new_version_and_keeps_the_old(document, kpo_user):
    daily_work.revise_standard_work(
        document,
        title="Flipping a ward",
        steps=["Agree the flip", "Move patients", "Check O2"],
        reason="Oxygen ran short",
        changed_by=kpo_user,
    )
    document.refresh_from_db()
    versions = list(document.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and document.current_version == 2
    assert versions[0].steps == ["Agree the flip", "Move patients"]
    assert versions[0].title == "Flipping a ward to COVID-19 care"
    assert versions[1].reason == "Oxygen ran short" and versions[1].changed_by == kpo_user


def test_a_saved_version_cannot_be_overwritten(document):
    version = document.versions.get()
    version.steps = ["Something else"]
    with pytest.raises(ValidationError):
        version.save()
    assert StandardWorkVersion.objects.get(pk=version.pk).steps == [
        "Agree the flip",
        "Move patients",
    ]


def test_a_version_needs_steps_and_a_reason(document):
    with pytest.raises(ValidationError) as excinfo:
        daily_work.revise_standard_work(document, title="x", steps=[], reason="why")
    assert "steps" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        daily_work.revise_standard_work(document, title="x", steps=["a"], reason=" ")
    assert "reason" in excinfo.value.message_dict


def test_revise_page_keeps_typing_and_names_the_field_on_error(document, client, kpo_user):
    client.force_login(kpo_user)
    response = client.post(
        f"/daily-work/standard-work/{document.pk}/revise/",
        {"title": "New title I typed", "steps": "Step one\nStep two", "reason": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and 'href="#id_reason"' in page
    assert "New title I typed" in page and "Step one\nStep two" in page
    response = client.post(
        f"/daily-work/standard-work/{document.pk}/revise/",
        {"title": "New title", "steps": "Step one\nStep two", "reason": "Clearer"},
    )
    assert response.status_code == 302
    old = client.get(f"/daily-work/standard-work/{document.pk}/versions/1/").content.decode()
    assert "Move patients" in old and "An earlier version" in old


def test_api_refuses_content_change_without_a_new_version(document, client, kpo_user):
    client.force_login(kpo_user)
    url = f"/api/standard-work/{document.pk}/"
    client.patch(url, {"title": "Sneaky"}, content_type="application/json")
    assert document.versions.get().title == "Flipping a ward to COVID-19 care"
    response = client.post(
        url + "revise/",
        {"title": "T", "steps": ["a"], "reason": "r"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["number"] == 2
    assert document.versions.count() == 2
