"""The training jobs that needed the admin or the API, as pages: programmes and modules, a
cohort's sessions, enrolling many people at once, and the assessment grid's date input."""

import datetime as dt

import pytest
from django.urls import reverse

from factories import PersonFactory, user_with_roles
from training import services
from training.models import Assessment, CohortSession, Enrolment, Module, Programme
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(trust, l4l, make_cohort):
    return make_cohort(l4l, trust)


@pytest.fixture
def own_programme(trust):
    return Programme.objects.create(
        organisation=trust, code="SASH-QI", name="SASH QI basics", assessment_method="homework"
    )


@pytest.fixture
def other_kpo(other_trust):
    return user_with_roles(other_trust, Role.KPO_FACILITATOR, username="ltht-kpo")


def counts():
    return (
        Programme.objects.count(),
        Module.objects.count(),
        CohortSession.objects.count(),
        Enrolment.objects.count(),
    )


@pytest.fixture
def pages(cohort, own_programme, trust):
    """Each form page's URL, a valid POST and an invalid one (with the field it names)."""
    session = CohortSession.objects.create(cohort=cohort, date=dt.date(2019, 1, 14))
    module = Module.objects.create(programme=own_programme, number=1, title="Seeing waste")
    PersonFactory(organisation=trust, full_name="Ann Lee", email="ann.lee@sash.nhs.uk")
    PersonFactory(organisation=trust, full_name="Bob Day", email="bob.day@sash.nhs.uk")
    programme = {
        "code": "SASH-LM",
        "name": "Lean for managers",
        "assessment_method": "homework",
        "order": "3",
    }
    return {
        "programme-new": (
            reverse("training:programme-new"),
            {"owner": str(trust.pk), **programme},
            {"owner": str(trust.pk), **programme, "code": ""},
            "code",
        ),
        "programme-edit": (
            reverse("training:programme-edit", args=[own_programme.pk]),
            {**programme, "code": "SASH-QI", "name": "QI basics, renamed"},
            {**programme, "code": "SASH-QI", "assessment_method": "exam"},
            "assessment_method",
        ),
        "module-new": (
            reverse("training:module-new", args=[own_programme.pk]),
            {"number": "2", "title": "Flow"},
            {"number": "1", "title": "A second module 1"},
            "number",  # the (programme, number) uniqueness, said on the number
        ),
        "module-edit": (
            reverse("training:module-edit", args=[module.pk]),
            {"number": "1", "title": "Seeing waste, renamed"},
            {"number": "0", "title": "Seeing waste"},
            "number",
        ),
        "session-new": (
            reverse("training:session-new", args=[cohort.pk]),
            {"date": "2019-01-21", "title": "Module 1"},
            {"date": "21/13/2019", "title": "Module 1"},
            "date",
        ),
        "session-edit": (
            reverse("training:session-edit", args=[session.pk]),
            {"date": "2019-01-15", "title": "Moved a day"},
            {"date": "", "title": "Moved a day"},
            "date",
        ),
        "enrol-many": (
            reverse("training:cohort-enrol-many", args=[cohort.pk]),
            {"people": "Ann Lee\nbob.day@sash.nhs.uk", "enrolled_on": "2019-01-02"},
            {"people": "Ann Lee\nNo Such Person", "enrolled_on": "2019-01-02"},
            "people",
        ),
    }


NAMES = [
    "programme-new",
    "programme-edit",
    "module-new",
    "module-edit",
    "session-new",
    "session-edit",
    "enrol-many",
]


@pytest.mark.parametrize("name", NAMES)
def test_each_page_shows_its_form_and_saves_a_valid_submit(client, kpo_user, pages, name):
    url, valid, _invalid, _field = pages[name]
    client.force_login(kpo_user)
    assert client.get(url).status_code == 200
    before = counts()
    response = client.post(url, valid)
    assert response.status_code == 302, response.content.decode()[:2000]
    if name.endswith("-new"):
        assert counts() != before
    elif name == "enrol-many":
        assert Enrolment.objects.count() == before[3] + 2


@pytest.mark.parametrize("name", NAMES)
def test_each_page_refuses_another_method(client, kpo_user, pages, name):
    url, valid, _invalid, _field = pages[name]
    client.force_login(kpo_user)
    assert client.put(url, valid).status_code == 405


@pytest.mark.parametrize("name", NAMES)
def test_each_page_refuses_another_trusts_kpo_and_writes_nothing(client, other_kpo, pages, name):
    url, valid, _invalid, _field = pages[name]
    client.force_login(other_kpo)
    before = counts()
    if name != "programme-new":  # any KPO may create a programme of their own trust
        assert client.get(url).status_code == 403
        assert client.post(url, valid).status_code == 403
    else:
        # ... but not one of another trust: the owner is not among their choices.
        assert client.post(url, valid).status_code == 400
    assert counts() == before


@pytest.mark.parametrize("name", NAMES)
def test_each_page_shows_a_field_error_and_writes_nothing(client, kpo_user, pages, name):
    url, _valid, invalid, field = pages[name]
    client.force_login(kpo_user)
    before = counts()
    names = set(Programme.objects.values_list("name", flat=True))
    response = client.post(url, invalid)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors
    assert field in form.errors, form.errors  # every refusal names the field to change
    assert "__all__" not in form.errors
    assert counts() == before
    assert set(Programme.objects.values_list("name", flat=True)) == names


