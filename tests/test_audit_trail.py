"""The audit trail: every domain write leaves a historical row saying who, when, what and from
where (web, API, admin, import, job, command), and /audit/ shows each reader what they may audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from factories import OrganisationFactory, PersonFactory, user_with_roles
from governance.models import Team
from impact.models import Measure as ImpactMeasure
from rpiw import services as rpiw_services
from rpiw.models import PlanningTask, Rpiw
from training.models import Assessment, Enrolment, Module, Programme
from vmi_programme import audit, imports, jobs
from vmi_programme.audit import HistoricalAudit
from vmi_programme.imports import Column, ImportSpec, RowCleaner
from vmi_programme.models import Organisation, Person, Role, RoleAssignment

pytestmark = pytest.mark.django_db

AUDITED_APPS = ("vmi_programme", "governance", "training", "rpiw", "compact", "networks", "impact")
# Not audited, on purpose (ADR 11): the job and import records are themselves records of who
# did what; notifications and reminder stamps are per-user messages written by a daily task.
NOT_AUDITED = {
    "vmi_programme.job",
    "vmi_programme.importbatch",
    "rpiw.notification",
    "rpiw.followupreminder",
    # The person-to-stand-in link retention deletes when done: a history would keep it.
    "vmi_programme.pseudonym",
}


def latest(model, **filters):
    return model.history.filter(**filters).order_by("-history_date", "-history_id").first()


@pytest.fixture
def admin_user(trust):
    return user_with_roles(trust, Role.ADMINISTRATOR, username="admin", is_staff=True)


@pytest.fixture
def kpo_lead(trust):
    return user_with_roles(trust, Role.KPO_LEAD, username="lead")


@pytest.fixture
def api(kpo_user):
    client = APIClient()
    client.force_authenticate(kpo_user)
    return client


# --- Every model keeps a history ----------------------------------------------------------------


def test_every_domain_model_keeps_an_audited_history_except_the_named_exclusions():
    for app_label in AUDITED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if issubclass(model, HistoricalAudit):
                continue
            label = model._meta.label_lower
            audited = (
                issubclass(getattr(model, "history", object).model, HistoricalAudit)
                if hasattr(model, "history")
                else False
            )
            assert audited == (label not in NOT_AUDITED), label


# --- Where a change came from -------------------------------------------------------------------


def test_a_team_added_through_a_page_is_recorded_as_created_on_the_web_by_its_user(
    client, kpo_user, trust
):
    client.force_login(kpo_user)
    response = client.post(reverse("team-create"), {"name": "Ward 7", "kind": "ward"})
    assert response.status_code == 302
    record = latest(Team)
    assert (record.history_type, record.history_source) == ("+", "web")
    assert record.history_user == kpo_user
    assert record.history_owner_id == trust.pk
    assert record.history_ip_address == "127.0.0.1"
    assert record.history_object_repr.startswith("Ward 7")


def test_a_team_changed_and_deleted_through_the_api_leaves_a_change_and_a_deletion(
    api, kpo_user, trust
):
    team = Team.objects.create(organisation=trust, name="Ward 8")
    changed = api.patch(f"/api/teams/{team.pk}/", {"name": "Ward 8 East"}, format="json")
    assert changed.status_code == 200, changed.content
    record = latest(Team, id=team.pk)
    assert (record.history_type, record.history_source, record.history_user) == (
        "~",
        "api",
        kpo_user,
    )
    assert record.name == "Ward 8 East"

    assert api.delete(f"/api/teams/{team.pk}/").status_code == 204
    gone = latest(Team, id=team.pk)
    assert (gone.history_type, gone.history_source, gone.history_user) == ("-", "api", kpo_user)
    assert gone.history_owner_id == trust.pk  # still filed under its trust


def test_a_programme_created_through_the_training_api_is_recorded_from_the_api(trust):
    admin = user_with_roles(trust, Role.ADMINISTRATOR)
    client = APIClient()
    client.force_authenticate(admin)
    response = client.post(
        "/api/training/programmes/",
        {
            "code": "AUD",
            "name": "Audit course",
            "assessment_method": "homework",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    record = latest(Programme, code="AUD")
    assert (record.history_type, record.history_source, record.history_user) == ("+", "api", admin)
    assert record.history_owner_id is None  # a partnership programme


def test_an_rpiw_created_through_the_api_is_recorded_with_its_bulk_written_planning(
    client, kpo_user, trust
):
    stream = rpiw_services.save_value_stream(
        organisation=trust, name="Outpatients", started_on=dt.date(2016, 1, 4)
    )
    client.force_login(kpo_user)
    created = client.post(
        "/api/rpiw/rpiws/",
        {"value_stream": stream.pk, "title": "Letters", "workshop_start": "2019-01-07"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    record = latest(Rpiw, id=created.json()["id"])
    assert (record.history_type, record.history_source, record.history_user) == (
        "+",
        "api",
        kpo_user,
    )
    assert record.history_owner_id == trust.pk  # through its value stream
    tasks = PlanningTask.objects.filter(rpiw_id=record.id).count()
    planning = PlanningTask.history.filter(
        rpiw_id=record.id, history_source="api", history_type="+"
    )
    assert tasks > 0 and planning.count() == tasks


def test_a_change_in_the_admin_site_is_recorded_from_the_admin(client, trust):
    superuser = user_with_roles(trust, Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    other = OrganisationFactory(short_name="AUDX")
    url = reverse("admin:vmi_programme_organisation_delete", args=[other.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    record = latest(Organisation, id=other.pk)
    assert (record.history_type, record.history_source, record.history_user) == (
        "-",
        "admin",
        superuser,
    )


def test_a_write_outside_a_request_is_recorded_as_a_command_without_a_user(trust):
    trust.headcount = 6100
    trust.save()
    record = latest(Organisation, id=trust.pk)
    assert (record.history_type, record.history_source, record.history_user) == (
        "~",
        "command",
        None,
    )
    assert record.history_owner_id == trust.pk


def test_a_models_own_source_field_is_kept_apart_from_where_the_change_came_from():
    measure = ImpactMeasure.objects.create(
        code="fft_test", name="FFT", direction="higher", source="NHS England FFT"
    )
    record = latest(ImpactMeasure, id=measure.pk)
    assert (record.source, record.history_source) == ("NHS England FFT", "command")


def test_a_deleted_person_leaves_deletions_of_their_roles_filed_under_their_trust(trust):
    user = user_with_roles(trust, Role.ANALYST)
    person = Person.objects.get(user=user)
    person_id = person.pk
    # The role assignment goes by cascade; Django reports its deletion after the person's row
    # is gone, so its trust is looked up before.
    person.delete()
    role = latest(RoleAssignment, person_id=person_id)
    assert role.history_type == "-"
    assert role.history_owner_id == trust.pk


class PeopleImport(ImportSpec):
    name = "tests.audit_people"
    title = "Import people (audit test)"
    columns = [Column("name", "Full name")]

    def clean_row(self, row, ctx):
        c = RowCleaner(row)
        return c.result(name=c.text("name"))

    def write(self, rows, ctx):
        audit.bulk_create(
            Person, (Person(organisation=ctx.organisation, full_name=r["name"]) for r in rows)
        )
        Person.objects.create(organisation=ctx.organisation, full_name="One by one")
        return {"people": len(rows) + 1}


def test_rows_an_import_writes_are_recorded_from_the_import_by_who_confirmed_it(kpo_user, trust):
    imports.register(PeopleImport())
    upload = SimpleUploadedFile("people.csv", b"Full name\nAnn Lee\nBob Roe\n")
    result = imports.preview(
        imports.get_spec(PeopleImport.name), upload, kpo_user, organisation=trust
    )
    assert result.is_valid
    imports.commit(result.batch, kpo_user)
    records = Person.history.filter(full_name__in=["Ann Lee", "Bob Roe", "One by one"])
    assert records.count() == 3
    for record in records:
        assert (record.history_type, record.history_source, record.history_user) == (
            "+",
            "import",
            kpo_user,
        )
        assert record.history_owner_id == trust.pk


ENROLMENTS = (
    "Programme,Cohort,Cohort start date,Participant,Email,Professional group,Enrolled on,Status\n"
    "L4L,L4L cohort 9,2019-01-07,Ann Lee,ann.lee@sash.nhs.uk,nursing,2018-12-20,in progress\n"
)
ASSESSMENTS = "Email,Cohort,Programme,Module,Submitted on,Result,Assessed on\n" + "".join(
    f"ann.lee@sash.nhs.uk,L4L cohort 9,L4L,{m},2019-0{m + 1}-01,pass,2019-0{m + 1}-08\n"
    for m in range(1, 3)
)


def test_a_training_import_records_its_enrolments_and_bulk_written_assessments(kpo_user, trust):
    programme = Programme.objects.create(code="L4L", name="L4L", assessment_method="homework")
    for number in (1, 2):
        Module.objects.create(programme=programme, number=number, title=f"Module {number}")
    for spec, text in (("training.enrolments", ENROLMENTS), ("training.assessments", ASSESSMENTS)):
        upload = SimpleUploadedFile("file.csv", text.encode())
        result = imports.preview(imports.get_spec(spec), upload, kpo_user, organisation=trust)
        assert not result.errors, [str(e) for e in result.errors]
        imports.commit(result.batch, kpo_user)
    enrolment = Enrolment.history.get()
    assert (enrolment.history_type, enrolment.history_source, enrolment.history_user) == (
        "+",
        "import",
        kpo_user,
    )
    assessments = Assessment.history.all()
    assert assessments.count() == 2  # written with bulk_create, each recorded
    assert {(a.history_type, a.history_source, a.history_user_id) for a in assessments} == {
        ("+", "import", kpo_user.pk)
    }
    assert {a.history_owner_id for a in assessments} == {trust.pk}


@jobs.job_kind("tests.audit_rename")
def _rename(job, organisation: int, name: str) -> dict:
    target = Organisation.objects.get(pk=organisation)
    target.name = name
    target.save()
    return {}


@pytest.mark.usefixtures("jobs_run_here")
def test_a_record_a_job_changes_is_recorded_from_the_job_by_who_started_it(kpo_user, trust):
    job = jobs.submit(
        "tests.audit_rename", {"organisation": trust.pk, "name": "Renamed"}, user=kpo_user
    )
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    record = latest(Organisation, id=trust.pk)
    assert (record.history_type, record.history_source, record.history_user) == (
        "~",
        "job",
        kpo_user,
    )


def test_bulk_writes_through_the_helper_are_recorded_and_seeding_is_not(trust):
    created = audit.bulk_create(Team, [Team(organisation=trust, name=f"W{i}") for i in range(3)])
    assert Team.history.filter(id__in=[t.pk for t in created], history_type="+").count() == 3
    with audit.not_recorded():
        Team.objects.create(organisation=trust, name="Seeded")
        audit.bulk_create(Team, [Team(organisation=trust, name="Seeded too")])
    assert not Team.history.filter(name__startswith="Seeded").exists()


# --- The page -----------------------------------------------------------------------------------


@pytest.fixture
def trail(trust, other_trust):
    """A trust's team, another trust's team, and a partnership programme, each changed once."""
    own = Team.objects.create(organisation=trust, name="Own ward")
    own.name = "Own ward (renamed)"
    own.save()
    Team.objects.create(organisation=other_trust, name="Their ward")
    Programme.objects.create(
        code="PARTNERSHIPCOURSE", name="Partnership course", assessment_method="homework"
    )
    return own


def shown(response) -> str:
    return response.content.decode()


def test_an_administrator_reads_every_change_with_what_changed(client, admin_user, trail):
    client.force_login(admin_user)
    page = shown(client.get(reverse("audit-trail")))
    assert "Own ward (renamed)" in page and "Their ward" in page and "PARTNERSHIPCOURSE" in page
    assert "Own ward → Own ward (renamed)" in page  # the changed field, before and after


def test_a_kpo_lead_reads_only_their_trusts_records(client, kpo_lead, trail):
    client.force_login(kpo_lead)
    page = shown(client.get(reverse("audit-trail")))
    assert "Own ward" in page
    assert "Their ward" not in page and "PARTNERSHIPCOURSE" not in page


def test_the_regulator_reads_only_partnership_records(client, regulator_user, trail):
    client.force_login(regulator_user)
    page = shown(client.get(reverse("audit-trail")))
    assert "PARTNERSHIPCOURSE" in page
    assert "Own ward" not in page and "Their ward" not in page


@pytest.mark.parametrize(
    "role", [Role.KPO_FACILITATOR, Role.EXECUTIVE, Role.ANALYST, Role.TGB_MEMBER]
)
def test_other_roles_may_not_read_the_trail_nor_see_it_in_the_navigation(client, trust, role):
    client.force_login(user_with_roles(trust, role))
    assert client.get(reverse("audit-trail")).status_code == 403
    assert reverse("audit-trail") not in shown(client.get(reverse("home")))


def test_the_navigation_offers_the_trail_to_a_kpo_lead(client, kpo_lead):
    client.force_login(kpo_lead)
    assert reverse("audit-trail") in shown(client.get(reverse("home")))


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("audit-trail"))
    assert response.status_code == 302 and "/login/" in response.url


def test_the_trail_answers_only_get(client, admin_user):
    client.force_login(admin_user)
    assert client.post(reverse("audit-trail")).status_code == 405


def test_the_trail_filters_by_record_kind_source_user_and_dates(
    client, admin_user, kpo_user, trust, trail
):
    client.force_login(admin_user)
    url = reverse("audit-trail")
    by_kind = shown(client.get(url, {"kind": "training.programme"}))
    assert "PARTNERSHIPCOURSE" in by_kind and "Own ward" not in by_kind
    assert "Own ward" not in shown(client.get(url, {"source": "web"}))
    assert "Own ward" in shown(client.get(url, {"source": "command"}))
    assert "Own ward" not in shown(client.get(url, {"user": "kpo"}))
    assert "No changes you can see" in shown(client.get(url, {"user": "nobody-at-all"}))
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert "Own ward" not in shown(client.get(url, {"since": tomorrow}))
    assert "Own ward" in shown(client.get(url, {"until": tomorrow}))


def _changes(trust, count: int) -> None:
    for i in range(count):
        team = Team.objects.create(organisation=trust, name=f"Team {i}")
        team.name = f"Team {i} renamed"
        team.save()
        person = PersonFactory(organisation=trust)
        person.job_title = "Matron"
        person.save()


@pytest.mark.parametrize("size", [2, 40])
def test_a_page_of_the_trail_costs_the_same_queries_at_any_size(
    client, admin_user, trust, size, django_assert_max_num_queries
):
    _changes(trust, size)
    client.force_login(admin_user)
    client.get(reverse("audit-trail"))  # warm the session and the user's roles
    with django_assert_max_num_queries(16):
        response = client.get(reverse("audit-trail"), {"page": 2 if size > 10 else 1})
    assert response.status_code == 200
