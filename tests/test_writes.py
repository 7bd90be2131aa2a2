"""The one write helper: save_validated, and model_update with its list of editable fields."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factories import PersonFactory, UserFactory
from vmi_programme.models import Person
from vmi_programme.writes import model_update, save_validated

pytestmark = pytest.mark.django_db

EDITABLE = ("full_name", "job_title", "email", "user")


@pytest.fixture
def person(trust):
    return PersonFactory(organisation=trust, full_name="Ann Lee", job_title="Ward manager")


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]


def test_save_validated_validates_then_saves_and_returns_the_object(trust):
    person = save_validated(Person(organisation=trust, full_name="Ann Lee"))
    assert person.pk and Person.objects.get(pk=person.pk).full_name == "Ann Lee"
    with pytest.raises(ValidationError):
        save_validated(Person(organisation=trust, full_name=""))
    assert Person.objects.count() == 1


def test_model_update_saves_only_the_listed_fields_that_changed(person):
    person.department = "Changed in memory only"  # not on the list, so never written
    with CaptureQueriesContext(connection) as queries:
        person, updated = model_update(
            instance=person, fields=EDITABLE, data={"job_title": "Matron", "full_name": "Ann Lee"}
        )
    assert updated
    [update] = _updates(queries)
    assert '"job_title"' in update and '"full_name"' not in update
    assert '"department"' not in update
    stored = Person.objects.get(pk=person.pk)
    assert (stored.job_title, stored.department) == ("Matron", "")


def test_model_update_refuses_an_owning_foreign_key_and_sets_nothing(person, other_trust):
    with pytest.raises(TypeError, match="organisation"):
        model_update(
            instance=person,
            fields=EDITABLE,
            data={"organisation": other_trust, "job_title": "Matron"},
        )
    assert person.job_title == "Ward manager"
    stored = Person.objects.get(pk=person.pk)
    assert (stored.organisation_id, stored.job_title) == (person.organisation_id, "Ward manager")


def test_model_update_lets_validation_errors_through_and_saves_nothing(person):
    with pytest.raises(ValidationError) as excinfo:
        model_update(
            instance=person, fields=EDITABLE, data={"job_title": "Matron", "email": "not-an-email"}
        )
    assert "email" in excinfo.value.message_dict
    assert Person.objects.get(pk=person.pk).job_title == "Ward manager"


def test_model_update_with_unchanged_data_neither_validates_nor_saves(person, trust):
    with CaptureQueriesContext(connection) as queries:
        _, updated = model_update(
            instance=person,
            fields=EDITABLE,
            data={"full_name": "Ann Lee", "job_title": "Ward manager", "user": None},
        )
    assert not updated
    # One read of the stored values (a foreign key by its key, never loading the related row).
    assert len(queries) == 1 and not _updates(queries)


def test_model_update_saves_a_change_already_made_to_the_instance_as_a_model_form_does(person):
    person.job_title = "Matron"  # a ModelForm bound to the instance sets it while validating
    _, updated = model_update(instance=person, fields=EDITABLE, data={"job_title": "Matron"})
    assert updated and Person.objects.get(pk=person.pk).job_title == "Matron"


def test_model_update_compares_a_foreign_key_by_its_key(person):
    user = UserFactory()
    _, updated = model_update(instance=person, fields=EDITABLE, data={"user": user})
    assert updated and Person.objects.get(pk=person.pk).user_id == user.pk
    fresh = Person.objects.get(pk=person.pk)
    _, updated = model_update(instance=fresh, fields=EDITABLE, data={"user": user})
    assert not updated


def test_model_update_inserts_an_unsaved_instance_whole(trust):
    person, updated = model_update(
        instance=Person(organisation=trust), fields=EDITABLE, data={"full_name": "Bo Chan"}
    )
    assert updated and Person.objects.get(pk=person.pk).full_name == "Bo Chan"


def test_model_update_refuses_a_list_naming_what_is_not_a_field(person):
    with pytest.raises(ValueError, match="nickname"):
        model_update(instance=person, fields=("nickname",), data={})
    with pytest.raises(ValueError, match="user_id"):
        model_update(instance=person, fields=("user_id",), data={})


def test_model_update_also_saves_the_auto_now_fields(trust):
    from rpiw import services as rpiw_services
    from rpiw.models import MeasureKind

    stream = rpiw_services.save_value_stream(
        organisation=trust, name="Outpatients", started_on=dt.date(2016, 1, 4)
    )
    rpiw = rpiw_services.create_rpiw(
        stream, title="Clinic letters", workshop_start=dt.date(2019, 1, 7), planning=False
    )
    measure = rpiw_services.add_measure(rpiw, kind=MeasureKind.OTHER, name="Letters sent")
    measurement = rpiw_services.record_measurement(measure, 0, value=40)
    with CaptureQueriesContext(connection) as queries:
        model_update(instance=measurement, fields=("note",), data={"note": "Re-counted"})
    [update] = _updates(queries)
    assert '"note"' in update and '"recorded_at"' in update and '"value"' not in update