def test_a_kpo_cannot_change_a_partnership_programme_but_the_regulator_can(
    client, kpo_user, regulator_user, l4l
):
    url = reverse("training:programme-edit", args=[l4l.pk])
    client.force_login(kpo_user)
    assert client.get(url).status_code == 403
    listing = client.get(reverse("training:programmes")).content.decode()
    assert url not in listing  # no link to a page the role may not open
    client.force_login(regulator_user)
    response = client.post(
        url,
        {"code": "L4L", "name": "Lean for Leaders", "assessment_method": "homework", "order": "1"},
    )
    assert response.status_code == 302
    l4l.refresh_from_db()
    assert l4l.name == "Lean for Leaders"


def test_the_regulator_creates_a_partnership_programme(client, regulator_user):
    client.force_login(regulator_user)
    response = client.post(
        reverse("training:programme-new"),
        {
            "owner": "partnership",
            "code": "ALT2",
            "name": "ALT",
            "assessment_method": "teach_back",
            "order": "2",
        },
    )
    assert response.status_code == 302
    assert Programme.objects.get(code="ALT2").organisation is None


def test_a_session_cannot_cover_another_programmes_module(client, kpo_user, cohort, own_programme):
    module = Module.objects.create(programme=own_programme, number=1, title="Not L4L")
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:session-new", args=[cohort.pk]),
        {"date": "2019-01-21", "module": module.pk},
    )
    assert response.status_code == 400
    assert "module" in response.context["form"].errors
    assert not CohortSession.objects.exists()


def test_enrolling_25_people_in_one_submit_takes_a_bounded_number_of_queries(
    client, kpo_user, cohort, trust, django_assert_max_num_queries
):
    people = [
        PersonFactory(organisation=trust, full_name=f"Person {n:02}", email=f"p{n}@sash.nhs.uk")
        for n in range(25)
    ]
    lines = [p.full_name if n % 2 else p.email.upper() for n, p in enumerate(people)]
    client.force_login(kpo_user)
    # 17 queries measured for 25 people: one match query and one insert whatever the count.
    with django_assert_max_num_queries(20):
        response = client.post(
            reverse("training:cohort-enrol-many", args=[cohort.pk]),
            {"people": "\n".join(lines) + "\n\n", "enrolled_on": "2019-01-02"},
        )
    assert response.status_code == 302
    assert set(cohort.enrolments.values_list("person_id", flat=True)) == {p.pk for p in people}


def test_enrolling_many_is_all_or_nothing_and_names_each_wrong_line(
    client, kpo_user, cohort, trust, other_trust
):
    PersonFactory(organisation=trust, full_name="Ann Lee")
    PersonFactory(organisation=trust, full_name="Sam Twin", email="sam1@sash.nhs.uk")
    PersonFactory(organisation=trust, full_name="Sam Twin", email="sam2@sash.nhs.uk")
    PersonFactory(organisation=other_trust, full_name="Lee Leeds")
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:cohort-enrol-many", args=[cohort.pk]),
        {"people": "Ann Lee\nSam Twin\nLee Leeds\nann lee", "enrolled_on": "2019-01-02"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["people"]
    assert errors[0].startswith("Line 2: more than one person")
    assert errors[1].startswith("Line 3: no one at SASH")
    assert errors[2] == "Line 4: Ann Lee is already on line 1."
    assert not Enrolment.objects.exists()


def test_enrolling_someone_who_completed_the_programme_warns_and_says_what_counts(
    client, kpo_user, trust, l4l, make_cohort
):
    graduate = PersonFactory(organisation=trust, full_name="Gail Grad")
    old = make_cohort(l4l, trust, name="2016", starts_on=dt.date(2016, 1, 4))
    enrolment, _ = services.enrol(graduate, old, dt.date(2016, 1, 4))
    for module in l4l.modules.all():
        services.record_assessment(
            enrolment,
            module,
            submitted_on=dt.date(2016, 6, 1),
            result="pass",
            assessed_on=dt.date(2016, 6, 2),
        )
    new = make_cohort(l4l, trust, name="2019")
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:cohort-enrol-many", args=[new.pk]),
        {"people": "Gail Grad", "enrolled_on": "2019-01-02"},
        follow=True,
    )
    text = response.content.decode()
    assert "Gail Grad already completed L4L on 02 June 2016" in text
    assert "Their earlier passes are not copied" in text
    assert "(earlier cohort)" in text  # the new cohort's grid says where the passes came from
    assert Enrolment.objects.filter(cohort=new, person=graduate).exists()
    # Nothing was copied: the passes stay on the old enrolment.
    assert Assessment.objects.filter(enrolment__cohort=new).count() == 0


def test_the_assessment_grid_asks_for_the_date_with_a_date_input(client, kpo_user, cohort):
    client.force_login(kpo_user)
    text = client.get(reverse("training:grid", args=[cohort.pk])).content.decode()
    assert 'type="date"' in text and 'name="assessed_on"' in text


def test_the_programme_list_shows_the_programmes_with_a_bounded_number_of_queries(
    client, kpo_user, l4l, alt, own_programme, django_assert_max_num_queries
):
    client.force_login(kpo_user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("training:programmes"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "SASH-QI" in text and "ALT" in text
    assert reverse("training:programme-edit", args=[own_programme.pk]) in text
